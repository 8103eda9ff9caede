/**
 * The real multi-service Temporal server (built by `scripts/install-cluster-server.ts`) on a
 * {@link PostgresInstance}: the schema tool creates and migrates the `temporal` and `temporal_visibility`
 * databases, a generated config file gives PostgreSQL persistence (`postgres12`) and SQL advanced
 * visibility, and one process runs frontend, history, matching and worker on free ports. The process can be
 * stopped and started again on the same ports and databases, or SIGKILLed.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { ClusterServerTools } from '../../scripts/install-cluster-server';
import { freePorts } from '../ports';
import { waitFor } from '../wait-for';
import type { PostgresInstance } from './postgres';

/**
 * The server's persistence settings, which `docker-compose.yml` gives its `temporalio/server` container too
 * (test/unit/compose.test.ts holds it to these): the SQL plugin, the two databases and the schema folder
 * (under the module's `schema/postgresql/v12/`) of each with its connection pool, the history shards, and
 * the dynamic config (search attributes registered by `npm run cluster:setup` are usable at once, not after
 * the cache's refresh).
 */
export const CLUSTER_PERSISTENCE = {
  pluginName: 'postgres12',
  numHistoryShards: 4,
  databases: [
    { name: 'temporal', schema: 'temporal', maxConns: 20 },
    { name: 'temporal_visibility', schema: 'visibility', maxConns: 10 },
  ],
  dynamicConfig: 'system.forceSearchAttributesCacheRefreshOnRead:\n  - value: true\n',
} as const;
const DATABASES = CLUSTER_PERSISTENCE.databases;
const [DEFAULT_DB, VISIBILITY_DB] = DATABASES;

/**
 * Creates both databases and brings their schemas to the module's newest version, as an operator does:
 * `create-database`, `setup-schema -v 0.0`, `update-schema -d <versioned>`.
 * @throws with the tool's output when a step fails.
 */
export function setupSchemas(tools: ClusterServerTools, pg: PostgresInstance): void {
  for (const db of DATABASES) {
    const base = [
      '--plugin',
      CLUSTER_PERSISTENCE.pluginName,
      '--ep',
      pg.host,
      '-p',
      String(pg.port),
      '-u',
      pg.user,
      '--db',
      db.name,
    ];
    const versioned = path.join(tools.moduleDir, 'schema', 'postgresql', 'v12', db.schema, 'versioned');
    for (const step of [['create-database'], ['setup-schema', '-v', '0.0'], ['update-schema', '-d', versioned]]) {
      try {
        execFileSync(tools.sqlToolBin, [...base, ...step], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
      } catch (err) {
        const e = err as { stderr?: string; stdout?: string; message: string };
        throw new Error(`temporal-sql-tool ${step[0]} ${db.name} failed: ${e.stderr || e.stdout || e.message}`);
      }
    }
  }
}

/** The ports of one server process. */
interface ServerPorts {
  frontend: number;
  frontendHttp: number;
  frontendMembership: number;
  history: number;
  historyMembership: number;
  matching: number;
  matchingMembership: number;
  worker: number;
  workerMembership: number;
  metrics: number;
}

/** The server's YAML config (JSON is YAML): PostgreSQL for persistence and visibility, every service local. */
function serverConfig(pg: PostgresInstance, p: ServerPorts, dynamicConfigFile: string): string {
  const store = (databaseName: string, maxConns: number) => ({
    sql: {
      pluginName: CLUSTER_PERSISTENCE.pluginName,
      databaseName,
      connectAddr: `${pg.host}:${pg.port}`,
      connectProtocol: 'tcp',
      user: pg.user,
      password: '',
      maxConns,
      maxIdleConns: maxConns,
      maxConnLifetime: '1h',
    },
  });
  const rpc = (grpcPort: number, membershipPort: number, extra: object = {}) => ({
    rpc: { grpcPort, membershipPort, bindOnLocalHost: true, ...extra },
  });
  return JSON.stringify(
    {
      log: { stdout: true, level: 'warn' },
      persistence: {
        defaultStore: 'postgres-default',
        visibilityStore: 'postgres-visibility',
        numHistoryShards: CLUSTER_PERSISTENCE.numHistoryShards,
        datastores: {
          'postgres-default': store(DEFAULT_DB.name, DEFAULT_DB.maxConns),
          'postgres-visibility': store(VISIBILITY_DB.name, VISIBILITY_DB.maxConns),
        },
      },
      global: {
        membership: { maxJoinDuration: '30s', broadcastAddress: '127.0.0.1' },
        metrics: {
          prometheus: { framework: 'tally', timerType: 'histogram', listenAddress: `127.0.0.1:${p.metrics}` },
        },
      },
      services: {
        frontend: rpc(p.frontend, p.frontendMembership, { httpPort: p.frontendHttp }),
        history: rpc(p.history, p.historyMembership),
        matching: rpc(p.matching, p.matchingMembership),
        worker: rpc(p.worker, p.workerMembership),
      },
      clusterMetadata: {
        enableGlobalNamespace: false,
        failoverVersionIncrement: 10,
        masterClusterName: 'active',
        currentClusterName: 'active',
        clusterInformation: {
          active: {
            enabled: true,
            initialFailoverVersion: 1,
            rpcName: 'frontend',
            rpcAddress: `127.0.0.1:${p.frontend}`,
          },
        },
      },
      dcRedirectionPolicy: { policy: 'noop' },
      dynamicConfigClient: { filepath: dynamicConfigFile, pollInterval: '10s' },
    },
    null,
    2,
  );
}

/** A server process on PostgreSQL. */
export interface ClusterServer {
  /** The frontend's `host:port`, for `TEMPORAL_ADDRESS`. */
  readonly address: string;
  /** The current process's pid, undefined while stopped. */
  pid(): number | undefined;
  /** Starts the process (again) on the same config, ports and databases; resolves once the frontend answers. */
  start(): Promise<void>;
  /** SIGTERMs the process (SIGKILL after 20 s) and waits until it is gone. */
  stop(): Promise<void>;
  /** SIGKILLs the process and waits until it is gone. */
  kill(): Promise<void>;
  /** The end of what it printed, for failure messages. */
  output(): string;
  /** Stops it and removes its config folder. */
  dispose(): Promise<void>;
}

/**
 * Writes a config for `pg` on free ports and returns a server ready to {@link ClusterServer.start}; the
 * schemas must be set up ({@link setupSchemas}).
 */
export async function createClusterServer(tools: ClusterServerTools, pg: PostgresInstance): Promise<ClusterServer> {
  const [frontend, frontendHttp, frontendMembership, history, historyMembership, matching, matchingMembership] =
    (await freePorts(7)) as [number, number, number, number, number, number, number];
  const [worker, workerMembership, metrics] = (await freePorts(3)) as [number, number, number];
  const ports = {
    frontend,
    frontendHttp,
    frontendMembership,
    history,
    historyMembership,
    matching,
    matchingMembership,
    worker,
    workerMembership,
    metrics,
  };
  const dir = mkdtempSync(path.join(os.tmpdir(), 'duban-temporal-'));
  const dynamicConfigFile = path.join(dir, 'dynamicconfig.yaml');
  writeFileSync(dynamicConfigFile, CLUSTER_PERSISTENCE.dynamicConfig);
  const configFile = path.join(dir, 'temporal.yaml');
  writeFileSync(configFile, serverConfig(pg, ports, dynamicConfigFile));
  const address = `127.0.0.1:${frontend}`;

  let child: ChildProcess | undefined;
  let exited: Promise<void> = Promise.resolve();
  let output = '';
  const server: ClusterServer = {
    address,
    pid: () => child?.pid,
    output: () => output.slice(-6000),
    async start() {
      const proc = spawn(tools.serverBin, ['--config-file', configFile, '--allow-no-auth', 'start'], {
        cwd: dir,
        stdio: ['ignore', 'pipe', 'pipe'],
        detached: true,
      });
      child = proc;
      const keep = (d: Buffer): void => {
        output = (output + d.toString()).slice(-100_000);
      };
      proc.stdout?.on('data', keep);
      proc.stderr?.on('data', keep);
      let alive = true;
      exited = new Promise((resolve) =>
        proc.once('exit', () => {
          alive = false;
          if (child === proc) child = undefined;
          resolve();
        }),
      );
      const killOnExit = (): void => {
        try {
          proc.kill('SIGKILL');
        } catch {
          // gone
        }
      };
      process.once('exit', killOnExit);
      void exited.then(() => process.removeListener('exit', killOnExit));
      const { Connection } = await import('@temporalio/client');
      await waitFor(
        'the Temporal server to answer',
        async () => {
          if (!alive) throw new Error(`the Temporal server exited:\n${output.slice(-4000)}`);
          const connection = await Connection.connect({ address, connectTimeout: 2_000 });
          try {
            await connection.healthService.check({});
            await connection.workflowService.getSystemInfo({});
            return true;
          } finally {
            await connection.close();
          }
        },
        120_000,
        500,
      );
    },
    async stop() {
      const proc = child;
      if (!proc) return;
      proc.kill('SIGTERM');
      const force = setTimeout(() => proc.kill('SIGKILL'), 20_000);
      await exited;
      clearTimeout(force);
    },
    async kill() {
      child?.kill('SIGKILL');
      await exited;
    },
    async dispose() {
      await server.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
  return server;
}
