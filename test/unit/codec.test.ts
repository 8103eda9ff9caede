/**
 * The payload codec on its own: both ciphers round-trip and detect tampering, the active key encrypts and
 * every listed key decrypts, a payload it cannot open becomes an unsealed placeholder instead of an error,
 * its seal cannot be set from outside, and the keyring is configured (or generated) as the README says.
 */
import { METADATA_ENCODING_KEY, type Payload } from '@temporalio/common';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  CIPHER_METADATA_KEY,
  EncryptionCodec,
  KEY_ID_METADATA_KEY,
  UNDECODABLE_METADATA_KEY,
  generateKey,
  loadKeyring,
  newKeyring,
  open,
  seal,
  SealBrokenError,
} from '../../codec';
import { ConfigError, DEFAULT_KEYRING_FILE, describeConfig, loadConfig } from '../../config/env';
import { PAYLOAD_CIPHERS, SEALED_METADATA_KEY, isSealed, type Keyring, type PayloadKey } from '../../contracts';
import { payloadConverter } from '../../contracts/shared/payload-converter';

const utf8 = new TextEncoder();
const text = (b: Uint8Array | null | undefined) => Buffer.from(b ?? []).toString('utf8');
const json = (value: unknown): Payload => ({
  metadata: { [METADATA_ENCODING_KEY]: utf8.encode('json/plain') },
  data: utf8.encode(JSON.stringify(value)),
});
const secret = { comment: '请补充材料 zhang.wei@moe-example.cn', person: '财务司联络员' };

describe.each(PAYLOAD_CIPHERS)('the %s cipher', (cipher) => {
  const key = generateKey('k1', cipher);
  const aad = utf8.encode('k1');

  it('round-trips, with a fresh nonce each time, and hides the text', () => {
    const plain = utf8.encode(JSON.stringify(secret));
    const a = seal(key, plain, aad);
    const b = seal(key, plain, aad);
    expect(a.equals(b)).toBe(false);
    expect(a.includes(Buffer.from('请补充材料'))).toBe(false);
    expect(text(open(key, a, aad))).toBe(JSON.stringify(secret));
  });

  it('detects a changed byte anywhere, another key, and other associated data', () => {
    const sealed = seal(key, utf8.encode('hello'), aad);
    for (const at of [0, 13, sealed.length - 1]) {
      const bad = Buffer.from(sealed);
      bad[at]! ^= 1;
      expect(() => open(key, bad, aad)).toThrow(SealBrokenError);
    }
    expect(() => open(generateKey('k1', cipher), sealed, aad)).toThrow(SealBrokenError);
    expect(() => open(key, sealed, utf8.encode('k2'))).toThrow(SealBrokenError);
    expect(() => open(key, sealed.subarray(0, 10), aad)).toThrow(SealBrokenError);
  });
});

describe('EncryptionCodec', () => {
  const aes = generateKey('aes-1', 'aes-256-gcm');
  const sm4 = generateKey('sm4-1', 'sm4-ctr-hmac-sm3');
  const ring = (active: PayloadKey, ...keys: PayloadKey[]): Keyring => ({ active: active.id, keys: [active, ...keys] });

  it('encrypts with the active key, names it and its cipher, and decrypts with any listed key', async () => {
    const [byAes] = await new EncryptionCodec(ring(aes)).encode([json(secret)]);
    const [bySm4] = await new EncryptionCodec(ring(sm4, aes)).encode([json(secret)]);
    expect(text(byAes!.metadata![KEY_ID_METADATA_KEY])).toBe('aes-1');
    expect(text(bySm4!.metadata![CIPHER_METADATA_KEY])).toBe('sm4-ctr-hmac-sm3');
    expect(text(byAes!.metadata![METADATA_ENCODING_KEY])).toBe('binary/encrypted');
    // After rotation (sm4 active, aes kept), both old and new payloads open, and are sealed.
    const rotated = new EncryptionCodec(ring(sm4, aes));
    for (const p of await rotated.decode([byAes!, bySm4!])) {
      expect(JSON.parse(text(p.data))).toEqual(secret);
      expect(text(p.metadata![METADATA_ENCODING_KEY])).toBe('json/plain');
      expect(p.metadata![SEALED_METADATA_KEY]).toBeDefined();
      expect(isSealed(payloadConverter.fromPayload(p))).toBe(true);
    }
  });

  it('turns a payload under an unknown key, a broken tag or a swapped cipher into an unsealed placeholder', async () => {
    const [sealed] = await new EncryptionCodec(ring(aes)).encode([json(secret)]);
    const tampered = { ...sealed!, data: Buffer.from(sealed!.data!).fill(7, 20, 22) };
    const swapped = {
      ...sealed!,
      metadata: { ...sealed!.metadata, [CIPHER_METADATA_KEY]: utf8.encode('sm4-ctr-hmac-sm3') },
    };
    const decoded = await new EncryptionCodec(ring(sm4)).decode([sealed!]);
    const more = await new EncryptionCodec(ring(aes)).decode([tampered, swapped]);
    for (const p of [...decoded, ...more]) {
      expect(p.metadata![UNDECODABLE_METADATA_KEY]).toBeDefined();
      expect(p.metadata![SEALED_METADATA_KEY]).toBeUndefined();
      const value = payloadConverter.fromPayload<{ undecodable: string }>(p);
      expect(typeof value.undecodable).toBe('string');
      expect(isSealed(value)).toBe(false);
    }
    expect(text(decoded[0]!.metadata![UNDECODABLE_METADATA_KEY])).toContain('unknown key id "aes-1"');
  });

  it('passes plain payloads through, stripping a seal set by their sender; its own encoding never carries one', async () => {
    const codec = new EncryptionCodec(ring(aes));
    const forged = {
      ...json(secret),
      metadata: { ...json(secret).metadata, [SEALED_METADATA_KEY]: utf8.encode('aes-1') },
    };
    const [plain] = await codec.decode([forged]);
    expect(JSON.parse(text(plain!.data))).toEqual(secret);
    expect(plain!.metadata![SEALED_METADATA_KEY]).toBeUndefined();
    expect(isSealed(payloadConverter.fromPayload(plain!))).toBe(false);
    expect(isSealed(JSON.parse('{"Symbol(duban.sealed)":true}'))).toBe(false);
    // What /encode makes for the Web UI opens, but is not sealed.
    const [fromUi] = await codec.decode(await codec.encodeUnsealed([json(secret)]));
    expect(JSON.parse(text(fromUi!.data))).toEqual(secret);
    expect(fromUi!.metadata![SEALED_METADATA_KEY]).toBeUndefined();
  });
});

describe('the keyring configuration', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'duban-keys-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('generates DATA_DIR/payload-keys.json with mode 0600 on first start, then reads the same keys', () => {
    const c = loadConfig({ DATA_DIR: dir });
    const first = loadKeyring(c.payloadKeys);
    const file = path.join(dir, DEFAULT_KEYRING_FILE);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(first.keys[0]!.cipher).toBe('aes-256-gcm');
    expect(loadKeyring(loadConfig({ DATA_DIR: dir }).payloadKeys)).toEqual(first);
    const gm = loadKeyring(
      loadConfig({ DATA_DIR: path.join(dir, 'gm'), PAYLOAD_CIPHER: 'sm4-ctr-hmac-sm3' }).payloadKeys,
    );
    expect(gm.keys[0]!.cipher).toBe('sm4-ctr-hmac-sm3');
  });

  it('takes PAYLOAD_KEYS or PAYLOAD_KEYS_FILE, and stops start-up with one line for a bad one, printing no key', () => {
    const keyring = newKeyring('aes-256-gcm');
    const inline = loadConfig({ PAYLOAD_KEYS: JSON.stringify(keyring) });
    expect(loadKeyring(inline.payloadKeys)).toEqual(keyring);
    expect(JSON.stringify(describeConfig(inline))).not.toContain(keyring.keys[0]!.key);
    const file = path.join(dir, 'keys.json');
    writeFileSync(file, JSON.stringify(keyring));
    expect(loadKeyring(loadConfig({ PAYLOAD_KEYS_FILE: file }).payloadKeys)).toEqual(keyring);

    const short = { ...keyring, keys: [{ ...keyring.keys[0]!, key: Buffer.alloc(16).toString('base64') }] };
    const bad = () => loadConfig({ PAYLOAD_KEYS: JSON.stringify(short) });
    expect(bad).toThrow(ConfigError);
    expect(bad).toThrow(/^Bad configuration: PAYLOAD_KEYS is not a valid keyring: .*keys\.0\.key must be 32 bytes/);
    expect(() => bad()).not.toThrow(new RegExp(short.keys[0]!.key.slice(0, 8).replace(/[+/]/g, '.')));
    expect(() => loadConfig({ PAYLOAD_KEYS: JSON.stringify({ ...keyring, active: 'other' }) })).toThrow(
      /the active key "other" is not in keys/,
    );
    expect(() => loadConfig({ PAYLOAD_KEYS_FILE: path.join(dir, 'missing.json') })).toThrow(
      /PAYLOAD_KEYS_FILE=.* is not a readable file/,
    );
    expect(() => loadConfig({ PAYLOAD_KEYS_FILE: file, PAYLOAD_CIPHER: 'sm4-ctr-hmac-sm3' })).toThrow(
      /PAYLOAD_KEYS_FILE has the active key .* of aes-256-gcm, but PAYLOAD_CIPHER is sm4-ctr-hmac-sm3/,
    );
    const cluster = loadConfig({
      NODE_ENV: 'production',
      TEMPORAL_ADDRESS: 'temporal.example.org:7233',
      DATA_DIR: dir,
    });
    expect(() => loadKeyring(cluster.payloadKeys)).toThrow(
      /a production cluster needs PAYLOAD_KEYS_FILE or PAYLOAD_KEYS/,
    );
    expect(readFileSync(file, 'utf8')).toContain(keyring.active);
  });
});
