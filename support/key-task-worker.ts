/**
 * A real key-task worker on a test's Temporal server, running until stopped, for suites that share one
 * worker among their tests (the API harness, the workflow suites). A worker scoped to one test can use
 * `createKeyTaskWorker(...).runUntil(...)` directly.
 */
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { WorkflowBundleWithSourceMap } from '@temporalio/worker';
import { randomUUID } from 'node:crypto';
import type { ActivityDeps } from '../activities';
import { createKeyTaskWorker, type KeyTaskWorkerOptions } from '../worker/create-worker';
import { TEST_KEYRING } from './sealed-client';

/** A running worker and the task queue it polls. */
export interface RunningWorker {
  taskQueue: string;
  /** Shuts the worker down and resolves once it has drained. */
  stop(): Promise<void>;
}

/** What {@link startKeyTaskWorker} needs besides the server and the bundle. */
export interface TestWorkerOptions extends Partial<Pick<KeyTaskWorkerOptions, 'maxCachedWorkflows' | 'keyring'>> {
  deps: ActivityDeps;
  /** The task queue; default `<prefix>-<uuid>`, fresh for each worker. */
  taskQueue?: string;
  /** Prefix of the default task queue and of the identity (default `test`). */
  prefix?: string;
}

/**
 * Starts a key-task worker on `env` with the bundled workflows.
 * @throws what `createKeyTaskWorker` throws (the caller still owns `env` and tears it down).
 */
export async function startKeyTaskWorker(
  env: TestWorkflowEnvironment,
  workflowBundle: WorkflowBundleWithSourceMap,
  options: TestWorkerOptions,
): Promise<RunningWorker> {
  const prefix = options.prefix ?? 'test';
  const taskQueue = options.taskQueue ?? `${prefix}-${randomUUID()}`;
  const worker = await createKeyTaskWorker({
    connection: env.nativeConnection,
    namespace: env.namespace ?? 'default',
    taskQueue,
    workflowBundle,
    keyring: options.keyring ?? TEST_KEYRING,
    deps: options.deps,
    identity: `${prefix}-worker@${process.pid}`,
    ...(options.maxCachedWorkflows !== undefined ? { maxCachedWorkflows: options.maxCachedWorkflows } : {}),
  });
  const running = worker.run();
  return {
    taskQueue,
    async stop() {
      worker.shutdown();
      await running;
    },
  };
}
