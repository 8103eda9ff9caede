/**
 * `npm run api`: reads the configuration, the plan and the tokens, builds the app and listens on `PORT`.
 * SIGINT/SIGTERM stop accepting connections, let requests in flight finish, close the Temporal connection
 * and exit 0. A bad configuration, plan or tokens file stops start-up with one clear message and exit 1.
 * Temporal being down at start is not fatal: `/healthz` says 503 until it is reachable.
 */
import type { Server } from 'node:http';
import { describeConfig, loadConfig } from '../config/env';
import { temporalClient } from '../client/connection';
import { loadPlanFile } from '../seeds/load-plan';
import { resolveTokensFile, watchTokensFile } from './auth/tokens';
import { closeApp, createApp } from './app';
import { evidenceFromConfig, protectionsFromConfig } from './deps';

const SHUTDOWN_GRACE_MS = 10_000;

function main(): void {
  const config = loadConfig();
  const plan = loadPlanFile(config.PLAN_FILE);
  const tokens = watchTokensFile(resolveTokensFile(config, plan), plan);
  const client = temporalClient(config);
  const app = createApp({
    temporalClient: client,
    config,
    plan,
    tokens,
    taskListTiming: { pollMs: config.TASK_LIST_POLL_MS, reloadMs: config.TASK_LIST_RELOAD_MS },
    ...protectionsFromConfig(config),
    ...evidenceFromConfig(config),
  });
  const server: Server = app.listen(config.PORT, () => {
    console.log(`[api] 督办接口已启动 listening on http://localhost:${config.PORT}`, describeConfig(config));
    console.log(`[api] plan ${plan.id}: ${plan.tasks.length} tasks, ${tokens.current().length} tokens; docs at /docs`);
    console.log(`[api] audit log: ${config.AUDIT_LOG_FILE}`);
  });
  server.on('error', (err) => {
    console.error(`[api] cannot listen on port ${config.PORT}: ${err.message}`);
    process.exit(1);
  });

  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    console.log(`[api] ${signal}: closing`);
    const force = setTimeout(() => {
      console.error('[api] requests still open after 10 s; exiting');
      process.exit(1);
    }, SHUTDOWN_GRACE_MS);
    force.unref();
    server.close(() => {
      closeApp(app)
        .then(() => client.connection.close())
        .then(
          () => process.exit(0),
          () => process.exit(0),
        );
    });
    server.closeIdleConnections();
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));
}

try {
  main();
} catch (err) {
  console.error(`[api] 无法启动 cannot start: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
}
