/**
 * What the API is built from. `app.ts` takes these and never reads the environment itself, so tests build
 * the app against a real test server with their own plan and tokens.
 */
import type { Client } from '@temporalio/client';
import type { DestinationStream } from 'pino';
import type { ItemRecord, PlanFile } from '../contracts';
import type { TokenRecord, TokenSource } from './auth/tokens';
import path from 'node:path';
import { createIdempotencyStore, type IdempotencyStore } from './idempotency';
import type { RateLimits } from './middleware/rate-limit';
import type { PlanRegistry } from './plans';
import type { TaskListCache, TaskListCacheOptions } from './task-list-cache';
import type { PlanStartJobs } from './plan-start-jobs';

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
  /** The tokens: fixed records, or a source read again when its file changes (`watchTokensFile`). */
  tokens: readonly TokenRecord[] | TokenSource;
  /** Rate limits (default `DEFAULT_RATE_LIMITS`; 0 turns one off). */
  rateLimits?: Partial<RateLimits>;
  /** Where the audit log goes: a file path, `stdout`, `stderr` or a stream; default none (no audit log). */
  audit?: string | DestinationStream;
  /** Bindings of idempotency keys to their first request (default: in memory only). */
  idempotency?: IdempotencyStore;
  /** Express's `trust proxy` (which `X-Forwarded-For` hops to believe for the client's address); default none. */
  trustProxy?: boolean | number | string;
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
  /**
   * The items beyond the plan (交办事项) by number: those this replica created and those its task list's loads
   * found (from each item's memo), so that every route resolves them as it resolves the plan's tasks.
   */
  items: Map<number, ItemRecord>;
  /** Plan starts running in the background (`POST /api/plan/start-jobs`, `plan-start-jobs.ts`). */
  planStartJobs: PlanStartJobs;
  /** Every plan served side by side (`plans.ts`): `plan` and `taskList` above are the default one's. */
  plans: PlanRegistry;
}

/** The configuration the API's protections are built from (`config/env.ts`). */
export interface ProtectionConfig {
  DATA_DIR: string;
  RATE_LIMIT_WRITES_PER_MINUTE: number;
  RATE_LIMIT_AUTH_FAILURES: number;
  AUDIT_LOG_FILE: string;
}

/**
 * The rate limits, the audit log's destination and the idempotency store (bindings kept in
 * `DATA_DIR/idempotency-keys.jsonl`) of an API process started from the configuration (`npm run api`,
 * `npm start`).
 */
export function protectionsFromConfig(
  config: ProtectionConfig,
): Required<Pick<AppDeps, 'rateLimits' | 'audit' | 'idempotency'>> {
  return {
    rateLimits: {
      writesPerMinute: config.RATE_LIMIT_WRITES_PER_MINUTE,
      authFailuresPer15Min: config.RATE_LIMIT_AUTH_FAILURES,
    },
    audit: config.AUDIT_LOG_FILE,
    idempotency: createIdempotencyStore({ file: path.join(config.DATA_DIR, 'idempotency-keys.jsonl') }),
  };
}
