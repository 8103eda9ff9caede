/**
 * The project's workflow code bundled by the SDK's own webpack, once per suite, for workers and replays.
 */
import { bundleWorkflowCode, type WorkflowBundleWithSourceMap } from '@temporalio/worker';
import path from 'node:path';
import { BUNDLE_CONVERTERS } from '../codec/data-converter';

/** Bundles the project's workflow code once (call it in `beforeAll`). */
export function bundleWorkflows(): Promise<WorkflowBundleWithSourceMap> {
  return bundleWorkflowCode({
    workflowsPath: path.resolve(__dirname, '../workflows'),
    ...BUNDLE_CONVERTERS,
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
