/**
 * Where the payload keys come from: the `PAYLOAD_KEYS` variable (the keyring's JSON), a keyring file
 * (`PAYLOAD_KEYS_FILE`), or, by default, `DATA_DIR/payload-keys.json`, which is generated (mode 0600, one
 * AES-256-GCM key, or SM4 with `PAYLOAD_CIPHER=sm4-ctr-hmac-sm3`) the first time the engine starts.
 * `config/env.ts` decides which and validates what exists at start-up; {@link loadKeyring} reads it.
 */
import { chmodSync, closeSync, linkSync, mkdirSync, openSync, readFileSync, unlinkSync, writeSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { keyringSchema, type Keyring, type PayloadCipher } from '../contracts';
import { generateKey } from './ciphers';

/** Where the keyring is: inline, or a file that may be generated when missing. */
export type KeyringSource =
  { kind: 'inline'; keyring: Keyring } | { kind: 'file'; file: string; generate: boolean; cipher: PayloadCipher };

/** Thrown when a keyring cannot be read or is malformed; the message names the source and the problem. */
export class KeyringError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'KeyringError';
  }
}

/**
 * Parses a keyring's JSON text.
 * @throws KeyringError with the first problem, e.g. `keys.0.key: must be 32 bytes, base64-encoded`.
 */
export function parseKeyring(json: string, where: string): Keyring {
  let raw: unknown;
  try {
    raw = JSON.parse(json);
  } catch {
    throw new KeyringError(`${where} is not JSON`);
  }
  const parsed = keyringSchema.safeParse(raw);
  if (!parsed.success) {
    const first = parsed.error.issues[0]!;
    throw new KeyringError(`${where}: ${first.path.join('.') || 'keyring'} ${first.message}`);
  }
  return parsed.data;
}

/** The file's keyring, or undefined when the file does not exist. @throws KeyringError when it is malformed. */
export function readKeyringFile(file: string): Keyring | undefined {
  let json: string;
  try {
    json = readFileSync(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new KeyringError(`${file} cannot be read: ${(err as Error).message}`);
  }
  return parseKeyring(json, file);
}

/** A new keyring with one key of `cipher`, its id naming the day it was made. */
export function newKeyring(cipher: PayloadCipher, now = new Date()): Keyring {
  const id = `${now.toISOString().slice(0, 10)}-${randomBytes(3).toString('hex')}`;
  return { active: id, keys: [generateKey(id, cipher)] };
}

/**
 * Writes `keyring` to `file` with mode 0600 unless the file exists already (then answers the file's
 * keyring): written to a temporary file and linked into place, so processes starting together on the same
 * `DATA_DIR` all end up with the one keyring that won.
 */
export function writeKeyringOnce(file: string, keyring: Keyring): Keyring {
  mkdirSync(path.dirname(file), { recursive: true });
  const tmp = path.join(path.dirname(file), `.${path.basename(file)}.${process.pid}.${randomBytes(4).toString('hex')}`);
  const fd = openSync(tmp, 'wx', 0o600);
  try {
    writeSync(fd, `${JSON.stringify(keyring, null, 2)}\n`);
  } finally {
    closeSync(fd);
  }
  chmodSync(tmp, 0o600);
  try {
    linkSync(tmp, file);
    return keyring;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    return readKeyringFile(file)!;
  } finally {
    unlinkSync(tmp);
  }
}

/**
 * The keyring of `source`, generating the default file on first start.
 * @throws KeyringError when the file is missing (and may not be generated) or malformed.
 */
export function loadKeyring(source: KeyringSource, log?: (line: string) => void): Keyring {
  if (source.kind === 'inline') return source.keyring;
  const found = readKeyringFile(source.file);
  if (found) return found;
  if (!source.generate) {
    throw new KeyringError(
      `No payload keyring: ${source.file} does not exist — a production cluster needs PAYLOAD_KEYS_FILE or ` +
        'PAYLOAD_KEYS, one keyring shared by every worker and API replica (see the README, Payload encryption).',
    );
  }
  const made = writeKeyringOnce(source.file, newKeyring(source.cipher));
  log?.(`generated the payload keyring ${source.file} (mode 0600, ${made.keys[0]!.cipher}): back it up`);
  return made;
}
