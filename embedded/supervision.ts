/**
 * What lets `npm start` stop under any supervisor: it notices when a process that launched it (`npm`, the
 * `sh -c` npm runs, the `tsx` CLI) is gone, as after a SIGTERM or SIGKILL sent to `npm` alone, and it finds
 * the embedded Temporal server that a SIGKILLed start left running on the same `DATA_DIR` (by a pid file)
 * and stops it before starting its own. Linux (`/proc`); elsewhere both do nothing.
 */
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';

/** The pid file of the embedded server, in `DATA_DIR`. */
export const SERVER_PID_FILE = 'temporal-server.pid';

/** The command line of a process, '' when it is gone or unreadable. */
function cmdline(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').join(' ').trim();
  } catch {
    return '';
  }
}

function parentOf(pid: number): number | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
  } catch {
    return undefined;
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Whether a process is one of the launchers between a user (or supervisor) and this script. */
function isLauncher(args: string): boolean {
  return /(^|\/)npm(-cli\.js)?( |$)|npm-cli\.js|(^|\/)(sh|bash|dash) -c |(^|[/ ])tsx(\/dist\/cli\.m?js)?( |$)/.test(
    args,
  );
}

/**
 * Watches this process's launchers (`npm`, `sh -c`, the `tsx` CLI: the unbroken chain of them above it) and
 * calls `onGone` once, with the pid, when one of them has exited. Checks once a second; never keeps the
 * process alive.
 */
export function watchLaunchers(onGone: (pid: number, args: string) => void): void {
  const chain: { pid: number; args: string }[] = [];
  for (let pid = parentOf(process.pid); pid && pid > 1; pid = parentOf(pid)) {
    const args = cmdline(pid);
    if (!isLauncher(args)) break;
    chain.push({ pid, args });
  }
  if (chain.length === 0) return;
  const timer = setInterval(() => {
    const gone = chain.find((p) => !alive(p.pid) || parentOf(process.pid) === 1);
    if (!gone) return;
    clearInterval(timer);
    onGone(gone.pid, gone.args);
  }, 1_000);
  timer.unref();
}

/** Records the embedded server's pid in `dataDir`. */
export function writeServerPid(dataDir: string, pid: number): void {
  writeFileSync(path.join(dataDir, SERVER_PID_FILE), `${pid}\n`);
}

/** Removes the pid file (the server was stopped). */
export function removeServerPid(dataDir: string): void {
  rmSync(path.join(dataDir, SERVER_PID_FILE), { force: true });
}

/**
 * Stops an embedded server that a previous start of the same `dataDir` left running: the pid file's process,
 * if it is alive and is a Temporal dev server on this folder's database (SIGTERM, SIGKILL after 10 s).
 * `log` gets one line when it did. A pid file of a process that is gone, or is something else, is removed.
 */
export async function stopStaleServer(dataDir: string, dbFile: string, log: (line: string) => void): Promise<void> {
  const file = path.join(dataDir, SERVER_PID_FILE);
  if (!existsSync(file)) return;
  const pid = Number(readFileSync(file, 'utf8').trim());
  const args = Number.isInteger(pid) && pid > 1 ? cmdline(pid) : '';
  if (args.includes('server start-dev') && args.includes(dbFile)) {
    log(`found the embedded Temporal server a previous start left running (pid ${pid}): stopping it`);
    try {
      process.kill(pid, 'SIGTERM');
    } catch {
      // gone meanwhile
    }
    const deadline = Date.now() + 10_000;
    while (alive(pid) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    if (alive(pid)) process.kill(pid, 'SIGKILL');
    while (alive(pid)) await new Promise((r) => setTimeout(r, 100));
  }
  rmSync(file, { force: true });
}
