/**
 * The payload codec: every payload the project writes to Temporal is encrypted with the keyring's active
 * key, the whole original payload (its metadata and data) inside, so the history shows only
 * `binary/encrypted`, the key id and the cipher. Decoding:
 *
 * - a payload encrypted by a listed key comes back as it was, with the {@link SEALED_METADATA_KEY} entry
 *   added (the cipher's tag proved who made it);
 * - a payload without encryption metadata (histories written before encryption, plain JSON from the Temporal
 *   CLI) comes back unchanged, except that a {@link SEALED_METADATA_KEY} entry it carries is removed;
 * - a payload that says it is encrypted but cannot be opened (unknown key id, broken tag, unknown cipher)
 *   becomes an unsealed placeholder ({@link UNDECODABLE_METADATA_KEY}) rather than an error, so that a forged
 *   update is refused by the workflow's validator instead of failing its workflow task over and over.
 */
import { METADATA_ENCODING_KEY, type Payload, type PayloadCodec } from '@temporalio/common';
import { temporal } from '@temporalio/proto';
import { SEALED_METADATA_KEY, type Keyring, type PayloadKey } from '../contracts';
import { open, seal } from './ciphers';

/** The encoding of an encrypted payload. */
export const ENCRYPTED_ENCODING = 'binary/encrypted';
/** Metadata: the id of the key that encrypted the payload. */
export const KEY_ID_METADATA_KEY = 'encryption-key-id';
/** Metadata: the cipher that encrypted the payload (`aes-256-gcm` or `sm4-ctr-hmac-sm3`). */
export const CIPHER_METADATA_KEY = 'encryption-cipher';
/**
 * Metadata inside a payload encrypted for someone else than the API (the Web UI, through the codec
 * endpoint's `/encode`): authentic, but never sealed on decode, so that the workflows refuse it as input.
 */
export const UNSEALED_METADATA_KEY = 'duban-unsealed';
/** Metadata of a placeholder: why the payload could not be decrypted. */
export const UNDECODABLE_METADATA_KEY = 'duban-undecodable';

const utf8 = new TextEncoder();
const text = new TextDecoder();

/** The keyring's keys by id and the active one. */
interface Keys {
  active: PayloadKey;
  byId: ReadonlyMap<string, PayloadKey>;
}

/** The project's payload codec: AES-256-GCM or SM4-CTR+HMAC-SM3 by the active key, every listed key to decrypt. */
export class EncryptionCodec implements PayloadCodec {
  private readonly keys: Keys;

  constructor(keyring: Keyring) {
    const byId = new Map(keyring.keys.map((k) => [k.id, k]));
    this.keys = { active: byId.get(keyring.active)!, byId };
  }

  /** The id of the key new payloads are encrypted with. */
  get activeKeyId(): string {
    return this.keys.active.id;
  }

  async encode(payloads: Payload[]): Promise<Payload[]> {
    return payloads.map((p) => this.encodeOne(p));
  }

  /**
   * Encrypts payloads for a sender that is not the API (the codec endpoint's `/encode`, for the Web UI):
   * they decode as authentic but never as sealed, so a task refuses them as a request.
   */
  async encodeUnsealed(payloads: Payload[]): Promise<Payload[]> {
    return payloads.map((p) => this.encodeOne(p, true));
  }

  async decode(payloads: Payload[]): Promise<Payload[]> {
    return payloads.map((p) => this.decodeOne(p));
  }

  private encodeOne(payload: Payload, unsealed = false): Payload {
    const key = this.keys.active;
    const metadata = withoutKey(payload.metadata, SEALED_METADATA_KEY);
    if (unsealed) metadata[UNSEALED_METADATA_KEY] = utf8.encode('1');
    const inner = temporal.api.common.v1.Payload.encode({ ...payload, metadata }).finish();
    return {
      metadata: {
        [METADATA_ENCODING_KEY]: utf8.encode(ENCRYPTED_ENCODING),
        [KEY_ID_METADATA_KEY]: utf8.encode(key.id),
        [CIPHER_METADATA_KEY]: utf8.encode(key.cipher),
      },
      data: seal(key, inner, associatedData(key.id, key.cipher)),
    };
  }

  private decodeOne(payload: Payload): Payload {
    const meta = payload.metadata ?? {};
    if (textOf(meta[METADATA_ENCODING_KEY]) !== ENCRYPTED_ENCODING) {
      return { ...payload, metadata: withoutKey(payload.metadata, SEALED_METADATA_KEY) };
    }
    const keyId = textOf(meta[KEY_ID_METADATA_KEY]) ?? '';
    const cipher = textOf(meta[CIPHER_METADATA_KEY]) ?? '';
    const key = this.keys.byId.get(keyId);
    if (!key) return placeholder(`unknown key id "${keyId.slice(0, 64)}"`);
    if (key.cipher !== cipher) return placeholder(`key "${keyId}" is not a ${cipher.slice(0, 32)} key`);
    let inner: temporal.api.common.v1.Payload;
    try {
      inner = temporal.api.common.v1.Payload.decode(
        open(key, payload.data ?? new Uint8Array(), associatedData(keyId, cipher)),
      );
    } catch (err) {
      return placeholder((err as Error).message);
    }
    const metadata = withoutKey(inner.metadata, SEALED_METADATA_KEY);
    if (!metadata[UNSEALED_METADATA_KEY]) metadata[SEALED_METADATA_KEY] = utf8.encode(keyId);
    return { metadata, data: inner.data };
  }
}

/** What the tag binds besides the ciphertext: the key id and the cipher, so neither can be swapped. */
function associatedData(keyId: string, cipher: string): Uint8Array {
  return utf8.encode(`duban-payload\u0000${keyId}\u0000${cipher}`);
}

/** An unsealed JSON payload saying why the original could not be decrypted; workflows refuse it as unsealed. */
function placeholder(reason: string): Payload {
  return {
    metadata: {
      [METADATA_ENCODING_KEY]: utf8.encode('json/plain'),
      [UNDECODABLE_METADATA_KEY]: utf8.encode(reason),
    },
    data: utf8.encode(JSON.stringify({ undecodable: reason })),
  };
}

function textOf(bytes: Uint8Array | null | undefined): string | undefined {
  return bytes ? text.decode(bytes) : undefined;
}

function withoutKey(metadata: Payload['metadata'], key: string): Record<string, Uint8Array> {
  const out: Record<string, Uint8Array> = {};
  for (const [k, v] of Object.entries(metadata ?? {})) if (k !== key && v) out[k] = v;
  return out;
}
