/**
 * docker-compose.yml is the production stack, and no Docker engine runs here: these checks read the file
 * and hold it to what the application reads, so that a renamed variable or a dropped search attribute
 * breaks a test instead of a deployment.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import { ALL_SEARCH_ATTRIBUTES } from '../../contracts';
import { CONFIG_VARIABLES, loadConfig } from '../../config/env';
import { PROJECT_ROOT } from '../../embedded/binaries';
import { CLI_TYPE_NAMES } from '../../embedded/dev-server';

interface Service {
  image?: string;
  build?: unknown;
  command?: string[] | string;
  container_name?: string;
  ports?: string[];
  depends_on?: Record<string, { condition: string }>;
  environment?: Record<string, string>;
}

const compose = parse(readFileSync(path.join(PROJECT_ROOT, 'docker-compose.yml'), 'utf8'), { merge: true }) as {
  services: Record<string, Service>;
};
const services = compose.services;
const appServices = ['worker', 'api'] as const;

/** `${VAR:-default}` as compose would resolve it with nothing set. */
function interpolate(value: string): string {
  return value.replace(/\$\{[A-Z_]+:-([^}]*)\}/g, '$1');
}

/** An app service's environment as the container gets it. */
function appEnv(name: string): Record<string, string> {
  return Object.fromEntries(
    Object.entries(services[name]!.environment ?? {}).map(([k, v]) => [k, interpolate(String(v))]),
  );
}

describe('docker-compose.yml', () => {
  it('has PostgreSQL, a Temporal server on it, the Web UI, the worker and the API', () => {
    expect(Object.keys(services)).toEqual(
      expect.arrayContaining(['postgresql', 'temporal', 'temporal-ui', 'worker', 'api']),
    );
    expect(services.postgresql!.image).toMatch(/^postgres:\d+/);
    expect(services.temporal!.image).toMatch(/^temporalio\/(auto-setup|server):\d+\.\d+\.\d+/);
    expect(services.temporal!.environment).toMatchObject({ DB: 'postgres12', POSTGRES_SEEDS: 'postgresql' });
    expect(services['temporal-ui']!.image).toMatch(/^temporalio\/ui:\d+\.\d+\.\d+/);
  });

  it('pins every image to a version', () => {
    for (const [name, s] of Object.entries(services)) {
      if (s.build) continue;
      expect([name, s.image]).toEqual([name, expect.stringMatching(/:[\w.-]+$/)]);
      expect(s.image).not.toMatch(/:latest$/);
    }
  });

  it('builds the worker and the API from the Dockerfile and runs their entry points', () => {
    expect(services.worker!.build).toBe('.');
    expect(services.api!.build).toBe('.');
    expect(services.worker!.command).toEqual(['node_modules/.bin/tsx', 'worker/main.ts']);
    expect(services.api!.command).toEqual(['node_modules/.bin/tsx', 'api/main.ts']);
    const dockerfile = readFileSync(path.join(PROJECT_ROOT, 'Dockerfile'), 'utf8');
    expect(dockerfile).toMatch(/SKIP_TEMPORAL_INSTALL=1/);
    expect(dockerfile).toMatch(/npm ci/);
  });

  it('lets the worker scale: no container name and no host port', () => {
    expect(services.worker!.container_name).toBeUndefined();
    expect(services.worker!.ports).toBeUndefined();
  });

  it('publishes the API on the port it listens on and the Web UI on its own port', () => {
    const api = services.api!;
    const [published, target] = interpolate(api.ports![0]!).split(':').slice(-2);
    expect(Number(target)).toBe(loadConfig(appEnv('api')).PORT);
    expect(Number(published)).toBeGreaterThan(0);
    expect(services['temporal-ui']!.ports!.map(interpolate)).toEqual(['8080:8080']);
  });

  it('starts each service after what it needs', () => {
    expect(services.temporal!.depends_on).toHaveProperty('postgresql');
    expect(services['temporal-ui']!.depends_on).toHaveProperty('temporal');
    for (const name of appServices) {
      const needs = Object.keys(services[name]!.depends_on ?? {});
      // Directly on the server, or on the setup job that itself waits for the server.
      const setup = needs.find((n) => Object.keys(services[n]?.depends_on ?? {}).includes('temporal'));
      expect(needs.includes('temporal') || setup !== undefined).toBe(true);
    }
  });

  it('gives the app services only variables the configuration reads, and valid values', () => {
    for (const name of appServices) {
      const env = appEnv(name);
      for (const variable of Object.keys(env))
        expect([name, CONFIG_VARIABLES.includes(variable)]).toEqual([name, true]);
      expect(() => loadConfig(env)).not.toThrow();
    }
  });

  it('points the app at the temporal service and the namespace the server creates', () => {
    for (const name of appServices) {
      const config = loadConfig(appEnv(name));
      expect(config.embedded).toBe(false);
      expect(config.temporalAddress).toBe('temporal:7233');
      expect(config.TEMPORAL_NAMESPACE).toBe(services.temporal!.environment!.DEFAULT_NAMESPACE);
    }
    expect(services['temporal-ui']!.environment!.TEMPORAL_ADDRESS).toBe('temporal:7233');
  });

  it('runs in production mode, where the API needs a tokens file', () => {
    for (const name of appServices) expect(loadConfig(appEnv(name)).NODE_ENV).toBe('production');
    expect(loadConfig(appEnv('api')).AUTH_TOKENS_FILE).toMatch(/^\/app\/data\//);
  });

  it('registers every search attribute the workflows use, with its type, and a long retention', () => {
    const setup = Object.values(services).find((s) => /search-attribute create/.test(String(s.command)));
    expect(setup).toBeDefined();
    const script = String(setup!.command);
    const cliType = CLI_TYPE_NAMES;
    for (const key of ALL_SEARCH_ATTRIBUTES)
      expect(script).toMatch(new RegExp(`\\b${key.name}:${cliType[key.type]}\\b`));
    const readme = readFileSync(path.join(PROJECT_ROOT, 'README.md'), 'utf8');
    for (const key of ALL_SEARCH_ATTRIBUTES) expect(readme).toContain(`${key.name}:${cliType[key.type]}`);
    const retentionHours = Number(/--retention (\d+)h/.exec(script)?.[1]);
    expect(retentionHours).toBeGreaterThanOrEqual(365 * 24);
  });
});
