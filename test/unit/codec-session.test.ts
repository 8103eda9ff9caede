/**
 * Codec sessions (api/auth/codec-session.ts) on their own clock and tokens: a session acts as its
 * administrator for 15 minutes, ends when the token is revoked or expires, and a bearer header always wins.
 */
import type { Request, Response } from 'express';
import { CODEC_SESSION_TTL_MS, codecSessions } from '../../api/auth/codec-session';
import { hashToken, mintToken, type TokenRecord } from '../../api/auth/tokens';

const token = mintToken();
let records: TokenRecord[];
let clock: number;
const sessions = codecSessions({ current: () => records }, () => clock);

beforeEach(() => {
  clock = Date.parse('2030-03-01T08:00:00Z');
  records = [{ sha256: hashToken(token), role: 'admin', name: '系统管理员' }];
});

/** Who the middleware lets a request with these headers act as (undefined: left to bearer authentication). */
function actingAs(headers: Record<string, string>): string | undefined {
  const req = { get: (name: string) => headers[name.toLowerCase()] } as unknown as Request;
  const res = { locals: {} } as Response;
  let passed = false;
  sessions.authenticate(req, res, () => (passed = true));
  expect(passed).toBe(true);
  return (res.locals.principal as { name: string } | undefined)?.name;
}

const issue = () => sessions.issue({ role: 'admin', name: '系统管理员', sha256: hashToken(token) });

test('a session acts as its administrator until it expires', () => {
  const { id, expiresAt } = issue();
  expect(expiresAt - clock).toBe(CODEC_SESSION_TTL_MS);
  expect(actingAs({ cookie: `other=1; duban_codec=${id}` })).toBe('系统管理员');
  clock += CODEC_SESSION_TTL_MS;
  expect(actingAs({ cookie: `duban_codec=${id}` })).toBeUndefined();
});

test('revoking or expiring the token ends its sessions at once', () => {
  const a = issue();
  const b = issue();
  records = [{ ...records[0]!, revokedAt: new Date(clock).toISOString() }];
  expect(actingAs({ cookie: `duban_codec=${a.id}` })).toBeUndefined();
  records = [{ ...records[0]!, revokedAt: undefined, expiresAt: new Date(clock).toISOString() }];
  expect(actingAs({ cookie: `duban_codec=${b.id}` })).toBeUndefined();
});

test('an unknown session is nobody, and a bearer header is left to the token check', () => {
  const { id } = issue();
  expect(actingAs({ cookie: 'duban_codec=forged' })).toBeUndefined();
  expect(actingAs({ cookie: `duban_codec=${id}`, authorization: 'Bearer x' })).toBeUndefined();
});
