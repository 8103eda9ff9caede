/**
 * Mounts an operation of the table in `api/operations.ts` on a router: its method and path, its role check
 * and its input validation, then the route's own handler. Every route is mounted this way, so none can
 * answer without the checks the table (and so the OpenAPI document) declares.
 */
import type { RequestHandler, Router } from 'express';
import { requireRole } from '../auth/middleware';
import { bindIdempotencyKey, type IdempotencyStore } from '../idempotency';
import { OPERATION_LOCAL } from '../metrics';
import type { Operation } from '../operations';
import { validate } from './validate';

/** Where `createApp` puts the app's {@link IdempotencyStore} (`app.locals`), for the idempotent operations. */
export const IDEMPOTENCY_STORE_LOCAL = 'idempotencyStore';

/**
 * Adds `handlers` for `op` to `router` (the route's own, in order: e.g. a body reader, then the handler),
 * behind `op`'s role check (when it has roles), input validation and, for an idempotent operation, the check
 * that its `Idempotency-Key` is not reused with another request.
 */
export function mount(router: Router, op: Operation, ...handlers: RequestHandler[]): void {
  const checks: RequestHandler[] = op.roles ? [requireRole(op.roles), validate(op.input)] : [validate(op.input)];
  if (op.idempotent) {
    const bindings = new WeakMap<IdempotencyStore, RequestHandler>();
    checks.push((req, res, next) => {
      const store = req.app.locals[IDEMPOTENCY_STORE_LOCAL] as IdempotencyStore | undefined;
      if (!store) {
        next();
        return;
      }
      let bind = bindings.get(store);
      if (!bind) bindings.set(store, (bind = bindIdempotencyKey(store, op.operationId)));
      bind(req, res, next);
    });
  }
  // Names the operation for the request metrics (api/metrics.ts), before any check can answer.
  const name: RequestHandler = (_req, res, next) => {
    res.locals[OPERATION_LOCAL] = op.operationId;
    next();
  };
  router[op.method](op.path, name, ...checks, ...handlers);
}
