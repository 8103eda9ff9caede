/**
 * Payload encryption: the ciphers, the codec, the keyring and the data-converter factory every Temporal
 * client and worker of the project uses. Node-side only (node:crypto); the workflow sandbox sees only the
 * payload converter of contracts/shared.
 */
export * from './ciphers';
export * from './payload-codec';
export * from './keyring';
export * from './data-converter';
