/**
 * Measuring helpers of the benchmark: a pool of concurrent clients that times every call, percentiles, and
 * timed JSON requests to the API.
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

/** The `p`-th percentile (0–100) of `values` by nearest rank; NaN for none. */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1]!;
}

/** Rounds to `digits` decimals for the report. */
export function round(value: number, digits = 1): number {
  const f = 10 ** digits;
  return Math.round(value * f) / f;
}

/** An answer of {@link apiRequest}. */
export interface ApiAnswer {
  status: number;
  body: unknown;
}

/** Sends a JSON request to the API with a bearer token and reads the whole answer. */
export async function apiRequest(
  baseUrl: string,
  method: string,
  path: string,
  token: string,
  body?: unknown,
  headers: Record<string, string> = {},
): Promise<ApiAnswer> {
  const res = await fetch(`${baseUrl}${path}`, {
    method,
    headers: {
      Authorization: `Bearer ${token}`,
      ...(body === undefined ? {} : { 'Content-Type': 'application/json' }),
      ...headers,
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await res.text();
  let parsed: unknown = text;
  try {
    parsed = text ? JSON.parse(text) : undefined;
  } catch {
    // not JSON: keep the text
  }
  return { status: res.status, body: parsed };
}
