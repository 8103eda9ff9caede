/**
 * Waiting for what is eventually true: Temporal visibility, a process that exits, a port that closes.
 */

/** Retries `check` until it stops throwing, up to `timeoutMs`; then throws its last error. */
export async function eventually<T>(check: () => Promise<T>, timeoutMs = 15_000): Promise<T> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await check();
    } catch (err) {
      if (Date.now() > until) throw err;
      await new Promise((r) => setTimeout(r, 200));
    }
  }
}
