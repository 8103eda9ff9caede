/**
 * Sessions for the Temporal Web UI's calls to the codec endpoint. The Web UI calls `/api/codec/decode` from
 * the browser and cannot send a duban bearer token (its "pass access token" sends the UI's own OIDC token);
 * with "include cross-origin credentials" it sends cookies. So an administrator's dashboard asks for a
 * session (`POST /api/codec/session`, bearer token), and the API answers with a cookie that is:
 *
 * - an opaque random id, never the token: it names a session held in this process for {@link CODEC_SESSION_TTL_MS};
 * - `HttpOnly` (no script reads it), `SameSite=Strict` (no other site's page sends it), `Path=/api/codec`,
 *   and `Secure` over HTTPS;
 * - good for `decode` only (`encode` still needs the bearer token), and only while the token it was issued
 *   for is still in the tokens file, unexpired, unrevoked and an administrator's: a revocation ends it too.
 *
 * Sessions live in the API process that issued them (a restart, or another replica, asks the dashboard for a
 * new one; the task page does so each time it shows an administrator the Web UI link).
 */
import { randomBytes } from 'node:crypto';
import type { NextFunction, Request, Response } from 'express';
import { PRESENTED_LOCAL, type PresentedToken } from './middleware';
import { tokenRefusal, type Principal, type TokenSource } from './tokens';

/** The cookie's name. */
export const CODEC_SESSION_COOKIE = 'duban_codec';
/** The one path the cookie is sent to (and the one route it opens: `decode` below it). */
export const CODEC_SESSION_PATH = '/api/codec';
/** How long a session lasts: 15 minutes. */
export const CODEC_SESSION_TTL_MS = 15 * 60_000;
/** Sessions kept at most (the oldest go first): a bound on memory whatever the number of sign-ins. */
const MAX_SESSIONS = 10_000;

/** The codec sessions of one API process. */
export interface CodecSessions {
  /** Opens a session for `principal`: its cookie value and when it ends (epoch ms). */
  issue(principal: Principal): { id: string; expiresAt: number };
  /**
   * Middleware for `POST /api/codec/decode`: a request without an `Authorization` header but with a live
   * session's cookie acts as the session's administrator; anything else is left to `authenticate`.
   */
  authenticate(req: Request, res: Response, next: NextFunction): void;
}

/** The value of cookie `name` in a `Cookie` header, if present. */
function cookieValue(header: string | undefined, name: string): string | undefined {
  for (const part of (header ?? '').split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim();
  }
  return undefined;
}

/** Codec sessions checked against `tokens` at every use, with `now` as the clock. */
export function codecSessions(tokens: TokenSource, now: () => number = Date.now): CodecSessions {
  const sessions = new Map<string, { sha256: string; expiresAt: number }>();
  return {
    issue(principal) {
      const t = now();
      for (const [id, s] of sessions) if (s.expiresAt <= t) sessions.delete(id);
      while (sessions.size >= MAX_SESSIONS) sessions.delete(sessions.keys().next().value!);
      const id = randomBytes(32).toString('base64url');
      const expiresAt = t + CODEC_SESSION_TTL_MS;
      sessions.set(id, { sha256: principal.sha256, expiresAt });
      return { id, expiresAt };
    },
    authenticate(req, res, next) {
      if (req.get('authorization')) return next();
      const id = cookieValue(req.get('cookie'), CODEC_SESSION_COOKIE);
      const session = id ? sessions.get(id) : undefined;
      if (!id || !session) return next();
      const record = tokens.current().find((r) => r.sha256 === session.sha256);
      if (session.expiresAt <= now() || !record || record.role !== 'admin' || tokenRefusal(record, now())) {
        sessions.delete(id);
        return next();
      }
      const presented: PresentedToken = {
        sha256: record.sha256,
        record: { role: record.role, department: record.department, name: record.name },
      };
      res.locals[PRESENTED_LOCAL] = presented;
      res.locals.principal = { role: record.role, name: record.name, sha256: record.sha256 } satisfies Principal;
      next();
    },
  };
}
