/**
 * `npm start` as a newcomer runs it: the real script, a real embedded Temporal server, real ports. It comes
 * up healthy within a minute, starts the plan, stops on Ctrl-C leaving no process behind, finds its
 * workflows again on the same data, uses an existing server when TEMPORAL_ADDRESS is set, and refuses a
 * missing binary or a bad value with one line. Servers are started as few times as the claims allow.
 */
import { Client, Connection } from '@temporalio/client';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { ALL_SEARCH_ATTRIBUTES, KEY_TASK_WORKFLOW, SA_PLAN_ID } from '../../contracts';
import { CONFIG_VARIABLES } from '../../config/env';
import { INSTALL_ADVICE, PROJECT_ROOT, temporalCliPath } from '../../embedded/binaries';
import { loadPlanFile } from '../../seeds/load-plan';
import { readDemoTokens } from '../../support/demo-tokens';
import { taskUnits, taskWorkflowId, workItemUnits } from '../../domain/plan';
import { temporal } from '@temporalio/proto';
import { isAlive, spawnProcess, type OsProcess } from '../../support/os-process';
import { freePorts } from '../../support/ports';
import { giveUp, waitFor } from '../../support/wait-for';

const plan = loadPlanFile();
const planQuery = `WorkflowType = '${KEY_TASK_WORKFLOW}' AND ${SA_PLAN_ID.name} = '${plan.id}'`;
const TSX = path.join(PROJECT_ROOT, 'node_modules', '.bin', 'tsx');

/** The environment of a user who set nothing but what the test gives. */
function cleanEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
  const env = Object.fromEntries(
    Object.entries(process.env).filter(([k]) => !CONFIG_VARIABLES.includes(k) && !k.startsWith('TEMPORAL_')),
  );
  return { ...env, ...extra };
}

/** `scripts/start.ts` running as a user starts it, in its own process group. */
type Started = OsProcess;

function startScript(env: Record<string, string>): Started {
  return spawnProcess(TSX, ['scripts/start.ts'], { env: cleanEnv(env), replaceEnv: true, label: 'scripts/start.ts' });
}

async function portIsFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

/** Polls until `check` holds; fails at once with the process output when the process has exited. */
async function until(what: string, started: Started | undefined, timeoutMs: number, check: () => Promise<boolean>) {
  try {
    await waitFor(
      what,
      async () => {
        if (started && !started.running()) giveUp(`exited (${await started.exited}) before ${what}`);
        return (await check()) ? true : undefined;
      },
      timeoutMs,
    );
  } catch (err) {
    throw new Error(`${(err as Error).message}:\n${started?.output() ?? ''}`);
  }
}

async function healthz(port: number): Promise<{ status: number; body: { temporal?: { address?: string } } }> {
  const res = await fetch(`http://127.0.0.1:${port}/healthz`);
  return { status: res.status, body: (await res.json()) as { temporal?: { address?: string } } };
}

/** Every process below `pid`, with its command line. */
function descendants(pid: number): { pid: number; args: string }[] {
  const rows = spawnSync('ps', ['-eo', 'pid=,ppid=,args='], { encoding: 'utf8' })
    .stdout.split('\n')
    .map((l) => /^\s*(\d+)\s+(\d+)\s+(.*)$/.exec(l))
    .filter((m): m is RegExpExecArray => m !== null)
    .map((m) => ({ pid: Number(m[1]), ppid: Number(m[2]), args: m[3]! }));
  const found: { pid: number; args: string }[] = [];
  const walk = (parent: number): void => {
    for (const r of rows.filter((row) => row.ppid === parent)) {
      found.push({ pid: r.pid, args: r.args });
      walk(r.pid);
    }
  };
  walk(pid);
  return found;
}

async function planWorkflows(address: string): Promise<Map<string, string>> {
  const connection = await Connection.connect({ address });
  try {
    // Straight from the visibility service: ids need no decoding, and memos are encrypted by the engine's keyring.
    const runs = new Map<string, string>();
    let nextPageToken: Uint8Array | undefined;
    do {
      const page = await connection.workflowService.listWorkflowExecutions({
        namespace: 'duban',
        query: planQuery,
        pageSize: 1000,
        ...(nextPageToken ? { nextPageToken } : {}),
      });
      for (const e of page.executions ?? []) runs.set(e.execution!.workflowId!, e.execution!.runId!);
      nextPageToken = page.nextPageToken?.length ? page.nextPageToken : undefined;
    } while (nextPageToken);
    return runs;
  } finally {
    await connection.close();
  }
}

/** Waits until the plan's workflows are all visible (visibility is eventually consistent). */
async function waitForPlan(address: string, started: Started): Promise<Map<string, string>> {
  let runs = new Map<string, string>();
  await until(`${plan.tasks.length} workflows`, started, 60_000, async () => {
    runs = await planWorkflows(address);
    return runs.size === plan.tasks.length;
  });
  return runs;
}

/** Ctrl-C; resolves with the exit code. */
async function interrupt(started: Started): Promise<number | string> {
  started.signal('SIGINT');
  const timeout = new Promise<'timeout'>((r) => setTimeout(() => r('timeout'), 40_000).unref());
  const code = await Promise.race([started.exited, timeout]);
  if (code === 'timeout') throw new Error(`still running 40 s after SIGINT:\n${started.output()}`);
  return code;
}

/** Task 1 of 2016 and its first co-responsible unit, who signs before the restart. */
const TASK = plan.tasks[0]!;
// A co-unit that signs only as one (民族司, of task 1's fourth work item): after its sign-off it owes nothing.
const CO = workItemUnits(plan, TASK)
  .flatMap((w) => w.co)
  .find((d) => d !== taskUnits(TASK).lead)!;
const TASK_WORKFLOW_ID = taskWorkflowId(plan, TASK);

async function api(port: number, token: string, pathname: string, body?: object) {
  const res = await fetch(`http://127.0.0.1:${port}${pathname}`, {
    method: body ? 'POST' : 'GET',
    headers: { Authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: body ? JSON.stringify(body) : undefined,
  });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

/** The timers of task 1's run that are still waiting: started, and neither fired nor cancelled. */
async function pendingTimers(address: string, workflowId: string): Promise<string[]> {
  const connection = await Connection.connect({ address });
  try {
    const history = await new Client({ connection, namespace: 'duban' }).workflow.getHandle(workflowId).fetchHistory();
    const { EventType } = temporal.api.enums.v1;
    const waiting = new Map<string, string>();
    for (const e of history.events ?? []) {
      if (e.eventType === EventType.EVENT_TYPE_TIMER_STARTED) {
        const a = e.timerStartedEventAttributes!;
        waiting.set(a.timerId!, `${a.timerId} ${String(a.startToFireTimeout?.seconds)}s`);
      }
      if (e.eventType === EventType.EVENT_TYPE_TIMER_FIRED) waiting.delete(e.timerFiredEventAttributes!.timerId!);
      if (e.eventType === EventType.EVENT_TYPE_TIMER_CANCELED) waiting.delete(e.timerCanceledEventAttributes!.timerId!);
    }
    return [...waiting.values()];
  } finally {
    await connection.close();
  }
}

let timersBefore: string[] = [];

const cleanups: (() => void)[] = [];
afterAll(() => cleanups.forEach((c) => c()));

/** Makes sure nothing survives a failed test. */
function track(started: Started): Started {
  cleanups.push(() => {
    for (const d of descendants(started.pid)) if (isAlive(d.pid)) process.kill(d.pid, 'SIGKILL');
    void started.kill('SIGKILL', 0);
  });
  return started;
}

describe('npm start', () => {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'duban-start-'));
  cleanups.push(() => rmSync(dataDir, { recursive: true, force: true }));
  let firstRuns = new Map<string, string>();

  /** Runs `npm start`'s script on this folder's data with fresh ports for Temporal, its UI and the API. */
  async function startOnData() {
    const [temporalPort, uiPort, port] = (await freePorts(3)) as [number, number, number];
    const env = { TEMPORAL_PORT: String(temporalPort), TEMPORAL_UI_PORT: String(uiPort), PORT: String(port) };
    return { started: track(startScript({ DATA_DIR: dataDir, ...env })), temporalPort, uiPort, port };
  }

  it('refuses a bad configuration value and a missing binary with one line, starting nothing', async () => {
    for (const [env, expected] of [
      [{ PORT: 'abc', DATA_DIR: dataDir }, /PORT="abc"/],
      [{ TEMPORAL_CLI_PATH: '/nonexistent', DATA_DIR: dataDir }, INSTALL_ADVICE],
    ] as const) {
      const started = track(startScript(env));
      expect(await started.exited).not.toBe(0);
      const lines = started.output().trim().split('\n');
      expect(lines).toHaveLength(1);
      expect(lines[0]).toMatch(expected);
    }
    expect(readdirSync(dataDir)).toEqual([]);
  });

  it('embeds Temporal, answers /healthz within 60 s, starts the plan, and leaves nothing behind on Ctrl-C', async () => {
    const t0 = Date.now();
    const { started, temporalPort, uiPort, port } = await startOnData();
    await until('/healthz 200', started, 60_000, async () => (await healthz(port)).status === 200);
    expect(Date.now() - t0).toBeLessThan(60_000);
    await until('the start banner', started, 30_000, async () => started.output().includes('Ctrl-C'));
    expect(started.output()).toContain(`http://localhost:${port}`);
    expect(started.output()).toContain(`http://localhost:${uiPort}`);

    firstRuns = await waitForPlan(`127.0.0.1:${temporalPort}`, started);
    // A sign-off and the task's timer, to find again after the restart.
    const tokens = readDemoTokens(dataDir);
    const signed = await api(port, tokens.coordinator(CO), `/api/tasks/${TASK.number}/milestones/work-plan/sign-offs`, {
      department: CO,
      decision: 'approve',
      comment: '重启前签核 signed before the restart',
    });
    expect(signed.status).toBe(200);
    timersBefore = await pendingTimers(`127.0.0.1:${temporalPort}`, TASK_WORKFLOW_ID);
    expect(timersBefore).toHaveLength(1);
    // Closed workflows are kept far longer than the dev server's default day.
    const connection = await Connection.connect({ address: `127.0.0.1:${temporalPort}` });
    const ns = await connection.workflowService.describeNamespace({ namespace: 'duban' });
    await connection.close();
    expect(Number(ns.config?.workflowExecutionRetentionTtl?.seconds)).toBeGreaterThanOrEqual(365 * 24 * 3600);

    const children = descendants(started.pid);
    expect(children.some((c) => c.args.includes('server start-dev'))).toBe(true);
    expect(await interrupt(started)).toBe(0);
    // Helpers such as tsx's esbuild service exit when their parent's pipe closes: allow them a moment.
    const deadline = Date.now() + 5_000;
    while (children.some((c) => isAlive(c.pid)) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    expect(children.filter((c) => isAlive(c.pid))).toEqual([]);
    expect(await portIsFree(temporalPort)).toBe(true);
    expect(await portIsFree(port)).toBe(true);
  }, 150_000);

  it('finds every workflow, timer and sign-off again when started on the same data', async () => {
    expect(firstRuns.size).toBe(plan.tasks.length);
    const { started, temporalPort, port } = await startOnData();
    await until('the start banner', started, 60_000, async () => started.output().includes('Ctrl-C'));
    expect(started.output()).toContain('already started');
    expect(await waitForPlan(`127.0.0.1:${temporalPort}`, started)).toEqual(firstRuns);
    expect(await pendingTimers(`127.0.0.1:${temporalPort}`, TASK_WORKFLOW_ID)).toEqual(timersBefore);
    await until('the API', started, 60_000, async () => (await healthz(port)).status === 200);
    const view = await api(port, readDemoTokens(dataDir).office, `/api/tasks/${TASK.number}`);
    expect(view.status).toBe(200);
    const first = (
      view.body.milestones as { rounds: { signOffs: { department: string; comment?: string }[] }[] }[]
    )[0]!;
    expect(first.rounds[0]!.signOffs).toEqual([
      expect.objectContaining({ department: CO, comment: '重启前签核 signed before the restart' }),
    ]);
    expect(view.body.pendingDepartments).not.toContain(CO);
    expect(await interrupt(started)).toBe(0);
  }, 150_000);

  it('uses the Temporal server TEMPORAL_ADDRESS points at and spawns none', async () => {
    const [temporalPort] = (await freePorts(1)) as [number];
    const server = spawnProcess(
      temporalCliPath(),
      [
        'server',
        'start-dev',
        '--headless',
        '--ip',
        '127.0.0.1',
        '--port',
        String(temporalPort),
        '--namespace',
        'duban',
        '--log-level',
        'error',
        ...ALL_SEARCH_ATTRIBUTES.flatMap((k) => ['--search-attribute', `${k.name}=${cliType(k.type)}`]),
      ],
      { label: 'temporal server start-dev' },
    );
    cleanups.push(() => void server.kill('SIGKILL', 0));
    const address = `127.0.0.1:${temporalPort}`;
    await until('the test server', undefined, 30_000, async () => {
      await planWorkflows(address);
      return true;
    });

    const [port] = (await freePorts(1)) as [number];
    const started = track(startScript({ TEMPORAL_ADDRESS: address, PORT: String(port), DATA_DIR: dataDir }));
    await until('/healthz 200', started, 60_000, async () => (await healthz(port)).status === 200);
    expect((await healthz(port)).body.temporal?.address).toBe(address);
    expect(descendants(started.pid).filter((c) => c.args.includes('start-dev'))).toEqual([]);
    await until('the start banner', started, 30_000, async () => started.output().includes('Ctrl-C'));
    expect((await waitForPlan(address, started)).size).toBe(plan.tasks.length);
    expect(await interrupt(started)).toBe(0);
    // The server belongs to whoever started it: stopping the engine leaves it running.
    expect(server.running()).toBe(true);
    await server.kill('SIGTERM');
  }, 150_000);
});

function cliType(type: string): string {
  return type === 'KEYWORD_LIST' ? 'KeywordList' : type.charAt(0) + type.slice(1).toLowerCase();
}
