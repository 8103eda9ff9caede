/**
 * `npm run bench [-- --quick]`: the engine measured against raw Temporal on the same server in the same run.
 *
 * 1. Ceiling: a bare worker (bench/raw-workflow.ts) on its own task queue; N starts, one untimed trivial
 *    update each (so every workflow has run), then as many timed updates as the storm has sign-offs, spread
 *    over the N workflows, 32 clients. 2. Starts through `POST /api/plan/start`: the 24 tasks of 2016, then a
 *    generated plan of N tasks. 3. Sign-off storm through the HTTP API, 32 clients, co-responsible units
 *    before leads. 4. The board: `GET /api/tasks` (all, by department, by status; from the API's shared
 *    snapshot; cold after 6 s of quiet, when it waits for a visibility query; and every half second while
 *    coordinators sign the next milestone of half the tasks) and `GET /api/tasks/:number`. 5. Resident memory
 *    of the worker and API processes with N open task workflows.
 *
 * N is 1,000 (100 with `--quick`). Everything runs in a temporary `DATA_DIR` on free ports: the dev server
 * (embedded/dev-server.ts, SQLite with WAL), `worker/main.ts` and `api/main.ts` as child processes. Prints a
 * table and the goals as pass/miss, and writes `bench/results/latest.json` (or `--out <file>`). It asserts
 * nothing: a missed goal is reported, not failed.
 */
import { Client, Connection } from '@temporalio/client';
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { PlanFile } from '../contracts';
import { localDate } from '../domain/calendar';
import { taskUnits } from '../domain/plan';
import { PROJECT_ROOT, temporalCliPath } from '../embedded/binaries';
import { loadPlanFile, DEFAULT_PLAN_FILE } from '../seeds/load-plan';
import { generatePlan } from '../support/generate-plan';
import { apiRequest, type ApiAnswer } from '../support/api-request';
import { runPool } from '../support/pool';
import { cpuSeconds, percentile, residentBytes, round } from './measure';
import { spawnProjectScript } from '../support/os-process';
import type { DevServer } from '../embedded/dev-server';
import type { DemoTokens } from '../support/demo-tokens';
import { createProcessStack, STACK_NAMESPACE, type ProcessStack } from '../support/process-stack';
import { giveUp, waitFor } from '../support/wait-for';
import { RAW_TASK_QUEUE, touchUpdate } from './raw-workflow';

const CONCURRENCY = 32;
const MiB = 1024 * 1024;

interface Options {
  tasks: number;
  quick: boolean;
  out: string;
  /** `--no-wal`: the dev server without its SQLite WAL pragmas, to measure what they are worth. */
  wal: boolean;
}

function parseArgs(argv: string[]): Options {
  const quick = argv.includes('--quick');
  const outIndex = argv.indexOf('--out');
  const tasksIndex = argv.indexOf('--tasks');
  return {
    quick,
    wal: !argv.includes('--no-wal'),
    tasks: tasksIndex >= 0 ? Number(argv[tasksIndex + 1]) : quick ? 100 : 1000,
    out: path.resolve(
      PROJECT_ROOT,
      outIndex >= 0
        ? argv[outIndex + 1]!
        : `bench/results/${quick ? 'quick' : 'latest'}${argv.includes('--no-wal') ? '-no-wal' : ''}.json`,
    ),
  };
}

function log(line: string): void {
  console.log(`[bench] ${line}`);
}

function versionOf(pkg: string): string {
  return (
    JSON.parse(readFileSync(path.join(PROJECT_ROOT, 'node_modules', pkg, 'package.json'), 'utf8')) as {
      version: string;
    }
  ).version;
}

function machine() {
  let cli = 'unknown';
  try {
    cli = execFileSync(temporalCliPath(), ['--version'], { encoding: 'utf8' }).trim();
  } catch {
    // reported as unknown
  }
  return {
    cores: os.cpus().length,
    cpuModel: os.cpus()[0]?.model ?? 'unknown',
    memoryGiB: round(os.totalmem() / 1024 ** 3, 1),
    platform: `${os.type()} ${os.release()} ${os.arch()}`,
    node: process.version,
    temporalSdk: versionOf('@temporalio/client'),
    temporalCli: cli,
    loadAverageAtStart: os.loadavg().map((l) => round(l, 2)),
  };
}

/** Fails the run with the answer when a request that must succeed did not. */
function expectOk(answer: ApiAnswer | Error, what: string): ApiAnswer {
  if (answer instanceof Error) throw new Error(`${what}: ${answer.message}`);
  if (answer.status < 200 || answer.status > 299) {
    throw new Error(`${what}: HTTP ${answer.status} ${JSON.stringify(answer.body).slice(0, 500)}`);
  }
  return answer;
}

function latencySummary(ms: readonly number[]) {
  return {
    p50Ms: round(percentile(ms, 50)),
    p95Ms: round(percentile(ms, 95)),
    p99Ms: round(percentile(ms, 99)),
  };
}

/** What every phase runs against: the process stack, its dev server, the plans and the run's options. */
interface Bench {
  options: Options;
  /** N, the number of generated tasks. */
  n: number;
  stack: ProcessStack;
  server: DevServer;
  generated: PlanFile;
  /** The generated plan's file, for the API's `PLAN_FILE`. */
  planFile: string;
  startDate: string;
}

/** Phase 1, the ceiling: raw Temporal on the same server (a bare worker, N starts, then the storm's updates). */
async function measureRaw(b: Bench, resources: { close(): Promise<void> }[]) {
  const { n, stack, server, generated } = b;
  const rawWorker = spawnProjectScript(
    'bench/raw-worker.ts',
    { TEMPORAL_ADDRESS: stack.temporalAddress, TEMPORAL_NAMESPACE: STACK_NAMESPACE },
    'raw worker',
  );
  resources.push({ close: () => rawWorker.kill('SIGKILL') });
  await waitFor(
    'the raw worker to run',
    async () => {
      if (!rawWorker.running()) giveUp(`the raw worker exited: ${rawWorker.output()}`);
      return rawWorker.output().includes('raw worker running') ? true : undefined;
    },
    120_000,
  );
  const connection = await Connection.connect({ address: stack.temporalAddress });
  resources.push(connection);
  const client = new Client({ connection, namespace: STACK_NAMESPACE });
  const ids = Array.from({ length: n }, (_, i) => `raw-${i + 1}`);
  const rawStartCpu = cpuMeter({ server: server.pid, worker: rawWorker.pid });
  const rawStarts = await runPool(ids, CONCURRENCY, (workflowId) =>
    client.workflow.start('rawWorkflow', { taskQueue: RAW_TASK_QUEUE, workflowId }),
  );
  const rawStartCpuUsed = rawStartCpu.perThousand(n);
  const startErrors = rawStarts.results.filter((r) => r instanceof Error);
  if (startErrors.length > 0) throw new Error(`raw starts failed: ${String(startErrors[0])}`);
  const touch = (workflowId: string) =>
    client.workflow.getHandle(workflowId).executeUpdate(touchUpdate, { args: ['touch'] });
  // The first update of each workflow, untimed: it waits for the workflow's first task, which the API's
  // workflows have long done when the storm reaches them.
  const firstUpdates = await runPool(ids, CONCURRENCY, touch);
  const firstErrors = firstUpdates.results.filter((r) => r instanceof Error);
  if (firstErrors.length > 0) throw new Error(`raw updates failed: ${String(firstErrors[0])}`);
  // Then as many updates as the storm will send, round-robin over the workflows, as the storm does.
  const stormSize = signOffs(generated).co.length + n;
  const targets = Array.from({ length: stormSize }, (_, i) => ids[i % n]!);
  const rawCpu = cpuMeter({ server: server.pid, worker: rawWorker.pid });
  const rawUpdates = await runPool(targets, CONCURRENCY, touch);
  const rawCpuUsed = rawCpu.perThousand(stormSize);
  const updateErrors = rawUpdates.results.filter((r) => r instanceof Error);
  if (updateErrors.length > 0) throw new Error(`raw updates failed: ${String(updateErrors[0])}`);
  await rawWorker.kill('SIGTERM');
  const raw = {
    startsPerSecond: round((n / rawStarts.elapsedMs) * 1000),
    cpuSecondsPer1000Starts: rawStartCpuUsed,
    start: latencySummary(rawStarts.latenciesMs),
    firstUpdatesPerSecond: round((n / firstUpdates.elapsedMs) * 1000),
    updates: stormSize,
    updatesPerSecond: round((stormSize / rawUpdates.elapsedMs) * 1000),
    update: latencySummary(rawUpdates.latenciesMs),
    cpuSecondsPer1000Updates: rawCpuUsed,
  };
  log(`raw: ${raw.startsPerSecond} starts/s, ${raw.updatesPerSecond} updates/s`);
  return raw;
}

/**
 * Phase 2, starts through the API: the 2016 plan, then the generated one (the API serves one plan per
 * process, so it is restarted on the generated plan's file). Answers the figures and the tokens of the API
 * that now runs.
 */
async function measureStarts(b: Bench) {
  const { n, stack, server, planFile, startDate } = b;
  await stack.startWorker();
  await stack.startApi();
  let tokens = stack.tokens();
  const t2016 = performance.now();
  const start2016 = await apiRequest(stack.apiUrl, 'POST', '/api/plan/start', tokens.admin, { startDate });
  const ms2016 = performance.now() - t2016;
  expectOk(start2016, 'POST /api/plan/start (2016 plan)');
  await stack.api!.kill('SIGTERM');
  await stack.startApi({ PLAN_FILE: planFile });
  tokens = stack.tokens();
  const startCpu = cpuMeter({ server: server.pid, worker: stack.worker!.pid, api: stack.api!.pid });
  const tGen = performance.now();
  const startGen = expectOk(
    await apiRequest(stack.apiUrl, 'POST', '/api/plan/start', tokens.admin, { startDate }),
    'POST /api/plan/start (generated plan)',
  );
  const msGen = performance.now() - tGen;
  const startCpuUsed = startCpu.perThousand(n);
  const startedGen = (startGen.body as { tasks: { started: boolean }[] }).tasks.filter((t) => t.started).length;
  const starts = {
    plan2016: { tasks: 24, ms: round(ms2016), startsPerSecond: round((24 / ms2016) * 1000) },
    generated: {
      tasks: startedGen,
      ms: round(msGen),
      startsPerSecond: round((startedGen / msGen) * 1000),
      cpuSecondsPer1000Starts: startCpuUsed,
    },
  };
  log(`API starts: 2016 plan ${starts.plan2016.startsPerSecond}/s, generated ${starts.generated.startsPerSecond}/s`);
  await waitForBoard(stack.apiUrl, tokens.office, n, () => true);
  return { starts, tokens };
}

/** Signs off `s` on `milestone` through the API, with an idempotency key of its own. */
function signOffRequest(stack: ProcessStack, tokens: DemoTokens, s: SignOff, milestone: string) {
  return apiRequest(
    stack.apiUrl,
    'POST',
    `/api/tasks/${s.task}/milestones/${milestone}/sign-offs`,
    tokens.coordinator(s.department),
    { department: s.department, decision: 'approve' },
    { 'Idempotency-Key': `bench-${milestone}-${s.task}-${s.department}` },
  );
}

/** Phase 3, the sign-off storm on the first milestone: every co-responsible unit, then every lead. */
async function measureStorm(b: Bench, tokens: DemoTokens) {
  const { stack, server, generated } = b;
  const milestoneId = generated.schedule[0]!.id;
  const { co, leads } = signOffs(generated);
  const stormCpu = cpuMeter({ server: server.pid, worker: stack.worker!.pid, api: stack.api!.pid });
  const coRun = await runPool(co, CONCURRENCY, (s) => signOffRequest(stack, tokens, s, milestoneId));
  const leadRun = await runPool(leads, CONCURRENCY, (s) => signOffRequest(stack, tokens, s, milestoneId));
  const stormCpuUsed = stormCpu.perThousand(co.length + leads.length);
  const all = [...coRun.results, ...leadRun.results];
  const failed = all.filter((r) => r instanceof Error || r.status !== 200);
  if (failed.length > 0) {
    const first = failed[0]!;
    throw new Error(
      `${failed.length} sign-offs failed, e.g. ${first instanceof Error ? first.message : JSON.stringify(first.body)}`,
    );
  }
  const stormMs = coRun.elapsedMs + leadRun.elapsedMs;
  const storm = {
    cpuSecondsPer1000SignOffs: stormCpuUsed,
    signOffs: all.length,
    ms: round(stormMs),
    perSecond: round((all.length / stormMs) * 1000),
    ...latencySummary([...coRun.latenciesMs, ...leadRun.latenciesMs]),
  };
  log(`storm: ${storm.signOffs} sign-offs, ${storm.perSecond}/s, p95 ${storm.p95Ms} ms`);
  return storm;
}

/**
 * Phase 4, the board, once visibility shows every first milestone done: warm, cold (after the API's snapshot
 * expired), while coordinators sign, filtered, and one task.
 */
async function measureBoard(b: Bench, tokens: DemoTokens) {
  const { n, stack, generated, options } = b;
  const { co } = signOffs(generated);
  const nextMilestone = generated.schedule[1]!.id;
  await waitForBoard(stack.apiUrl, tokens.office, n, (t) => t.currentMilestone === nextMilestone);
  const samples = options.quick ? 20 : 30;
  const department = mostCommonDepartment(generated);
  const timed = async (p: string, count: number) => {
    const run = await runPool(Array.from({ length: count }), 1, () =>
      apiRequest(stack.apiUrl, 'GET', p, tokens.office),
    );
    run.results.forEach((r) => expectOk(r, `GET ${p}`));
    return { p50Ms: round(percentile(run.latenciesMs, 50)), p95Ms: round(percentile(run.latenciesMs, 95)) };
  };
  const firstRows = expectOk(await apiRequest(stack.apiUrl, 'GET', '/api/tasks', tokens.office), 'GET /api/tasks');
  const rows = (firstRows.body as { tasks: unknown[] }).tasks.length;
  // Cold: the first request after the API's snapshot has expired (5 s), which waits for one visibility query.
  const coldMs: number[] = [];
  for (let i = 0; i < (options.quick ? 5 : 10); i++) {
    await new Promise((r) => setTimeout(r, 6_000));
    const t = performance.now();
    expectOk(await apiRequest(stack.apiUrl, 'GET', '/api/tasks', tokens.office), 'GET /api/tasks (cold)');
    coldMs.push(performance.now() - t);
  }
  // Busy: the office reads the board every half second while coordinators sign (the co-responsible units of
  // the second milestone of half the tasks). Every change drops the API's shared snapshot, so these reads
  // wait for a visibility query on a server that is also taking sign-offs.
  let storming = true;
  const busyBoard: number[] = [];
  const watcher = (async () => {
    while (storming) {
      const t = performance.now();
      expectOk(await apiRequest(stack.apiUrl, 'GET', '/api/tasks', tokens.office), 'GET /api/tasks (busy)');
      busyBoard.push(performance.now() - t);
      await new Promise((r) => setTimeout(r, 500));
    }
  })();
  const secondRound = co.filter((x) => x.task <= n / 2);
  const busyRun = await runPool(secondRound, CONCURRENCY, (x) => signOffRequest(stack, tokens, x, nextMilestone));
  storming = false;
  await watcher;
  busyRun.results.forEach((r) => expectOk(r, 'sign-off (busy board)'));
  const board = {
    rows,
    all: await timed('/api/tasks', samples),
    cold: { samples: coldMs.length, p50Ms: round(percentile(coldMs, 50)), p95Ms: round(percentile(coldMs, 95)) },
    duringSignOffs: {
      signOffs: secondRound.length,
      perSecond: round((secondRound.length / busyRun.elapsedMs) * 1000),
      samples: busyBoard.length,
      p50Ms: round(percentile(busyBoard, 50)),
      p95Ms: round(percentile(busyBoard, 95)),
    },
    byDepartment: { department, ...(await timed(`/api/tasks?department=${department}`, samples)) },
    byStatus: { status: 'on_track', ...(await timed('/api/tasks?status=on_track', samples)) },
    oneTask: await (async () => {
      const numbers = Array.from({ length: samples * 2 }, (_, i) => 1 + ((i * 37) % n));
      const run = await runPool(numbers, 1, (k) => apiRequest(stack.apiUrl, 'GET', `/api/tasks/${k}`, tokens.office));
      run.results.forEach((r) => expectOk(r, 'GET /api/tasks/:number'));
      return { p50Ms: round(percentile(run.latenciesMs, 50)), p95Ms: round(percentile(run.latenciesMs, 95)) };
    })(),
  };
  log(`board: /api/tasks p95 ${board.all.p95Ms} ms over ${rows} rows`);
  return board;
}

/** Phase 5, the resident memory of the worker and API processes with N open task workflows (plus 2016's 24). */
function measureMemory(b: Bench) {
  return {
    openTaskWorkflows: b.n + 24,
    workerMiB: round(residentBytes(b.stack.worker!.pid) / MiB),
    apiMiB: round(residentBytes(b.stack.api!.pid) / MiB),
  };
}

/** The phases' figures and the goals as pass/miss, as written to the results JSON. */
function benchResult(
  b: Bench,
  startedAt: Date,
  raw: Awaited<ReturnType<typeof measureRaw>>,
  starts: Awaited<ReturnType<typeof measureStarts>>['starts'],
  storm: Awaited<ReturnType<typeof measureStorm>>,
  board: Awaited<ReturnType<typeof measureBoard>>,
  memory: ReturnType<typeof measureMemory>,
) {
  const { n, options } = b;
  const goals = [
    goal('sign-off throughput ≥ 70% of raw update throughput', storm.perSecond / raw.updatesPerSecond, 0.7, 'ratio'),
    goal(
      'API start throughput ≥ 70% of raw starts',
      starts.generated.startsPerSecond / raw.startsPerSecond,
      0.7,
      'ratio',
    ),
    goal(`GET /api/tasks p95 < 100 ms at ${n} tasks`, board.all.p95Ms, 100, 'below'),
    goal(`GET /api/tasks p95 < 100 ms at ${n} tasks, cold (after 6 s of quiet)`, board.cold.p95Ms, 100, 'below'),
    goal(`worker RSS < 1 GiB at ${memory.openTaskWorkflows} open workflows`, memory.workerMiB, 1024, 'below'),
  ];
  return {
    startedAt: startedAt.toISOString(),
    mode: options.quick ? 'quick' : 'full',
    tasks: n,
    concurrency: CONCURRENCY,
    machine: machine(),
    server: {
      sqlitePragmas: options.wal ? ['journal_mode=wal', 'synchronous=normal'] : [],
      namespace: STACK_NAMESPACE,
    },
    raw,
    starts: { ...starts, ratioToRaw: round(starts.generated.startsPerSecond / raw.startsPerSecond, 2) },
    storm: { ...storm, ratioToRaw: round(storm.perSecond / raw.updatesPerSecond, 2) },
    board,
    memory,
    goals,
    durationS: round((Date.now() - startedAt.getTime()) / 1000),
  };
}

async function main(): Promise<void> {
  const options = parseArgs(process.argv.slice(2));
  const n = options.tasks;
  const startedAt = new Date();
  log(
    `${options.quick ? 'quick run' : 'full run'}: ${n} tasks, ${CONCURRENCY} clients, SQLite WAL ${options.wal ? 'on' : 'off'}`,
  );
  // The storm sends hundreds of sign-offs a second through a few dozen tokens: far past an office's write limit.
  const stack = await createProcessStack({
    label: 'duban-bench',
    walPragmas: options.wal,
    apiEnv: { RATE_LIMIT_WRITES_PER_MINUTE: '0' },
  });
  const rawResources: { close(): Promise<void> }[] = [];
  try {
    const planFile = path.join(stack.dataDir, `bench-plan-${n}.json`);
    const generated = generatePlan(n);
    writeFileSync(planFile, JSON.stringify(generated));
    const plan2016 = loadPlanFile(DEFAULT_PLAN_FILE);
    const startDate = localDate(Date.now(), plan2016.policy.utcOffset);
    const server = await stack.startServer();
    log(`dev server on ${server.address}, SQLite ${server.dbFile}`);
    const bench: Bench = { options, n, stack, server, generated, planFile, startDate };

    const raw = await measureRaw(bench, rawResources);
    const { starts, tokens } = await measureStarts(bench);
    const storm = await measureStorm(bench, tokens);
    const board = await measureBoard(bench, tokens);
    const memory = measureMemory(bench);

    const result = benchResult(bench, startedAt, raw, starts, storm, board, memory);
    mkdirSync(path.dirname(options.out), { recursive: true });
    writeFileSync(options.out, `${JSON.stringify(result, null, 2)}\n`);
    console.log(`\n${table(result)}\n`);
    log(`written to ${path.relative(PROJECT_ROOT, options.out)} in ${result.durationS} s`);
  } finally {
    for (const r of rawResources) await r.close().catch(() => undefined);
    await stack.dispose();
  }
}

/**
 * Measures the CPU time the given processes (with their children) and this benchmark process spend from
 * now on; `perThousand(n)` answers seconds per 1,000 operations for each, and their sum and wall share.
 */
function cpuMeter(pids: Record<string, number>) {
  const at = performance.now();
  const before = Object.fromEntries(Object.entries(pids).map(([k, pid]) => [k, cpuSeconds(pid)]));
  const self = process.cpuUsage();
  return {
    perThousand(operations: number): Record<string, number> {
      const used: Record<string, number> = {};
      for (const [k, pid] of Object.entries(pids)) used[k] = cpuSeconds(pid) - before[k]!;
      const mine = process.cpuUsage(self);
      used.client = (mine.user + mine.system) / 1e6;
      const wallS = (performance.now() - at) / 1000;
      const total = Object.values(used).reduce((a, b) => a + b, 0);
      const out: Record<string, number> = {};
      for (const [k, v] of Object.entries(used)) out[k] = round((v / operations) * 1000, 2);
      out.total = round((total / operations) * 1000, 2);
      // Busy cores over the phase (the machine has os.cpus().length of them).
      out.coresBusy = round(total / wallS, 2);
      return out;
    },
  };
}

interface SignOff {
  task: number;
  department: string;
}

/** Every sign-off of the first milestone: co-responsible units (all tasks) and then the leads. */
function signOffs(plan: PlanFile): { co: SignOff[]; leads: SignOff[] } {
  const co: SignOff[] = [];
  const leads: SignOff[] = [];
  for (const task of plan.tasks) {
    const { lead, coResponsible } = taskUnits(task);
    for (const department of coResponsible) co.push({ task: task.number, department });
    leads.push({ task: task.number, department: lead });
  }
  return { co, leads };
}

function mostCommonDepartment(plan: PlanFile): string {
  const counts = new Map<string, number>();
  for (const task of plan.tasks) {
    const { lead, coResponsible } = taskUnits(task);
    for (const d of [lead, ...coResponsible]) counts.set(d, (counts.get(d) ?? 0) + 1);
  }
  return [...counts.entries()].sort((a, b) => b[1] - a[1])[0]![0];
}

interface Row {
  status: string | null;
  currentMilestone: string | null;
}

/** Waits until the board lists `count` tasks of the plan, each with a status and satisfying `ready`. */
async function waitForBoard(apiUrl: string, token: string, count: number, ready: (row: Row) => boolean) {
  await waitFor(
    `the board to show ${count} tasks`,
    async () => {
      const answer = await apiRequest(apiUrl, 'GET', '/api/tasks', token);
      const rows = (answer.body as { tasks?: Row[] }).tasks ?? [];
      return rows.length === count && rows.every((r) => r.status !== null && ready(r)) ? true : undefined;
    },
    300_000,
    1_000,
  );
}

function goal(name: string, value: number, threshold: number, kind: 'ratio' | 'below') {
  const pass = kind === 'ratio' ? value >= threshold : value < threshold;
  return { name, value: round(value, kind === 'ratio' ? 2 : 1), threshold, pass };
}

function cpuLine(cpu: Record<string, number>): string {
  const parts = Object.entries(cpu)
    .filter(([k]) => k !== 'total' && k !== 'coresBusy')
    .map(([k, v]) => `${k} ${v}`);
  return `${parts.join(', ')}; total ${cpu.total} (${cpu.coresBusy} cores busy)`;
}

function table(r: {
  machine: ReturnType<typeof machine>;
  tasks: number;
  raw: {
    startsPerSecond: number;
    firstUpdatesPerSecond: number;
    updates: number;
    updatesPerSecond: number;
    update: { p50Ms: number; p95Ms: number; p99Ms: number };
    cpuSecondsPer1000Updates: Record<string, number>;
    cpuSecondsPer1000Starts: Record<string, number>;
  };
  starts: {
    plan2016: { startsPerSecond: number };
    generated: { tasks: number; startsPerSecond: number; cpuSecondsPer1000Starts: Record<string, number> };
    ratioToRaw: number;
  };
  storm: {
    cpuSecondsPer1000SignOffs: Record<string, number>;
    signOffs: number;
    perSecond: number;
    p50Ms: number;
    p95Ms: number;
    p99Ms: number;
    ratioToRaw: number;
  };
  board: Record<
    'all' | 'cold' | 'duringSignOffs' | 'byDepartment' | 'byStatus' | 'oneTask',
    { p50Ms: number; p95Ms: number }
  > & { rows: number };
  memory: { openTaskWorkflows: number; workerMiB: number; apiMiB: number };
  goals: { name: string; value: number; pass: boolean }[];
}): string {
  const m = r.machine;
  const lines = [
    `Machine: ${m.cores} cores (${m.cpuModel}), ${m.memoryGiB} GiB, ${m.node}, SDK ${m.temporalSdk}, ${m.temporalCli.split('\n')[0]}`,
    '',
    '| measure | value |',
    '| --- | --- |',
    `| raw Temporal starts (32 clients) | ${r.raw.startsPerSecond}/s |`,
    `| raw Temporal, first update of each workflow (untimed warm-up) | ${r.raw.firstUpdatesPerSecond}/s |`,
    `| raw Temporal updates, ${r.raw.updates} (32 clients) | ${r.raw.updatesPerSecond}/s (p50 ${r.raw.update.p50Ms} ms, p95 ${r.raw.update.p95Ms} ms, p99 ${r.raw.update.p99Ms} ms) |`,
    `| CPU s per 1,000 raw starts | ${cpuLine(r.raw.cpuSecondsPer1000Starts)} |`,
    `| CPU s per 1,000 raw updates | ${cpuLine(r.raw.cpuSecondsPer1000Updates)} |`,
    `| API plan start, 24 tasks of 2016 | ${r.starts.plan2016.startsPerSecond}/s |`,
    `| API plan start, ${r.starts.generated.tasks} generated tasks | ${r.starts.generated.startsPerSecond}/s (${r.starts.ratioToRaw}× raw) |`,
    `| CPU s per 1,000 API starts | ${cpuLine(r.starts.generated.cpuSecondsPer1000Starts)} |`,
    `| sign-off storm, ${r.storm.signOffs} sign-offs via HTTP (32 clients) | ${r.storm.perSecond}/s (${r.storm.ratioToRaw}× raw); p50 ${r.storm.p50Ms} ms, p95 ${r.storm.p95Ms} ms, p99 ${r.storm.p99Ms} ms |`,
    `| CPU s per 1,000 sign-offs | ${cpuLine(r.storm.cpuSecondsPer1000SignOffs)} |`,
    `| GET /api/tasks, ${r.board.rows} rows | p50 ${r.board.all.p50Ms} ms, p95 ${r.board.all.p95Ms} ms |`,
    `| GET /api/tasks, cold (after 6 s of quiet) | p50 ${r.board.cold.p50Ms} ms, p95 ${r.board.cold.p95Ms} ms |`,
    `| GET /api/tasks while coordinators sign | p50 ${r.board.duringSignOffs.p50Ms} ms, p95 ${r.board.duringSignOffs.p95Ms} ms |`,
    `| GET /api/tasks?department= | p50 ${r.board.byDepartment.p50Ms} ms, p95 ${r.board.byDepartment.p95Ms} ms |`,
    `| GET /api/tasks?status=on_track | p50 ${r.board.byStatus.p50Ms} ms, p95 ${r.board.byStatus.p95Ms} ms |`,
    `| GET /api/tasks/:number | p50 ${r.board.oneTask.p50Ms} ms, p95 ${r.board.oneTask.p95Ms} ms |`,
    `| worker RSS, ${r.memory.openTaskWorkflows} open task workflows | ${r.memory.workerMiB} MiB |`,
    `| API RSS | ${r.memory.apiMiB} MiB |`,
    '',
    'Goals:',
    ...r.goals.map((g) => `  ${g.pass ? 'PASS' : 'MISS'}  ${g.name} (measured ${g.value})`),
  ];
  return lines.join('\n');
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    console.error(`[bench] failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
    process.exit(1);
  },
);
