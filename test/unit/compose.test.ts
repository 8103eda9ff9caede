/**
 * docker-compose.yml is the production stack, and no Docker engine runs here: these checks read the file
 * and hold it to what the application and the cluster suite read, so that a renamed variable, a dropped
 * search attribute, a server version the suite never ran or a start order that cannot work breaks a test
 * instead of a deployment.
 */
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parse } from 'yaml';
import { ALL_SEARCH_ATTRIBUTES } from '../../contracts';
import { CONFIG_VARIABLES, loadConfig } from '../../config/env';
import { PROJECT_ROOT, temporalCliPath } from '../../embedded/binaries';
import { CLI_TYPE_NAMES } from '../../embedded/dev-server';
import { TEMPORAL_SERVER_VERSION, TEMPORAL_UI_VERSION } from '../../scripts/install-cluster-server';
import { CLUSTER_PERSISTENCE } from '../../support/cluster/temporal-server';

interface Service {
  image?: string;
  build?: unknown;
  command?: string[] | string;
  entrypoint?: string[];
  container_name?: string;
  ports?: string[];
  depends_on?: Record<string, { condition: string }>;
  environment?: Record<string, string>;
  healthcheck?: { test: string[] };
  configs?: { source: string; target: string }[];
  secrets?: string[];
}

const read = (file: string) => readFileSync(path.join(PROJECT_ROOT, file), 'utf8');
const compose = parse(read('docker-compose.yml'), { merge: true }) as {
  services: Record<string, Service>;
  configs?: Record<string, { content?: string }>;
  secrets?: Record<string, { file?: string }>;
};
const services = compose.services;
const appServices = ['worker', 'api', 'temporal-setup'] as const;
const serverVersion = TEMPORAL_SERVER_VERSION.replace(/^v/, '');

/** `${VAR:-default}` as compose would resolve it with nothing set, and `$$` as the `$` the container sees. */
function interpolate(value: string): string {
  return value.replace(/\$\{[A-Z_]+:-([^}]*)\}/g, '$1').replace(/\$\$/g, '$');
}

/** Where compose mounts a secret in a container. */
const SECRET_MOUNT = '/run/secrets/';
/** A keyring standing in for the `payload-keys` secret, which only a deployment has. */
const keyringDir = mkdtempSync(path.join(tmpdir(), 'duban-compose-'));
const keyringFile = path.join(keyringDir, 'payload-keys.json');
writeFileSync(
  keyringFile,
  JSON.stringify({
    active: 'k1',
    keys: [{ id: 'k1', cipher: 'aes-256-gcm', key: randomBytes(32).toString('base64') }],
  }),
);

/** A service's environment as the container gets it (its mounted keyring secret replaced by a test keyring). */
function envOf(name: string): Record<string, string> {
  return Object.fromEntries(
    Object.entries(services[name]!.environment ?? {}).map(([k, v]) => {
      const value = interpolate(String(v));
      return [k, k === 'PAYLOAD_KEYS_FILE' && value.startsWith(SECRET_MOUNT) ? keyringFile : value];
    }),
  );
}

function service(name: string): Service {
  const s = services[name];
  if (!s) throw new Error(`docker-compose.yml has no service ${name}`);
  return s;
}

/** The source file a `node dist/<x>.js` command runs, checked to be one `npm run build` compiles. */
function sourceOfBuilt(command: readonly string[]): string {
  expect(command[0]).toBe('node');
  const match = /^dist\/(.+)\.js$/.exec(command[1] ?? '');
  expect(match).not.toBeNull();
  const source = `${match![1]}.ts`;
  expect([source, existsSync(path.join(PROJECT_ROOT, source))]).toEqual([source, true]);
  const build = JSON.parse(read('tsconfig.build.json')) as { exclude: string[] };
  expect(build.exclude).not.toContain(source.split('/')[0]);
  return source;
}

describe('docker-compose.yml', () => {
  it('runs PostgreSQL, the schema job, the Temporal server, the setup job, the Web UI, the worker and the API', () => {
    expect(Object.keys(services).sort()).toEqual(
      ['api', 'postgresql', 'temporal', 'temporal-schema', 'temporal-setup', 'temporal-ui', 'worker'].sort(),
    );
  });

  it('names no deprecated image and runs the Temporal versions the cluster suite runs', () => {
    for (const [name, s] of Object.entries(services))
      expect([name, /auto-setup/.test(s.image ?? '')]).toEqual([name, false]);
    expect(service('temporal').image).toBe(`temporalio/server:${serverVersion}`);
    expect(service('temporal-schema').image).toBe(`temporalio/admin-tools:${serverVersion}`);
    expect(service('temporal-ui').image).toBe(`temporalio/ui:${TEMPORAL_UI_VERSION}`);
    // The pair is one Temporal ships together: the pinned CLI (the test servers) runs this server and UI.
    const cli = execFileSync(temporalCliPath(), ['--version'], { encoding: 'utf8' });
    expect(cli).toContain(`Server ${serverVersion}, UI ${TEMPORAL_UI_VERSION}`);
  });

  it('pins every image to a version', () => {
    for (const [name, s] of Object.entries(services)) {
      if (s.build) continue;
      expect([name, s.image]).toEqual([name, expect.stringMatching(/:\d+(\.\d+)+$/)]);
    }
  });

  it('creates and updates both schemas with the schema tool before the server starts', () => {
    const job = service('temporal-schema');
    expect(job.depends_on).toEqual({ postgresql: { condition: 'service_healthy' } });
    expect(service('temporal').depends_on).toEqual({
      'temporal-schema': { condition: 'service_completed_successfully' },
    });
    const script = interpolate(String(job.command));
    expect(script).toMatch(new RegExp(`temporal-sql-tool --plugin ${CLUSTER_PERSISTENCE.pluginName}\\b`));
    // The steps of the cluster suite's setupSchemas, per database, in order, on the module's v12 schemas.
    const lines = script.split('\n').map((l) => l.trim());
    for (const db of CLUSTER_PERSISTENCE.databases) {
      const steps = [
        `sql --db ${db.name} create-database`,
        `sql --db ${db.name} setup-schema -v 0.0`,
        `sql --db ${db.name} update-schema -d $schemas/${db.schema}/versioned`,
      ].map((step) => lines.indexOf(step));
      expect([db.name, steps.every((i) => i >= 0)]).toEqual([db.name, true]);
      expect([...steps].sort((a, b) => a - b)).toEqual(steps);
    }
    expect(script).toContain('schemas=/etc/temporal/schema/postgresql/v12');
  });

  it('configures the server with the cluster suite’s persistence: PostgreSQL and SQL visibility', () => {
    const env = envOf('temporal');
    const [main, visibility] = CLUSTER_PERSISTENCE.databases;
    expect(env).toMatchObject({
      DB: CLUSTER_PERSISTENCE.pluginName,
      POSTGRES_SEEDS: 'postgresql',
      DBNAME: main.name,
      VISIBILITY_DBNAME: visibility.name,
      NUM_HISTORY_SHARDS: String(CLUSTER_PERSISTENCE.numHistoryShards),
      SQL_MAX_CONNS: String(main.maxConns),
      SQL_VIS_MAX_CONNS: String(visibility.maxConns),
    });
    // Elasticsearch is not part of the stack: visibility stays in PostgreSQL.
    expect(env.ENABLE_ES).toBeUndefined();
    // The schema job writes where the server reads.
    const schemaEnv = envOf('temporal-schema');
    for (const k of ['POSTGRES_SEEDS', 'POSTGRES_USER', 'POSTGRES_PWD', 'DB_PORT'])
      expect([k, schemaEnv[k]]).toEqual([k, env[k]]);
    expect(envOf('postgresql').POSTGRES_PASSWORD).toBe(env.POSTGRES_PWD);
    // The suite's dynamic config, mounted where the server looks for it.
    const mounted = service('temporal').configs!.find((c) => c.target === env.DYNAMIC_CONFIG_FILE_PATH);
    expect(mounted).toBeDefined();
    const content = compose.configs?.[mounted!.source]?.content ?? '';
    expect(parse(content)).toEqual(parse(CLUSTER_PERSISTENCE.dynamicConfig));
  });

  it('registers the namespace and search attributes with the project’s own setup, after the server', () => {
    const setup = service('temporal-setup');
    expect(setup.build).toBe('.');
    expect(sourceOfBuilt(setup.command as string[])).toBe('scripts/cluster-setup.ts');
    expect(setup.depends_on).toEqual({ temporal: { condition: 'service_healthy' } });
    // One list of search attributes (contracts/shared): no service registers its own.
    for (const s of Object.values(services)) expect(String(s.command)).not.toMatch(/search-attribute/);
    for (const name of ['worker', 'api']) {
      expect(service(name).depends_on).toEqual({ 'temporal-setup': { condition: 'service_completed_successfully' } });
    }
    expect(service('temporal-ui').depends_on).toHaveProperty('temporal');
  });

  it('keeps the README’s Temporal CLI recipe equal to the search attributes the setup registers', () => {
    const readme = read('README.md');
    for (const key of ALL_SEARCH_ATTRIBUTES) expect(readme).toContain(`${key.name}:${CLI_TYPE_NAMES[key.type]}`);
  });

  it('runs compiled JavaScript from the multi-stage Dockerfile, with the prebuilt workflow bundle', () => {
    expect(service('worker').build).toBe('.');
    expect(service('api').build).toBe('.');
    expect(sourceOfBuilt(service('worker').command as string[])).toBe('worker/main.ts');
    expect(sourceOfBuilt(service('api').command as string[])).toBe('api/main.ts');
    const dockerfile = read('Dockerfile');
    const stages = dockerfile.split(/^FROM /m).slice(1);
    expect(stages.map((s) => /^\S+ AS (\w+)/.exec(s)?.[1])).toEqual(['build', 'runtime']);
    const [build, runtime] = stages as [string, string];
    expect(build).toMatch(/npm ci/);
    expect(build).toMatch(/npm run build\b/);
    const bundle = /npm run build:workflows -- (\S+)/.exec(build)?.[1];
    expect(bundle).toBe('dist/workflow-bundle.js');
    expect(runtime).toMatch(/npm ci --omit=dev/);
    expect(runtime).toMatch(/COPY --from=build \/app\/dist dist/);
    expect(runtime).toContain(`WORKFLOW_BUNDLE_PATH=${bundle}`);
    expect(runtime).not.toMatch(/tsx/);
    expect(runtime).toContain('CMD ["node", "dist/worker/main.js"]');
    // What the compiled code reads from the project root is in the image.
    expect(runtime).toMatch(/COPY seeds seeds/);
    expect(runtime).toMatch(/COPY dashboard\/public dashboard\/public/);
    const ignored = read('.dockerignore').split('\n');
    for (const p of ['node_modules', 'dist', '.tools', 'data', '.git']) expect(ignored).toContain(p);
    for (const p of ['scripts', 'workflows', 'seeds', 'dashboard', 'package-lock.json'])
      expect(ignored).not.toContain(p);
    expect(read('.gitignore').split('\n')).toContain('dist/');
  });

  it('checks the health of every long-running service, the API by /healthz and the worker by its pollers', () => {
    for (const name of ['postgresql', 'temporal', 'worker', 'api'])
      expect([name, (service(name).healthcheck?.test.length ?? 0) > 1]).toEqual([name, true]);
    const api = service('api').healthcheck!.test;
    expect(sourceOfBuilt(api.slice(1))).toBe('scripts/healthcheck.ts');
    expect(api.at(-1)).toBe('api');
    const worker = service('worker').healthcheck!.test;
    expect(sourceOfBuilt(worker.slice(1))).toBe('scripts/healthcheck.ts');
    expect(worker.at(-1)).toBe('worker');
    // The worker's probe reads the SDK metrics, which only this variable turns on.
    expect(loadConfig(envOf('worker')).WORKER_METRICS_PORT).toBeGreaterThan(0);
  });

  it('lets the worker scale: no container name and no host port', () => {
    expect(service('worker').container_name).toBeUndefined();
    expect(service('worker').ports).toBeUndefined();
  });

  it('publishes the API on the port it listens on, and Temporal and its Web UI on 127.0.0.1 only', () => {
    const [published, target] = interpolate(service('api').ports![0]!).split(':').slice(-2);
    expect(Number(target)).toBe(loadConfig(envOf('api')).PORT);
    expect(Number(published)).toBeGreaterThan(0);
    expect(service('temporal-ui').ports!.map(interpolate)).toEqual(['127.0.0.1:8080:8080']);
    expect(service('temporal').ports!.map(interpolate)).toEqual(['127.0.0.1:7233:7233']);
  });

  it('keeps the Web UI read-only and decoding through the API’s codec endpoint', () => {
    const ui = envOf('temporal-ui');
    expect(ui.TEMPORAL_DISABLE_WRITE_ACTIONS).toBe('true');
    const api = loadConfig(envOf('api'));
    expect(ui.TEMPORAL_CODEC_ENDPOINT).toBe(`${api.publicUrl}/api/codec`);
    expect(ui.TEMPORAL_CORS_ORIGINS).toBe(api.publicUrl);
    // The UI sends the administrator's codec session cookie with its decode calls.
    expect(ui.TEMPORAL_CODEC_INCLUDE_CREDENTIALS).toBe('true');
    // The API's link to the UI (administrators only) is the port the UI is published on (127.0.0.1), named by
    // the API's host name: the same site as the API, so that the SameSite=Strict cookie goes with those calls.
    const [host, port] = service('temporal-ui').ports!.map(interpolate)[0]!.split(':');
    expect(host).toBe('127.0.0.1');
    const link = new URL(api.temporalUiUrl!);
    expect([link.hostname, link.port]).toEqual([new URL(api.publicUrl).hostname, port]);
  });

  it('gives the app services only variables the configuration reads, and valid values', () => {
    for (const name of appServices) {
      const env = envOf(name);
      for (const variable of Object.keys(env))
        expect([name, CONFIG_VARIABLES.includes(variable)]).toEqual([name, true]);
      expect(() => loadConfig(env)).not.toThrow();
    }
  });

  it('points the app, the setup and the UI at the temporal service and one namespace', () => {
    for (const name of appServices) {
      const config = loadConfig(envOf(name));
      expect(config.embedded).toBe(false);
      expect(config.temporalAddress).toBe('temporal:7233');
      expect(config.TEMPORAL_NAMESPACE).toBe('duban');
    }
    expect(envOf('temporal-ui')).toMatchObject({
      TEMPORAL_ADDRESS: 'temporal:7233',
      TEMPORAL_DEFAULT_NAMESPACE: 'duban',
    });
  });

  it('runs in production mode, where the API needs a tokens file', () => {
    for (const name of appServices) expect(loadConfig(envOf(name)).NODE_ENV).toBe('production');
    expect(loadConfig(envOf('api')).AUTH_TOKENS_FILE).toMatch(/^\/app\/data\//);
  });

  it('gives every worker, API and setup the same payload keyring, mounted as a secret', () => {
    expect(compose.secrets?.['payload-keys']?.file).toMatch(/payload-keys\.json/);
    for (const name of appServices) {
      expect([name, service(name).secrets]).toEqual([name, ['payload-keys']]);
      expect([name, interpolate(String(service(name).environment?.PAYLOAD_KEYS_FILE))]).toEqual([
        name,
        `${SECRET_MOUNT}payload-keys`,
      ]);
    }
  });
});
