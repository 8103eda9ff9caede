/**
 * Connecting the worker to Temporal patiently: a deployment may start the worker before the cluster answers,
 * so the connection is retried with exponential backoff, one log line per failed attempt, until it succeeds,
 * the deadline passes or the caller aborts (a signal during start-up).
 */
import type { NativeConnection } from '@temporalio/worker';
import type { Config } from '../config/env';
import { workerConnection } from './connection';

/** Thrown when Temporal did not answer before the deadline; the message says what to check. */
export class TemporalUnreachableError extends Error {
  constructor(address: string, namespace: string, reason: string) {
    super(
      `Temporal is not reachable at ${address} (namespace ${namespace}): ${reason} — start the server, or fix ` +
        'TEMPORAL_ADDRESS (unset it to let `npm start` run its own), TEMPORAL_TLS_* or TEMPORAL_API_KEY.',
    );
    this.name = 'TemporalUnreachableError';
  }
}

/** Options of {@link connectWithRetry}. */
export interface ConnectRetryOptions {
  /** Give up after this long (default: never). */
  timeoutMs?: number;
  /** Stops retrying; the promise then resolves `undefined`. */
  signal?: AbortSignal;
  /** Receives one line per failed attempt. */
  log?: (line: string) => void;
  /** First delay between attempts (default 500 ms); doubles up to `maxDelayMs` (default 15 s). */
  initialDelayMs?: number;
  maxDelayMs?: number;
}

type ConnectSettings = Parameters<typeof workerConnection>[0] & Pick<Config, 'TEMPORAL_NAMESPACE'>;

/**
 * Opens a worker connection, retrying until Temporal answers. Resolves `undefined` when aborted.
 * @throws TemporalUnreachableError when `timeoutMs` passes without a connection.
 */
export async function connectWithRetry(
  config: ConnectSettings,
  options: ConnectRetryOptions = {},
): Promise<NativeConnection | undefined> {
  const deadline = options.timeoutMs === undefined ? Infinity : Date.now() + options.timeoutMs;
  let delay = options.initialDelayMs ?? 500;
  for (let attempt = 1; ; attempt++) {
    if (options.signal?.aborted) return undefined;
    try {
      return await workerConnection(config);
    } catch (err) {
      const reason = shortReason(err);
      if (Date.now() + delay > deadline) {
        throw new TemporalUnreachableError(config.temporalAddress, config.TEMPORAL_NAMESPACE, reason);
      }
      options.log?.(
        `Temporal not reachable at ${config.temporalAddress} (attempt ${attempt}: ${reason}); retrying in ` +
          `${Math.round(delay / 100) / 10} s`,
      );
      await sleep(delay, options.signal);
      delay = Math.min(delay * 2, options.maxDelayMs ?? 15_000);
    }
  }
}

/** The useful part of a connection error: the Rust transport errors nest the cause as `message: "…"`. */
function shortReason(err: unknown): string {
  const text = err instanceof Error ? err.message : String(err);
  const nested = /message: "([^"]+)"/.exec(text)?.[1];
  return (nested ?? text.split('\n')[0] ?? text).slice(0, 200);
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms);
    signal?.addEventListener('abort', done, { once: true });
    function done(): void {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    }
  });
}
