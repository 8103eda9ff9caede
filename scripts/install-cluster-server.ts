/**
 * Builds the full Temporal server (`go.temporal.io/server/cmd/server`) and its SQL schema tool
 * (`cmd/tools/sql`) at {@link TEMPORAL_SERVER_VERSION} with the machine's Go, into the git-ignored
 * `.tools/temporal-server/` (GOBIN, GOPATH/GOMODCACHE and GOCACHE all inside it), once; a later run finds the
 * binaries of that version and reuses them. The module cache it fills also holds the PostgreSQL schemas.
 * Run by the cluster suite's setup (`npm run test:cluster`) and on its own: `tsx scripts/install-cluster-server.ts`.
 * `TEMPORAL_SERVER_DIR` puts the folder elsewhere.
 */
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { PROJECT_ROOT } from '../embedded/binaries';

/**
 * The Temporal server version the cluster suite builds: the newest that builds with Go 1.26.8 (v1.32.1 and
 * later ask for Go 1.26.10).
 */
export const TEMPORAL_SERVER_VERSION = 'v1.32.0';

/**
 * The Temporal Web UI that goes with {@link TEMPORAL_SERVER_VERSION}: the one the pinned Temporal CLI
 * (`embedded/binaries.ts`) ships with that server (`temporal --version`: "Server 1.32.0, UI 2.54.1"). The
 * compose stack runs `temporalio/server`, `temporalio/admin-tools` and `temporalio/ui` at these versions.
 */
export const TEMPORAL_UI_VERSION = '2.54.1';

/** Where the built server, schema tool and schemas are. */
export interface ClusterServerTools {
  /** The `server` binary (`temporal-server`). */
  serverBin: string;
  /** The `sql` binary (`temporal-sql-tool`). */
  sqlToolBin: string;
  /** The module's source folder in the module cache (its `schema/` and `config/`). */
  moduleDir: string;
  /** Whether this call built them ('built') or found them ('reused'), and how long it took. */
  how: 'built' | 'reused';
  seconds: number;
}

/** The folder that holds the build, by default `.tools/temporal-server`. */
export function clusterToolsDir(): string {
  return path.resolve(PROJECT_ROOT, process.env.TEMPORAL_SERVER_DIR || '.tools/temporal-server');
}

/**
 * The server and schema tool of {@link TEMPORAL_SERVER_VERSION}, built with `go install` when missing (about
 * 4 minutes and 2.6 GB of memory on two cores). Prints one line: built or reused, and how long it took.
 * @throws when Go is missing or the build fails, with the end of Go's output.
 */
export async function ensureClusterServer(): Promise<ClusterServerTools> {
  const started = Date.now();
  const dir = clusterToolsDir();
  const bin = path.join(dir, 'bin');
  const gopath = path.join(dir, 'gopath');
  const modcache = path.join(gopath, 'pkg', 'mod');
  const marker = path.join(bin, '.version');
  const tools = {
    serverBin: path.join(bin, 'server'),
    sqlToolBin: path.join(bin, 'sql'),
    moduleDir: path.join(modcache, 'go.temporal.io', `server@${TEMPORAL_SERVER_VERSION}`),
  };
  const have =
    existsSync(tools.serverBin) &&
    existsSync(tools.sqlToolBin) &&
    existsSync(tools.moduleDir) &&
    existsSync(marker) &&
    readFileSync(marker, 'utf8').trim() === TEMPORAL_SERVER_VERSION;
  if (have) {
    const seconds = (Date.now() - started) / 1000;
    console.log(`[cluster] Temporal server ${TEMPORAL_SERVER_VERSION}: reused (${bin})`);
    return { ...tools, how: 'reused', seconds };
  }
  try {
    execFileSync('go', ['version'], { stdio: 'ignore' });
  } catch {
    throw new Error('the cluster suite builds the Temporal server with Go, and `go` is not on PATH');
  }
  mkdirSync(bin, { recursive: true });
  console.log(`[cluster] building Temporal server ${TEMPORAL_SERVER_VERSION} with Go into ${dir} (about 4 minutes)`);
  const env = {
    ...process.env,
    GOBIN: bin,
    GOPATH: gopath,
    GOMODCACHE: modcache,
    GOCACHE: path.join(dir, 'gocache'),
    // Read-write module cache, so that the folder can be deleted without chmod; the local Go, no download.
    GOFLAGS: '-modcacherw',
    GOTOOLCHAIN: 'local',
  };
  let output = '';
  const code = await new Promise<number | null>((resolve, reject) => {
    const go = spawn(
      'go',
      [
        'install',
        ...['cmd/server', 'cmd/tools/sql'].map((p) => `go.temporal.io/server/${p}@${TEMPORAL_SERVER_VERSION}`),
      ],
      { env, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    const keep = (d: Buffer): void => {
      output = (output + d.toString()).slice(-20_000);
    };
    go.stdout.on('data', keep);
    go.stderr.on('data', keep);
    go.once('error', reject);
    go.once('exit', resolve);
  });
  if (code !== 0) throw new Error(`go install of the Temporal server failed (exit ${code}):\n${output.slice(-4000)}`);
  writeFileSync(marker, `${TEMPORAL_SERVER_VERSION}\n`);
  const seconds = (Date.now() - started) / 1000;
  console.log(`[cluster] Temporal server ${TEMPORAL_SERVER_VERSION}: built in ${seconds.toFixed(0)} s`);
  return { ...tools, how: 'built', seconds };
}

if (require.main === module) {
  ensureClusterServer().then(
    () => undefined,
    (err: unknown) => {
      console.error(`[cluster] ${err instanceof Error ? err.message : String(err)}`);
      process.exit(1);
    },
  );
}
