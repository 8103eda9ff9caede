/**
 * A real key-task worker on its own fresh task queue of a test's Temporal server, running until stopped, for
 * suites that share one worker among their tests (the API harness). Tests that scope a worker to one test
 * use `createKeyTaskWorker(...).runUntil(...)` directly.
 */
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { WorkflowBundleWithSourceMap } from '@temporalio/worker';
import { randomUUID } from 'node:crypto';
import type { ActivityDeps } from '../activities';
import { createKeyTaskWorker } from '../worker/create-worker';

/** A running worker and the task queue it polls. */
export interface RunningWorker {
  taskQueue: string;
  /** Shuts the worker down and resolves once it has drained. */
  stop(): Promise<void>;
}

/**
 * Starts a key-task worker on `env` with the bundled workflows and `deps`, on a task queue named
 * `<prefix>-<uuid>`.
 * @throws what `createKeyTaskWorker` throws (the caller still owns `env` and tears it down).
 */
export async function startKeyTaskWorker(
  env: TestWorkflowEnvironment,
  workflowBundle: WorkflowBundleWithSourceMap,
  deps: ActivityDeps,
  prefix = 'test',
): Promise<RunningWorker> {
  const taskQueue = `${prefix}-${randomUUID()}`;
  const worker = await createKeyTaskWorker({
    connection: env.nativeConnection,
    namespace: env.namespace ?? 'default',
    taskQueue,
    workflowBundle,
    deps,
    identity: `${prefix}-worker@${process.pid}`,
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
