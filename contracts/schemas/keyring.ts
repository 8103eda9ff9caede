/**
 * The payload keyring: the keys the payload codec (codec/) encrypts and decrypts with, as the keyring file
 * (`PAYLOAD_KEYS_FILE`, or the generated `DATA_DIR/payload-keys.json`) or the `PAYLOAD_KEYS` variable holds
 * them. One key is active and encrypts every new payload; every listed key still decrypts, so a key is
 * rotated by adding a new one and making it active.
 */
import { z } from 'zod';

/** The payload ciphers: AES-256-GCM, or SM4-CTR with an HMAC-SM3 tag (encrypt-then-MAC, 国密). */
export const PAYLOAD_CIPHERS = ['aes-256-gcm', 'sm4-ctr-hmac-sm3'] as const;
/** A payload cipher's name, as written in the keyring and in each encrypted payload's metadata. */
export type PayloadCipher = (typeof PAYLOAD_CIPHERS)[number];

const base64Bytes = (bytes: number) =>
  z
    .string()
    .regex(/^[A-Za-z0-9+/]+={0,2}$/, 'must be base64')
    .refine((s) => Buffer.from(s, 'base64').length === bytes, `must be ${bytes} bytes, base64-encoded`);

/** A key id: short, printable, written in the metadata of every payload it encrypted. */
export const keyIdSchema = z.string().regex(/^[A-Za-z0-9._-]{1,64}$/, 'must be 1-64 of A-Z a-z 0-9 . _ -');

/** One key of the keyring: an AES-256 key, or an SM4 key with its HMAC-SM3 key. */
export const payloadKeySchema = z.discriminatedUnion('cipher', [
  z.object({ id: keyIdSchema, cipher: z.literal('aes-256-gcm'), key: base64Bytes(32) }).strict(),
  z
    .object({ id: keyIdSchema, cipher: z.literal('sm4-ctr-hmac-sm3'), key: base64Bytes(16), macKey: base64Bytes(32) })
    .strict(),
]);
/** One key of the keyring. */
export type PayloadKey = z.infer<typeof payloadKeySchema>;

/** The keyring: the active key's id and every key that may still decrypt. */
export const keyringSchema = z
  .object({ active: keyIdSchema, keys: z.array(payloadKeySchema).min(1) })
  .strict()
  .superRefine((k, ctx) => {
    const ids = k.keys.map((x) => x.id);
    const twice = ids.find((id, i) => ids.indexOf(id) !== i);
    if (twice) ctx.addIssue({ code: 'custom', message: `key id "${twice}" is listed twice`, path: ['keys'] });
    if (!ids.includes(k.active)) {
      ctx.addIssue({ code: 'custom', message: `the active key "${k.active}" is not in keys`, path: ['active'] });
    }
  });
/** The keyring. */
export type Keyring = z.infer<typeof keyringSchema>;
