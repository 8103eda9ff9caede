/**
 * The API's own errors. Each carries its HTTP status, a stable `code` and its words in both languages;
 * the error middleware turns them into `{ error: { code, message: { zh, en }, details? } }`.
 */
import type { Words } from '../contracts';

/** Base of every error the API raises on purpose; `status`, `code` and `words` go to the client as they are. */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    readonly words: Words,
    readonly details?: unknown,
  ) {
    super(words.en);
    this.name = 'HttpError';
  }
}

/** 400: a request that is well-formed JSON but names something the plan does not have (e.g. a body department). */
export class BadRequestError extends HttpError {
  constructor(code: string, words: Words, details?: unknown) {
    super(400, code, words, details);
  }
}

/** 401: no token, or a token that is not in the tokens file. */
export class UnauthorizedError extends HttpError {
  constructor(words: Words = { zh: '需要有效的访问令牌', en: 'A valid bearer token is required.' }) {
    super(401, 'unauthorized', words);
  }
}

/** 403: the token's role or department may not do this. */
export class ForbiddenError extends HttpError {
  constructor(words: Words) {
    super(403, 'forbidden', words);
  }
}

/** 404: an unknown task, milestone, department, extension request or route. */
export class NotFoundError extends HttpError {
  constructor(code: string, words: Words) {
    super(404, code, words);
  }
}

/** 409: the request conflicts with the state of the task (e.g. the workflow has already closed). */
export class ConflictError extends HttpError {
  constructor(code: string, words: Words) {
    super(409, code, words);
  }
}

/** 401: a token the tokens file holds, but whose `expiresAt` has passed. */
export class TokenExpiredError extends HttpError {
  constructor() {
    super(401, 'token_expired', {
      zh: '访问令牌已过期，请向管理员申请新令牌',
      en: 'The token has expired; ask an administrator for a new one.',
    });
  }
}

/** 401: a token an administrator revoked (`npm run token -- revoke`). */
export class TokenRevokedError extends HttpError {
  constructor() {
    super(401, 'token_revoked', {
      zh: '访问令牌已被吊销',
      en: 'The token has been revoked.',
    });
  }
}

/** 422: an `Idempotency-Key` this caller already used on this operation with another body. */
export class IdempotencyKeyReusedError extends HttpError {
  constructor() {
    super(422, 'idempotency_key_reused', {
      zh: '该幂等键已用于内容不同的请求；新的请求请使用新的幂等键',
      en: 'This Idempotency-Key was already used with a different request body; use a new key for a new request.',
    });
  }
}

/** 429: too many requests from this token or address; `retryAfterSeconds` says when to try again. */
export class RateLimitedError extends HttpError {
  constructor(readonly retryAfterSeconds: number) {
    super(429, 'rate_limited', {
      zh: `请求过于频繁，请在 ${retryAfterSeconds} 秒后重试`,
      en: `Too many requests; retry in ${retryAfterSeconds} s.`,
    });
  }
}
