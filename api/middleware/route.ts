/**
 * Mounts an operation of the table in `api/operations.ts` on a router: its method and path, its role check
 * and its input validation, then the route's own handler. Every route is mounted this way, so none can
 * answer without the checks the table (and so the OpenAPI document) declares.
 */
import type { RequestHandler, Router } from 'express';
import { requireRole } from '../auth/middleware';
import { OPERATION_LOCAL } from '../metrics';
import type { Operation } from '../operations';
import { validate } from './validate';

/** Adds `handler` for `op` to `router`, behind `op`'s role check (when it has roles) and input validation. */
export function mount(router: Router, op: Operation, handler: RequestHandler): void {
  const checks: RequestHandler[] = op.roles ? [requireRole(op.roles), validate(op.input)] : [validate(op.input)];
  // Names the operation for the request metrics (api/metrics.ts), before any check can answer.
  const name: RequestHandler = (_req, res, next) => {
    res.locals[OPERATION_LOCAL] = op.operationId;
    next();
  };
  router[op.method](op.path, name, ...checks, handler);
}
