/**
 * The API's own errors. Each carries its HTTP status and a stable `code`; the error middleware turns them
 * into `{ error: { code, message, details? } }`. Messages are Chinese first, then English.
 */

/** Base of every error the API raises on purpose; `status` and `code` go to the client as they are. */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
    this.name = 'HttpError';
  }
}

/** 400: a request that is well-formed JSON but names something the plan does not have (e.g. a body department). */
export class BadRequestError extends HttpError {
  constructor(code: string, message: string, details?: unknown) {
    super(400, code, message, details);
  }
}

/** 401: no token, or a token that is not in the tokens file. */
export class UnauthorizedError extends HttpError {
  constructor(message = '需要有效的访问令牌 A valid bearer token is required.') {
    super(401, 'unauthorized', message);
  }
}

/** 403: the token's role or department may not do this. */
export class ForbiddenError extends HttpError {
  constructor(message: string) {
    super(403, 'forbidden', message);
  }
}

/** 404: an unknown task, milestone, department, extension request or route. */
export class NotFoundError extends HttpError {
  constructor(code: string, message: string) {
    super(404, code, message);
  }
}

/** 409: the request conflicts with the state of the task (e.g. the workflow has already closed). */
export class ConflictError extends HttpError {
  constructor(code: string, message: string) {
    super(409, code, message);
  }
}
