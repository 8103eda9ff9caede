/**
 * The two payload ciphers, as pure functions of a key and bytes. Both authenticate: a changed byte of the
 * ciphertext, nonce, tag or associated data (the key id and cipher name) makes {@link open} throw.
 *
 * - `aes-256-gcm`: a random 96-bit nonce per payload; layout `nonce(12) ‖ ciphertext ‖ tag(16)`.
 * - `sm4-ctr-hmac-sm3` (国密 GB/T 32907, GB/T 32905): SM4 in CTR mode with a random 128-bit initial counter,
 *   then HMAC-SM3 over `associated data ‖ counter ‖ ciphertext` with a separate key (encrypt-then-MAC);
 *   layout `counter(16) ‖ ciphertext ‖ tag(32)`. CTR because Node's OpenSSL here has no SM4-GCM.
 */
import { createCipheriv, createDecipheriv, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { PayloadKey } from '../contracts';

/** Thrown by {@link open} when the bytes were not sealed by this key (tampered, truncated, another key). */
export class SealBrokenError extends Error {
  constructor(reason: string) {
    super(`payload not authentic: ${reason}`);
    this.name = 'SealBrokenError';
  }
}

const GCM_NONCE = 12;
const GCM_TAG = 16;
const CTR_IV = 16;
const SM3_TAG = 32;

/** Encrypts `plain` with `key`, binding `aad` (associated data, not encrypted) into the tag. */
export function seal(key: PayloadKey, plain: Uint8Array, aad: Uint8Array): Buffer {
  const secret = Buffer.from(key.key, 'base64');
  if (key.cipher === 'aes-256-gcm') {
    const nonce = randomBytes(GCM_NONCE);
    const c = createCipheriv('aes-256-gcm', secret, nonce, { authTagLength: GCM_TAG });
    c.setAAD(aad);
    const body = Buffer.concat([c.update(plain), c.final()]);
    return Buffer.concat([nonce, body, c.getAuthTag()]);
  }
  const iv = randomBytes(CTR_IV);
  const c = createCipheriv('sm4-ctr', secret, iv);
  const body = Buffer.concat([c.update(plain), c.final()]);
  return Buffer.concat([iv, body, sm3Tag(key, aad, iv, body)]);
}

/**
 * Decrypts what {@link seal} made with the same key and associated data.
 * @throws SealBrokenError when anything was changed or another key sealed it.
 */
export function open(key: PayloadKey, sealed: Uint8Array, aad: Uint8Array): Buffer {
  const bytes = Buffer.from(sealed);
  const secret = Buffer.from(key.key, 'base64');
  if (key.cipher === 'aes-256-gcm') {
    if (bytes.length < GCM_NONCE + GCM_TAG) throw new SealBrokenError('too short');
    const d = createDecipheriv('aes-256-gcm', secret, bytes.subarray(0, GCM_NONCE), { authTagLength: GCM_TAG });
    d.setAAD(aad);
    d.setAuthTag(bytes.subarray(bytes.length - GCM_TAG));
    try {
      return Buffer.concat([d.update(bytes.subarray(GCM_NONCE, bytes.length - GCM_TAG)), d.final()]);
    } catch {
      throw new SealBrokenError('AES-GCM tag mismatch');
    }
  }
  if (bytes.length < CTR_IV + SM3_TAG) throw new SealBrokenError('too short');
  const iv = bytes.subarray(0, CTR_IV);
  const body = bytes.subarray(CTR_IV, bytes.length - SM3_TAG);
  const expected = sm3Tag(key, aad, iv, body);
  if (!timingSafeEqual(expected, bytes.subarray(bytes.length - SM3_TAG))) {
    throw new SealBrokenError('HMAC-SM3 tag mismatch');
  }
  const d = createDecipheriv('sm4-ctr', secret, iv);
  return Buffer.concat([d.update(body), d.final()]);
}

function sm3Tag(key: Extract<PayloadKey, { cipher: 'sm4-ctr-hmac-sm3' }>, ...parts: Uint8Array[]): Buffer {
  const mac = createHmac('sm3', Buffer.from(key.macKey, 'base64'));
  // Length-prefixed, so that no split of the same bytes between the parts gives the same tag.
  for (const part of parts) {
    const len = Buffer.alloc(4);
    len.writeUInt32BE(part.length);
    mac.update(len).update(part);
  }
  return mac.digest();
}

/** A new random key of `cipher` under `id`. */
export function generateKey(id: string, cipher: PayloadKey['cipher']): PayloadKey {
  if (cipher === 'aes-256-gcm') return { id, cipher, key: randomBytes(32).toString('base64') };
  return { id, cipher, key: randomBytes(16).toString('base64'), macKey: randomBytes(32).toString('base64') };
}
