/**
 * Bundling the workflow code once, quietly: webpack's build report is noise in a terminal, so only its
 * warnings and errors are shown. `npm start` bundles while the embedded server starts; `npm run worker`
 * before it creates the worker.
 */
import { bundleWorkflowCode, type WorkflowBundleWithSourceMap } from '@temporalio/worker';
import path from 'node:path';
import { BUNDLE_CONVERTERS } from '../codec/data-converter';

/** Where the workflow code starts: `workflows/index.ts`, which exports every workflow type. */
const WORKFLOWS_PATH = path.resolve(__dirname, '../workflows');

/**
 * What every bundle of the project's workflows is built with (the worker's, the tests' and the replays'):
 * the workflows, the converters the worker uses (sealed payloads marked for the validators, failure messages
 * encrypted) and the workflow modules preloaded.
 *
 * Why preloaded: in the SDK's reusable V8 context each workflow gets its own copy of every module it loads
 * (its own module cache), unless the module was loaded before any workflow ran; then all workflows share it.
 * The project's workflow modules hold no state of their own at module scope (a task's state lives in its
 * workflow function's variables; `workflows/`, `contracts/shared` and `domain/calendar` are functions and
 * constants), so one copy serves every cached workflow: a cached task then holds its state, not a copy of
 * the code's closures and tables. Sharing changes no command, so histories replay as before.
 */
export const WORKFLOW_BUNDLE_OPTIONS = {
  workflowsPath: WORKFLOWS_PATH,
  ...BUNDLE_CONVERTERS,
  preloadModules: [WORKFLOWS_PATH],
} as const;

/** Bundles `workflows/` for {@link createKeyTaskWorker}'s `workflowBundle`. Rejects on a build error. */
export function bundleKeyTaskWorkflows(): Promise<WorkflowBundleWithSourceMap> {
  const drop = (): void => undefined;
  return bundleWorkflowCode({
    ...WORKFLOW_BUNDLE_OPTIONS,
    preloadModules: [...WORKFLOW_BUNDLE_OPTIONS.preloadModules],
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
