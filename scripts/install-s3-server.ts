/**
 * Installs moto's S3 server (`moto_server`, a local S3-compatible service) at {@link S3_SERVER_PACKAGES} into
 * the git-ignored `.tools/venv` that `npm install` made for the Temporal CLI, once; a later run finds that
 * version and does nothing. Only the S3 parts and the server (`moto[s3]`, Flask), about 8 s from PyPI. The
 * evidence store's test starts it (`support/s3-server.ts`); run it on its own with
 * `tsx scripts/install-s3-server.ts`.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { TOOLS_VENV } from '../embedded/binaries';

/** The pinned packages: moto's S3 backend and the server it runs in. */
export const S3_SERVER_PACKAGES = ['moto[s3]==5.2.1', 'flask==3.1.3', 'flask-cors==6.0.2'] as const;

/** Where `moto_server` is once installed. */
export const MOTO_SERVER_BIN = path.join(TOOLS_VENV, 'bin', 'moto_server');

function installedVersion(): boolean {
  const distInfo = `moto-${S3_SERVER_PACKAGES[0].split('==')[1]}.dist-info`;
  try {
    const lib = path.join(TOOLS_VENV, 'lib');
    return (
      existsSync(MOTO_SERVER_BIN) &&
      readdirSync(lib).some((python) => existsSync(path.join(lib, python, 'site-packages', distInfo)))
    );
  } catch {
    return false;
  }
}

/**
 * Answers the path of `moto_server`, installing it first when the venv has not the pinned version.
 * @throws when there is no Python with venv, or pip cannot install the packages (the message says which).
 */
export function ensureS3Server(): string {
  if (installedVersion()) return MOTO_SERVER_BIN;
  const pip = path.join(TOOLS_VENV, 'bin', 'pip');
  if (!existsSync(pip)) execFileSync('python3', ['-m', 'venv', TOOLS_VENV], { stdio: 'inherit' });
  console.log(`Installing ${S3_SERVER_PACKAGES.join(' ')} into .tools/venv …`);
  execFileSync(pip, ['install', '--quiet', '--disable-pip-version-check', ...S3_SERVER_PACKAGES], {
    stdio: 'inherit',
  });
  if (!installedVersion()) throw new Error(`pip finished but ${MOTO_SERVER_BIN} is not there`);
  return MOTO_SERVER_BIN;
}

if (require.main === module) console.log(ensureS3Server());
