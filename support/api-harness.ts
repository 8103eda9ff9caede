/**
 * The API under test: a real Temporal dev server (one per test file), a real key-task worker on its own
 * task queue, and apps built with `createApp` for one or more plans, with a token minted for every role
 * and every department. Requests go through `request` (support/checked-request.ts), which checks every 2xx
 * answer against the OpenAPI document; nothing of Temporal is faked.
 */
import type { Client } from '@temporalio/client';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { Express } from 'express';
import { closeApp, createApp, type ApiConfig, type AppDeps } from '../api/app';
import { hashToken, mintToken, type TokenRecord } from '../api/auth/tokens';
import { planFileSchema, type PlanFile } from '../contracts';
import { loadPlanFile } from '../seeds/load-plan';
import { startKeyTaskWorker, type RunningWorker } from './key-task-worker';
import { recordingChannel, type RecordingChannel } from './recording-channel';
import { codecClient } from './sealed-client';
import { createLocalEnv } from './temporal-env';
import { bundleWorkflows } from './workflow-bundle';

import { eventually } from './wait-for';
import { request } from './checked-request';

export { eventually } from './wait-for';
export { expectError, request } from './checked-request';

/** The tokens of one app: `admin`, `office`, `viewer`, `supervisor`, `leadership` and `coordinator(departmentId)`. */
export interface Tokens {
  admin: string;
  office: string;
  /** A read-only viewer (a wall screen). */
  viewer: string;
  /** The supervision office (督导办). */
  supervisor: string;
  /** Ministry leadership (部领导). */
  leadership: string;
  coordinator(department: string): string;
  /** Every record, as a tokens file would hold them. */
  records: TokenRecord[];
  /** The name recorded for a coordinator's sign-offs. */
  nameOf(department: string): string;
}

/**
 * Mints a token for an administrator, the office, a viewer, the supervision office, leadership and one
 * coordinator per department of `plan`.
 */
export function mintTokens(plan: PlanFile): Tokens {
  const byDept = new Map<string, string>();
  const records: TokenRecord[] = [];
  const add = (token: string, record: Omit<TokenRecord, 'sha256'>) => {
    records.push({ ...record, sha256: hashToken(token) });
    return token;
  };
  const admin = add(mintToken(), { role: 'admin', name: '测试管理员 Test admin' });
  const office = add(mintToken(), { role: 'office', name: '办公厅 Test office' });
  const viewer = add(mintToken(), { role: 'viewer', name: '大屏 Test wall screen' });
  const supervisor = add(mintToken(), { role: 'supervisor', name: '督导办 Test supervision office' });
  const leadership = add(mintToken(), { role: 'leadership', name: '部领导 Test leadership' });
  for (const d of plan.departments) {
    byDept.set(d.id, add(mintToken(), { role: 'coordinator', department: d.id, name: `${d.name.zh}联络员` }));
  }
  return {
    admin,
    office,
    viewer,
    supervisor,
    leadership,
    records,
    coordinator: (department) => {
      const token = byDept.get(department);
      if (!token) throw new Error(`no department ${department}`);
      return token;
    },
    nameOf: (department) => `${plan.departments.find((d) => d.id === department)!.name.zh}联络员`,
  };
}

/**
 * An app on a test's Temporal server for `plan`, with these tokens and task queue, as the harness and the
 * suites that run their own worker build it; `config` adds to the server's namespace and address. Close it
 * with `closeApp` when done.
 */
export function testApp(
  env: TestWorkflowEnvironment,
  options: {
    plan: PlanFile;
    tokens: Tokens;
    taskQueue: string;
    config?: Partial<ApiConfig>;
    taskListTiming?: AppDeps['taskListTiming'];
    /** Anything else of {@link AppDeps}, over the rest. */
    deps?: Partial<AppDeps>;
  },
): Express {
  return createApp({
    // With the codec and no actor of its own, as the API's client: the API names the actor.
    temporalClient: codecClient(env),
    config: { TEMPORAL_NAMESPACE: env.namespace ?? 'default', temporalAddress: env.address, ...options.config },
    plan: options.plan,
    tokens: options.tokens.records,
    taskQueue: options.taskQueue,
    temporalTimeoutMs: 20_000,
    taskListTiming: options.taskListTiming,
    ...options.deps,
  });
}

/** The 2016 plan, optionally under another id and with only some tasks (targets dropped then). */
export function plan2016(options: { id?: string; tasks?: number[] } = {}): PlanFile {
  const plan = loadPlanFile();
  if (!options.id && !options.tasks) return plan;
  const tasks = options.tasks ? plan.tasks.filter((t) => options.tasks!.includes(t.number)) : plan.tasks;
  return planFileSchema.parse({
    ...plan,
    id: options.id ?? plan.id,
    tasks,
    targets: options.tasks ? [] : plan.targets,
  });
}

/** A running test server and worker. */
export interface Harness {
  env: TestWorkflowEnvironment;
  /** The client the apps use: the project's codec, like the API's own. */
  client: Client;
  channel: RecordingChannel;
  taskQueue: string;
  /**
   * Builds an app for `plan` with fresh tokens; `deps` replaces any of the app's dependencies (a tokens file
   * to re-read, rate limits, an audit log, an idempotency store).
   */
  app(
    plan: PlanFile,
    config?: { temporalUiUrl?: string; taskListTiming?: AppDeps['taskListTiming'] },
    deps?: Partial<AppDeps>,
  ): { app: Express; tokens: Tokens; plan: PlanFile };
  stop(): Promise<void>;
}

/** Starts the dev server and the worker (call in `beforeAll`, with a generous timeout). */
export async function startHarness(): Promise<Harness> {
  const [env, bundle] = await Promise.all([createLocalEnv(), bundleWorkflows()]);
  const channel = recordingChannel();
  let worker: RunningWorker;
  try {
    worker = await startKeyTaskWorker(env, bundle, { deps: { channels: [channel] }, prefix: 'api-test' });
  } catch (err) {
    await env.teardown();
    throw err;
  }
  const { taskQueue } = worker;
  const client = codecClient(env);
  const apps: Express[] = [];
  return {
    env,
    client,
    channel,
    taskQueue,
    app(plan, config = {}, deps = {}) {
      const tokens = mintTokens(plan);
      const app = testApp(env, {
        plan,
        tokens,
        taskQueue,
        config: { temporalUiUrl: config.temporalUiUrl },
        taskListTiming: config.taskListTiming,
        deps,
      });
      apps.push(app);
      return { app, tokens, plan };
    },
    async stop() {
      await Promise.all(apps.map((app) => closeApp(app)));
      await worker.stop();
      await env.teardown();
    },
  };
}

/**
 * Starts the app's plan on `startDate` as its administrator and waits until every task's row shows the
 * escalation level given for it (a plan started in the past escalates at once): `levels` in task order.
 */
export async function startPlanEscalated(
  subject: { app: Express; tokens: Tokens },
  startDate: string,
  levels: number[],
): Promise<void> {
  const auth = (token: string) => ({ Authorization: `Bearer ${token}` });
  const started = await request(subject.app)
    .post('/api/plan/start')
    .set(auth(subject.tokens.admin))
    .send({ startDate });
  if (started.status !== 200) throw new Error(`plan start answered ${started.status}`);
  await eventually(async () => {
    const res = await request(subject.app).get('/api/tasks').set(auth(subject.tokens.office));
    const seen = (res.body.tasks as { escalationLevel: number }[]).map((t) => t.escalationLevel);
    if (seen.join() !== levels.join())
      throw new Error(`escalation levels ${seen.join()}, waiting for ${levels.join()}`);
  }, 60_000);
}
