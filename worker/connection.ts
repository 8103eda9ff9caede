/**
 * The worker's connection to Temporal, through the SDK's native bridge (`@temporalio/worker`). It lives
 * in worker/ so that the API and the scripts, which connect through client/connection.ts, never load the
 * worker package.
 */
import { NativeConnection } from '@temporalio/worker';
import { connectionOptions, type ConnectionSettings } from '../client/connection';

/** A worker connection with the configured address and credentials; rejects when Temporal cannot be reached. */
export function workerConnection(c: ConnectionSettings): Promise<NativeConnection> {
  return NativeConnection.connect(connectionOptions(c));
}
