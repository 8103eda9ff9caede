/**
 * Authentication and role checks. `authenticate` turns `Authorization: Bearer <token>` into the
 * {@link Principal} the request acts for (401 otherwise); `requireRole` refuses other roles with 403.
 * Department checks need the path or body and live in the routes.
 */
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import type { Role, Words } from '../../contracts';
import { ForbiddenError, UnauthorizedError } from '../errors';
import { findToken, type Principal, type TokenRecord } from './tokens';

const ROLE_NAMES: Record<Role, Words> = {
  coordinator: { zh: '部门联络员', en: 'department coordinator' },
  office: { zh: '办公厅', en: 'general office' },
  admin: { zh: '管理员', en: 'administrator' },
  viewer: { zh: '只读用户', en: 'read-only viewer' },
};

/** Builds the middleware that authenticates against the given token records. */
export function authenticate(records: readonly TokenRecord[]): RequestHandler {
  return (req: Request, res: Response, next: NextFunction) => {
    const header = req.get('authorization');
    const match = header ? /^Bearer\s+(\S+)\s*$/i.exec(header) : null;
    if (!match)
      throw new UnauthorizedError({ zh: '缺少访问令牌', en: 'Missing "Authorization: Bearer <token>" header.' });
    const record = findToken(records, match[1]!);
    if (!record) throw new UnauthorizedError({ zh: '访问令牌无效', en: 'Unknown or revoked token.' });
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
