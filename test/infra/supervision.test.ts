/**
 * `npm start` under a supervisor that signals or kills `npm` alone (as `timeout`, process managers and IDEs
 * do): nothing may be left behind. And a start whose process was SIGKILLed leaves its embedded server
 * running; the next start on the same data and ports must stop it, say so in one line, and come up.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { CONFIG_VARIABLES } from '../../config/env';
import { PROJECT_ROOT } from '../../embedded/binaries';
import { isAlive } from '../../support/os-process';
import { freePorts } from '../../support/ports';
import { waitFor } from '../../support/wait-for';

jest.setTimeout(300_000);

let dataDir: string;
let env: NodeJS.ProcessEnv;
let apiPort: number;
const spawned: ChildProcess[] = [];

beforeAll(async () => {
  dataDir = mkdtempSync(path.join(os.tmpdir(), 'duban-supervision-'));
  const [port, temporalPort, uiPort] = (await freePorts(3)) as [number, number, number];
  apiPort = port;
  env = {
    ...Object.fromEntries(
      Object.entries(process.env).filter(([k]) => !CONFIG_VARIABLES.includes(k) && !k.startsWith('TEMPORAL_')),
    ),
    DATA_DIR: dataDir,
    PORT: String(apiPort),
    TEMPORAL_PORT: String(temporalPort),
    TEMPORAL_UI_PORT: String(uiPort),
    AUTO_START_PLAN: 'false',
    LOG_LEVEL: 'warn',
  };
});

afterAll(() => {
  for (const c of spawned) {
    try {
      if (c.pid) process.kill(c.pid, 'SIGKILL');
    } catch {
      // gone
    }
  }
  rmSync(dataDir, { recursive: true, force: true });
});

/** Every process below `pid`. */
function descendants(pid: number): number[] {
  const rows = spawnSync('ps', ['-eo', 'pid=,ppid='], { encoding: 'utf8' })
    .stdout.split('\n')
    .map((l) => l.trim().split(/\s+/).map(Number))
    .filter((r) => r.length === 2);
  const out: number[] = [];
  const visit = (p: number): void => {
    for (const [child, parent] of rows) {
      if (parent !== p) continue;
      out.push(child!);
      visit(child!);
    }
  };
  visit(pid);
  return out;
}

/** `npm start`, its output, and once it answers /healthz 200, every process below it. */
async function npmStart(): Promise<{ npm: ChildProcess; output: () => string; tree: number[] }> {
  const npm = spawn('npm', ['start'], { cwd: PROJECT_ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
  spawned.push(npm);
  let output = '';
  npm.stdout!.on('data', (d: Buffer) => (output += d.toString()));
  npm.stderr!.on('data', (d: Buffer) => (output += d.toString()));
  await waitFor(
    'npm start to answer /healthz 200',
    async () => {
      if (npm.exitCode !== null) throw new Error(`npm start exited ${npm.exitCode}:\n${output}`);
      const res = await fetch(`http://127.0.0.1:${apiPort}/healthz`);
      await res.arrayBuffer();
      return res.status === 200 ? true : undefined;
    },
    180_000,
  );
  return { npm, output: () => output, tree: descendants(npm.pid!) };
}

test.each(['SIGTERM', 'SIGKILL'] as const)('%s to the npm process alone leaves no process behind', async (signal) => {
  const { npm, output, tree } = await npmStart();
  // npm, sh, the tsx CLI, node running scripts/start.ts and the Temporal dev server at least.
  expect(tree.length).toBeGreaterThanOrEqual(3);
  process.kill(npm.pid!, signal);
  await waitFor(
    'every process of npm start to exit',
    async () => (tree.every((p) => !isAlive(p)) ? true : undefined),
    90_000,
    500,
  ).catch((err: Error) => {
    throw new Error(`${err.message}\n${output()}`);
  });
});

test('a start after a SIGKILLed one stops the embedded server it left, says so, and comes up on the same ports and data', async () => {
  const first = await npmStart();
  // SIGKILL every process of the start but the Temporal server, which is in a process group of its own.
  const server = first.tree.find((p) =>
    /server start-dev/.test(spawnSync('ps', ['-o', 'args=', '-p', String(p)], { encoding: 'utf8' }).stdout),
  );
  expect(server).toBeDefined();
  for (const p of [first.npm.pid!, ...first.tree.filter((p) => p !== server)]) process.kill(p, 'SIGKILL');
  await new Promise((r) => setTimeout(r, 1_000));
  expect(isAlive(server!)).toBe(true);

  const second = await npmStart();
  expect(second.output()).toMatch(/previous start left running \(pid \d+\): stopping it/);
  expect(isAlive(server!)).toBe(false);
  process.kill(second.npm.pid!, 'SIGTERM');
  await waitFor(
    'the second start to stop',
    async () => (second.tree.every((p) => !isAlive(p)) ? true : undefined),
    90_000,
  );
});
