/**
 * Client connections to Temporal built from the configuration: plain for the embedded dev server, TLS
 * (client certificate) or API key for a secured cluster. Used by the API and the scripts; the worker's
 * native connection (worker/connection.ts) takes the same options from {@link connectionOptions}.
 */
import { Client, Connection } from '@temporalio/client';
import { readFileSync } from 'node:fs';
import type { Config } from '../config/env';

/** The part of the configuration that says where Temporal is and how to authenticate to it. */
export type ConnectionSettings = Pick<
  Config,
  'temporalAddress' | 'TEMPORAL_TLS_CERT' | 'TEMPORAL_TLS_KEY' | 'TEMPORAL_TLS_CA' | 'TEMPORAL_API_KEY'
>;

/** Address, TLS and API key options, as both `Connection` and `NativeConnection` take them; reads the TLS files. */
export function connectionOptions(c: ConnectionSettings) {
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
