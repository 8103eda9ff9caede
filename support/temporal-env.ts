/**
 * Real Temporal servers for tests (one per test file, torn down in `afterAll`), from the binaries the project
 * installs (never downloaded, never mocked). A missing binary fails the suite with the install advice.
 */
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { temporal } from '@temporalio/proto';
import { ALL_SEARCH_ATTRIBUTES, type Keyring } from '../contracts';
import { temporalCliPath, temporalTestServerPath } from '../embedded/binaries';
import { sealedClientOptions, TEST_KEYRING } from './sealed-client';

/**
 * A dev server (`temporal server start-dev`, in memory) with the project's search attributes. Its
 * `env.client` has the project's codec (`keyring`, default this process's test keyring) and sends updates
 * as the API would (support/sealed-client.ts).
 * `dynamicConfig` sets server limits, e.g. `{ 'limit.historyCount.suggestContinueAsNew': 60 }`.
 */
export function createLocalEnv(
  dynamicConfig: Record<string, unknown> = {},
  keyring: Keyring = TEST_KEYRING,
): Promise<TestWorkflowEnvironment> {
  return TestWorkflowEnvironment.createLocal({
    client: sealedClientOptions(keyring),
    server: {
      executable: { type: 'existing-path', path: temporalCliPath() },
      searchAttributes: [...ALL_SEARCH_ATTRIBUTES],
      extraArgs: [
        '--headless',
        '--log-level',
        'error',
        ...Object.entries(dynamicConfig).flatMap(([k, v]) => ['--dynamic-config-value', `${k}=${JSON.stringify(v)}`]),
      ],
    },
  });
}

/** The Java time-skipping test server, with the project's search attributes registered; `env.client` as above. */
export async function createTimeSkippingEnv(keyring: Keyring = TEST_KEYRING): Promise<TestWorkflowEnvironment> {
  const env = await TestWorkflowEnvironment.createTimeSkipping({
    client: sealedClientOptions(keyring),
    server: { executable: { type: 'existing-path', path: temporalTestServerPath() } },
  });
  await env.connection.operatorService.addSearchAttributes({
    namespace: env.namespace ?? 'default',
    searchAttributes: Object.fromEntries(
      ALL_SEARCH_ATTRIBUTES.map((k) => [
        k.name,
        temporal.api.enums.v1.IndexedValueType[`INDEXED_VALUE_TYPE_${k.type}`],
      ]),
    ),
  });
  return env;
}
