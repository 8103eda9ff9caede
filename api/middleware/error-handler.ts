/**
 * The one error middleware, mounted last. It maps every failure to `{ error: { code, message, details? } }`,
 * its `message` the words in both languages `{ zh, en }`:
 * a `ZodError` → 400 with the issues; the API's own {@link HttpError}s → their status; a workflow that
 * does not exist → 404; a workflow's refusal (an `ApplicationFailure` whose type is a refusal name) → the
 * status of {@link refusalStatus} with the workflow's own words; Temporal unreachable or too slow → 503;
 * a body too large → 413; malformed JSON → 400; anything else → 500, logged, without internals.
 */
import {
  QueryNotRegisteredError,
  ServiceError,
  WorkflowUpdateFailedError,
  WorkflowUpdateRPCTimeoutOrCancelledError,
  isGrpcServiceError,
} from '@temporalio/client';
import { ApplicationFailure, NamespaceNotFoundError, WorkflowNotFoundError } from '@temporalio/common';
import type { ErrorRequestHandler, RequestHandler, Response } from 'express';
import { z } from 'zod';
import { refusalStatus, refusalWords, type ErrorBody } from '../../contracts';
import { HttpError, NotFoundError } from '../errors';
import { ERROR_CODE_LOCAL, requestIdOf } from './audit';

/** gRPC status codes that mean "Temporal is not there or did not answer in time". */
const UNREACHABLE_GRPC_CODES = new Set([14 /* UNAVAILABLE */, 4 /* DEADLINE_EXCEEDED */, 1 /* CANCELLED */]);
const NETWORK_ERROR_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ENOTFOUND', 'EHOSTUNREACH', 'ETIMEDOUT', 'EPIPE']);

/** The words of 503 `temporal_unavailable` when Temporal cannot be reached (also a failed start job's). */
export const TEMPORAL_UNAVAILABLE_WORDS = {
  zh: '工作流服务暂不可用，请稍后重试',
  en: 'Temporal cannot be reached or did not answer in time; retry later.',
} as const;

/** Turns `AlreadySigned` into `already_signed`. */
export function refusalCode(type: string): string {
  return type.replace(/([a-z0-9])([A-Z])/g, '$1_$2').toLowerCase();
}

/** Whether an error (or one of its causes) says Temporal cannot be reached or did not answer in time. */
export function isTemporalUnreachable(err: unknown): boolean {
  for (let e: unknown = err, depth = 0; e && depth < 6; e = (e as { cause?: unknown }).cause, depth++) {
    if (e instanceof WorkflowUpdateRPCTimeoutOrCancelledError) return true;
    if (isGrpcServiceError(e) && UNREACHABLE_GRPC_CODES.has(e.code)) return true;
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string' && NETWORK_ERROR_CODES.has(code)) return true;
    if (e instanceof ServiceError && /Failed to connect/i.test(e.message)) return true;
  }
  return false;
}

/** The workflow's refusal inside an update failure, if that is what it is. */
function refusalOf(err: unknown): ApplicationFailure | undefined {
  const failure = err instanceof WorkflowUpdateFailedError ? err.cause : err;
  return failure instanceof ApplicationFailure && refusalStatus(failure.type) ? failure : undefined;
}

function send(res: Response, status: number, body: ErrorBody): void {
  res.locals[ERROR_CODE_LOCAL] = body.error.code;
  res.status(status).json(body);
}

/** Answers 404 for a path no route serves; mount after the routes and before {@link errorHandler}. */
export const notFoundHandler: RequestHandler = (req) => {
  throw new NotFoundError('route_not_found', { zh: `没有这个接口`, en: `No route ${req.method} ${req.path}.` });
};

/** Builds the error middleware; `log` receives the unexpected errors (default `console.error`). */
export function errorHandler(log: (message: string, err: unknown) => void = console.error): ErrorRequestHandler {
  return (err: unknown, req, res, next) => {
    if (res.headersSent) {
      next(err);
      return;
    }
    if (err instanceof z.ZodError) {
      const issues = err.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ');
      send(res, 400, {
        error: {
          code: 'validation_failed',
          message: { zh: `请求不合规：${issues}`, en: `The request is invalid: ${issues}` },
          details: err.issues.map((i) => ({ path: i.path, code: i.code, message: i.message })),
        },
      });
      return;
    }
    if (err instanceof HttpError) {
      send(res, err.status, {
        error: { code: err.code, message: err.words, ...(err.details === undefined ? {} : { details: err.details }) },
      });
      return;
    }
    const refusal = refusalOf(err);
    if (refusal) {
      send(res, refusalStatus(refusal.type)!, {
        error: {
          code: refusalCode(refusal.type!),
          // Every refusal of requests.ts carries its words; one without them still shows its message.
          message: refusalWords(refusal.details) ?? { zh: refusal.message, en: refusal.message },
        },
      });
      return;
    }
    if (err instanceof WorkflowNotFoundError) {
      send(res, 404, {
        error: { code: 'task_not_started', message: { zh: '该任务尚未启动', en: 'The task has not been started.' } },
      });
      return;
    }
    if (err instanceof NamespaceNotFoundError) {
      send(res, 503, {
        error: {
          code: 'temporal_unavailable',
          message: { zh: `Temporal 命名空间不存在：${err.namespace}`, en: `Namespace not found: ${err.namespace}` },
        },
      });
      return;
    }
    if (isTemporalUnreachable(err)) {
      send(res, 503, {
        error: {
          code: 'temporal_unavailable',
          message: TEMPORAL_UNAVAILABLE_WORDS,
        },
      });
      return;
    }
    if (err instanceof QueryNotRegisteredError) {
      send(res, 503, {
        error: {
          code: 'worker_mismatch',
          message: { zh: '工作进程版本不符', en: 'The worker does not answer this query.' },
        },
      });
      return;
    }
    const bodyError = err as { type?: unknown; status?: unknown; expose?: unknown };
    if (bodyError.type === 'entity.too.large') {
      send(res, 413, {
        error: { code: 'payload_too_large', message: { zh: '请求体过大', en: 'The request body is too large.' } },
      });
      return;
    }
    if (bodyError.type === 'entity.parse.failed') {
      send(res, 400, {
        error: {
          code: 'malformed_json',
          message: { zh: '请求体不是合法的 JSON', en: 'The request body is not valid JSON.' },
        },
      });
      return;
    }
    // The router could not percent-decode a path parameter (`/api/tasks/%zz`): the client's mistake.
    if (err instanceof URIError) {
      send(res, 400, {
        error: {
          code: 'malformed_path',
          message: { zh: '路径编码不合法', en: 'The request path is not valid percent-encoding.' },
        },
      });
      return;
    }
    if (bodyError.expose === true && typeof bodyError.status === 'number' && bodyError.status < 500) {
      send(res, bodyError.status, {
        error: {
          code: 'bad_request',
          message: {
            zh: `请求无法处理：${(err as Error).message}`,
            en: `The request cannot be handled: ${(err as Error).message}`,
          },
        },
      });
      return;
    }
    log(`[api] unexpected error on ${req.method} ${req.path} (request ${requestIdOf(res) ?? '-'}):`, err);
    send(res, 500, { error: { code: 'internal', message: { zh: '服务器内部错误', en: 'Internal server error.' } } });
  };
}
