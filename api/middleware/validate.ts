/**
 * The one validation middleware: parses `params`, `query`, `headers` and `body` with the route's zod schemas and hands
 * the parsed values on in `res.locals.input` (Express 5's `req.query` cannot be replaced). A failure goes
 * to the error middleware as a `ZodError` (400 with the issues), with each issue's path starting at
 * `params`, `query`, `headers` or `body`.
 */
import type { RequestHandler, Response } from 'express';
import { z } from 'zod';
import type { InputSchemas } from '../operations';

/** The parsed inputs of a route with schemas `S`. */
export type ParsedInput<S extends InputSchemas> = {
  [K in keyof S]: S[K] extends z.ZodType ? z.output<S[K]> : never;
};

/** Validates the request against `schemas`; see the module comment. */
export function validate(schemas: InputSchemas): RequestHandler {
  return (req, res, next) => {
    const input: Record<string, unknown> = {};
    const issues: z.core.$ZodIssue[] = [];
    for (const part of ['params', 'query', 'headers', 'body'] as const) {
      const schema = schemas[part];
      if (!schema) continue;
      const raw: unknown = part === 'body' ? (req.body ?? {}) : { ...(req[part] as object) };
      const result = schema.safeParse(raw);
      if (result.success) input[part] = result.data;
      else issues.push(...result.error.issues.map((i) => ({ ...i, path: [part, ...i.path] })));
    }
    if (issues.length > 0) throw new z.ZodError(issues);
    res.locals.input = input;
    next();
  };
}

/** The parsed inputs `validate(schemas)` stored; `schemas` only types the answer. */
export function inputOf<S extends InputSchemas>(res: Response, _schemas: S): ParsedInput<S> {
  return res.locals.input as ParsedInput<S>;
}
