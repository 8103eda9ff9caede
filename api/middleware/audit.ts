/**
 * The audit log: one structured JSON line (`pino`) for every decision (every POST under `/api`, whatever
 * its outcome) and every refused attempt (any 4xx under `/api`, 401, 403 and 429 included), written to its
 * own destination (`AUDIT_LOG_FILE`), apart from the human-readable start-up lines. Each line says who
 * (token name, role, department and the first 12 hex digits of the token's hash, also for a token the
 * file does not hold), what (operation id, task, milestone, extension, a sign-off's decision), from which
 * address, the outcome (HTTP status and error code), how long it took, and the request id.
 *
 * The request id is the client's `X-Request-Id` when it is sane (1–128 of `A–Z a–z 0–9 . _ : - @ / + =`),
 * else a new UUID; it is echoed in the answer's `X-Request-Id` and carried by every line of the request.
 */
import type { RequestHandler, Response } from 'express';
import { randomUUID } from 'node:crypto';
import pino, { type DestinationStream, type Logger } from 'pino';
import type { Principal } from '../auth/tokens';
import { PRESENTED_LOCAL, type PresentedToken } from '../auth/middleware';
import { OPERATION_LOCAL } from '../metrics';

/** `res.locals` key of the request id. */
export const REQUEST_ID_LOCAL = 'requestId';
/** `res.locals` key where the error middleware leaves the code it answered. */
export const ERROR_CODE_LOCAL = 'errorCode';

const SANE_REQUEST_ID = /^[A-Za-z0-9._:@/+=-]{1,128}$/;
const TOKEN_PREFIX = 12;

/** The request id of a request (see the module comment); `requestId()` must have run. */
export function requestIdOf(res: Response): string | undefined {
  return res.locals[REQUEST_ID_LOCAL] as string | undefined;
}

/** Takes or makes the request id, puts it in `res.locals` and in the answer's `X-Request-Id`. */
export function requestId(): RequestHandler {
  return (req, res, next) => {
    const given = req.get('x-request-id');
    const id = given !== undefined && SANE_REQUEST_ID.test(given) ? given : randomUUID();
    res.locals[REQUEST_ID_LOCAL] = id;
    res.set('X-Request-Id', id);
    next();
  };
}

/**
 * The audit logger writing to `destination`: `'stdout'`, `'stderr'`, a file path (appended, created with
 * mode 0600, each line written before the next request is answered), or a stream (tests).
 */
export function auditLogger(destination: 'stdout' | 'stderr' | string | DestinationStream): Logger {
  const stream =
    typeof destination !== 'string'
      ? destination
      : destination === 'stdout' || destination === 'stderr'
        ? pino.destination({ dest: destination === 'stdout' ? 1 : 2, sync: true })
        : pino.destination({ dest: destination, append: true, mkdir: true, sync: true, mode: 0o600 });
  return pino({ name: 'duban-audit', timestamp: pino.stdTimeFunctions.isoTime, base: { pid: process.pid } }, stream);
}

const TASK_PATH = /^\/api\/tasks\/([^/]+)(?:\/milestones\/([^/]+)(?:\/extension-requests\/([^/]+))?)?/;

/** Who made the request, as far as it is known: the signed-in principal, or the token presented. */
function who(res: Response): Record<string, unknown> | undefined {
  const principal = res.locals.principal as Principal | undefined;
  const presented = res.locals[PRESENTED_LOCAL] as PresentedToken | undefined;
  const person = principal ?? presented?.record;
  const hash = principal?.sha256 ?? presented?.sha256;
  if (!person && !hash) return undefined;
  return {
    ...(person ? { name: person.name, role: person.role, department: person.department } : {}),
    ...(hash ? { token: hash.slice(0, TOKEN_PREFIX) } : {}),
  };
}

/** Writes the audit line of each request that is a decision or a refusal, when its answer has been sent. */
export function auditTrail(logger: Logger): RequestHandler {
  return (req, res, next) => {
    const started = process.hrtime.bigint();
    const path = req.path;
    if (!(path === '/api' || path.startsWith('/api/'))) {
      next();
      return;
    }
    res.on('finish', () => {
      const status = res.statusCode;
      if (req.method !== 'POST' && status < 400) return;
      if (status >= 500 && req.method !== 'POST') return; // a fault, not a refusal: the error log has it
      const input = res.locals.input as
        { params?: Record<string, unknown>; body?: Record<string, unknown> } | undefined;
      const fromPath = TASK_PATH.exec(path);
      const params = input?.params;
      const line = {
        reqId: requestIdOf(res),
        event: status < 400 ? 'decision' : status < 500 ? 'refused' : 'failed',
        method: req.method,
        path,
        operation: res.locals[OPERATION_LOCAL] as string | undefined,
        task: params?.number ?? (fromPath ? Number(fromPath[1]) || fromPath[1] : undefined),
        milestone: params?.milestoneId ?? fromPath?.[2],
        extension: params?.extensionId ?? fromPath?.[3],
        decision: typeof input?.body?.decision === 'string' ? input.body.decision : undefined,
        who: who(res),
        address: req.ip,
        status,
        code: res.locals[ERROR_CODE_LOCAL] as string | undefined,
        ms: Number((process.hrtime.bigint() - started) / 1000n) / 1000,
      };
      const message = `${req.method} ${path} → ${status}`;
      if (status < 400) logger.info(line, message);
      else logger.warn(line, message);
    });
    next();
  };
}
