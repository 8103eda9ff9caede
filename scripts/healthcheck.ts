/**
 * The container health checks of `docker-compose.yml` (and of any other supervisor that runs a command):
 * `node dist/scripts/healthcheck.js api` exits 0 when the API on `PORT` answers `/healthz` with 200 (it says
 * 503 while Temporal is unreachable); `… worker` exits 0 when the worker's SDK metrics on
 * `WORKER_METRICS_PORT` count pollers on both its workflow and activity task queues, i.e. the worker is
 * connected and taking work. Anything else exits 1 with one line saying why.
 */
import { loadConfig, type Config } from '../config/env';

/** What the probe found: healthy, or why not. */
export type Health = { healthy: true } | { healthy: false; reason: string };

/** Whether `/metrics` text of the Temporal SDK counts a poller for both workflow and activity tasks. */
export function workerPolling(metrics: string): boolean {
  const polling = (type: string) =>
    new RegExp(`^temporal_num_pollers\\{[^}]*poller_type="${type}"[^}]*\\} ([0-9.]+)`, 'm').exec(metrics);
  return [polling('workflow_task'), polling('activity_task')].every((m) => m !== null && Number(m[1]) > 0);
}

async function get(url: string): Promise<{ status: number; text: string }> {
  const res = await fetch(url, { signal: AbortSignal.timeout(4_000) });
  return { status: res.status, text: await res.text() };
}

/** Probes the API or the worker of this process's configuration on 127.0.0.1. Never throws. */
export async function probe(role: 'api' | 'worker', config: Config): Promise<Health> {
  try {
    if (role === 'api') {
      const { status } = await get(`http://127.0.0.1:${config.PORT}/healthz`);
      return status === 200 ? { healthy: true } : { healthy: false, reason: `/healthz answered ${status}` };
    }
    if (!config.WORKER_METRICS_PORT) return { healthy: false, reason: 'WORKER_METRICS_PORT is not set' };
    const { text } = await get(`http://127.0.0.1:${config.WORKER_METRICS_PORT}/metrics`);
    return workerPolling(text) ? { healthy: true } : { healthy: false, reason: 'the worker is not polling' };
  } catch (err) {
    return { healthy: false, reason: (err as Error).message };
  }
}

if (require.main === module) {
  const role = process.argv[2];
  if (role !== 'api' && role !== 'worker') {
    console.error('usage: healthcheck api|worker');
    process.exit(1);
  }
  let config: Config;
  try {
    config = loadConfig();
  } catch (err) {
    console.error(`[health] ${(err as Error).message}`);
    process.exit(1);
  }
  void probe(role, config).then((health) => {
    if (!health.healthy) console.error(`[health] ${role} unhealthy: ${health.reason}`);
    process.exit(health.healthy ? 0 : 1);
  });
}
