/**
 * The embedded default taken apart into real processes, for the benchmark and the fault tests: the Temporal
 * dev server (`embedded/dev-server.ts`, SQLite under a temporary `DATA_DIR`), the worker (`worker/main.ts`)
 * and the API (`api/main.ts`), each its own OS process on free ports, so that one can be SIGKILLed,
 * restarted or measured (`/proc/<pid>/status` VmRSS) while the others run on.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { PlanFile } from '../contracts';
import { temporalCliPath, PROJECT_ROOT } from '../embedded/binaries';
import { startDevServer, type DevServer } from '../embedded/dev-server';
import { freePorts, waitFor } from '../test/helpers/processes';

/** The namespace every process of a {@link ProcessStack} uses. */
export const STACK_NAMESPACE = 'duban';

/** A Node process of the project (`node --import tsx <script>`), in its own process group. */
export interface NodeProcess {
  readonly pid: number;
  /** Resolves with the exit code (or signal name) once the process has exited. */
  readonly exited: Promise<number | string>;
  /** Whether it is still running. */
  running(): boolean;
  /** Everything it printed (stdout and stderr), for failure messages. */
  output(): string;
  /** Sends a signal to its whole process group and resolves once it has exited. */
  kill(signal?: NodeJS.Signals): Promise<void>;
}

/**
 * Spawns `node --import tsx <script>` from the project root with `env` over the current environment.
 * `node --import tsx` (not the `tsx` CLI) so that the pid is the process doing the work, whose memory counts.
 */
export function spawnProjectScript(script: string, env: NodeJS.ProcessEnv, label = script): NodeProcess {
  const child: ChildProcess = spawn(process.execPath, ['--import', 'tsx', script], {
    cwd: PROJECT_ROOT,
    env: { ...process.env, ...env },
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const keep = (d: Buffer): void => {
    output += d.toString();
    if (output.length > 200_000) output = output.slice(-100_000);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  let alive = true;
  const exited = new Promise<number | string>((resolve) =>
    child.once('exit', (code, signal) => {
      alive = false;
      resolve(code ?? signal ?? 'unknown');
    }),
  );
  const killOnExit = (): void => {
    try {
      if (child.pid) process.kill(-child.pid, 'SIGKILL');
    } catch {
      // already gone
    }
  };
  process.once('exit', killOnExit);
  void exited.then(() => process.removeListener('exit', killOnExit));
  if (child.pid === undefined) throw new Error(`cannot spawn ${label}`);
  const pid = child.pid;
  return {
    pid,
    exited,
    running: () => alive,
    output: () => output,
    kill: async (signal = 'SIGTERM') => {
      if (!alive) return;
      try {
        process.kill(-pid, signal);
      } catch {
        return;
      }
      const force = setTimeout(() => {
        try {
          process.kill(-pid, 'SIGKILL');
        } catch {
          // gone
        }
      }, 15_000);
      await exited;
      clearTimeout(force);
    },
  };
}

/** Resident memory of a process in bytes, from `/proc/<pid>/status` (VmRSS). @throws when it is gone. */
export function residentBytes(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = /^VmRSS:\s+(\d+)\s+kB/m.exec(status)?.[1];
  if (!kb) throw new Error(`no VmRSS for process ${pid}`);
  return Number(kb) * 1024;
}

/**
 * CPU time (user + system, seconds) used so far by a process and every live descendant of it, from
 * `/proc/<pid>/stat`. Answers 0 for a process that is gone.
 */
export function cpuSeconds(pid: number): number {
  const tick = 100; // USER_HZ on Linux
  const stats = new Map<number, { ppid: number; cpu: number }>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      // Fields after the command name, which is in parentheses and may hold spaces.
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      stats.set(Number(entry), { ppid: Number(fields[1]), cpu: (Number(fields[11]) + Number(fields[12])) / tick });
    } catch {
      // the process ended while the table was read
    }
  }
  let total = 0;
  const visit = (p: number): void => {
    total += stats.get(p)?.cpu ?? 0;
    for (const [child, s] of stats) if (s.ppid === p) visit(child);
  };
  visit(pid);
  return total;
}

/** Demo tokens by role and department, as the API wrote them under `DATA_DIR`. */
export interface DemoTokens {
  admin: string;
  office: string;
  /** The read-only viewer's (a wall screen). */
  viewer: string;
  coordinator(department: string): string;
}

/** Reads `$DATA_DIR/demo-tokens.txt`. @throws when a token asked for is missing. */
export function readDemoTokens(dataDir: string): DemoTokens {
  const file = path.join(dataDir, 'demo-tokens.txt');
  const rows = readFileSync(file, 'utf8')
    .split('\n')
    .filter((l) => l.trim() !== '' && !l.startsWith('#'))
    .map((l) => l.split('\t'));
  const find = (role: string, department = '-'): string => {
    const row = rows.find((r) => r[0] === role && r[1] === department);
    if (!row?.[2]) throw new Error(`no demo token for ${role} ${department} in ${file}`);
    return row[2];
  };
  return {
    admin: find('admin'),
    office: find('office'),
    viewer: find('viewer'),
    coordinator: (d) => find('coordinator', d),
  };
}

/** Options of {@link createProcessStack}. */
export interface ProcessStackOptions {
  /** A plan the worker and the API load instead of the 2016 plan (written to `plan.json` in the stack's folder). */
  plan?: PlanFile;
  /** Extra environment of the worker (e.g. `WEBHOOK_URL`, `WEBHOOK_SECRET`). */
  workerEnv?: NodeJS.ProcessEnv;
  /** Extra environment of the API. */
  apiEnv?: NodeJS.ProcessEnv;
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
      const worker = spawnProjectScript('worker/main.ts', { ...base, ...options.workerEnv, ...env }, 'worker');
      stack.worker = worker;
      await waitFor(
        'the worker to run',
        async () => {
          if (!worker.running()) throw new Error(`the worker exited:\n${worker.output().slice(-2000)}`);
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
      );
      stack.api = api;
      await waitFor(
        'the API to listen',
        async () => {
          if (!api.running()) throw new Error(`the API exited:\n${api.output().slice(-2000)}`);
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
