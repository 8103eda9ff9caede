/**
 * `npm start`: the whole engine in one command. Without `TEMPORAL_ADDRESS` it runs its own Temporal (the
 * embedded dev server, state in `DATA_DIR`); then the worker and the HTTP API in this process; then starts
 * the plan's key tasks that are not running yet (unless `AUTO_START_PLAN=false`), and prints where to look.
 *
 * Ctrl-C or SIGTERM (to this process, or to `npm` alone: it watches its launchers) closes the API, drains the worker, stops the embedded server and exits 0, leaving no
 * process behind. Anything that keeps it from starting (a bad configuration value, a missing Temporal
 * binary, a port in use, an unreachable Temporal) prints one line saying what to do and exits 1.
 */
import { DefaultLogger, Runtime, type Worker } from '@temporalio/worker';
import type { Server } from 'node:http';
import os from 'node:os';
import { loadConfig, type Config } from '../config/env';
import { temporalClient } from '../client/connection';
import { loadKeyring } from '../codec/keyring';
import { startPlan } from '../client/start-plan';
import { startProgressReporter } from '../client/start-progress';
import { localDate } from '../domain/calendar';
import { temporalCliPath } from '../embedded/binaries';
import { DEV_SERVER_DB_FILE, startDevServer, type DevServer } from '../embedded/dev-server';
import { removeServerPid, stopStaleServer, watchLaunchers, writeServerPid } from '../embedded/supervision';
import path from 'node:path';
import { loadPlanFile } from '../seeds/load-plan';
import { resolveTokensFile, watchTokensFile } from '../api/auth/tokens';
import { evidenceFromConfig, protectionsFromConfig } from '../api/deps';
import { closeApp, createApp } from '../api/app';
import { activityDepsFromConfig } from '../activities';
import { createKeyTaskWorker } from '../worker/create-worker';
import { bundleKeyTaskWorkflows } from '../worker/bundle';
import { connectWithRetry } from '../worker/connect';
import { runtimeLogLevel } from '../worker/log-level';
import { startupErrorMessage } from '../worker/startup-error';

/** Above this many tasks the automatic start prints its progress. */
const LARGE_PLAN_TASKS = 200;

/** How long a graceful stop may take before the process forces its way out. */
const SHUTDOWN_TIMEOUT_MS = 45_000;
/** How long to wait for a cluster given by `TEMPORAL_ADDRESS` before giving up. */
const EXTERNAL_CONNECT_TIMEOUT_MS = 30_000;

/** Undo steps of what has been started so far, run last-first on the way out. */
const cleanups: { name: string; run: () => Promise<void> }[] = [];
const stopping = new AbortController();
let devServer: DevServer | undefined;
let config: Config | undefined;

function log(line: string): void {
  console.log(`[start] ${line}`);
}

async function main(): Promise<void> {
  config = loadConfig();
  const c = config;
  const plan = loadPlanFile(c.PLAN_FILE);
  // Before anything is spawned, so that a missing binary is the one line the user sees.
  const cliPath = c.embedded ? temporalCliPath() : undefined;
  Runtime.install({ logger: new DefaultLogger(runtimeLogLevel(c.LOG_LEVEL)), shutdownSignals: [] });
  const activityDeps = activityDepsFromConfig(c, plan);
  const keyring = loadKeyring(c.payloadKeys, log);
  const tokens = watchTokensFile(
    resolveTokensFile(c, plan, (line) => console.log(line)),
    plan,
  );

  // Webpack bundles the workflows while the server starts: the two take about as long.
  const bundling = bundleKeyTaskWorkflows();
  bundling.catch(() => undefined);

  if (cliPath) {
    await stopStaleServer(c.DATA_DIR, path.join(c.DATA_DIR, DEV_SERVER_DB_FILE), log);
    log(`starting the embedded Temporal server on ${c.temporalAddress} (data in ${c.DATA_DIR}) …`);
    const server = await startDevServer({
      cliPath,
      dataDir: c.DATA_DIR,
      namespace: c.TEMPORAL_NAMESPACE,
      port: c.TEMPORAL_PORT,
      uiPort: c.TEMPORAL_UI_PORT,
      uiCodecEndpoint: `${c.publicUrl.replace(/\/+$/, '')}/api/codec`,
      logLevel: c.LOG_LEVEL === 'debug' ? 'info' : c.LOG_LEVEL === 'warn' ? 'warn' : 'error',
      onLog: (line, stream) => {
        if (stream === 'stderr' || c.LOG_LEVEL === 'debug') console.error(`[temporal] ${line}`);
      },
    });
    devServer = server;
    writeServerPid(c.DATA_DIR, server.pid);
    cleanups.push({
      name: 'Temporal server',
      run: async () => {
        await server.stop();
        removeServerPid(c.DATA_DIR);
      },
    });
    void server.exited.then((code) => {
      if (stopping.signal.aborted) return;
      console.error(`[start] the embedded Temporal server exited unexpectedly (${code}); stopping.`);
      process.exitCode = 1;
      stopping.abort();
    });
  }
  if (stopping.signal.aborted) return;

  const connection = await connectWithRetry(c, {
    signal: stopping.signal,
    timeoutMs: c.embedded ? 10_000 : EXTERNAL_CONNECT_TIMEOUT_MS,
    log: (line) => log(line),
  });
  if (!connection) return;
  cleanups.push({ name: 'worker connection', run: () => connection.close() });

  const worker = await createKeyTaskWorker({
    connection,
    namespace: c.TEMPORAL_NAMESPACE,
    workflowBundle: await bundling,
    keyring,
    deps: activityDeps,
    maxCachedWorkflows: c.WORKER_MAX_CACHED_WORKFLOWS,
    identity: `duban-start@${os.hostname()}:${process.pid}`,
  });
  const running = runWorker(worker);
  cleanups.push({
    name: 'worker',
    run: async () => {
      if (worker.getState() === 'RUNNING') worker.shutdown();
      await running;
    },
  });

  const client = temporalClient(c, keyring);
  cleanups.push({ name: 'client connection', run: () => client.connection.close() });
  const app = createApp({
    temporalClient: client,
    config: c,
    plan,
    tokens,
    ...protectionsFromConfig(c),
    ...evidenceFromConfig(c),
    taskListTiming: { pollMs: c.TASK_LIST_POLL_MS, reloadMs: c.TASK_LIST_RELOAD_MS },
  });
  const server = await listen(app, c.PORT);
  cleanups.push({ name: 'API', run: () => closeServer(server).finally(() => closeApp(app)) });
  if (stopping.signal.aborted) return;

  if (c.AUTO_START_PLAN) {
    const startDate = c.PLAN_START_DATE ?? localDate(Date.now(), plan.policy.utcOffset);
    // A plan of thousands of tasks takes minutes to start: a progress line meanwhile (none for a small one).
    const progress = plan.tasks.length > LARGE_PLAN_TASKS ? startProgressReporter(process.stdout) : undefined;
    const results = await startPlan(client, plan, { startDate, onProgress: progress?.onProgress });
    progress?.finish();
    const started = results.filter((r) => r.started).length;
    log(
      started > 0
        ? `计划已启动 started ${started} of ${results.length} key tasks of ${plan.id} from ${startDate}`
        : `计划已在运行 all ${results.length} key tasks of ${plan.id} were already started`,
    );
  }

  const apiUrl = `http://localhost:${c.PORT}`;
  const ui = c.temporalUiUrl
    ? `${c.temporalUiUrl.replace(/\/$/, '')}/namespaces/${c.TEMPORAL_NAMESPACE}/workflows`
    : '—';
  console.log(
    [
      '',
      `督办 duban is running · 已启动 (Temporal ${c.temporalAddress}, namespace ${c.TEMPORAL_NAMESPACE}` +
        `${c.embedded ? ', embedded' : ''})`,
      `  API 接口            ${apiUrl}/api   (health: ${apiUrl}/healthz)`,
      `  Dashboard 督办看板  ${apiUrl}/`,
      `  Temporal Web UI     ${ui}`,
      '按 Ctrl-C 停止 · Ctrl-C to stop',
      '',
    ].join('\n'),
  );
}

/** Runs the worker; a worker that fails on its own stops the whole process with exit code 1. */
async function runWorker(worker: Worker): Promise<void> {
  try {
    await worker.run();
  } catch (err) {
    console.error(`[start] the worker failed: ${(err as Error).message}`);
    process.exitCode = 1;
    stopping.abort();
  }
}

function listen(app: ReturnType<typeof createApp>, port: number): Promise<Server> {
  return new Promise((resolve, reject) => {
    const server = app.listen(port);
    server.once('listening', () => resolve(server));
    server.once('error', (err: NodeJS.ErrnoException) =>
      reject(
        new Error(
          err.code === 'EADDRINUSE'
            ? `Port ${port} is in use: stop what runs there or set PORT to a free port.`
            : `The API cannot listen on port ${port}: ${err.message}`,
        ),
      ),
    );
  });
}

/** Stops accepting connections, lets requests in flight finish for a few seconds, then cuts the rest. */
function closeServer(server: Server): Promise<void> {
  return new Promise((resolve) => {
    const cut = setTimeout(() => server.closeAllConnections(), 5_000);
    server.close(() => {
      clearTimeout(cut);
      resolve();
    });
    server.closeIdleConnections();
  });
}

/** Runs every cleanup, last started first; a failing step is reported and the rest still run. */
async function shutDown(): Promise<void> {
  for (const step of cleanups.reverse()) {
    try {
      await step.run();
    } catch (err) {
      console.error(`[start] stopping the ${step.name} failed: ${(err as Error).message}`);
      process.exitCode = 1;
    }
  }
}

function onSignal(signal: NodeJS.Signals): void {
  if (stopping.signal.aborted) {
    log(`${signal}: already stopping`);
    return;
  }
  log(`${signal}: stopping the API, draining the worker, stopping Temporal …`);
  stopping.abort();
}

for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.on(signal, onSignal);
// A signal sent to `npm` alone (or its death) reaches no one here: stop when a launcher above is gone.
watchLaunchers((pid, args) => {
  if (stopping.signal.aborted) return;
  log(`the process that started this one is gone (pid ${pid}, ${args.slice(0, 60)}): stopping …`);
  stopping.abort();
});

async function run(): Promise<void> {
  let failed = false;
  try {
    await main();
  } catch (err) {
    failed = true;
    console.error(
      startupErrorMessage(err, { temporalAddress: config?.temporalAddress, namespace: config?.TEMPORAL_NAMESPACE }),
    );
  }
  if (!failed && !stopping.signal.aborted) {
    await new Promise((resolve) => stopping.signal.addEventListener('abort', resolve, { once: true }));
  }
  const force = setTimeout(() => {
    console.error(`[start] still stopping after ${SHUTDOWN_TIMEOUT_MS / 1000} s; forcing exit.`);
    if (devServer) process.kill(devServer.pid, 'SIGKILL');
    process.exit(1);
  }, SHUTDOWN_TIMEOUT_MS);
  force.unref();
  await shutDown();
  if (!failed) log('stopped · 已停止');
  process.exit(failed ? 1 : (process.exitCode ?? 0));
}

void run();
