/**
 * `npm run token` as an administrator runs it: a child process on a tokens file of its own, its output and
 * exit code. Minting with an expiry, listing, and revoking by name and by hash prefix.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { findToken, readTokensFile, tokenRefusal } from '../../api/auth/tokens';

const ROOT = join(__dirname, '..', '..');
let dir: string;
let file: string;

/** Runs `npx tsx scripts/token.ts …args` with `AUTH_TOKENS_FILE` pointing at this test's file. */
function token(...args: string[]): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync('npx', ['tsx', 'scripts/token.ts', ...args], {
    cwd: ROOT,
    encoding: 'utf8',
    timeout: 60_000,
    env: { ...process.env, AUTH_TOKENS_FILE: file, NODE_ENV: 'production' },
  });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'duban-token-cli-'));
  file = join(dir, 'tokens.json');
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

test('mints with an expiry, lists, and revokes by name and by hash prefix', () => {
  const minted = token('--role', 'viewer', '--name', '大屏一号', '--expires', '90d');
  expect(minted.stderr).toContain('expires');
  expect(minted.status).toBe(0);
  const viewerToken = minted.stdout.trim();
  const dated = token('--role', 'office', '--name', '值班员', '--expires', '2099-03-31');
  expect(dated.status).toBe(0);
  const officeToken = dated.stdout.trim();
  expect(token('--role', 'admin', '--name', '管理员').status).toBe(0);

  const records = readTokensFile(file);
  const viewer = findToken(records, viewerToken)!;
  const days = (Date.parse(viewer.expiresAt!) - Date.now()) / 86_400_000;
  expect(days).toBeGreaterThan(89.9);
  expect(days).toBeLessThanOrEqual(90);
  // The last day it works, in the plan's time zone (+08:00): it stops at midnight starting 2099-04-01 there.
  expect(findToken(records, officeToken)!.expiresAt).toBe('2099-03-31T16:00:00.000Z');

  const listed = token('list');
  expect(listed.status).toBe(0);
  const rows = listed.stdout.trim().split('\n');
  expect(rows).toHaveLength(3);
  expect(rows[0]).toBe(
    [viewer.sha256.slice(0, 12), 'active', 'viewer', '-', '大屏一号', `expires ${viewer.expiresAt}`].join('\t'),
  );
  expect(rows[2]).toContain('no expiry');
  expect(listed.stdout).not.toContain(viewerToken);
  expect(listed.stdout).not.toContain(viewer.sha256);

  const byName = token('revoke', '大屏一号');
  expect(byName.status).toBe(0);
  expect(tokenRefusal(findToken(readTokensFile(file), viewerToken)!, Date.now())).toBe('revoked');
  const byHash = token('revoke', findToken(readTokensFile(file), officeToken)!.sha256.slice(0, 10));
  expect(byHash.status).toBe(0);
  expect(findToken(readTokensFile(file), officeToken)!.revokedAt).toBeDefined();
  expect(token('list').stdout).toMatch(/\trevoked\tviewer\t-\t大屏一号\trevoked \d{4}-/);
  // The admin is untouched.
  expect(
    readTokensFile(file)
      .filter((r) => r.revokedAt === undefined)
      .map((r) => r.role),
  ).toEqual(['admin']);
});

test('refuses what cannot be revoked or minted, with a reason', () => {
  expect(token('--role', 'viewer', '--name', '同名').status).toBe(0);
  expect(token('--role', 'viewer', '--name', '同名').status).toBe(0);
  const ambiguous = token('revoke', '同名');
  expect(ambiguous.status).toBe(1);
  expect(ambiguous.stderr).toContain('2 tokens match "同名"; name one by its hash prefix');
  const missing = token('revoke', 'nobody');
  expect(missing.status).toBe(1);
  expect(missing.stderr).toContain('no token named "nobody"');
  const past = token('--role', 'viewer', '--name', 'x', '--expires', '2001-01-01');
  expect(past.status).toBe(2);
  expect(past.stderr).toContain('already past');
  const bad = token('--role', 'viewer', '--name', 'x', '--expires', 'soon');
  expect(bad.status).toBe(2);
  expect(bad.stderr).toContain('--expires must be like 90d');
});
