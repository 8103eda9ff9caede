/**
 * Limiting concurrency: a pool of clients that each take the next item when done, timing every call. The one
 * pool of tests and the benchmark.
 */

/** The outcome of running calls through {@link runPool}: wall time and each call's latency and result. */
export interface PoolRun<R> {
  elapsedMs: number;
  latenciesMs: number[];
  results: R[];
}

/**
 * Runs `call` for every item with at most `concurrency` calls in flight (clients that each take the next
 * item when done), timing each call. A call that throws stops nothing: the error is its result.
 */
export async function runPool<T, R>(
  items: readonly T[],
  concurrency: number,
  call: (item: T, index: number) => Promise<R>,
): Promise<PoolRun<R | Error>> {
  const latenciesMs: number[] = new Array(items.length);
  const results: (R | Error)[] = new Array(items.length);
  let next = 0;
  const started = performance.now();
  const client = async (): Promise<void> => {
    for (let i = next++; i < items.length; i = next++) {
      const t0 = performance.now();
      try {
        results[i] = await call(items[i]!, i);
      } catch (err) {
        results[i] = err instanceof Error ? err : new Error(String(err));
      }
      latenciesMs[i] = performance.now() - t0;
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, items.length) }, client));
  return { elapsedMs: performance.now() - started, latenciesMs, results };
}
