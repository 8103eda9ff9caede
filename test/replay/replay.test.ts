/**
 * Replays the saved histories of real runs against the current workflow code. A change that would make
 * running executions non-deterministic fails here; guard such a change with `patched()`.
 */
import { temporal } from '@temporalio/proto';
import { Worker, type WorkflowBundleWithSourceMap } from '@temporalio/worker';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { bundleWorkflows } from '../../support/workflow-bundle';

const dir = path.resolve(__dirname, '../fixtures/histories');
const files = readdirSync(dir).filter((f) => f.endsWith('.binpb'));
let bundle: WorkflowBundleWithSourceMap;

beforeAll(async () => {
  bundle = await bundleWorkflows();
}, 120_000);

test('the workflow bundle carries no zod, which every cached workflow would otherwise hold in memory', () => {
  expect(bundle.code).not.toMatch(/node_modules\/zod/);
  expect(bundle.code).toContain('keyTaskWorkflow');
});

test('there are saved histories to replay, of every generation, the notification workflow among them', () => {
  expect(files.sort()).toEqual([
    'backdated-3.binpb',
    'backdated-4.binpb',
    'notification-2.binpb',
    'notification-3.binpb',
    'notification-4.binpb',
    'timeline-2.binpb',
    'timeline-3.binpb',
    'timeline-4.binpb',
    'timeline.binpb',
    'updates-2.binpb',
    'updates-3.binpb',
    'updates-4.binpb',
    'updates.binpb',
  ]);
});

test.each(files)('the history %s replays on the current workflow code', async (file) => {
  const history = temporal.api.history.v1.History.decode(readFileSync(path.join(dir, file)));
  expect(history.events?.length).toBeGreaterThan(10);
  // The workflow id is part of what is replayed (notification ids derive from it): record.ts names it so.
  await Worker.runReplayHistory({ workflowBundle: bundle }, history, `replay-${path.basename(file, '.binpb')}`);
});
