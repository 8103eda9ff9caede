/**
 * The embedded default taken apart into real processes, for the benchmark and the fault tests: the Temporal
 * dev server (`embedded/dev-server.ts`, SQLite under a temporary `DATA_DIR`), the worker (`worker/main.ts`)
 * and the API (`api/main.ts`), each its own OS process on free ports, so that one can be SIGKILLed,
 * restarted or measured while the others run on.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { PlanFile } from '../contracts';
import { temporalCliPath } from '../embedded/binaries';
import { startDevServer, type DevServer } from '../embedded/dev-server';
import { readDemoTokens, type DemoTokens } from './demo-tokens';
import { spawnProjectScript, type NodeProcess } from './os-process';
import { freePorts } from './ports';
import { giveUp, waitFor } from './wait-for';

/** The namespace every process of a {@link ProcessStack} uses. */
export const STACK_NAMESPACE = 'duban';

/** Options of {@link createProcessStack}. */
export interface ProcessStackOptions {
  /** A plan the worker and the API load instead of the 2016 plan (written to `plan.json` in the stack's folder). */
  plan?: PlanFile;
  /** Extra environment of the worker (e.g. `WEBHOOK_URL`, `WEBHOOK_SECRET`). */
  workerEnv?: NodeJS.ProcessEnv;
  /** Extra environment of the API. */
  apiEnv?: NodeJS.ProcessEnv;
  /** Node flags of the worker and the API processes (e.g. `--cpu-prof`). */
  nodeArgs?: readonly string[];
  /** Prefix of the temporary data folder. */
  label?: string;
  /** The dev server's SQLite WAL pragmas (default on; see `embedded/dev-server.ts`). */
  walPragmas?: boolean;
}

/**
 * A temporary `DATA_DIR`, free ports, and the three processes of the embedded default, each started and
 * stopped on its own. Everything is stopped and the folder removed by {@link ProcessStack.dispose}.
 */
export interface ProcessStack {
  readonly dataDir: string;
  readonly temporalAddress: string;
  readonly apiUrl: string;
  readonly apiPort: number;
  /** The running dev server, if started. */
  server?: DevServer;
  worker?: NodeProcess;
  api?: NodeProcess;
  /** Starts the dev server on the stack's SQLite file and ports (again after a kill: same file, same ports). */
  startServer(): Promise<DevServer>;
  /** SIGKILLs the dev server's process group (no clean shutdown) and waits until it is gone. */
  killServer(): Promise<void>;
  /** Starts `worker/main.ts` and waits until it says it runs. */
  startWorker(env?: NodeJS.ProcessEnv): Promise<NodeProcess>;
  /** Starts `api/main.ts` (optionally with another plan file) and waits until it listens. */
  startApi(env?: NodeJS.ProcessEnv): Promise<NodeProcess>;
  tokens(): DemoTokens;
  dispose(): Promise<void>;
}

/** Creates (but does not start) a process stack in a fresh temporary folder. */
export async function createProcessStack(options: ProcessStackOptions = {}): Promise<ProcessStack> {
  const [temporalPort, uiPort, apiPort] = (await freePorts(3)) as [number, number, number];
  const dataDir = mkdtempSync(path.join(os.tmpdir(), `${options.label ?? 'duban-stack'}-`));
  const temporalAddress = `127.0.0.1:${temporalPort}`;
  const base: NodeJS.ProcessEnv = {
    NODE_ENV: 'test',
    DATA_DIR: dataDir,
    TEMPORAL_ADDRESS: temporalAddress,
    TEMPORAL_NAMESPACE: STACK_NAMESPACE,
    LOG_LEVEL: 'warn',
    AUTO_START_PLAN: 'false',
    AUTH_TOKENS_FILE: '',
    CONTACTS_FILE: '',
    SMTP_URL: '',
    WEBHOOK_URL: '',
    WEBHOOK_SECRET: '',
    TEMPORAL_API_KEY: '',
    TEMPORAL_TLS_CERT: '',
    TEMPORAL_TLS_KEY: '',
  };
  if (options.plan) {
    base.PLAN_FILE = path.join(dataDir, 'plan.json');
    writeFileSync(base.PLAN_FILE, JSON.stringify(options.plan));
  }
  const stack: ProcessStack = {
    dataDir,
    temporalAddress,
    apiPort,
    apiUrl: `http://127.0.0.1:${apiPort}`,
    async startServer() {
      stack.server = await startDevServer({
        cliPath: temporalCliPath(),
        dataDir,
        namespace: STACK_NAMESPACE,
        port: temporalPort,
        uiPort,
        startTimeoutMs: 90_000,
        walPragmas: options.walPragmas,
      });
      return stack.server;
    },
    async killServer() {
      const server = stack.server;
      if (!server) return;
      try {
        process.kill(-server.pid, 'SIGKILL');
      } catch {
        // already gone
      }
      await server.exited;
    },
    async startWorker(env = {}) {
      const worker = spawnProjectScript(
        'worker/main.ts',
        { ...base, ...options.workerEnv, ...env },
        'worker',
        options.nodeArgs,
      );
      stack.worker = worker;
      await waitFor(
        'the worker to run',
        async () => {
          if (!worker.running()) giveUp(`the worker exited:\n${worker.output().slice(-2000)}`);
          return /worker running/.test(worker.output()) ? true : undefined;
        },
        120_000,
      );
      return worker;
    },
    async startApi(env = {}) {
      const api = spawnProjectScript(
        'api/main.ts',
        { ...base, PORT: String(apiPort), ...options.apiEnv, ...env },
        'api',
        options.nodeArgs,
      );
      stack.api = api;
      await waitFor(
        'the API to listen',
        async () => {
          if (!api.running()) giveUp(`the API exited:\n${api.output().slice(-2000)}`);
          const res = await fetch(`${stack.apiUrl}/healthz`);
          await res.arrayBuffer();
          return true;
        },
        60_000,
      );
      return api;
    },
    tokens: () => readDemoTokens(dataDir),
    async dispose() {
      await Promise.all([stack.api?.kill('SIGKILL'), stack.worker?.kill('SIGKILL')]);
      await stack.server?.stop(2_000);
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
  return stack;
}
