/**
 * Rate limits (`express-rate-limit`, memory store: per API process). Writes are limited per token (a
 * script run amok, a stolen token); failed authentications are limited per address (someone guessing
 * tokens, a screen polling with a revoked one). Over a limit the answer is 429 `rate_limited` with
 * `Retry-After` and the API's error body. A valid token is never slowed by the failures of others at the
 * same address (an office behind one NAT address stays reachable while someone there mistypes a token).
 */
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { ipKeyGenerator, rateLimit } from 'express-rate-limit';
import { principalOf } from '../auth/middleware';
import { RateLimitedError } from '../errors';

/** The limits of one app; 0 turns a limit off. */
export interface RateLimits {
  /** POST requests per token per minute. */
  writesPerMinute: number;
  /** Failed authentications per address per 15 minutes. */
  authFailuresPer15Min: number;
}

/** What a real office never reaches, and the test suites neither (the benchmark raises the write limit). */
export const DEFAULT_RATE_LIMITS: RateLimits = { writesPerMinute: 300, authFailuresPer15Min: 50 };

/** Answers a limited request through the error middleware, with the `Retry-After` the limiter set. */
function refuse(_req: Request, res: Response, next: NextFunction): void {
  const seconds = Number(res.getHeader('Retry-After'));
  next(new RateLimitedError(Number.isFinite(seconds) && seconds > 0 ? seconds : 60));
}

/** Limits POST requests per token; mount after authentication. Other methods pass untouched. */
export function writeLimiter(limit: number): RequestHandler {
  if (limit <= 0) return (_req, _res, next) => next();
  return rateLimit({
    windowMs: 60_000,
    limit,
    standardHeaders: 'draft-7',
    legacyHeaders: false,
    skip: (req) => req.method !== 'POST',
    keyGenerator: (_req, res) => `token:${principalOf(res).sha256}`,
    handler: refuse,
  });
}

/**
 * Counts one failed authentication of the request's address and calls `next()` while the address is under
 * its limit, or `next(RateLimitedError)` once over it. Called by `authenticate` on failures only.
 */
export type AuthFailureCounter = (req: Request, res: Response, next: NextFunction) => void;

/** The per-address counter of failed authentications. */
export function authFailureLimiter(limit: number): AuthFailureCounter {
  if (limit <= 0) return (_req, _res, next) => next();
  const limiter = rateLimit({
    windowMs: 15 * 60_000,
    limit,
    standardHeaders: 'draft-7',
    legacyHeaders: false,
    keyGenerator: (req) => `address:${ipKeyGenerator(req.ip ?? 'unknown')}`,
    handler: refuse,
  });
  return (req, res, next) => void limiter(req, res, next);
}
