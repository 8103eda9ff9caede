/**
 * A throw-away PostgreSQL instance for the cluster suite: Debian's PostgreSQL (installed with apt-get when
 * missing), `initdb` in a temporary folder and `pg_ctl start` on a free loopback port, trust authentication
 * for the `postgres` user. PostgreSQL refuses to run as root, so as root the instance runs as an unprivileged
 * system user (`duban-pg`, created when missing) through `runuser`.
 */
import { execFileSync } from 'node:child_process';
import { chmodSync, chownSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { freePorts } from '../ports';

/** The system user that owns the instance when the suite runs as root. */
const PG_USER = 'duban-pg';

/** A running instance. */
export interface PostgresInstance {
  readonly host: string;
  readonly port: number;
  /** The superuser (trust authentication on loopback: no password). */
  readonly user: string;
  /** The instance's data folder. */
  readonly dataDir: string;
  /** Stops the instance (fast shutdown) and removes its folder. */
  stop(): Promise<void>;
}

/** The `bin` folder of the newest installed PostgreSQL, or undefined. */
function postgresBin(): string | undefined {
  const root = '/usr/lib/postgresql';
  if (!existsSync(root)) return undefined;
  const versions = readdirSync(root)
    .filter((v) => existsSync(path.join(root, v, 'bin', 'initdb')))
    .sort((a, b) => Number(b) - Number(a));
  return versions[0] ? path.join(root, versions[0], 'bin') : undefined;
}

/**
 * The PostgreSQL `bin` folder, installing Debian's `postgresql` package first when no `initdb` is there.
 * @throws when it is missing and cannot be installed (not root, no apt-get).
 */
export function ensurePostgres(): string {
  const found = postgresBin();
  if (found) return found;
  if (process.getuid?.() !== 0) {
    throw new Error('PostgreSQL is not installed (no /usr/lib/postgresql/*/bin/initdb); apt-get install postgresql');
  }
  console.log('[cluster] installing PostgreSQL (apt-get install -y postgresql)');
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  execFileSync('apt-get', ['update'], { stdio: 'inherit', env });
  execFileSync('apt-get', ['install', '-y', '--no-install-recommends', 'postgresql'], { stdio: 'inherit', env });
  const installed = postgresBin();
  if (!installed) throw new Error('apt-get installed postgresql but no initdb was found under /usr/lib/postgresql');
  return installed;
}

/** Runs a PostgreSQL binary, as {@link PG_USER} when this process is root. */
function runAsOwner(bin: string, args: string[]): string {
  const root = process.getuid?.() === 0;
  const [file, argv] = root ? ['runuser', ['-u', PG_USER, '--', bin, ...args]] : [bin, args];
  return execFileSync(file, argv, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
}

/** Creates the unprivileged system user when running as root and it does not exist yet. */
function ensureOwner(): void {
  if (process.getuid?.() !== 0) return;
  try {
    execFileSync('id', ['-u', PG_USER], { stdio: 'ignore' });
  } catch {
    execFileSync('useradd', ['--system', '--no-create-home', '--shell', '/usr/sbin/nologin', PG_USER]);
  }
}

/**
 * Starts a fresh instance in a temporary folder on a free port and waits until it accepts connections.
 * @throws with initdb's or pg_ctl's output when either fails.
 */
export async function startPostgres(): Promise<PostgresInstance> {
  const bin = ensurePostgres();
  ensureOwner();
  const [port] = (await freePorts(1)) as [number];
  const base = mkdtempSync(path.join(os.tmpdir(), 'duban-pg-'));
  const dataDir = path.join(base, 'data');
  chmodSync(base, 0o755);
  if (process.getuid?.() === 0) {
    const uid = Number(execFileSync('id', ['-u', PG_USER], { encoding: 'utf8' }).trim());
    const gid = Number(execFileSync('id', ['-g', PG_USER], { encoding: 'utf8' }).trim());
    chownSync(base, uid, gid);
  }
  const run = (tool: string, args: string[]): string => {
    try {
      return runAsOwner(path.join(bin, tool), args);
    } catch (err) {
      const e = err as { stderr?: string; stdout?: string; message: string };
      throw new Error(`${tool} failed: ${e.stderr || e.stdout || e.message}`);
    }
  };
  run('initdb', ['-D', dataDir, '-U', 'postgres', '--auth=trust', '-E', 'UTF8', '--locale=C.UTF-8']);
  // Listen on loopback only; the socket lives in the instance's folder (not /var/run/postgresql).
  const opts = `-p ${port} -k ${base} -c listen_addresses=127.0.0.1 -c max_connections=300 -c fsync=off`;
  run('pg_ctl', ['-D', dataDir, '-o', opts, '-l', path.join(base, 'postgres.log'), '-w', '-t', '60', 'start']);
  return {
    host: '127.0.0.1',
    port,
    user: 'postgres',
    dataDir,
    async stop() {
      try {
        run('pg_ctl', ['-D', dataDir, '-m', 'fast', '-w', 'stop']);
      } finally {
        rmSync(base, { recursive: true, force: true });
      }
    },
  };
}
