/**
 * `npm run worker`: the key-task worker alone, for deployments that run worker replicas against a Temporal
 * cluster. Reads the configuration once, waits for Temporal with backoff, runs until SIGINT or SIGTERM, then
 * drains (in-flight activities and workflow tasks finish) and exits 0. A bad configuration value exits 1
 * with one line naming the variable.
 */
import { DefaultLogger, Runtime } from '@temporalio/worker';
import os from 'node:os';
import { loadConfig } from '../config/env';
import { activityDepsFromConfig } from '../activities';
import { loadPlanFile } from '../seeds/load-plan';
import { createKeyTaskWorker } from './create-worker';
import { connectWithRetry } from './connect';
import { runtimeLogLevel } from './log-level';
import { bundleKeyTaskWorkflows } from './bundle';
import { startupErrorMessage } from './startup-error';

let context: { temporalAddress?: string; namespace?: string } = {};

async function main(): Promise<void> {
  const config = loadConfig();
  context = { temporalAddress: config.temporalAddress, namespace: config.TEMPORAL_NAMESPACE };
  // The plan names the departments in notifications and checks the contacts file's department ids.
  const deps = activityDepsFromConfig(config, loadPlanFile(config.PLAN_FILE));
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
      workflowBundle: await bundleKeyTaskWorkflows(),
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
