/**
/**
 * Client connections to Temporal built from the configuration: plain for the embedded dev server, TLS
 * (client certificate) or API key for a secured cluster, as resolved from the environment and an optional
 * `temporal.toml` profile by `config/temporal-profile.ts`. Used by the API and the scripts; the worker's
 * native connection (worker/connection.ts) takes the same options from {@link connectionOptions}. Every
 * client encrypts and decrypts payloads with the configured keyring (codec/), like the worker.
 */
import { Client, Connection } from '@temporalio/client';
import { dataConverter, loadKeyring } from '../codec';
import type { Config } from '../config/env';
import type { Keyring } from '../contracts';

/** The part of the configuration that says where Temporal is and how to authenticate to it. */
export type ConnectionSettings = Pick<Config, 'temporalAddress' | 'temporalConnection'>;

/** Address, TLS, API key and metadata, as both `Connection` and `NativeConnection` take them. */
export function connectionOptions(c: ConnectionSettings) {
  const { tls, apiKey, metadata } = c.temporalConnection;
  return { address: c.temporalAddress, tls, apiKey, metadata };
}

/** A client connection for the API and scripts. Lazy: it does not fail when Temporal is down at start. */
export function clientConnection(c: ConnectionSettings): Connection {
  return Connection.lazy(connectionOptions(c));
}

/**
 * A Temporal client on the configured namespace, with the payload codec of `keyring` (default: the
 * configured keyring, generated on first start for the embedded default).
 * @throws KeyringError when the keyring cannot be read.
 */
export function temporalClient(
  c: ConnectionSettings & Pick<Config, 'TEMPORAL_NAMESPACE' | 'payloadKeys'>,
  keyring: Keyring = loadKeyring(c.payloadKeys),
): Client {
  return new Client({
    connection: clientConnection(c),
    namespace: c.TEMPORAL_NAMESPACE,
    dataConverter: dataConverter(keyring),
  });
}
