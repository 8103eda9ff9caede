/**
 * Idempotency keys. A client may send `Idempotency-Key`; the key, scoped to the caller and the request's
 * path, becomes the workflow's `requestId` and (with the start of the fingerprint below) the Temporal update
 * id, so a retried request is applied once and answers the first result. Without a key every request gets a
 * fresh random id.
 *
 * A key is also bound to what it was first sent with: the operation, its parsed path identifiers and a
 * SHA-256 of its parsed body in canonical form (keys sorted), the request's fingerprint. The same key with
 * another fingerprint answers 422 `idempotency_key_reused` and sends nothing to Temporal. The bindings live
 * in an {@link IdempotencyStore}: in memory, and in a file under `DATA_DIR` so that they outlive a restart.
 * They are not shared between API replicas with their own `DATA_DIR`: there, the same key with another body
 * reaches the workflow as another update (its id carries the fingerprint), and the workflow, which keeps the
 * fingerprint of every applied request id, refuses it with the same 422. A request refused with a 4xx applied
 * nothing and frees its key; a 2xx or a 5xx (whose outcome may be unknown) keeps it bound.
 */
import type { Request, RequestHandler, Response } from 'express';
import { createHash, randomUUID } from 'node:crypto';
import {
  closeSync,
  existsSync,
  mkdirSync,
  openSync,
  readFileSync,
  renameSync,
  writeFileSync,
  writeSync,
} from 'node:fs';
import path from 'node:path';
import { principalOf } from './auth/middleware';
import type { Principal } from './auth/tokens';
import { BadRequestError, IdempotencyKeyReusedError } from './errors';

const KEY_PATTERN = /^[\x21-\x7e]{1,200}$/;

/**
 * The update id of a request. Scoping by token and path means two callers (or one caller on two
 * milestones) reusing a key never see each other's results.
 * @throws BadRequestError (400 `invalid_idempotency_key`) for a key that is empty, too long or not printable ASCII.
 */
export function updateIdOf(req: Request, principal: Principal): string {
  // Worked out once a request: the key's check and the route's update both ask (a SHA-256 each time otherwise).
  const known = updateIds.get(req);
  if (known?.principal === principal) return known.id;
  const id = computeUpdateId(req, principal);
  updateIds.set(req, { principal, id });
  return id;
}

/** The update id of each request in flight, with the principal it was worked out for. */
const updateIds = new WeakMap<Request, { principal: Principal; id: string }>();

function computeUpdateId(req: Request, principal: Principal): string {
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

/** JSON with every object's keys sorted, so that two equal values always give the same text. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

/** Where `bindIdempotencyKey` leaves the request's fingerprint for `updateAs` (api/temporal.ts). */
export const FINGERPRINT_LOCAL = 'requestFingerprint';

/** The fingerprint of a request: SHA-256 of its operation, parsed path identifiers and parsed body. */
export function requestFingerprint(operationId: string, params: unknown, body: unknown): string {
  return createHash('sha256')
    .update(canonicalJson({ operation: operationId, params: params ?? {}, body: body ?? {} }))
    .digest('hex');
}

/** What the store says of a key and fingerprint. */
export type Claim = 'new' | 'same' | 'other';

/** Where bindings of keys (by update id) to fingerprints are kept. */
export interface IdempotencyStore {
  /** Binds `updateId` to `fingerprint` unless it is bound already: answers whether it was free, the same, or other. */
  claim(updateId: string, fingerprint: string): Claim;
  /** Keeps a binding this process made (the request was answered 2xx or 5xx). */
  keep(updateId: string, fingerprint: string): void;
  /** Frees a binding this process made (the request was refused: nothing was applied). */
  release(updateId: string, fingerprint: string): void;
}

/**
 * A store holding the newest `max` bindings in memory and, with `file`, appending each kept one to it
 * (JSON lines, read back at start, rewritten without the forgotten ones when it grows past twice `max`).
 * An unreadable line is skipped. Writes are synchronous: a kept binding is on disk before the next request.
 */
export function createIdempotencyStore(options: { file?: string; max?: number } = {}): IdempotencyStore {
  const max = options.max ?? 50_000;
  const bindings = new Map<string, string>();
  let lines = 0;
  const remember = (id: string, fp: string) => {
    bindings.delete(id);
    bindings.set(id, fp);
    while (bindings.size > max) bindings.delete(bindings.keys().next().value!);
  };
  const file = options.file;
  if (file && existsSync(file)) {
    for (const line of readFileSync(file, 'utf8').split('\n')) {
      try {
        const { id, fp } = JSON.parse(line) as { id?: unknown; fp?: unknown };
        if (typeof id === 'string' && typeof fp === 'string') remember(id, fp);
        lines++;
      } catch {
        // a torn last line (a crash while writing) or a blank one
      }
    }
  }
  /** The file, open for appending from the first write on (one write a binding, not open, write, close). */
  let fd: number | undefined;
  const write = (id: string, fp: string) => {
    if (!file) return;
    if (fd === undefined) {
      mkdirSync(path.dirname(file), { recursive: true });
      fd = openSync(file, 'a', 0o600);
    }
    if (lines >= 2 * max) {
      const temporary = `${file}.${process.pid}.tmp`;
      const text = [...bindings].map(([i, f]) => JSON.stringify({ id: i, fp: f })).join('\n');
      writeFileSync(temporary, text.length > 0 ? `${text}\n` : '', { mode: 0o600 });
      renameSync(temporary, file);
      // The open descriptor still points at the replaced file: append to the new one from now on.
      closeSync(fd);
      fd = openSync(file, 'a', 0o600);
      lines = bindings.size;
      return; // the binding is in `bindings` already, so in the rewritten file
    }
    writeSync(fd, `${JSON.stringify({ id, fp, at: new Date().toISOString() })}\n`);
    lines++;
  };
  return {
    claim(id, fp) {
      const bound = bindings.get(id);
      if (bound === undefined) {
        remember(id, fp);
        return 'new';
      }
      return bound === fp ? 'same' : 'other';
    },
    keep(id, fp) {
      remember(id, fp);
      write(id, fp);
    },
    release(id, fp) {
      if (bindings.get(id) === fp) bindings.delete(id);
    },
  };
}

/**
 * The check in front of an idempotent operation (mounted after validation): a request with a key whose
 * binding has another fingerprint is refused (422) before anything is sent; a first use binds the key,
 * kept or freed when the answer is sent.
 * @throws IdempotencyKeyReusedError; BadRequestError for a malformed key.
 */
export function bindIdempotencyKey(store: IdempotencyStore, operationId: string): RequestHandler {
  return (req: Request, res: Response, next) => {
    if (req.get('idempotency-key') === undefined) {
      next();
      return;
    }
    const id = updateIdOf(req, principalOf(res));
    const input = res.locals.input as { params?: unknown; body?: unknown } | undefined;
    const fp = requestFingerprint(operationId, input?.params, input?.body);
    const claim = store.claim(id, fp);
    if (claim === 'other') throw new IdempotencyKeyReusedError();
    res.locals[FINGERPRINT_LOCAL] = fp;
    res.on('finish', () => {
      const refused = res.statusCode >= 400 && res.statusCode < 500;
      if (claim === 'new') {
        if (refused) store.release(id, fp);
        else store.keep(id, fp);
      } else if (!refused && store.claim(id, fp) === 'new') {
        // A retry answered while the first attempt with this key was refused and freed it: bind it again.
        store.keep(id, fp);
      }
    });
    next();
  };
}
