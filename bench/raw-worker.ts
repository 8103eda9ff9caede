/**
 * The ceiling's bare worker, run by the benchmark as its own process (like `worker/main.ts`), so that raw
 * Temporal and the engine are measured with the same topology: client → server → worker process. It runs
 * bench/raw-workflow.ts on the `bench-raw` task queue of `TEMPORAL_ADDRESS` until SIGTERM, with the engine
 * worker's settings: `WORKER_MAX_CACHED_WORKFLOWS` read the same way, the SDK's default concurrency, and a
 * webpack bundle made at start (as `npm run worker` without a prebuilt bundle).
 */
import { bundleWorkflowCode, DefaultLogger, NativeConnection, Runtime, Worker } from '@temporalio/worker';
import path from 'node:path';
import { loadConfig } from '../config/env';
import { RAW_TASK_QUEUE } from './raw-workflow';

async function main(): Promise<void> {
  Runtime.install({ logger: new DefaultLogger('WARN'), shutdownSignals: ['SIGINT', 'SIGTERM'] });
  const connection = await NativeConnection.connect({ address: process.env.TEMPORAL_ADDRESS ?? '127.0.0.1:7233' });
  const drop = (): void => undefined;
  const worker = await Worker.create({
    connection,
    namespace: process.env.TEMPORAL_NAMESPACE ?? 'default',
    taskQueue: RAW_TASK_QUEUE,
    maxCachedWorkflows: loadConfig().WORKER_MAX_CACHED_WORKFLOWS,
    workflowBundle: await bundleWorkflowCode({
      workflowsPath: path.resolve(__dirname, 'raw-workflow.ts'),
      logger: { log: drop, trace: drop, debug: drop, info: drop, warn: drop, error: (m) => console.error(m) },
    }),
  });
  console.log('raw worker running');
  await worker.run();
  await connection.close();
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    console.error(`raw worker failed: ${String(err)}`);
    process.exit(1);
  },
);
