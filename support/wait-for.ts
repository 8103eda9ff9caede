/**
 * Polling until something holds: Temporal visibility, a process that says it runs, a port that answers, a
 * delivery that arrives. The one poller of tests and the benchmark.
 */

/** Thrown by a probe to stop {@link waitFor} at once (e.g. the process it waits for has exited). */
export class GiveUpError extends Error {
  override readonly name = 'GiveUpError';
}

/** Stops {@link waitFor} at once with `message` instead of polling on until the timeout. */
export function giveUp(message: string): never {
  throw new GiveUpError(message);
}

/**
 * Polls `probe` every `intervalMs` until it answers a value (not undefined) or `timeoutMs` passes. A probe
 * that throws is polled again, except with a {@link GiveUpError}, which ends the wait at once.
 * @throws an error naming `what` and the probe's last error on timeout (the last error as its `cause`).
 */
export async function waitFor<T>(
  what: string,
  probe: () => Promise<T | undefined>,
  timeoutMs: number,
  intervalMs = 250,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const value = await probe();
      if (value !== undefined) return value;
    } catch (err) {
      if (err instanceof GiveUpError) throw err;
      last = err;
    }
    if (Date.now() > deadline) {
      const reason = last instanceof Error ? last.message : last === undefined ? '' : String(last);
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${reason ? `: ${reason}` : ''}`, {
        cause: last,
      });
    }
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}

/**
 * Retries `check` (typically a function of `expect`s) until it stops throwing, up to `timeoutMs`, and answers
 * what it returned; {@link waitFor} with "it did not throw" as the condition.
 * @throws the timeout error of {@link waitFor}, carrying the last failed expectation's message.
 */
export async function eventually<T>(check: () => Promise<T>, timeoutMs = 15_000): Promise<T> {
  const held = await waitFor('a check to pass', async () => ({ value: await check() }), timeoutMs, 200);
  return held.value;
}
