/**
 * `npm run cluster:setup`: prepares an existing Temporal cluster for the engine, idempotently. It registers
 * the namespace (`TEMPORAL_NAMESPACE`) with {@link CLUSTER_RETENTION_DAYS} days' retention, or sets that
 * retention on an existing one, and registers every search attribute of `contracts/search-attributes.ts`
 * that is missing, one by one, through the Temporal SDK's WorkflowService and OperatorService (no Temporal
 * CLI needed). It connects with the same configuration as the worker and the API (`TEMPORAL_ADDRESS`, TLS,
 * API key). Run it again at any time: it changes only what is missing and says what it did, one line each.
 */
import type { Connection } from '@temporalio/client';
import { temporal } from '@temporalio/proto';
import { SearchAttributeType } from '@temporalio/common';
import { msToTs } from '@temporalio/common/lib/time';
import { loadConfig, type Config } from '../config/env';
import { clientConnection } from '../client/connection';
import { ALL_SEARCH_ATTRIBUTES } from '../contracts/shared';

/** Retention of closed workflows in the namespace: a plan year and its review. */
export const CLUSTER_RETENTION_DAYS = 400;

const INDEXED: Record<SearchAttributeType, temporal.api.enums.v1.IndexedValueType> = {
  [SearchAttributeType.TEXT]: temporal.api.enums.v1.IndexedValueType.INDEXED_VALUE_TYPE_TEXT,
  [SearchAttributeType.KEYWORD]: temporal.api.enums.v1.IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD,
  [SearchAttributeType.INT]: temporal.api.enums.v1.IndexedValueType.INDEXED_VALUE_TYPE_INT,
  [SearchAttributeType.DOUBLE]: temporal.api.enums.v1.IndexedValueType.INDEXED_VALUE_TYPE_DOUBLE,
  [SearchAttributeType.BOOL]: temporal.api.enums.v1.IndexedValueType.INDEXED_VALUE_TYPE_BOOL,
  [SearchAttributeType.DATETIME]: temporal.api.enums.v1.IndexedValueType.INDEXED_VALUE_TYPE_DATETIME,
  [SearchAttributeType.KEYWORD_LIST]: temporal.api.enums.v1.IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD_LIST,
};

/** gRPC status codes the setup tells apart. */
const grpcStatus = { NOT_FOUND: 5, ALREADY_EXISTS: 6 } as const;

function grpcCode(err: unknown): number | undefined {
  return (err as { code?: number }).code;
}

/**
 * Registers or updates the namespace and registers the missing search attributes on `connection`.
 * `log` gets one line per change (and one saying what was already there).
 * @throws the server's error when a call fails for another reason than "already there".
 */
export async function setupCluster(
  connection: Connection,
  namespace: string,
  log: (line: string) => void = console.log,
): Promise<void> {
  const retention = msToTs(`${CLUSTER_RETENTION_DAYS} days`);
  const retentionSeconds = CLUSTER_RETENTION_DAYS * 86_400;
  try {
    const described = await connection.workflowService.describeNamespace({ namespace });
    const current = Number(described.config?.workflowExecutionRetentionTtl?.seconds ?? 0);
    if (current !== retentionSeconds) {
      await connection.workflowService.updateNamespace({
        namespace,
        config: { workflowExecutionRetentionTtl: retention },
      });
      log(`[cluster:setup] namespace ${namespace}: retention set to ${CLUSTER_RETENTION_DAYS} days`);
    } else {
      log(`[cluster:setup] namespace ${namespace}: already registered (${CLUSTER_RETENTION_DAYS} days' retention)`);
    }
  } catch (err) {
    if (grpcCode(err) !== grpcStatus.NOT_FOUND) throw err;
    try {
      await connection.workflowService.registerNamespace({ namespace, workflowExecutionRetentionPeriod: retention });
      log(`[cluster:setup] namespace ${namespace}: registered (${CLUSTER_RETENTION_DAYS} days' retention)`);
    } catch (e) {
      // Another setup registered it in the meantime.
      if (grpcCode(e) !== grpcStatus.ALREADY_EXISTS) throw e;
    }
  }
  // A new namespace takes a few seconds to reach every frontend's cache.
  const deadline = Date.now() + 60_000;
  let registered: Set<string>;
  for (;;) {
    try {
      const { customAttributes } = await connection.operatorService.listSearchAttributes({ namespace });
      registered = new Set(Object.keys(customAttributes ?? {}));
      break;
    } catch (err) {
      if (grpcCode(err) !== grpcStatus.NOT_FOUND || Date.now() > deadline) throw err;
      await new Promise((r) => setTimeout(r, 500));
    }
  }
  const missing = ALL_SEARCH_ATTRIBUTES.filter((k) => !registered.has(k.name));
  // One attribute per call, so that a failure names the attribute and a rerun adds only the rest.
  for (const k of missing) {
    try {
      await connection.operatorService.addSearchAttributes({
        namespace,
        searchAttributes: { [k.name]: INDEXED[k.type] },
      });
      log(`[cluster:setup] search attribute ${k.name} (${k.type}): registered`);
    } catch (err) {
      if (grpcCode(err) !== grpcStatus.ALREADY_EXISTS) {
        throw new Error(`cannot register search attribute ${k.name}: ${(err as Error).message}`);
      }
    }
  }
  log(
    `[cluster:setup] ${ALL_SEARCH_ATTRIBUTES.length} search attributes: ${missing.length} registered, ` +
      `${ALL_SEARCH_ATTRIBUTES.length - missing.length} already there`,
  );
}

async function main(config: Config): Promise<void> {
  const connection = clientConnection(config);
  try {
    await connection.ensureConnected();
    await setupCluster(connection, config.TEMPORAL_NAMESPACE);
  } finally {
    await connection.close();
  }
}

if (require.main === module) {
  let config: Config;
  try {
    config = loadConfig();
  } catch (err) {
    console.error(`[cluster:setup] ${(err as Error).message}`);
    process.exit(1);
  }
  main(config).then(
    () => process.exit(0),
    (err: unknown) => {
      console.error(`[cluster:setup] failed on ${config.temporalAddress}: ${(err as Error).message}`);
      process.exit(1);
    },
  );
}
