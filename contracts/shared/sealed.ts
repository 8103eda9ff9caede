/**
 * Which payloads came sealed by the project's own codec. The codec (codec/payload-codec.ts) adds the
 * {@link SEALED_METADATA_KEY} entry to every payload it decrypted and authenticated (AES-GCM tag or HMAC-SM3
 * checked), and removes that entry from every payload that was not encrypted, so that no sender can set it.
 * The payload converter (./payload-converter.ts) turns the entry into the {@link SEALED} mark on the decoded
 * value, which the workflow's validators read with {@link isSealed}: an update whose arguments are not
 * sealed did not come through the API (plain JSON from the Temporal CLI, the Web UI or a raw client).
 */

/** The metadata entry the codec's decode sets (to the key id) on a payload it decrypted and authenticated. */
export const SEALED_METADATA_KEY = 'duban-sealed';

/**
 * The mark on a decoded object that came from a sealed payload. A symbol, never written by
 * `JSON.stringify` nor produced by `JSON.parse`, so no payload's JSON can forge it.
 */
export const SEALED: unique symbol = Symbol.for('duban.sealed') as never;

/** Whether `value` was decoded from a payload the codec decrypted and authenticated. */
export function isSealed(value: unknown): boolean {
  return typeof value === 'object' && value !== null && (value as { [SEALED]?: unknown })[SEALED] === true;
}
