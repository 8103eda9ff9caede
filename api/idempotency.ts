/**
 * Idempotency keys. A client may send `Idempotency-Key`; the key, scoped to the caller and the request's
 * path, becomes the Temporal update id (and the workflow's `requestId`), so a retried request is applied
 * once and answers the first result. Without a key every request gets a fresh random id.
 */
import type { Request } from 'express';
import { createHash, randomUUID } from 'node:crypto';
import type { Principal } from './auth/tokens';
import { BadRequestError } from './errors';

const KEY_PATTERN = /^[\x21-\x7e]{1,200}$/;

/**
 * The update id of a request. Scoping by token and path means two callers (or one caller on two
 * milestones) reusing a key never see each other's results.
 * @throws BadRequestError (400 `invalid_idempotency_key`) for a key that is empty, too long or not printable ASCII.
 */
export function updateIdOf(req: Request, principal: Principal): string {
  const key = req.get('idempotency-key');
  if (key === undefined) return `req-${randomUUID()}`;
  if (!KEY_PATTERN.test(key)) {
    throw new BadRequestError('invalid_idempotency_key', {
      zh: '幂等键须为 1–200 个可打印 ASCII 字符',
      en: 'Idempotency-Key must be 1–200 printable ASCII characters.',
    });
  }
  const digest = createHash('sha256')
    .update(`${principal.sha256}\n${req.method} ${req.baseUrl}${req.path}\n${key}`)
    .digest('hex');
  return `idem-${digest.slice(0, 40)}`;
}
