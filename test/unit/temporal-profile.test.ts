/**
 * The Temporal connection read the standard way (`@temporalio/envconfig`): a `temporal.toml` profile, the
 * standard variables over it, the earlier TLS names as deprecated aliases, and a bad profile refused in one line.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ConfigError, describeConfig, loadConfig } from '../../config/env';

let dir: string;
let toml: string;
beforeAll(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'duban-profile-'));
  toml = path.join(dir, 'temporal.toml');
  writeFileSync(
    toml,
    [
      '[profile.default]',
      'address = "default.example:7233"',
      '[profile.prod]',
      'address = "prod.example:7233"',
      'namespace = "duban-prod"',
      'api_key = "prod-secret-key"',
      '[profile.prod.tls]',
      'server_name = "prod.internal"',
    ].join('\n'),
  );
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('Temporal profile (TEMPORAL_PROFILE, TEMPORAL_CONFIG_FILE)', () => {
  it('takes address, namespace, API key and TLS from the named profile; the key never reaches the summary', () => {
    const c = loadConfig({ TEMPORAL_PROFILE: 'prod', TEMPORAL_CONFIG_FILE: toml });
    expect(c.embedded).toBe(false);
    expect(c.temporalAddress).toBe('prod.example:7233');
    expect(c.TEMPORAL_NAMESPACE).toBe('duban-prod');
    expect(c.temporalConnection.apiKey).toBe('prod-secret-key');
    expect(c.temporalConnection.tls).toMatchObject({ serverNameOverride: 'prod.internal' });
    const summary = JSON.stringify(describeConfig(c));
    expect(summary).toContain('"profile":"prod"');
    expect(summary).not.toContain('prod-secret-key');
  });

  it('lets the standard variables override the profile', () => {
    const c = loadConfig({
      TEMPORAL_PROFILE: 'prod',
      TEMPORAL_CONFIG_FILE: toml,
      TEMPORAL_ADDRESS: 'other.example:7233',
      TEMPORAL_NAMESPACE: 'other',
    });
    expect(c.temporalAddress).toBe('other.example:7233');
    expect(c.TEMPORAL_NAMESPACE).toBe('other');
  });

  it('reads the default profile of TEMPORAL_CONFIG_FILE, and no file at all when neither variable is set', () => {
    expect(loadConfig({ TEMPORAL_CONFIG_FILE: toml }).temporalAddress).toBe('default.example:7233');
    const embedded = loadConfig({ HOME: dir, XDG_CONFIG_HOME: dir });
    expect(embedded.embedded).toBe(true);
    expect(embedded.temporalAddress).toBe('127.0.0.1:7233');
    expect(embedded.TEMPORAL_NAMESPACE).toBe('duban');
  });

  it('refuses a profile that is not in the file with one line naming the profile and the file', () => {
    let error: unknown;
    try {
      loadConfig({ TEMPORAL_PROFILE: 'staging', TEMPORAL_CONFIG_FILE: toml });
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const message = (error as Error).message;
    expect(message).toContain('TEMPORAL_PROFILE="staging"');
    expect(message).toContain(toml);
    expect(message).not.toContain('\n');
  });

  it('refuses a file with an unknown key, and a TEMPORAL_CONFIG_FILE that is not there, in one line', () => {
    const bad = path.join(dir, 'bad.toml');
    writeFileSync(bad, '[profile.default]\nadress = "typo:7233"\n');
    expect(() => loadConfig({ TEMPORAL_CONFIG_FILE: bad })).toThrow(/^Bad configuration: .*adress[^\n]*$/);
    expect(() => loadConfig({ TEMPORAL_CONFIG_FILE: path.join(dir, 'none.toml') })).toThrow(
      /^Bad configuration: TEMPORAL_CONFIG_FILE=.* is not a readable file/,
    );
  });

  it('uses the standard TLS variable names, and the earlier ones with one deprecation line each', () => {
    const pem = path.join(dir, 'x.pem');
    writeFileSync(pem, 'not really a certificate');
    const standard = loadConfig({
      TEMPORAL_ADDRESS: 'x:7233',
      TEMPORAL_TLS_CLIENT_CERT_PATH: pem,
      TEMPORAL_TLS_CLIENT_KEY_PATH: pem,
      TEMPORAL_TLS_SERVER_NAME: 'x.internal',
    });
    expect(standard.temporalConnection.tls).toMatchObject({
      serverNameOverride: 'x.internal',
      clientCertPair: { crt: expect.anything(), key: expect.anything() },
    });
    const warn = jest.spyOn(console, 'warn').mockImplementation(() => undefined);
    try {
      const old = loadConfig({ TEMPORAL_ADDRESS: 'x:7233', TEMPORAL_TLS_CERT: pem, TEMPORAL_TLS_KEY: pem });
      expect(old.temporalConnection.tls).toMatchObject({ clientCertPair: { crt: expect.anything() } });
      expect(warn.mock.calls.map((c) => String(c[0]))).toEqual([
        '[config] TEMPORAL_TLS_CERT is deprecated: use TEMPORAL_TLS_CLIENT_CERT_PATH',
        '[config] TEMPORAL_TLS_KEY is deprecated: use TEMPORAL_TLS_CLIENT_KEY_PATH',
      ]);
    } finally {
      warn.mockRestore();
    }
    expect(() => loadConfig({ TEMPORAL_ADDRESS: 'x:7233', TEMPORAL_TLS_CLIENT_CERT_PATH: pem })).toThrow(
      /must be set together/,
    );
  });
});
