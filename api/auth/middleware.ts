/**
 * Authentication and role checks. `authenticate` turns `Authorization: Bearer <token>` into the
 * {@link Principal} the request acts for (401 otherwise: `unauthorized`, `token_expired`, `token_revoked`);
 * `requireRole` refuses other roles with 403. Department checks need the path or body and live in the
 * routes. Every failure is counted per address first, so that a flood of bad tokens answers 429.
 */
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import type { Role, Words } from '../../contracts';
import type { AuthFailureCounter } from '../middleware/rate-limit';
import { ForbiddenError, TokenExpiredError, TokenRevokedError, UnauthorizedError } from '../errors';
import { findToken, hashToken, tokenRefusal, type Principal, type TokenSource } from './tokens';

/** Where `authenticate` leaves who presented what, for the audit log, even when it refuses. */
export const PRESENTED_LOCAL = 'presentedToken';

/** The token a request presented: its hash, and the record's people when the file holds it. */
export interface PresentedToken {
  sha256: string;
  record?: Omit<Principal, 'sha256'>;
}

const ROLE_NAMES: Record<Role, Words> = {
  coordinator: { zh: '部门联络员', en: 'department coordinator' },
  office: { zh: '办公厅', en: 'general office' },
  admin: { zh: '管理员', en: 'administrator' },
  viewer: { zh: '只读用户', en: 'read-only viewer' },
  supervisor: { zh: '督导办', en: 'supervision office' },
  leadership: { zh: '部领导', en: 'ministry leadership' },
};

/**
 * Builds the middleware that authenticates against the records `tokens` holds at each request (so a file
 * re-read between two requests counts from the second); `countFailure` sees every refusal first.
 */
export function authenticate(
  tokens: TokenSource,
  countFailure: AuthFailureCounter = (_req, _res, next) => next(),
  now: () => number = Date.now,
): RequestHandler {
  return (req: Request, res: Response, next: NextFunction) => {
    // Already authenticated by a codec session's cookie (auth/codec-session.ts, on the decode path only).
    if (res.locals.principal) return next();
    const fail = (err: Error) => countFailure(req, res, (limited?: unknown) => next(limited ?? err));
    const header = req.get('authorization');
    const match = header ? /^Bearer\s+(\S+)\s*$/i.exec(header) : null;
    if (!match) {
      fail(new UnauthorizedError({ zh: '缺少访问令牌', en: 'Missing "Authorization: Bearer <token>" header.' }));
      return;
    }
    const record = findToken(tokens.current(), match[1]!);
    const presented: PresentedToken = { sha256: record?.sha256 ?? hashToken(match[1]!) };
    if (record) presented.record = { role: record.role, department: record.department, name: record.name };
    res.locals[PRESENTED_LOCAL] = presented;
    if (!record) {
      fail(new UnauthorizedError({ zh: '访问令牌无效', en: 'Unknown or revoked token.' }));
      return;
    }
    const refusal = tokenRefusal(record, now());
    if (refusal) {
      fail(refusal === 'expired' ? new TokenExpiredError() : new TokenRevokedError());
      return;
    }
    const principal: Principal = {
      role: record.role,
      department: record.department,
      name: record.name,
      sha256: record.sha256,
    };
    res.locals.principal = principal;
    next();
  };
}

/** The principal `authenticate` attached. Throws 401 when a route forgot to authenticate. */
export function principalOf(res: Response): Principal {
  const principal = res.locals.principal as Principal | undefined;
  if (!principal) throw new UnauthorizedError();
  return principal;
}

/** Refuses (403) every role not listed. */
export function requireRole(roles: readonly Role[]): RequestHandler {
  return (_req, res, next) => {
    const principal = principalOf(res);
    if (!roles.includes(principal.role)) {
      throw new ForbiddenError({
        zh: `此操作仅限${roles.map((r) => ROLE_NAMES[r].zh).join('、')}`,
        en: `Only ${roles.map((r) => ROLE_NAMES[r].en).join(', ')} may do this.`,
      });
    }
    next();
  };
}
