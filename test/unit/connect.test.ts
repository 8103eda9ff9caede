/**
 * An unreachable Temporal: the worker keeps retrying with one line per attempt, and a caller with a
 * deadline gets one line that says what to fix. Real connection attempts to a port nobody listens on.
 */
import { createServer } from 'node:net';
import { loadConfig } from '../../config/env';
import { TemporalUnreachableError, connectWithRetry } from '../../worker/connect';

async function closedPort(): Promise<number> {
  return new Promise((resolve) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

describe('connectWithRetry', () => {
  it('retries with growing delays, then fails with one line naming the address and what to set', async () => {
    const address = `127.0.0.1:${await closedPort()}`;
    const lines: string[] = [];
    const failure = await connectWithRetry(loadConfig({ TEMPORAL_ADDRESS: address }), {
      timeoutMs: 1_500,
      initialDelayMs: 200,
      log: (l) => lines.push(l),
    }).catch((err: unknown) => err);
    expect(failure).toBeInstanceOf(TemporalUnreachableError);
    const message = (failure as Error).message;
    expect(message).toContain(address);
    expect(message).toContain('TEMPORAL_ADDRESS');
    expect(message).not.toContain('\n');
    expect(lines.length).toBeGreaterThanOrEqual(2);
    expect(lines[0]).toMatch(/attempt 1: .*retrying in 0\.2 s/);
    expect(lines[1]).toMatch(/attempt 2: .*retrying in 0\.4 s/);
  });

  it('stops waiting when aborted, without an error', async () => {
    const address = `127.0.0.1:${await closedPort()}`;
    const stop = new AbortController();
    setTimeout(() => stop.abort(), 300);
    const started = Date.now();
    await expect(
      connectWithRetry(loadConfig({ TEMPORAL_ADDRESS: address }), { signal: stop.signal }),
    ).resolves.toBeUndefined();
    expect(Date.now() - started).toBeLessThan(5_000);
  });
});
