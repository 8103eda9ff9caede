/**
 * The configuration a user gives through the environment: defaults that let `npm start` run with nothing
 * set, and a bad value stopping start-up with one line that names the variable.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { CONFIG_VARIABLES, ConfigError, describeConfig, loadConfig } from '../../config/env';
import { PROJECT_ROOT } from '../../embedded/binaries';

describe('loadConfig', () => {
  it('runs the embedded server with the documented defaults when nothing is set', () => {
    const c = loadConfig({});
    expect(c).toMatchObject({
      embedded: true,
      temporalAddress: '127.0.0.1:7233',
      TEMPORAL_NAMESPACE: 'duban',
      TEMPORAL_PORT: 7233,
      TEMPORAL_UI_PORT: 8233,
      PORT: 3000,
      AUTO_START_PLAN: true,
      LOG_LEVEL: 'info',
      temporalUiUrl: 'http://localhost:8233',
      publicUrl: 'http://localhost:3000',
    });
    expect(c.DATA_DIR).toBe(path.join(PROJECT_ROOT, 'data'));
    expect(c.PLAN_FILE).toBe(path.join(PROJECT_ROOT, 'seeds', 'moe-2016-informatization.plan.json'));
    expect(c.PLAN_START_DATE).toBeUndefined();
  });

  it('uses a cluster given by TEMPORAL_ADDRESS instead of embedding one', () => {
    const c = loadConfig({ TEMPORAL_ADDRESS: 'temporal.example.org:7233', TEMPORAL_NAMESPACE: 'moe' });
    expect(c).toMatchObject({
      embedded: false,
      temporalAddress: 'temporal.example.org:7233',
      TEMPORAL_NAMESPACE: 'moe',
    });
    expect(c.temporalUiUrl).toBeUndefined();
  });

  it('reads ports, switches and dates from strings', () => {
    const c = loadConfig({
      PORT: '8080',
      TEMPORAL_PORT: '7300',
      AUTO_START_PLAN: 'false',
      PLAN_START_DATE: '2016-02-02',
    });
    expect(c).toMatchObject({ PORT: 8080, TEMPORAL_PORT: 7300, AUTO_START_PLAN: false, PLAN_START_DATE: '2016-02-02' });
  });

  it.each([
    ['PORT', 'abc'],
    ['PORT', '70000'],
    ['TEMPORAL_PORT', '-1'],
    ['TEMPORAL_UI_PORT', '1.5'],
    ['TEMPORAL_ADDRESS', 'http://temporal:7233'],
    ['AUTO_START_PLAN', 'maybe'],
    ['PLAN_START_DATE', '2016-13-01'],
    ['LOG_LEVEL', 'loud'],
    ['NODE_ENV', 'staging'],
    ['PUBLIC_URL', 'not a url'],
  ])('refuses %s=%s with one line naming the variable', (name, value) => {
    let error: unknown;
    try {
      loadConfig({ [name]: value });
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const message = (error as Error).message;
    expect(message).toContain(`${name}=`);
    expect(message).toContain(JSON.stringify(value));
    expect(message).not.toContain('\n');
  });

  it('refuses a TLS certificate without its key', () => {
    expect(() => loadConfig({ TEMPORAL_ADDRESS: 'x:7233', TEMPORAL_TLS_CERT: '/c.pem' })).toThrow(/TEMPORAL_TLS_KEY/);
  });

  it.each(['TEMPORAL_TLS_CERT', 'TEMPORAL_TLS_KEY', 'TEMPORAL_TLS_CA', 'PLAN_FILE', 'CONTACTS_FILE'])(
    'refuses %s naming a file that is not there, in one line naming the variable',
    (name) => {
      const tls = { TEMPORAL_TLS_CERT: 'package.json', TEMPORAL_TLS_KEY: 'package.json' };
      const env = { TEMPORAL_ADDRESS: 'x:7233', ...tls, [name]: 'no/such/file.pem' };
      expect(() => loadConfig(env)).toThrow(
        new RegExp(`^Bad configuration: ${name}="no/such/file.pem" is not a readable file .* fix or unset ${name}\\.$`),
      );
      // The same variable naming a readable file passes, made absolute from the project's folder.
      const ok = loadConfig({ ...env, [name]: 'package.json' });
      expect(ok[name as 'PLAN_FILE']).toBe(path.join(PROJECT_ROOT, 'package.json'));
    },
  );

  it('lists every variable it reads, and its loggable summary holds no secret', () => {
    expect(CONFIG_VARIABLES).toEqual(
      expect.arrayContaining(['TEMPORAL_ADDRESS', 'TEMPORAL_NAMESPACE', 'TEMPORAL_API_KEY', 'DATA_DIR', 'PORT']),
    );
    const c = loadConfig({ TEMPORAL_ADDRESS: 'x:7233', TEMPORAL_API_KEY: 'secret-key-123' });
    expect(JSON.stringify(describeConfig(c))).not.toContain('secret-key-123');
  });
});

describe('README', () => {
  it('documents every variable the configuration reads', () => {
    const readme = readFileSync(path.join(PROJECT_ROOT, 'README.md'), 'utf8');
    const documented = [...readme.matchAll(/^\| `([A-Z][A-Z0-9_]*)`/gm)].map((m) => m[1]);
    expect([...CONFIG_VARIABLES].sort()).toEqual([...new Set(documented)].sort());
  });
});
