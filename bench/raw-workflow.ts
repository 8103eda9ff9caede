/**
 * The ceiling's workflow: the least a Temporal workflow that takes updates can do. It answers each `touch`
 * update with the number of touches so far and waits for the next one. Bundled on its own (not with
 * `workflows/`) and run by a bare worker on its own task queue, so it measures Temporal, not the engine.
 */
import { condition, defineUpdate, setHandler } from '@temporalio/workflow';

/** The task queue of the raw workflows and their bare worker. */
export const RAW_TASK_QUEUE = 'bench-raw';

/** The trivial update: answers how many touches the workflow has had. */
export const touchUpdate = defineUpdate<number, [string]>('touch');

/** Waits for updates for ever (the benchmark's server is thrown away at the end). */
export async function rawWorkflow(): Promise<void> {
  let touches = 0;
  setHandler(touchUpdate, () => ++touches);
  await condition(() => false);
}
