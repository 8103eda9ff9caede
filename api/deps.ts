/**
 * What the API is built from. `app.ts` takes these and never reads the environment itself, so tests build
 * the app against a real test server with their own plan and tokens.
 */
import type { Client } from '@temporalio/client';
import type { PlanFile } from '../contracts';
import type { TokenRecord } from './auth/tokens';
import type { TaskListCache, TaskListCacheOptions } from './task-list-cache';

/** The part of the configuration the API uses. */
export interface ApiConfig {
  TEMPORAL_NAMESPACE: string;
  temporalAddress: string;
  /** Base URL of the Temporal Web UI, for links; undefined when none is known. */
  temporalUiUrl?: string;
  /** Start date used by `POST /api/plan/start` without a body date; default: today in the plan's time zone. */
  PLAN_START_DATE?: string;
  /** Where the calendar feed tokens are kept (`DATA_DIR/calendar-feeds/`); unset: in this process only. */
  DATA_DIR?: string;
  /** The dashboard's address as users reach it (`PUBLIC_URL`), for feed URLs and links; default: the request's. */
  publicUrl?: string;
}

/** Everything {@link createApp} needs. */
export interface AppDeps {
  temporalClient: Client;
  config: ApiConfig;
  plan: PlanFile;
  tokens: readonly TokenRecord[];
  /** Largest accepted JSON body (default `64kb`); larger bodies are refused with 413. */
  bodyLimit?: string;
  /** How long one request may wait for Temporal before answering 503 (default 15 s). */
  temporalTimeoutMs?: number;
  /** Task queue new workflows are started on (default the project's). */
  taskQueue?: string;
  /** Where unexpected errors are logged (default `console.error`). */
  logError?: (message: string, err: unknown) => void;
  /** Clock for the default plan start date (tests). */
  now?: () => number;
  /** How often the task list polls for changed rows and reloads in full (api/task-list-cache.ts defaults). */
  taskListTiming?: Pick<TaskListCacheOptions, 'pollMs' | 'reloadMs' | 'overlapMs'>;
}

/** The dependencies with what {@link createApp} builds from them once, shared by the routes. */
export interface AppContext extends AppDeps {
  /** The plan's task list, held in memory and kept current from visibility (`task-list-cache.ts`). */
  taskList: TaskListCache;
}
