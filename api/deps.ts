/**
 * What the API is built from. `app.ts` takes these and never reads the environment itself, so tests build
 * the app against a real test server with their own plan and tokens.
 */
import type { Client } from '@temporalio/client';
import type { DestinationStream } from 'pino';
import type { ItemRecord, PlanFile } from '../contracts';
import type { TokenRecord, TokenSource } from './auth/tokens';
import path from 'node:path';
import { fileEvidenceStore, memoryEvidenceStore, s3EvidenceStore, type EvidenceStore } from './evidence';
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
  /**
   * Where evidence files are kept (`evidenceFromConfig`); default the folder `DATA_DIR/evidence/`, or this
   * process's memory when the config has no `DATA_DIR`.
   */
  evidence?: EvidenceStore;
  /** Largest evidence file `POST /api/files` takes, in bytes (default {@link DEFAULT_EVIDENCE_MAX_BYTES}). */
  evidenceMaxBytes?: number;
}

/** The default largest evidence file: 20 MiB. */
export const DEFAULT_EVIDENCE_MAX_BYTES = 20 * 1024 * 1024;

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
  /** The evidence store, as given or by default (see {@link AppDeps.evidence}). */
  evidence: EvidenceStore;
  evidenceMaxBytes: number;
}

/** The evidence store an app uses when its dependencies name none: `DATA_DIR/evidence/`, else memory. */
export function defaultEvidenceStore(config: Pick<ApiConfig, 'DATA_DIR'>): EvidenceStore {
  return config.DATA_DIR ? fileEvidenceStore(path.join(config.DATA_DIR, 'evidence')) : memoryEvidenceStore();
}

/** The configuration the evidence store is chosen from (`config/env.ts`, `EVIDENCE_*`). */
export interface EvidenceConfig {
  DATA_DIR: string;
  EVIDENCE_MAX_BYTES: number;
  EVIDENCE_S3_BUCKET?: string;
  EVIDENCE_S3_URL?: string;
  EVIDENCE_S3_REGION?: string;
  EVIDENCE_S3_PREFIX?: string;
  EVIDENCE_S3_ACCESS_KEY_ID?: string;
  EVIDENCE_S3_SECRET_ACCESS_KEY?: string;
  EVIDENCE_S3_FORCE_PATH_STYLE?: boolean;
}

/**
 * The evidence store and size limit of an API process started from the configuration (`npm run api`,
 * `npm start`): the bucket `EVIDENCE_S3_BUCKET` when set (objects `EVIDENCE_S3_PREFIX<hash>`, default prefix
 * `evidence/`), else the folder `DATA_DIR/evidence/`. Builds no connection yet: a bucket that cannot be
 * reached fails the uploads and downloads (503), not the start.
 */
export function evidenceFromConfig(config: EvidenceConfig): Required<Pick<AppDeps, 'evidence' | 'evidenceMaxBytes'>> {
  const evidence = config.EVIDENCE_S3_BUCKET
    ? s3EvidenceStore({
        bucket: config.EVIDENCE_S3_BUCKET,
        prefix: config.EVIDENCE_S3_PREFIX ?? 'evidence/',
        endpoint: config.EVIDENCE_S3_URL,
        region: config.EVIDENCE_S3_REGION,
        forcePathStyle: config.EVIDENCE_S3_FORCE_PATH_STYLE,
        credentials:
          config.EVIDENCE_S3_ACCESS_KEY_ID && config.EVIDENCE_S3_SECRET_ACCESS_KEY
            ? {
                accessKeyId: config.EVIDENCE_S3_ACCESS_KEY_ID,
                secretAccessKey: config.EVIDENCE_S3_SECRET_ACCESS_KEY,
              }
            : undefined,
      })
    : fileEvidenceStore(path.join(config.DATA_DIR, 'evidence'));
  return { evidence, evidenceMaxBytes: config.EVIDENCE_MAX_BYTES };
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
