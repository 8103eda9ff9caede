/**
 * Activities run on their own, in `MockActivityEnvironment` (no worker, no server), for the activity
 * suites: an activity context on a chosen attempt, and the failure an activity must end with.
 */
import { ApplicationFailure } from '@temporalio/common';
import { MockActivityEnvironment } from '@temporalio/testing';
import { DefaultLogger } from '@temporalio/worker';

/** An activity context on attempt `attempt`; failures are the test's to show, not the SDK's log's. */
export function mockActivityEnv(attempt = 1): MockActivityEnvironment {
  return new MockActivityEnvironment({ attempt }, { logger: new DefaultLogger('ERROR') });
}

/**
 * Runs an activity that must fail and answers its failure.
 * @throws Error when it succeeded or failed with something other than an ApplicationFailure.
 */
export async function failureOf(run: Promise<unknown>): Promise<ApplicationFailure> {
  const outcome = await run.then(
    (value: unknown) => ({ value }),
    (err: unknown) => ({ err }),
  );
  if (!('err' in outcome))
    throw new Error(`expected the activity to fail; it answered ${JSON.stringify(outcome.value)}`);
  if (!(outcome.err instanceof ApplicationFailure))
    throw new Error(`expected an ApplicationFailure, got ${String(outcome.err)}`);
  return outcome.err;
}
