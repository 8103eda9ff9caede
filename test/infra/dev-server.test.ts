/**
 * The embedded Temporal server on its own: a database created before a search attribute existed gets it on
 * the next start, the namespace keeps closed workflows for more than a year, stopping leaves no process,
 * and a port in use is one line that says which variable to change.
 */
import { Connection } from '@temporalio/client';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { ALL_SEARCH_ATTRIBUTES } from '../../contracts';
import { temporalCliPath } from '../../embedded/binaries';
import {
  DevServerStartError,
  startDevServer,
  type DevServer,
  type SearchAttributeSpec,
} from '../../embedded/dev-server';
import { isAlive } from '../../support/os-process';
import { freePorts } from '../../support/ports';

const dataDir = mkdtempSync(path.join(os.tmpdir(), 'duban-dev-server-'));
const running: DevServer[] = [];
afterAll(async () => {
  await Promise.all(running.map((s) => s.stop()));
  rmSync(dataDir, { recursive: true, force: true });
});

async function listen(): Promise<Server> {
  return new Promise((resolve) => {
    // Whoever holds the port hangs up on every caller, as a foreign service would not speak gRPC.
    const server = createServer((socket) => socket.destroy()).listen(0, '127.0.0.1', () => resolve(server));
  });
}

async function start(searchAttributes: readonly SearchAttributeSpec[] = ALL_SEARCH_ATTRIBUTES) {
  const [port, uiPort] = (await freePorts(2)) as [number, number];
  const server = await startDevServer({
    cliPath: temporalCliPath(),
    dataDir,
    namespace: 'duban',
    port,
    uiPort,
    searchAttributes,
  });
  running.push(server);
  return server;
}

describe('the embedded Temporal server', () => {
  it('adds search attributes missing from an existing database, with a retention over a year', async () => {
    const first = await start(ALL_SEARCH_ATTRIBUTES.slice(0, 2));
    await first.stop();
    expect(isAlive(first.pid)).toBe(false);

    const second = await start();
    const connection = await Connection.connect({ address: second.address });
    try {
      const { customAttributes } = await connection.operatorService.listSearchAttributes({ namespace: 'duban' });
      expect(Object.keys(customAttributes ?? {}).sort()).toEqual(
        expect.arrayContaining(ALL_SEARCH_ATTRIBUTES.map((k) => k.name).sort()),
      );
      const ns = await connection.workflowService.describeNamespace({ namespace: 'duban' });
      expect(Number(ns.config?.workflowExecutionRetentionTtl?.seconds)).toBeGreaterThanOrEqual(365 * 24 * 3600);
    } finally {
      await connection.close();
    }
    await second.stop();
    expect(isAlive(second.pid)).toBe(false);
  });

  it('reports a port in use in one line naming the variables, and leaves no process', async () => {
    const blocker = await listen();
    const { port } = blocker.address() as { port: number };
    try {
      const failure = await startDevServer({
        cliPath: temporalCliPath(),
        dataDir: path.join(dataDir, 'busy'),
        namespace: 'duban',
        port,
        uiPort: (await freePorts(1))[0]!,
      }).catch((err: unknown) => err);
      expect(failure).toBeInstanceOf(DevServerStartError);
      const message = (failure as Error).message;
      expect(message).toContain('TEMPORAL_PORT');
      expect(message).toContain('address already in use');
      expect(message).not.toContain('\n');
      const processes = spawnSync('ps', ['-eo', 'args='], { encoding: 'utf8' }).stdout;
      expect(processes).not.toContain(path.join(dataDir, 'busy'));
    } finally {
      await new Promise((r) => blocker.close(r));
    }
  });
});
