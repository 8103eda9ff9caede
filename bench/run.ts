/**
 * `npm run bench [-- --quick] [-- --tasks N]`: the engine measured against raw Temporal on the same server in
 * the same run.
 *
 * 1. Ceiling set-up: a bare worker (bench/raw-workflow.ts) with the engine worker's cache size on its own task
 *    queue; N starts timed, one untimed trivial update each (so every workflow has run). 2. Starts through
 *    `POST /api/plan/start`: the 24 tasks of 2016, then a generated plan of N tasks. 3. Three rounds each,
 *    interleaved (raw, API, raw, API, raw, API): a raw round sends as many trivial updates as an API round has
 *    sign-offs; an API round signs the next milestone of the first min(N, 2,000) tasks through the HTTP API,
 *    co-responsible units before leads; medians are reported, so one noisy round does not decide the ratio.
 *    4. The board: `GET /api/tasks` (all, by department, by status; cold after 6 s of quiet; and every half
 *    second while coordinators sign the next milestone of half the storm's tasks) and `GET /api/tasks/:number`.
 *    5. Resident memory of the worker, the raw worker and the API with N open task workflows, and per cached
 *    workflow (over each worker's memory before any workflow ran).
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
import { spawnProjectScript, type NodeProcess } from '../support/os-process';
import type { DevServer } from '../embedded/dev-server';
import type { DemoTokens } from '../support/demo-tokens';
import { createProcessStack, STACK_NAMESPACE, type ProcessStack } from '../support/process-stack';
import { giveUp, waitFor } from '../support/wait-for';
import { RAW_TASK_QUEUE, touchUpdate } from './raw-workflow';

/** Clients sending at once (`--clients N` overrides). */
const CONCURRENCY = 32;
const MiB = 1024 * 1024;
/** Raw and API sign-off rounds, interleaved (raw, API, raw, API, …); the report gives their medians. */
const ROUNDS = 3;
/**
 * At most this many tasks sign in each round (the first ones): at 10,000 tasks a round over every task would
 * be 50,000 sign-offs, and six of them would take the run past an hour without changing the rates.
 */
const STORM_TASKS_MAX = 2_000;

interface Options {
  tasks: number;
  /** Tasks whose milestones the storms sign (all of them up to {@link STORM_TASKS_MAX}). */
  stormTasks: number;
  quick: boolean;
  out: string;
  /** `--no-wal`: the dev server without its SQLite WAL pragmas, to measure what they are worth. */
  wal: boolean;
  /** `--cpu-prof DIR`: the worker and the API write V8 CPU profiles (`.cpuprofile`) into DIR when they stop. */
  cpuProfDir?: string;
  /**
   * `--api-only`: the API's starts and sign-off rounds alone (no raw ceiling, no board), e.g. with `--cpu-prof`
   * to see where a sign-off's CPU goes; prints each round's CPU seconds per 1,000 sign-offs by process.
   */
  apiOnly: boolean;
  /** Clients sending at once: {@link CONCURRENCY}, or `--clients N`. */
  clients: number;
  /** `--rounds N` (with `--api-only`): API rounds to run, at most the milestones of the plan (default 3). */
  rounds: number;
}

function parseArgs(argv: string[]): Options {
  const quick = argv.includes('--quick');
  const outIndex = argv.indexOf('--out');
  const tasksIndex = argv.indexOf('--tasks');
  const tasks = tasksIndex >= 0 ? Number(argv[tasksIndex + 1]) : quick ? 100 : 1000;
  const profIndex = argv.indexOf('--cpu-prof');
  return {
    apiOnly: argv.includes('--api-only'),
    rounds: argv.includes('--rounds') ? Math.min(4, Number(argv[argv.indexOf('--rounds') + 1])) : ROUNDS,
    clients: argv.includes('--clients') ? Number(argv[argv.indexOf('--clients') + 1]) : CONCURRENCY,
    ...(profIndex >= 0 ? { cpuProfDir: path.resolve(argv[profIndex + 1]!) } : {}),
    quick,
    wal: !argv.includes('--no-wal'),
    tasks,
    stormTasks: Math.min(tasks, STORM_TASKS_MAX),
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
  /** The cache size of both workers, engine and raw: every open workflow fits. */
  maxCachedWorkflows: number;
}

/** The ceiling's bare worker and its N started workflows, kept running for the interleaved rounds. */
interface Raw {
  client: Client;
  ids: string[];
  worker: NodeProcess;
  /** The raw worker's resident memory before any workflow ran. */
  idleBytes: number;
  figures: {
    startsPerSecond: number;
    cpuSecondsPer1000Starts: Record<string, number>;
    start: ReturnType<typeof latencySummary>;
    firstUpdatesPerSecond: number;
  };
}

/**
 * Phase 1, the ceiling's set-up: a bare worker with the engine worker's cache size (and, like it, the SDK's
 * default concurrency and a webpack bundle made at start), N starts timed, then one untimed trivial update
 * each (so every workflow has run its first task, as the engine's have when the storm reaches them).
 */
async function startRaw(b: Bench, resources: { close(): Promise<void> }[]): Promise<Raw> {
  const { n, stack, server } = b;
  const worker = spawnProjectScript(
    'bench/raw-worker.ts',
    {
      TEMPORAL_ADDRESS: stack.temporalAddress,
      TEMPORAL_NAMESPACE: STACK_NAMESPACE,
      WORKER_MAX_CACHED_WORKFLOWS: String(b.maxCachedWorkflows),
    },
    'raw worker',
  );
  resources.push({ close: () => worker.kill('SIGKILL') });
  await waitFor(
    'the raw worker to run',
    async () => {
      if (!worker.running()) giveUp(`the raw worker exited: ${worker.output()}`);
      return worker.output().includes('raw worker running') ? true : undefined;
    },
    120_000,
  );
  const idleBytes = residentBytes(worker.pid);
  const connection = await Connection.connect({ address: stack.temporalAddress });
  resources.push(connection);
  const client = new Client({ connection, namespace: STACK_NAMESPACE });
  const ids = Array.from({ length: n }, (_, i) => `raw-${i + 1}`);
  const startCpu = cpuMeter({ server: server.pid, worker: worker.pid });
  const starts = await runPool(ids, b.options.clients, (workflowId) =>
    client.workflow.start('rawWorkflow', { taskQueue: RAW_TASK_QUEUE, workflowId }),
  );
  const cpuSecondsPer1000Starts = startCpu.perThousand(n);
  const startErrors = starts.results.filter((r) => r instanceof Error);
  if (startErrors.length > 0) throw new Error(`raw starts failed: ${String(startErrors[0])}`);
  const firstUpdates = await runPool(ids, b.options.clients, (id) => touch(client, id));
  const firstErrors = firstUpdates.results.filter((r) => r instanceof Error);
  if (firstErrors.length > 0) throw new Error(`raw updates failed: ${String(firstErrors[0])}`);
  const figures = {
    startsPerSecond: round((n / starts.elapsedMs) * 1000),
    cpuSecondsPer1000Starts,
    start: latencySummary(starts.latenciesMs),
    firstUpdatesPerSecond: round((n / firstUpdates.elapsedMs) * 1000),
  };
  log(`raw: ${figures.startsPerSecond} starts/s`);
  return { client, ids, worker, idleBytes, figures };
}

function touch(client: Client, workflowId: string) {
  return client.workflow.getHandle(workflowId).executeUpdate(touchUpdate, { args: ['touch'] });
}

/** One raw round: as many trivial updates as an API round has sign-offs, round-robin over the storm's workflows. */
async function rawRound(b: Bench, raw: Raw, round_: number) {
  const size = stormSize(b);
  const targets = Array.from({ length: size }, (_, i) => raw.ids[i % b.options.stormTasks]!);
  const cpu = cpuMeter({ server: b.server.pid, worker: raw.worker.pid });
  const run = await runPool(targets, b.options.clients, (id) => touch(raw.client, id));
  const cpuSecondsPer1000Updates = cpu.perThousand(size);
  const errors = run.results.filter((r) => r instanceof Error);
  if (errors.length > 0) throw new Error(`raw updates failed: ${String(errors[0])}`);
  const figures = {
    round: round_,
    updates: size,
    updatesPerSecond: round((size / run.elapsedMs) * 1000),
    ...latencySummary(run.latenciesMs),
    cpuSecondsPer1000Updates,
  };
  log(`raw round ${round_}: ${figures.updatesPerSecond} updates/s`);
  return figures;
}

/** Sign-offs of one round: every responsible unit of one milestone of each storm task. */
function stormSize(b: Bench): number {
  const { co, leads } = signOffs(b.generated, b.options.stormTasks);
  return co.length + leads.length;
}

/**
 * Phase 2, starts through the API: the 2016 plan, then the generated one (the API serves one plan per
 * process, so it is restarted on the generated plan's file). Answers the figures and the tokens of the API
 * that now runs.
 */
async function measureStarts(b: Bench) {
  const { n, stack, server, planFile, startDate } = b;
  await stack.startWorker({ WORKER_MAX_CACHED_WORKFLOWS: String(b.maxCachedWorkflows) });
  const workerIdleBytes = residentBytes(stack.worker!.pid);
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
  return { starts, tokens, workerIdleBytes };
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

/** Phase 3, one API round: every co-responsible unit, then every lead, signs milestone `round_` of each storm task. */
async function measureStorm(b: Bench, tokens: DemoTokens, round_: number) {
  const { stack, server, generated } = b;
  const milestoneId = generated.schedule[round_ - 1]!.id;
  const { co, leads } = signOffs(generated, b.options.stormTasks);
  const stormCpu = cpuMeter({ server: server.pid, worker: stack.worker!.pid, api: stack.api!.pid });
  const coRun = await runPool(co, b.options.clients, (s) => signOffRequest(stack, tokens, s, milestoneId));
  const leadRun = await runPool(leads, b.options.clients, (s) => signOffRequest(stack, tokens, s, milestoneId));
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
    round: round_,
    milestone: milestoneId,
    cpuSecondsPer1000SignOffs: stormCpuUsed,
    signOffs: all.length,
    ms: round(stormMs),
    perSecond: round((all.length / stormMs) * 1000),
    ...latencySummary([...coRun.latenciesMs, ...leadRun.latenciesMs]),
  };
  log(`API round ${round_}: ${storm.signOffs} sign-offs, ${storm.perSecond}/s, p95 ${storm.p95Ms} ms`);
  return storm;
}

/** The median of each figure over rounds (numbers, and CPU records key by key). */
function medianOf<T extends Record<string, unknown>>(rounds: readonly T[]): T {
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(rounds[0]!)) {
    const values = rounds.map((r) => r[key]);
    if (typeof values[0] === 'number') out[key] = percentile(values as number[], 50);
    else if (values[0] && typeof values[0] === 'object') out[key] = medianOf(values as Record<string, unknown>[]);
    else out[key] = values[0];
  }
  return out as T;
}

/**
 * Phase 4, the board, once visibility shows every first milestone done: warm, cold (after the API's snapshot
 * expired), while coordinators sign, filtered, and one task.
 */
async function measureBoard(b: Bench, tokens: DemoTokens) {
  const { n, stack, generated, options } = b;
  const { co } = signOffs(generated, options.stormTasks);
  const nextMilestone = generated.schedule[ROUNDS]!.id;
  const stormed = new Set(co.map((x) => x.task));
  await waitForBoard(stack.apiUrl, tokens.office, n, (t) =>
    stormed.has(t.number) ? t.currentMilestone === nextMilestone : t.currentMilestone === generated.schedule[0]!.id,
  );
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
  // Cold: the first request after 6 s of quiet (before the task list lived in the API's memory, this one
  // waited for a visibility query).
  const coldMs: number[] = [];
  for (let i = 0; i < (options.quick ? 5 : 10); i++) {
    await new Promise((r) => setTimeout(r, 6_000));
    const t = performance.now();
    expectOk(await apiRequest(stack.apiUrl, 'GET', '/api/tasks', tokens.office), 'GET /api/tasks (cold)');
    coldMs.push(performance.now() - t);
  }
  // Busy: the office reads the board every half second while coordinators sign (the co-responsible units of
  // the next milestone of half the storm's tasks).
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
  const secondRound = co.filter((x) => x.task <= options.stormTasks / 2);
  const busyRun = await runPool(secondRound, options.clients, (x) => signOffRequest(stack, tokens, x, nextMilestone));
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

/**
 * Phase 5, resident memory with N open task workflows (plus 2016's 24), and what each cached workflow adds
 * over the process before any workflow ran, for the engine's worker and the raw one.
 */
function measureMemory(b: Bench, raw: Raw, workerIdleBytes: number) {
  const open = b.n + 24;
  const cached = Math.min(open, b.maxCachedWorkflows);
  const workerBytes = residentBytes(b.stack.worker!.pid);
  const rawBytes = residentBytes(raw.worker.pid);
  return {
    openTaskWorkflows: open,
    maxCachedWorkflows: b.maxCachedWorkflows,
    workerMiB: round(workerBytes / MiB),
    workerIdleMiB: round(workerIdleBytes / MiB),
    workerMiBPerCachedWorkflow: round((workerBytes - workerIdleBytes) / MiB / cached, 3),
    rawWorkerMiB: round(rawBytes / MiB),
    rawWorkerMiBPerCachedWorkflow: round((rawBytes - raw.idleBytes) / MiB / Math.min(b.n, b.maxCachedWorkflows), 3),
    apiMiB: round(residentBytes(b.stack.api!.pid) / MiB),
  };
}

/** The phases' figures and the goals as pass/miss, as written to the results JSON. */
function benchResult(
  b: Bench,
  startedAt: Date,
  raw: Raw,
  rawRounds: Awaited<ReturnType<typeof rawRound>>[],
  starts: Awaited<ReturnType<typeof measureStarts>>['starts'],
  storms: Awaited<ReturnType<typeof measureStorm>>[],
  board: Awaited<ReturnType<typeof measureBoard>>,
  memory: ReturnType<typeof measureMemory>,
) {
  const { n, options } = b;
  const rawMedian = medianOf(rawRounds);
  const stormMedian = medianOf(storms);
  const ratios = storms.map((st, i) => round(st.perSecond / rawRounds[i]!.updatesPerSecond, 2));
  const signOffRatio = stormMedian.perSecond / rawMedian.updatesPerSecond;
  const startRatio = starts.generated.startsPerSecond / raw.figures.startsPerSecond;
  const goals = [
    goal('sign-offs through the API ≥ 0.9× raw updates (medians of 3 interleaved rounds)', signOffRatio, 0.9, 'ratio'),
    goal('plan start through the API ≥ 0.9× raw starts', startRatio, 0.9, 'ratio'),
    goal(`GET /api/tasks p95 < 20 ms at ${n} tasks, warm`, board.all.p95Ms, 20, 'below'),
    goal(`GET /api/tasks p95 < 50 ms at ${n} tasks, cold (after 6 s of quiet)`, board.cold.p95Ms, 50, 'below'),
    goal(`GET /api/tasks p95 < 50 ms while coordinators sign`, board.duringSignOffs.p95Ms, 50, 'below'),
    goal('worker RSS ≤ 0.3 MiB per cached task workflow', memory.workerMiBPerCachedWorkflow, 0.3001, 'below'),
  ];
  return {
    startedAt: startedAt.toISOString(),
    mode: options.quick ? 'quick' : 'full',
    tasks: n,
    stormTasks: options.stormTasks,
    rounds: ROUNDS,
    concurrency: options.clients,
    machine: machine(),
    server: {
      sqlitePragmas: options.wal ? ['journal_mode=wal', 'synchronous=normal'] : [],
      namespace: STACK_NAMESPACE,
    },
    // The ceiling is fair: both workers have the same cache size, the SDK's default concurrency, and a
    // webpack bundle of their workflows made at start; both run while the other's rounds run.
    workers: { maxCachedWorkflows: b.maxCachedWorkflows, concurrency: 'SDK defaults', bundle: 'webpack at start' },
    raw: { ...raw.figures, rounds: rawRounds, median: rawMedian },
    starts: { ...starts, ratioToRaw: round(startRatio, 2) },
    storm: { rounds: storms, median: stormMedian, ratioPerRound: ratios, ratioToRaw: round(signOffRatio, 2) },
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
    `${options.quick ? 'quick run' : 'full run'}: ${n} tasks, ${options.clients} clients, SQLite WAL ${options.wal ? 'on' : 'off'}`,
  );
  // The storm sends hundreds of sign-offs a second through a few dozen tokens: far past an office's write limit.
  const stack = await createProcessStack({
    label: 'duban-bench',
    walPragmas: options.wal,
    apiEnv: { RATE_LIMIT_WRITES_PER_MINUTE: '0' },
    ...(options.cpuProfDir ? { nodeArgs: ['--cpu-prof', `--cpu-prof-dir=${options.cpuProfDir}`] } : {}),
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
    // Every open workflow fits in both workers' caches (the default, 1,500, would evict at 10,000 tasks).
    const maxCachedWorkflows = Math.max(1_500, n + 100);
    const bench: Bench = { options, n, stack, server, generated, planFile, startDate, maxCachedWorkflows };

    if (options.apiOnly) {
      await apiRoundsOnly(bench);
      return;
    }
    const raw = await startRaw(bench, rawResources);
    const { starts, tokens, workerIdleBytes } = await measureStarts(bench);
    const rawRounds: Awaited<ReturnType<typeof rawRound>>[] = [];
    const storms: Awaited<ReturnType<typeof measureStorm>>[] = [];
    for (let r = 1; r <= ROUNDS; r++) {
      rawRounds.push(await rawRound(bench, raw, r));
      storms.push(await measureStorm(bench, tokens, r));
    }
    const board = await measureBoard(bench, tokens);
    const memory = measureMemory(bench, raw, workerIdleBytes);
    await raw.worker.kill('SIGTERM');
    await stopProfiled(bench);

    const result = benchResult(bench, startedAt, raw, rawRounds, starts, storms, board, memory);
    mkdirSync(path.dirname(options.out), { recursive: true });
    writeFileSync(options.out, `${JSON.stringify(result, null, 2)}\n`);
    console.log(`\n${table(result)}\n`);
    log(`written to ${path.relative(PROJECT_ROOT, options.out)} in ${result.durationS} s`);
  } finally {
    for (const r of rawResources) await r.close().catch(() => undefined);
    await stack.dispose();
  }
}

/** `--api-only`: the starts and the API's rounds, then (with `--cpu-prof`) the profiles written. */
async function apiRoundsOnly(b: Bench): Promise<void> {
  const { tokens, workerIdleBytes } = await measureStarts(b);
  for (let r = 1; r <= b.options.rounds; r++) {
    const storm = await measureStorm(b, tokens, r);
    log(`API round ${r}: CPU s per 1,000 sign-offs: ${cpuLine(storm.cpuSecondsPer1000SignOffs)}`);
  }
  const open = b.n + 24;
  const workerBytes = residentBytes(b.stack.worker!.pid);
  log(
    `worker RSS ${round(workerBytes / MiB)} MiB with ${open} open task workflows (idle ${round(workerIdleBytes / MiB)} MiB): ` +
      `${round((workerBytes - workerIdleBytes) / MiB / Math.min(open, b.maxCachedWorkflows), 3)} MiB per cached workflow`,
  );
  await stopProfiled(b);
}

/** With `--cpu-prof`, stops the API and the worker as an operator would: V8 writes a profile on exit, not on a kill. */
async function stopProfiled(b: Bench): Promise<void> {
  if (!b.options.cpuProfDir) return;
  await b.stack.api!.kill('SIGTERM', 30_000);
  await b.stack.worker!.kill('SIGTERM', 30_000);
  log(`CPU profiles of the API and the worker in ${b.options.cpuProfDir}`);
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

/** Every sign-off of one milestone of the first `tasks` tasks: co-responsible units and then the leads. */
function signOffs(plan: PlanFile, tasks: number): { co: SignOff[]; leads: SignOff[] } {
  const co: SignOff[] = [];
  const leads: SignOff[] = [];
  for (const task of plan.tasks.slice(0, tasks)) {
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
  number: number;
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
  return { name, value: round(value, kind === 'ratio' ? 2 : threshold < 1 ? 3 : 1), threshold, pass };
}

function cpuLine(cpu: Record<string, number>): string {
  const parts = Object.entries(cpu)
    .filter(([k]) => k !== 'total' && k !== 'coresBusy')
    .map(([k, v]) => `${k} ${v}`);
  return `${parts.join(', ')}; total ${cpu.total} (${cpu.coresBusy} cores busy)`;
}

function table(r: ReturnType<typeof benchResult>): string {
  const m = r.machine;
  const rawMed = r.raw.median;
  const stMed = r.storm.median;
  const perRound = r.storm.rounds
    .map((st, i) => `${r.raw.rounds[i]!.updatesPerSecond} / ${st.perSecond} (${r.storm.ratioPerRound[i]}×)`)
    .join('; ');
  const lines = [
    `Machine: ${m.cores} cores (${m.cpuModel}), ${m.memoryGiB} GiB, ${m.node}, SDK ${m.temporalSdk}, ${m.temporalCli.split('\n')[0]}`,
    `Workers (engine and raw alike): cache ${r.workers.maxCachedWorkflows} workflows, ${r.workers.concurrency}, ${r.workers.bundle}`,
    '',
    '| measure | value |',
    '| --- | --- |',
    `| raw Temporal starts, ${r.tasks} (${r.concurrency} clients) | ${r.raw.startsPerSecond}/s |`,
    `| raw Temporal, first update of each workflow (untimed warm-up) | ${r.raw.firstUpdatesPerSecond}/s |`,
    `| raw / API per round, ${rawMed.updates} updates or sign-offs over ${r.stormTasks} tasks | ${perRound} |`,
    `| raw Temporal updates, median of ${r.rounds} rounds | ${rawMed.updatesPerSecond}/s (p50 ${rawMed.p50Ms} ms, p95 ${rawMed.p95Ms} ms) |`,
    `| sign-offs via HTTP, median of ${r.rounds} rounds | ${stMed.perSecond}/s (**${r.storm.ratioToRaw}× raw**); p50 ${stMed.p50Ms} ms, p95 ${stMed.p95Ms} ms |`,
    `| CPU s per 1,000 raw updates (median) | ${cpuLine(rawMed.cpuSecondsPer1000Updates)} |`,
    `| CPU s per 1,000 sign-offs (median) | ${cpuLine(stMed.cpuSecondsPer1000SignOffs)} |`,
    `| CPU s per 1,000 raw starts | ${cpuLine(r.raw.cpuSecondsPer1000Starts)} |`,
    `| API plan start, 24 tasks of 2016 | ${r.starts.plan2016.startsPerSecond}/s |`,
    `| API plan start, ${r.starts.generated.tasks} generated tasks | ${r.starts.generated.startsPerSecond}/s (${r.starts.ratioToRaw}× raw), ${round(r.starts.generated.ms / 1000)} s |`,
    `| CPU s per 1,000 API starts | ${cpuLine(r.starts.generated.cpuSecondsPer1000Starts)} |`,
    `| GET /api/tasks, ${r.board.rows} rows | p50 ${r.board.all.p50Ms} ms, p95 ${r.board.all.p95Ms} ms |`,
    `| GET /api/tasks, cold (after 6 s of quiet) | p50 ${r.board.cold.p50Ms} ms, p95 ${r.board.cold.p95Ms} ms |`,
    `| GET /api/tasks while coordinators sign | p50 ${r.board.duringSignOffs.p50Ms} ms, p95 ${r.board.duringSignOffs.p95Ms} ms |`,
    `| GET /api/tasks?department= | p50 ${r.board.byDepartment.p50Ms} ms, p95 ${r.board.byDepartment.p95Ms} ms |`,
    `| GET /api/tasks?status=on_track | p50 ${r.board.byStatus.p50Ms} ms, p95 ${r.board.byStatus.p95Ms} ms |`,
    `| GET /api/tasks/:number | p50 ${r.board.oneTask.p50Ms} ms, p95 ${r.board.oneTask.p95Ms} ms |`,
    `| worker RSS, ${r.memory.openTaskWorkflows} open task workflows | ${r.memory.workerMiB} MiB (idle ${r.memory.workerIdleMiB} MiB): ${r.memory.workerMiBPerCachedWorkflow} MiB per cached workflow |`,
    `| raw worker RSS, ${r.tasks} open workflows | ${r.memory.rawWorkerMiB} MiB: ${r.memory.rawWorkerMiBPerCachedWorkflow} MiB per cached workflow |`,
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
