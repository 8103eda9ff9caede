/**
 * Connections to Temporal built from the configuration: plain for the embedded dev server, TLS (client
 * certificate) or API key for a secured cluster, as resolved from the environment and an optional
 * `temporal.toml` profile by `config/temporal-profile.ts`. Used by the API, the worker and the scripts.
 */
import { Client, Connection } from '@temporalio/client';
import { NativeConnection } from '@temporalio/worker';
import type { Config } from '../config/env';

type ConnectionSettings = Pick<Config, 'temporalAddress' | 'temporalConnection'>;

/** The options of both kinds of connection, from the resolved profile (config/temporal-profile.ts). */
function connectionOptions(c: ConnectionSettings) {
  const { tls, apiKey, metadata } = c.temporalConnection;
  return { address: c.temporalAddress, tls, apiKey, metadata };
}

/** A client connection for the API and scripts. Lazy: it does not fail when Temporal is down at start. */
export function clientConnection(c: ConnectionSettings): Connection {
  return Connection.lazy(connectionOptions(c));
}

/** A Temporal client on the configured namespace. */
export function temporalClient(c: ConnectionSettings & Pick<Config, 'TEMPORAL_NAMESPACE'>): Client {
  return new Client({ connection: clientConnection(c), namespace: c.TEMPORAL_NAMESPACE });
}

/** A worker connection; rejects when Temporal cannot be reached. */
export function workerConnection(c: ConnectionSettings): Promise<NativeConnection> {
  return NativeConnection.connect(connectionOptions(c));
}
