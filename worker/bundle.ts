/**
 * Bundling the workflow code once, quietly: webpack's build report is noise in a terminal, so only its
 * warnings and errors are shown. `npm start` bundles while the embedded server starts; `npm run worker`
 * before it creates the worker.
 */
import { bundleWorkflowCode, type WorkflowBundleWithSourceMap } from '@temporalio/worker';
import path from 'node:path';
import { BUNDLE_CONVERTERS } from '../codec/data-converter';

/** Bundles `workflows/` for {@link createKeyTaskWorker}'s `workflowBundle`. Rejects on a build error. */
export function bundleKeyTaskWorkflows(): Promise<WorkflowBundleWithSourceMap> {
  const drop = (): void => undefined;
  return bundleWorkflowCode({
    workflowsPath: path.resolve(__dirname, '../workflows'),
    // The converters the worker uses: sealed payloads marked for the validators, failure messages encrypted.
    ...BUNDLE_CONVERTERS,
    logger: {
      log: drop,
      trace: drop,
      debug: drop,
      info: drop,
      warn: (message, meta) => console.warn(message, meta ?? ''),
      error: (message, meta) => console.error(message, meta ?? ''),
    },
  });
}
