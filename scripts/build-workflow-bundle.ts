/**
 * `npm run build:workflows`: bundles the workflow code once, to a file (default `dist/workflow-bundle.js`, or
 * the path given as argument), so that a worker started with `WORKFLOW_BUNDLE_PATH` pointing at it loads it
 * instead of running webpack at every start (as the production image does).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { PROJECT_ROOT } from '../embedded/binaries';
import { bundleKeyTaskWorkflows } from '../worker/bundle';

/** Bundles the workflows to `file` (made absolute from the project folder) and resolves with its path. */
export async function buildWorkflowBundle(file = 'dist/workflow-bundle.js'): Promise<string> {
  const out = path.resolve(PROJECT_ROOT, file);
  const { code } = await bundleKeyTaskWorkflows();
  mkdirSync(path.dirname(out), { recursive: true });
  writeFileSync(out, code);
  return out;
}

if (require.main === module) {
  buildWorkflowBundle(process.argv[2]).then(
    (out) => console.log(`[bundle] workflow bundle written to ${out}`),
    (err: unknown) => {
      console.error(`[bundle] cannot bundle the workflows: ${(err as Error).message}`);
      process.exit(1);
    },
  );
}
