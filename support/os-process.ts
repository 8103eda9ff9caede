/**
 * Starting and stopping a real OS process for tests and the benchmark: spawned in its own process group (so
 * that a signal reaches whatever it starts in turn: tsx, a Temporal server), its output kept for failure
 * messages, and killed on this process's exit should a test forget it. The one spawn-and-kill routine.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { PROJECT_ROOT } from '../embedded/binaries';

/** A running process in its own process group. */
export interface OsProcess {
  readonly pid: number;
  /** Resolves with the exit code (or signal name) once the process itself has exited. */
  readonly exited: Promise<number | string>;
  /** Whether the process itself is still running. */
  running(): boolean;
  /** Whether any process of its group is left (a launcher such as npx exits before what it started). */
  groupAlive(): boolean;
  /** Everything it printed (stdout and stderr), for failure messages and banners. */
  output(): string;
  /** Sends a signal to the process alone (as `kill <pid>`), not to its group. */
  signal(signal: NodeJS.Signals): void;
  /**
   * Sends `signal` to the whole group, waits up to `graceMs` for every process of it to be gone, then
   * SIGKILLs what is left, and resolves once the process has exited. Does nothing when it is gone already.
   */
  kill(signal?: NodeJS.Signals, graceMs?: number): Promise<void>;
}

/** A Node process of the project (`node --import tsx <script>`): an {@link OsProcess}. */
export type NodeProcess = OsProcess;

/** How to start an {@link OsProcess}. */
export interface SpawnOptions {
  /** Environment over the current one; a variable set to `undefined` is removed. */
  env?: NodeJS.ProcessEnv;
  /** Use exactly `env`, not the current environment under it. */
  replaceEnv?: boolean;
  /** Working folder (default: the project root). */
  cwd?: string;
  /** Name in error messages. */
  label?: string;
}

/** Whether a process with this pid exists. */
export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/**
 * Spawns `command args` in its own process group, keeping its output.
 * @throws when the command cannot be spawned.
 */
export function spawnProcess(command: string, args: readonly string[], options: SpawnOptions = {}): OsProcess {
  const env = Object.fromEntries(
    Object.entries(options.replaceEnv ? (options.env ?? {}) : { ...process.env, ...options.env }).filter(
      ([, v]) => v !== undefined,
    ),
  );
  const child: ChildProcess = spawn(command, args, {
    cwd: options.cwd ?? PROJECT_ROOT,
    env,
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
  if (child.pid === undefined) throw new Error(`cannot spawn ${options.label ?? command}`);
  const pid = child.pid;
  const toGroup = (signal: NodeJS.Signals): boolean => {
    try {
      process.kill(-pid, signal);
      return true;
    } catch {
      return false; // the whole group is gone
    }
  };
  const groupAlive = (): boolean => {
    try {
      process.kill(-pid, 0);
      return true;
    } catch {
      return false;
    }
  };
  const killOnExit = (): void => void toGroup('SIGKILL');
  process.once('exit', killOnExit);
  void exited.then(() => process.removeListener('exit', killOnExit));
  return {
    pid,
    exited,
    running: () => alive,
    groupAlive,
    output: () => output,
    signal: (signal) => {
      if (alive) process.kill(pid, signal);
    },
    kill: async (signal = 'SIGTERM', graceMs = 15_000) => {
      if (!alive && !groupAlive()) return;
      toGroup(signal);
      const deadline = Date.now() + graceMs;
      while (groupAlive() && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
      toGroup('SIGKILL');
      await exited;
    },
  };
}

/**
 * Spawns `node --import tsx <script>` from the project root with `env` over the current environment.
 * `node --import tsx` (not the `tsx` CLI) so that the pid is the process doing the work, whose memory counts.
 * `nodeArgs` go before the script (e.g. `--cpu-prof`, which `NODE_OPTIONS` may not carry).
 */
export function spawnProjectScript(
  script: string,
  env: NodeJS.ProcessEnv,
  label = script,
  nodeArgs: readonly string[] = [],
): NodeProcess {
  return spawnProcess(process.execPath, [...nodeArgs, '--import', 'tsx', script], { env, label });
}
