/**
 * Two API replicas over one real Temporal dev server, each holding the task list in memory: a sign-off made
 * on one shows on the other within its poll interval (it polls visibility for changed rows); a workflow
 * terminated outside the API leaves the list at the next full reload; and a replica that has reported
 * healthy answers the board from memory, even with its connection to Temporal gone.
 */
import { Client, Connection } from '@temporalio/client';
import { closeApp, createApp } from '../../api/app';
import { taskMilestones, taskUnits, workItemUnits } from '../../domain/plan';
import type { TaskRow } from '../../contracts';
import { eventually, plan2016, request, startHarness, type Harness } from '../../support/api-harness';
import { waitFor } from '../../support/wait-for';
import { TEST_KEYRING } from '../../support/sealed-client';
import { dataConverter } from '../../codec';

let h: Harness;
const plan = plan2016({ id: 'replicas-2016', tasks: [1, 2, 3] });
let a: ReturnType<Harness['app']>;
/** Polls for changed rows only (no full reloads): what it learns, it learns from the polls. */
let b: ReturnType<Harness['app']>;
/** Polls and reloads in full every 2 s (production: every second and every 5 minutes). */
let c: ReturnType<Harness['app']>;

const auth = (token: string) => ({ Authorization: `Bearer ${token}` });

async function list(replica: typeof a): Promise<TaskRow[]> {
  const res = await request(replica.app).get('/api/tasks').set(auth(replica.tokens.office));
  expect(res.status).toBe(200);
  return res.body.tasks;
}

beforeAll(async () => {
  h = await startHarness();
  a = h.app(plan, { taskListTiming: { pollMs: 200, reloadMs: 0 } });
  b = h.app(plan, { taskListTiming: { pollMs: 200, reloadMs: 0 } });
  c = h.app(plan, { taskListTiming: { pollMs: 200, reloadMs: 2_000 } });
  const started = await request(a.app).post('/api/plan/start').set(auth(a.tokens.admin)).send({});
  expect(started.status).toBe(200);
}, 180_000);

afterAll(async () => {
  await h?.stop();
});

test('tasks started through one replica appear on the other, and a sign-off on one shows on the other', async () => {
  expect((await list(a)).map((r) => r.number)).toEqual([1, 2, 3]); // the starting replica at once
  await eventually(async () => expect((await list(b)).map((r) => r.number)).toEqual([1, 2, 3]), 10_000);

  const task = plan.tasks[0]!;
  // A co-unit that signs only as one (民族司): after its sign-off it owes nothing on this milestone.
  const co = workItemUnits(plan, task)
    .flatMap((w) => w.co)
    .find((d) => d !== taskUnits(task).lead)!;
  const milestone = taskMilestones(plan, task, plan.documentDate)[0]!.id;
  await eventually(async () => expect((await list(b))[0]!.pendingDepartments).toContain(co), 10_000);
  const signed = await request(a.app)
    .post(`/api/tasks/1/milestones/${milestone}/sign-offs`)
    .set(auth(a.tokens.coordinator(co)))
    .send({ department: co, decision: 'approve' });
  expect(signed.status).toBe(200);
  expect((await list(a))[0]!.pendingDepartments).not.toContain(co); // this replica: at once
  await eventually(async () => expect((await list(b))[0]!.pendingDepartments).not.toContain(co), 10_000);
});

test('a workflow terminated outside the API leaves the list at the next full reload', async () => {
  await eventually(async () => expect((await list(c)).map((r) => r.number)).toEqual([1, 2, 3]), 10_000);
  const row = (await list(c)).find((r) => r.number === 3)!;
  await h.env.client.workflow.getHandle(row.workflowId).terminate('removed by an operator with the Temporal CLI');
  await eventually(async () => expect((await list(c)).map((r) => r.number)).toEqual([1, 2]), 15_000);
  // A replica that only polls cannot see it (nothing changed the row): that is what the full reload is for.
  expect((await list(b)).map((r) => r.number)).toEqual([1, 2, 3]);
});

test('a replica that reported healthy answers the board from memory, even with Temporal out of reach', async () => {
  const connection = await Connection.connect({ address: h.env.address });
  const namespace = h.env.namespace ?? 'default';
  const app = createApp({
    temporalClient: new Client({ connection, namespace, dataConverter: dataConverter(TEST_KEYRING) }),
    config: { TEMPORAL_NAMESPACE: namespace, temporalAddress: h.env.address },
    plan,
    tokens: a.tokens.records,
    taskQueue: h.taskQueue,
    temporalTimeoutMs: 2_000,
    logError: () => undefined,
    // No background loads: what it answers is what it loaded before reporting healthy.
    taskListTiming: { pollMs: 0, reloadMs: 0 },
  });
  try {
    await waitFor(
      'the new replica to report healthy',
      async () => ((await request(app).get('/healthz')).status === 200 ? true : undefined),
      20_000,
    );
    await connection.close();
    const res = await request(app).get('/api/tasks').set(auth(a.tokens.office));
    expect(res.status).toBe(200);
    expect((res.body.tasks as TaskRow[]).map((r) => r.number)).toEqual([1, 2]);
    // Whatever needs Temporal itself now fails, which shows the list did not come from it.
    expect((await request(app).get('/healthz')).status).toBe(503);
  } finally {
    await closeApp(app);
  }
});
