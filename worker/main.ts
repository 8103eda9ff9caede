/**
 * `npm run worker`: the key-task worker alone, for deployments that run worker replicas against a Temporal
 * cluster. Reads the configuration once, waits for Temporal with backoff, runs until SIGINT or SIGTERM, then
 * drains (in-flight activities and workflow tasks finish) and exits 0. A bad configuration value exits 1
 * with one line naming the variable.
 */
import { DefaultLogger, Runtime, type WorkflowBundleWithSourceMap } from '@temporalio/worker';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { PROJECT_ROOT } from '../embedded/binaries';
import os from 'node:os';
import { loadConfig } from '../config/env';
import { loadKeyring } from '../codec/keyring';
import { activityDepsFromConfig } from '../activities';
import { loadPlanFile } from '../seeds/load-plan';
import { createKeyTaskWorker } from './create-worker';
import { connectWithRetry } from './connect';
import { runtimeLogLevel } from './log-level';
import { bundleKeyTaskWorkflows } from './bundle';
import { startupErrorMessage } from './startup-error';

/** The prebuilt bundle when `WORKFLOW_BUNDLE_PATH` names a file that exists, else a fresh webpack bundle. */
async function workflowBundle(file: string | undefined): Promise<WorkflowBundleWithSourceMap> {
  const prebuilt = file && path.resolve(PROJECT_ROOT, file);
  if (prebuilt && existsSync(prebuilt)) {
    console.log(`[worker] using the prebuilt workflow bundle ${prebuilt}`);
    // Source maps are inline in the code; the separate field is deprecated and unused.
    return { code: readFileSync(prebuilt, 'utf8'), sourceMap: '' };
  }
  return bundleKeyTaskWorkflows();
}

let context: { temporalAddress?: string; namespace?: string } = {};

async function main(): Promise<void> {
  const config = loadConfig();
  context = { temporalAddress: config.temporalAddress, namespace: config.TEMPORAL_NAMESPACE };
  // The plan names the departments in notifications and checks the contacts file's department ids.
  const deps = activityDepsFromConfig(config, loadPlanFile(config.PLAN_FILE));
  const keyring = loadKeyring(config.payloadKeys, (line) => console.log(`[worker] ${line}`));
  // The process handles its own signals: a signal during the connect loop must stop it too.
  // WORKER_METRICS_PORT: the SDK's own Prometheus metrics (task slots, poll latencies, …) on that port.
  const metricsPort = config.WORKER_METRICS_PORT;
  Runtime.install({
    logger: new DefaultLogger(runtimeLogLevel(config.LOG_LEVEL)),
    shutdownSignals: [],
    ...(metricsPort
      ? { telemetryOptions: { metrics: { prometheus: { bindAddress: `0.0.0.0:${metricsPort}` } } } }
      : {}),
  });
  const stopping = new AbortController();
  for (const signal of ['SIGINT', 'SIGTERM'] as const) process.on(signal, () => stopping.abort());

  const connection = await connectWithRetry(config, {
    signal: stopping.signal,
    log: (line) => console.warn(line),
  });
  if (!connection) return;
  try {
    const worker = await createKeyTaskWorker({
      connection,
      namespace: config.TEMPORAL_NAMESPACE,
      workflowBundle: await workflowBundle(config.WORKFLOW_BUNDLE_PATH),
      keyring,
      deps,
      maxCachedWorkflows: config.WORKER_MAX_CACHED_WORKFLOWS,
      identity: `duban-worker@${os.hostname()}:${process.pid}`,
    });
    const shutdown = (): void => {
      if (worker.getState() === 'RUNNING') worker.shutdown();
    };
    stopping.signal.addEventListener('abort', shutdown, { once: true });
    const running = worker.run();
    console.log(
      `督办 worker running on ${config.temporalAddress}, namespace ${config.TEMPORAL_NAMESPACE} (Ctrl-C to stop)`,
    );
    if (stopping.signal.aborted) shutdown();
    await running;
  } finally {
    await connection.close();
  }
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    console.error(startupErrorMessage(err, context));
    process.exit(1);
  },
);
