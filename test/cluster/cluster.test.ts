/**
 * The engine on a real multi-service Temporal server (Go-built v1.32.0) on PostgreSQL 15, the way a
 * deployment runs it: `npm run cluster:setup` prepares the namespace and search attributes, two workers and
 * two API replicas run as their own processes. The 2016 plan is started in the past so that escalations
 * fire; sign-offs go through both replicas at once; one worker and one replica are SIGKILLed in the middle of
 * the storm and the Temporal server process is restarted. Every acknowledged sign-off must be recorded once,
 * every notice delivered once, the board complete, and `/healthz` must say 503 while the server is down.
 */
import { ALL_SEARCH_ATTRIBUTES, type TaskRow } from '../../contracts';
import { addDays, localDate } from '../../domain/calendar';
import { milestoneActs, taskUnits, workItemUnits } from '../../domain/plan';
import { loadPlanFile } from '../../seeds/load-plan';
import { apiRequest, type ApiAnswer } from '../../support/api-request';
import { runPool } from '../../support/pool';
import { readDemoTokens } from '../../support/demo-tokens';
import { spawnProjectScript, type NodeProcess } from '../../support/os-process';
import { freePorts } from '../../support/ports';
import { waitFor } from '../../support/wait-for';
import { startWebhookReceiver, type WebhookReceiver } from '../../support/webhook-receiver';
import { decidedNotifications, signOffPath, signOffRecords, taskView, updateIdFor } from '../faults/support';
import { buildWorkflowBundle } from '../../scripts/build-workflow-bundle';
import { ensureClusterServer, type ClusterServerTools } from '../../scripts/install-cluster-server';
import { startPostgres, type PostgresInstance } from '../../support/cluster/postgres';
import { createClusterServer, setupSchemas, type ClusterServer } from '../../support/cluster/temporal-server';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const SECRET = 'cluster-test-secret';
const plan = loadPlanFile();

let tools: ClusterServerTools;
let pg: PostgresInstance | undefined;
let server: ClusterServer | undefined;
let receiver: WebhookReceiver | undefined;
let dataDir: string;
/** A `temporal.toml` with a profile `cluster` naming the server and the namespace. */
let tomlFile: string;
let bundleFile: string;
const processes: NodeProcess[] = [];

/** The environment every worker and API process of the scenario shares. */
function baseEnv(): NodeJS.ProcessEnv {
  return {
    NODE_ENV: 'test',
    DATA_DIR: dataDir,
    TEMPORAL_ADDRESS: server!.address,
    TEMPORAL_NAMESPACE: 'duban',
    LOG_LEVEL: 'warn',
    AUTO_START_PLAN: 'false',
    AUTH_TOKENS_FILE: '',
    CONTACTS_FILE: '',
    SMTP_URL: '',
    TEMPORAL_API_KEY: '',
    TEMPORAL_TLS_CERT: '',
    TEMPORAL_TLS_KEY: '',
  };
}

/** Runs a project script to its end. @throws with its output when it exits non-zero. */
async function runToEnd(script: string, env: NodeJS.ProcessEnv): Promise<string> {
  const p = spawnProjectScript(script, env);
  const code = await p.exited;
  if (code !== 0) throw new Error(`${script} exited ${code}:\n${p.output()}`);
  return p.output();
}

/**
 * The environment of a process that finds the cluster through a `temporal.toml` profile (TEMPORAL_PROFILE,
 * TEMPORAL_CONFIG_FILE) instead of TEMPORAL_ADDRESS and TEMPORAL_NAMESPACE.
 */
function profileEnv(): NodeJS.ProcessEnv {
  return { TEMPORAL_ADDRESS: '', TEMPORAL_NAMESPACE: '', TEMPORAL_PROFILE: 'cluster', TEMPORAL_CONFIG_FILE: tomlFile };
}

async function startWorker(name: string, env: NodeJS.ProcessEnv = {}): Promise<NodeProcess> {
  const worker = spawnProjectScript(
    'worker/main.ts',
    { ...baseEnv(), WEBHOOK_URL: `${receiver!.url}/hook`, WEBHOOK_SECRET: SECRET, ...env },
    name,
  );
  processes.push(worker);
  await waitFor(
    `${name} to run`,
    async () => {
      if (!worker.running()) throw new Error(`${name} exited:\n${worker.output().slice(-2000)}`);
      return /worker running/.test(worker.output()) ? true : undefined;
    },
    180_000,
  );
  return worker;
}

async function startApi(name: string, port: number, env: NodeJS.ProcessEnv = {}): Promise<NodeProcess> {
  const api = spawnProjectScript('api/main.ts', { ...baseEnv(), PORT: String(port), ...env }, name);
  processes.push(api);
  await waitFor(
    `${name} to listen`,
    async () => {
      if (!api.running()) throw new Error(`${name} exited:\n${api.output().slice(-2000)}`);
      const res = await fetch(`http://127.0.0.1:${port}/healthz`);
      await res.arrayBuffer();
      return res.status === 200 ? true : undefined;
    },
    90_000,
  );
  return api;
}

/** The samples of a Prometheus text answer: `name{labels}` → value. */
async function scrape(url: string): Promise<Map<string, number>> {
  const res = await fetch(url, { signal: AbortSignal.timeout(10_000) });
  expect(res.status).toBe(200);
  const samples = new Map<string, number>();
  for (const line of (await res.text()).split('\n')) {
    const m = /^([a-zA-Z_:][\w:]*(?:\{[^}]*\})?) (\S+)/.exec(line);
    if (m) samples.set(m[1]!, Number(m[2]));
  }
  return samples;
}

/** The sum of the worker SDK's counters and histogram counts (`temporal_*_total`, `temporal_*_count`). */
function sdkActivity(samples: Map<string, number>): number {
  let sum = 0;
  for (const [k, v] of samples) if (/^temporal_\w*(_total|_count)\b/.test(k)) sum += v;
  return sum;
}

async function healthz(url: string): Promise<number> {
  try {
    const res = await fetch(`${url}/healthz`, { signal: AbortSignal.timeout(5_000) });
    await res.arrayBuffer();
    return res.status;
  } catch {
    return 0;
  }
}

beforeAll(async () => {
  tools = await ensureClusterServer();
  console.log(`[cluster] server build: ${tools.how === 'built' ? `built in ${tools.seconds.toFixed(0)} s` : 'reused'}`);
  const t0 = Date.now();
  pg = await startPostgres();
  setupSchemas(tools, pg);
  server = await createClusterServer(tools, pg);
  await server.start();
  console.log(`[cluster] PostgreSQL, schemas and Temporal server up in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
  dataDir = mkdtempSync(path.join(os.tmpdir(), 'duban-cluster-'));
  receiver = await startWebhookReceiver(SECRET);
  // worker-1 loads a prebuilt workflow bundle (WORKFLOW_BUNDLE_PATH), as the production image does.
  bundleFile = await buildWorkflowBundle(path.join(dataDir, 'workflow-bundle.js'));
  tomlFile = path.join(dataDir, 'temporal.toml');
  writeFileSync(tomlFile, `[profile.cluster]\naddress = "${server.address}"\nnamespace = "duban"\n`);
}, 900_000);

afterAll(async () => {
  await Promise.all(processes.map((p) => p.kill('SIGKILL')));
  await server?.dispose();
  await pg?.stop();
  await receiver?.close();
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
});

/** A sign-off and what finally came of it. */
interface Attempt {
  task: number;
  department: string;
  /** The work item signed or reported on (domain/plan.ts `milestoneActs`). */
  workItem?: number;
  /** A province's report on its part of the item, not a sign-off. */
  report?: boolean;
  token: string;
  key: string;
  final?: ApiAnswer;
  tries: number;
}

test('the 2016 plan on a multi-service Temporal server on PostgreSQL survives killed workers, a killed API replica and a server restart', async () => {
  // The operators' setup command, twice: the second run must find everything in place.
  const first = await runToEnd('scripts/cluster-setup.ts', baseEnv());
  expect(first).toMatch(/namespace duban: registered \(400 days' retention\)/);
  const n = ALL_SEARCH_ATTRIBUTES.length;
  expect(first).toContain(`${n} search attributes: ${n} registered, 0 already there`);
  const second = await runToEnd('scripts/cluster-setup.ts', baseEnv());
  expect(second).toContain(`${n} search attributes: 0 registered, ${n} already there`);

  // A profile that does not exist stops start-up with one line naming it.
  const badProfile = spawnProjectScript('api/main.ts', { ...baseEnv(), ...profileEnv(), TEMPORAL_PROFILE: 'nope' });
  expect(await badProfile.exited).toBe(1);
  expect(badProfile.output().trim().split('\n')).toEqual([
    expect.stringMatching(/TEMPORAL_PROFILE="nope".*temporal\.toml/),
  ]);

  // worker-1 and api-1 find the cluster by TEMPORAL_ADDRESS, worker-2 and api-2 by the temporal.toml profile.
  const [port1, port2, metricsPort1, metricsPort2] = (await freePorts(4)) as [number, number, number, number];
  const workers = [
    await startWorker('worker-1', { WORKER_METRICS_PORT: String(metricsPort1), WORKFLOW_BUNDLE_PATH: bundleFile }),
    await startWorker('worker-2', { ...profileEnv(), WORKER_METRICS_PORT: String(metricsPort2) }),
  ];
  const workerMetrics = `http://127.0.0.1:${metricsPort2}/metrics`;
  const sdkBefore = sdkActivity(await scrape(workerMetrics));
  expect(workers[0]!.output()).toContain(`using the prebuilt workflow bundle ${bundleFile}`);
  expect(workers[1]!.output()).toContain(`running on ${server!.address}, namespace duban`);
  // The first replica writes the demo tokens; the second reads them.
  const apis = [await startApi('api-1', port1)];
  apis.push(await startApi('api-2', port2, profileEnv()));
  const urls = [`http://127.0.0.1:${port1}`, `http://127.0.0.1:${port2}`];
  const health = await apiRequest(urls[1]!, 'GET', '/healthz', '');
  expect(health.body).toMatchObject({ status: 'ok', temporal: { address: server!.address, namespace: 'duban' } });
  const tokens = readDemoTokens(dataDir);

  // Started 40 days ago: the work plans (due on day 28) are 12 days late, so levels 1 and 2 are due at once and
  // each task sends one notice, at level 2.
  const startDate = addDays(localDate(Date.now(), plan.policy.utcOffset), -40);
  const started = await apiRequest(urls[0]!, 'POST', '/api/plan/start', tokens.admin, { startDate });
  expect(started.status).toBe(200);
  const escalations = plan.tasks.length;
  await waitFor(
    `${escalations} escalations delivered`,
    async () => {
      const kinds = receiver!.acceptedIds().filter((id) => id.includes('/escalation/'));
      return new Set(kinds).size >= escalations ? true : undefined;
    },
    240_000,
    500,
  );
  expect(
    receiver!
      .acceptedIds()
      .filter((id) => id.includes('/escalation/'))
      .every((id) => id.endsWith('/L2')),
  ).toBe(true);

  // The API's gauges, from its task list: every task escalated to level 2, its work plan overdue.
  await waitFor(
    'the API metrics to show 24 tasks at escalation level 2',
    async () => {
      const m = await scrape(`${urls[0]}/metrics`);
      return m.get('duban_open_escalations{level="2"}') === 24 && m.get('duban_overdue_milestones') === 24
        ? true
        : undefined;
    },
    30_000,
    1_000,
  );

  const milestoneId = plan.schedule[0]!.id;
  // By the document's responsibility: first every co-unit's sign-off and every province's report (in any order,
  // the storm), then the items' own leads, then the tasks' leads close.
  const co: Attempt[] = [];
  const itemLeads: Attempt[] = [];
  const leads: Attempt[] = [];
  for (const task of plan.tasks) {
    const { lead } = taskUnits(task);
    const items = workItemUnits(plan, task);
    milestoneActs(plan, task).forEach((act, i) => {
      const a: Attempt = {
        task: task.number,
        department: act.department,
        workItem: act.workItem,
        report: act.kind === 'report',
        token: tokens.coordinator(act.department),
        key: `act-${task.number}-${i}`,
        tries: 0,
      };
      if (act.workItem === undefined) leads.push({ ...a, key: `lead-${task.number}` });
      else if (act.kind === 'sign' && items[act.workItem]!.lead === act.department && act.department !== lead) {
        itemLeads.push(a);
      } else co.push(a);
    });
  }

  // Sends a sign-off until a definite answer, as a load balancer in front of both replicas would: a request
  // that got no answer or a 5xx is resent, with the same Idempotency-Key, to the other replica.
  let apiDown = -1;
  const signOff = async (a: Attempt, index: number): Promise<void> => {
    const deadline = Date.now() + 180_000;
    for (;;) {
      let replica = (index + a.tries) % 2;
      if (replica === apiDown) replica = 1 - replica;
      a.tries++;
      let answer: ApiAnswer;
      try {
        answer = await apiRequest(
          urls[replica]!,
          'POST',
          a.report
            ? `/api/tasks/${a.task}/milestones/${milestoneId}/work-items/${a.workItem}/reports`
            : signOffPath(a.task, milestoneId),
          a.token,
          a.report
            ? { department: a.department, status: 'done', text: '已按要求部署 deployed as asked' }
            : {
                department: a.department,
                decision: 'approve',
                ...(a.workItem === undefined ? {} : { workItem: a.workItem }),
              },
          { 'Idempotency-Key': a.key },
        );
      } catch {
        answer = { status: 0, body: undefined };
      }
      if ((answer.status >= 200 && answer.status < 500) || Date.now() > deadline) {
        a.final = answer;
        return;
      }
      await new Promise((r) => setTimeout(r, 500));
    }
  };

  // The storm through both replicas; after a third is answered, worker-1 and api-2 are SIGKILLed.
  let answered = 0;
  let kills: Promise<{ workerMs: number; apiMs: number }> | undefined;
  const storm = await runPool(co, 16, async (a, i) => {
    await signOff(a, i);
    answered++;
    if (answered === Math.floor(co.length / 3) && !kills) {
      kills = (async () => {
        const t0 = Date.now();
        apiDown = 1;
        await Promise.all([workers[0]!.kill('SIGKILL'), apis[1]!.kill('SIGKILL')]);
        workers[0] = await startWorker('worker-1 (restarted)', { WORKFLOW_BUNDLE_PATH: bundleFile });
        const workerMs = Date.now() - t0;
        apis[1] = await startApi('api-2 (restarted)', port2, profileEnv());
        apiDown = -1;
        return { workerMs, apiMs: Date.now() - t0 };
      })();
    }
  });
  const killCost = await kills!;
  expect(kills).toBeDefined();
  const acked = co.filter((a) => a.final?.status === 200).length;
  console.log(
    `[cluster] ${co.length} sign-offs through two API replicas in ${(storm.elapsedMs / 1000).toFixed(1)} s ` +
      `(${(co.length / (storm.elapsedMs / 1000)).toFixed(1)} sign-offs/s), ${acked} acknowledged; ` +
      `${co.filter((a) => a.tries > 1).length} resent after a kill; worker-1 back after ${killCost.workerMs} ms, ` +
      `api-2 back after ${killCost.apiMs} ms`,
  );
  for (const a of co) expect({ key: a.key, status: a.final?.status }).toEqual({ key: a.key, status: 200 });
  // The items' own leads sign once their co-units and provinces have.
  await runPool(itemLeads, 16, (a, i) => signOff(a, i));
  for (const a of itemLeads) expect({ key: a.key, status: a.final?.status }).toEqual({ key: a.key, status: 200 });

  // The Temporal server process is restarted: both replicas say 503 while it is down, 200 after.
  const down = Date.now();
  await server!.stop();
  for (const url of urls) {
    await waitFor(`${url}/healthz to say 503`, async () => ((await healthz(url)) === 503 ? true : undefined), 30_000);
  }
  await server!.start();
  for (const url of urls) {
    await waitFor(`${url}/healthz to say 200`, async () => ((await healthz(url)) === 200 ? true : undefined), 60_000);
  }
  const healthyMs = Date.now() - down;

  // The leads sign after the restart, through both replicas at once.
  const leadRun = await runPool(leads, 16, (a, i) => signOff(a, i));
  console.log(
    `[cluster] Temporal server restarted: APIs healthy ${healthyMs} ms after it stopped; ${leads.length} lead ` +
      `sign-offs after the restart in ${(leadRun.elapsedMs / 1000).toFixed(1)} s`,
  );
  for (const a of leads) expect({ key: a.key, status: a.final?.status }).toEqual({ key: a.key, status: 200 });

  // Both metrics endpoints answer, and the counters moved: the API's sign-offs and requests (summed over the
  // replicas, as a Prometheus query would), the worker SDK's own counters.
  const apiSamples = await Promise.all(urls.map((u) => scrape(`${u}/metrics`)));
  const sum = (k: string) => apiSamples.reduce((n, m) => n + (m.get(k) ?? 0), 0);
  expect(sum('duban_sign_offs_total{decision="approve"}')).toBeGreaterThanOrEqual(leads.length);
  expect(sum('duban_api_requests_total{operation="signOff",status="200"}')).toBeGreaterThanOrEqual(leads.length);
  expect(sum('duban_api_request_duration_seconds_count{operation="signOff"}')).toBeGreaterThanOrEqual(leads.length);
  expect(sdkActivity(await scrape(workerMetrics))).toBeGreaterThan(sdkBefore);

  // Every acknowledged sign-off is in its workflow exactly once; every work plan is complete.
  const views = new Map<number, Awaited<ReturnType<typeof taskView>>>();
  for (const task of plan.tasks)
    views.set(task.number, await taskView(urls[task.number % 2]!, tokens.office, task.number));
  for (const a of [...co, ...itemLeads, ...leads]) {
    const view = views.get(a.task)!;
    if (a.report) {
      const path = `/api/tasks/${a.task}/milestones/${milestoneId}/work-items/${a.workItem}/reports`;
      const id = updateIdFor(a.token, path, a.key);
      const reports = view.milestones[0]!.items![a.workItem!]!.collectives.flatMap((c) => c.reports);
      expect({ key: a.key, count: reports.filter((r) => r.requestId === id).length }).toEqual({ key: a.key, count: 1 });
      continue;
    }
    const id = updateIdFor(a.token, signOffPath(a.task, milestoneId), a.key);
    const records = signOffRecords(view, milestoneId).filter((r) => r.requestId === id);
    // One record per item signed: one for an item's sign-off, one or more for the close (the lead's own items).
    const count = a.workItem === undefined ? Math.min(records.length, 1) : records.length;
    expect({ key: a.key, count }).toEqual({ key: a.key, count: 1 });
  }
  for (const view of views.values()) {
    expect(view.milestones[0]!.state).toBe('completed');
    expect(view.milestones[0]!.items!.every((item) => item.done)).toBe(true);
  }

  // Every notice the workflows decided (the supervision notices' too) is delivered exactly once (X-Notification-Id), none lost.
  const decided = new Set([...views.values()].flatMap(decidedNotifications));
  await waitFor(
    'every decided notice to be delivered',
    async () => ([...decided].every((id) => receiver!.acceptedIds().includes(id)) ? true : undefined),
    180_000,
    1_000,
  );
  await new Promise((r) => setTimeout(r, 3_000));
  expect(receiver!.acceptedIds().length).toBe(new Set(receiver!.acceptedIds()).size);
  expect(new Set(receiver!.acceptedIds())).toEqual(decided);

  // The board is complete on both replicas, with every work plan done.
  for (const url of urls) {
    await waitFor(
      `the board of ${url} to show 24 tasks past their work plan`,
      async () => {
        const board = await apiRequest(url, 'GET', '/api/tasks', tokens.office);
        const rows = (board.body as { tasks: TaskRow[] }).tasks;
        return board.status === 200 && rows.length === 24 && rows.every((r) => r.currentMilestone !== milestoneId)
          ? true
          : undefined;
      },
      30_000,
      1_000,
    );
  }
});
