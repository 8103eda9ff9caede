/**
 * Builds the key-task worker: the workflows of `workflows/` and the activities of `activities/`, on the
 * project's task queue. Used by `npm run worker`, by `npm start`, and by the tests (which pass a workflow
 * bundle made once per suite and a recording notification channel).
 */
import { Worker, type NativeConnection, type WorkflowBundleWithSourceMap } from '@temporalio/worker';
import path from 'node:path';
import { dataConverter } from '../codec/data-converter';
import { TASK_QUEUE, type Keyring } from '../contracts';
import { createActivities, type ActivityDeps } from '../activities';

/** Options of {@link createKeyTaskWorker}. */
export interface KeyTaskWorkerOptions {
  connection: NativeConnection;
  namespace: string;
  /** Defaults to the project's task queue. */
  taskQueue?: string;
  /** A pre-built bundle (tests bundle once per suite); without it the workflows are bundled now. */
  workflowBundle?: WorkflowBundleWithSourceMap;
  /** The payload keys: every payload is encrypted with the active one (see codec/). */
  keyring: Keyring;
  /** The activities' outside world. */
  deps: ActivityDeps;
  /** Identity shown in the Temporal Web UI. */
  identity?: string;
  /** Workflows kept in memory between turns; 0 replays every turn from history (and uses no sticky queue). */
  maxCachedWorkflows?: number;
}

/** Creates (but does not run) a worker for the key-task workflows. Rejects when Temporal is unreachable. */
export function createKeyTaskWorker(options: KeyTaskWorkerOptions): Promise<Worker> {
  return Worker.create({
    connection: options.connection,
    namespace: options.namespace,
    // The bundle must be built with the same payload converter (worker/bundle.ts, support/workflow-bundle.ts).
    dataConverter: dataConverter(options.keyring),
    taskQueue: options.taskQueue ?? TASK_QUEUE,
    ...(options.workflowBundle
      ? { workflowBundle: options.workflowBundle }
      : { workflowsPath: path.resolve(__dirname, '../workflows') }),
    activities: createActivities(options.deps),
    ...(options.identity ? { identity: options.identity } : {}),
    ...(options.maxCachedWorkflows !== undefined ? { maxCachedWorkflows: options.maxCachedWorkflows } : {}),
  });
}
