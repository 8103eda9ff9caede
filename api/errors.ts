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
