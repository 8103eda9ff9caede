/**
 * The production image runs what `npm run build` (tsc → `dist/`) and `npm run build:workflows` (the workflow
 * bundle, one file) produce, with plain `node` and no tsx or webpack at start. This builds both as the
 * Dockerfile's build stage does, then runs `node dist/worker/main.js` on the prebuilt bundle and
 * `node dist/api/main.js` against a dev server from a folder outside the project: the API answers
 * `/healthz` and serves the dashboard, the worker answers a task's query (so the bundle's workflows run),
 * the compose stack's health checks (`dist/scripts/healthcheck.js`) say healthy while both run and unhealthy
 * after, and both stop cleanly on SIGTERM.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { CONFIG_VARIABLES } from '../../config/env';
import { PROJECT_ROOT } from '../../embedded/binaries';
import { readDemoTokens } from '../../support/demo-tokens';
import { spawnProcess, type OsProcess } from '../../support/os-process';
import { freePorts } from '../../support/ports';
import { createLocalEnv } from '../../support/temporal-env';
import { giveUp, waitFor } from '../../support/wait-for';

jest.setTimeout(300_000);

let env: TestWorkflowEnvironment;
let dir: string;
let bundleFile: string;
let baseEnv: NodeJS.ProcessEnv;
const started: OsProcess[] = [];

/** `npm run <script> -- args` from the project root; throws with its output when it fails. */
function npmRun(script: string, ...args: string[]): void {
  execFileSync('npm', ['run', '--silent', script, ...(args.length ? ['--', ...args] : [])], {
    cwd: PROJECT_ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
    encoding: 'utf8',
  });
}

/** `node dist/<entry>` with `extra` over the base environment, from a folder outside the project. */
function runBuilt(entry: string, extra: NodeJS.ProcessEnv): OsProcess {
  const proc = spawnProcess(process.execPath, [path.join(PROJECT_ROOT, 'dist', entry)], {
    env: { ...baseEnv, ...extra },
    replaceEnv: true,
    cwd: dir,
    label: entry,
  });
  started.push(proc);
  return proc;
}

beforeAll(async () => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'duban-built-'));
  bundleFile = path.join(dir, 'workflow-bundle.js');
  const [server] = await Promise.all([
    createLocalEnv(),
    Promise.resolve().then(() => {
      npmRun('build');
      npmRun('build:workflows', bundleFile);
    }),
  ]);
  env = server;
  baseEnv = {
    // The machine's environment without the project's variables, as a container would start.
    ...Object.fromEntries(
      Object.entries(process.env).filter(([k]) => !CONFIG_VARIABLES.includes(k) && !k.startsWith('TEMPORAL_')),
    ),
    NODE_ENV: 'test',
    TEMPORAL_ADDRESS: env.address,
    TEMPORAL_NAMESPACE: env.namespace ?? 'default',
    DATA_DIR: path.join(dir, 'data'),
    LOG_LEVEL: 'warn',
  };
});

afterAll(async () => {
  await Promise.all(started.map((p) => p.kill('SIGKILL')));
  await env?.teardown();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

test('node runs the built worker on the prebuilt bundle and the built API, and both stop on SIGTERM', async () => {
  expect(existsSync(path.join(PROJECT_ROOT, 'dist', 'worker', 'main.js'))).toBe(true);
  const [apiPort, metricsPort] = (await freePorts(2)) as [number, number];
  const worker = runBuilt('worker/main.js', {
    WORKFLOW_BUNDLE_PATH: bundleFile,
    WORKER_METRICS_PORT: String(metricsPort),
  });
  await waitFor(
    'the built worker to run',
    async () => {
      if (!worker.running()) giveUp(`the worker exited:\n${worker.output().slice(-3000)}`);
      return /worker running/.test(worker.output()) ? true : undefined;
    },
    120_000,
  );
  expect(worker.output()).toContain(`using the prebuilt workflow bundle ${bundleFile}`);

  const api = runBuilt('api/main.js', { PORT: String(apiPort) });
  const url = `http://127.0.0.1:${apiPort}`;
  await waitFor(
    'the built API to answer /healthz',
    async () => {
      if (!api.running()) giveUp(`the API exited:\n${api.output().slice(-3000)}`);
      const res = await fetch(`${url}/healthz`).catch(() => undefined);
      return res?.status === 200 ? true : undefined;
    },
    60_000,
  );
  // Paths resolve from dist/ to the project: the plan file, and the dashboard's pages.
  const page = await fetch(`${url}/`);
  expect(page.status).toBe(200);
  expect(await page.text()).toMatch(/<html/i);

  // The worker runs the bundle's workflows: a started task answers its state query.
  const tokens = readDemoTokens(baseEnv.DATA_DIR!);
  const auth = { Authorization: `Bearer ${tokens.admin}`, 'Content-Type': 'application/json' };
  const start = await fetch(`${url}/api/plan/start`, { method: 'POST', headers: auth, body: '{}' });
  expect(start.status).toBe(200);
  const task = await fetch(`${url}/api/tasks/1`, { headers: auth });
  expect(task.status).toBe(200);
  expect(await task.json()).toMatchObject({ taskNumber: 1, currentMilestone: 'work-plan' });

  // The compose stack's health checks, compiled: both healthy while running, unhealthy once stopped.
  const health = (role: string, extra: NodeJS.ProcessEnv) =>
    spawnSync(process.execPath, [path.join(PROJECT_ROOT, 'dist', 'scripts', 'healthcheck.js'), role], {
      env: { ...baseEnv, ...extra },
      cwd: dir,
      encoding: 'utf8',
    });
  const workerEnv = { WORKER_METRICS_PORT: String(metricsPort) };
  const apiEnv = { PORT: String(apiPort) };
  expect(health('worker', workerEnv).status).toBe(0);
  expect(health('api', apiEnv).status).toBe(0);

  api.signal('SIGTERM');
  worker.signal('SIGTERM');
  expect(await api.exited).toBe(0);
  expect(await worker.exited).toBe(0);
  const down = health('worker', workerEnv);
  expect(down.status).toBe(1);
  expect(down.stderr).toContain('[health] worker unhealthy');
  expect(health('api', apiEnv).status).toBe(1);
});
