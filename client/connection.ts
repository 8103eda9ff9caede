/**
 * Connections to Temporal built from the configuration: plain for the embedded dev server, TLS (client
 * certificate) or API key for a secured cluster. Used by the API, the worker and the scripts.
 */
import { Client, Connection } from '@temporalio/client';
import { NativeConnection } from '@temporalio/worker';
import { readFileSync } from 'node:fs';
import type { Config } from '../config/env';

type ConnectionSettings = Pick<
  Config,
  'temporalAddress' | 'TEMPORAL_TLS_CERT' | 'TEMPORAL_TLS_KEY' | 'TEMPORAL_TLS_CA' | 'TEMPORAL_API_KEY'
>;

function connectionOptions(c: ConnectionSettings) {
  const tls = c.TEMPORAL_TLS_CERT
    ? {
        clientCertPair: { crt: readFileSync(c.TEMPORAL_TLS_CERT), key: readFileSync(c.TEMPORAL_TLS_KEY!) },
        serverRootCACertificate: c.TEMPORAL_TLS_CA ? readFileSync(c.TEMPORAL_TLS_CA) : undefined,
      }
    : c.TEMPORAL_API_KEY
      ? true
      : undefined;
  return { address: c.temporalAddress, tls, apiKey: c.TEMPORAL_API_KEY };
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
