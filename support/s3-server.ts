/**
 * A real local S3-compatible server for tests: moto's `moto_server` (installed into `.tools/venv` by
 * `scripts/install-s3-server.ts` when missing) on a free loopback port, in its own process group, with its
 * state in memory. Stop it in `afterAll`.
 */
import { ensureS3Server } from '../scripts/install-s3-server';
import { spawnProcess } from './os-process';
import { freePorts } from './ports';
import { giveUp, waitFor } from './wait-for';

/** A running S3 server: its URL (`http://127.0.0.1:<port>`), any access key works. */
export interface S3Server {
  url: string;
  stop(): Promise<void>;
}

/** Installs (when needed) and starts moto's S3 server, resolving once it answers requests. */
export async function startS3Server(): Promise<S3Server> {
  const bin = ensureS3Server();
  const [port] = await freePorts(1);
  const url = `http://127.0.0.1:${port}`;
  const server = spawnProcess(bin, ['-H', '127.0.0.1', '-p', String(port)], { label: 'moto_server' });
  try {
    await waitFor(
      'moto_server to answer',
      async () => {
        if (!server.running()) giveUp(`moto_server exited:\n${server.output()}`);
        const res = await fetch(`${url}/`);
        return res.ok ? true : undefined;
      },
      30_000,
    );
  } catch (err) {
    await server.kill();
    throw err;
  }
  return { url, stop: () => server.kill() };
}
