/**
 * The project's workflow code bundled by the SDK's own webpack, once per suite, for workers and replays, with
 * the worker's bundle options (worker/bundle.ts).
 */
import { bundleWorkflowCode, type WorkflowBundleWithSourceMap } from '@temporalio/worker';
import { WORKFLOW_BUNDLE_OPTIONS } from '../worker/bundle';

/** Bundles the project's workflow code once (call it in `beforeAll`). */
export function bundleWorkflows(): Promise<WorkflowBundleWithSourceMap> {
  return bundleWorkflowCode({
    ...WORKFLOW_BUNDLE_OPTIONS,
    preloadModules: [...WORKFLOW_BUNDLE_OPTIONS.preloadModules],
    logger: quietLogger,
  });
}

const quietLogger = {
  log: () => undefined,
  trace: () => undefined,
  debug: () => undefined,
  info: () => undefined,
  warn: () => undefined,
  error: (message: string, meta?: Record<string, unknown>) => console.error(message, meta),
};
