/**
 * Faults: the Temporal server is SIGKILLed while timers are pending and restarted on the same SQLite file;
 * while it is down the API is up but Temporal is unreachable.
 *
 * A plan of our own puts a reminder a minute or two ahead (its policy's reminder time is "now + ~90 s" in a
 * time zone where it is around noon, so the day-granular schedule holds), and the server is down when it
 * falls due. Afterwards every workflow, sign-off and timer must be back, the reminder sent once, and the API
 * — never restarted — must have answered sign-offs 503 with a clear message meanwhile (its board from memory) and serve again.
 */
import { planFileSchema, type PlanFile } from '../../contracts';
import { localDate, localTimeToEpoch } from '../../domain/calendar';
import { milestoneActs, taskUnits } from '../../domain/plan';
import { DEFAULT_PLAN_FILE, loadPlanFile } from '../../seeds/load-plan';
import { apiRequest } from '../../support/api-request';
import { waitFor } from '../../support/wait-for';
import {
  signOffRecords,
  signOffWithRetry,
  startFaultStack,
  taskView,
  type FaultStack,
  type SignOffAttempt,
} from './support';

let fault: FaultStack | undefined;
afterAll(() => fault?.dispose());

/** A UTC offset (whole hours) in which it is about noon now, so that "now + 2 minutes" is still today. */
function noonOffset(now: number): string {
  const hours = 12 - new Date(now).getUTCHours();
  return `${hours < 0 ? '-' : '+'}${String(Math.abs(hours)).padStart(2, '0')}:00`;
}

/** Three tasks of the 2016 plan signed by ministry units alone (1, 2, 5), first milestone due tomorrow, one reminder a day before at `time` local. */
function reminderPlan(time: string, utcOffset: string): PlanFile {
  const base = loadPlanFile(DEFAULT_PLAN_FILE);
  return planFileSchema.parse({
    ...base,
    id: 'fault-timers',
    tasks: base.tasks.filter((t) => [1, 2, 5].includes(t.number)),
    targets: [],
    schedule: [
      { ...base.schedule[0]!, offsetDays: 1 },
      { ...base.schedule[3]!, offsetDays: 300, reportsFigures: false },
    ],
    policy: { ...base.policy, reminderDaysBefore: [1], reminderTime: time, utcOffset },
  });
}

test('Temporal server SIGKILLed with a reminder due during the outage: board served from memory, sign-offs 503, then all serve again; workflows, sign-offs and the timer come back; reminder sent once', async () => {
  const now = Date.now();
  const utcOffset = noonOffset(now);
  const local = new Date(now + 90_000 + Number(utcOffset.slice(0, 3)) * 3_600_000);
  const time = `${String(local.getUTCHours()).padStart(2, '0')}:${String(local.getUTCMinutes()).padStart(2, '0')}`;
  const startDate = localDate(now, utcOffset);
  const plan = reminderPlan(time, utcOffset);
  const reminderAt = localTimeToEpoch(startDate, time, utcOffset);
  expect(reminderAt - now).toBeGreaterThan(30_000);

  const { stack, receiver, tokens } = await startFaultStack('duban-fault-server', (f) => (fault = f), plan);
  const api = stack.api!;
  expect((await apiRequest(stack.apiUrl, 'POST', '/api/plan/start', tokens.admin, { startDate })).status).toBe(200);

  const milestoneId = plan.schedule[0]!.id;
  // Every act of every task but the lead's close: each item's units, by the document's responsibility.
  const before = (task: PlanFile['tasks'][number]) => milestoneActs(plan, task).slice(0, -1);
  const signed: SignOffAttempt[] = plan.tasks.flatMap((task) =>
    before(task).map((act, i) => ({
      task: task.number,
      milestoneId,
      department: act.department,
      workItem: act.workItem,
      token: tokens.coordinator(act.department),
      key: `before-${task.number}-${i}`,
      tries: 0,
      retried: [],
    })),
  );
  for (const a of signed) await signOffWithRetry(stack.apiUrl, a);
  expect(signed.map((a) => a.final?.status)).toEqual(signed.map(() => 200));
  expect(receiver.acceptedIds()).toEqual([]);

  // Down until after the reminder has fallen due.
  const downAt = Math.max(Date.now(), reminderAt - 20_000);
  await new Promise((r) => setTimeout(r, downAt - Date.now()));
  await stack.killServer();

  // The board is held in the API's memory: it still answers, every task, while Temporal is down.
  const during = await apiRequest(stack.apiUrl, 'GET', '/api/tasks', tokens.office);
  expect(during.status).toBe(200);
  expect((during.body as { tasks: unknown[] }).tasks).toHaveLength(plan.tasks.length);
  const health = await apiRequest(stack.apiUrl, 'GET', '/healthz', tokens.office);
  expect(health.status).toBe(503);
  const signDuring = await apiRequest(
    stack.apiUrl,
    'POST',
    `/api/tasks/1/milestones/${milestoneId}/sign-offs`,
    tokens.coordinator(taskUnits(plan.tasks[0]!).lead),
    { department: taskUnits(plan.tasks[0]!).lead, decision: 'approve' },
  );
  expect(signDuring.status).toBe(503);
  const error = (signDuring.body as { error: { code: string; message: { zh: string; en: string } } }).error;
  expect(error.code).toBe('temporal_unavailable');
  expect(error.message.en).toMatch(/Temporal/);
  expect(error.message.zh).toMatch(/工作流服务/);

  await new Promise((r) => setTimeout(r, Math.max(0, reminderAt + 5_000 - Date.now())));
  expect(receiver.acceptedIds()).toEqual([]);
  await stack.startServer();

  // The same API process serves again without a restart.
  await waitFor(
    'the API to serve again',
    async () =>
      (await apiRequest(stack.apiUrl, 'GET', '/api/tasks', tokens.office)).status === 200 ? true : undefined,
    60_000,
  );
  expect(api.running()).toBe(true);
  expect(stack.api!.pid).toBe(api.pid);

  // The timer fired after the restart: one reminder per task, delivered once.
  await waitFor(
    'the reminders to arrive',
    async () => (receiver.acceptedIds().length >= plan.tasks.length ? true : undefined),
    120_000,
    500,
  );
  await new Promise((r) => setTimeout(r, 5_000));
  expect(receiver.acceptedIds().length).toBe(plan.tasks.length);
  expect(new Set(receiver.acceptedIds()).size).toBe(plan.tasks.length);
  for (const task of plan.tasks) {
    const view = await taskView(stack.apiUrl, tokens.office, task.number);
    const reminders = view.notifications.filter((n) => n.kind === 'reminder');
    expect(reminders).toHaveLength(1);
    expect(receiver.acceptedIds()).toContain(reminders[0]!.id);
    // The reminder went to the units still pending: the lead only (the others signed before the crash).
    expect(reminders[0]!.departments).toEqual([taskUnits(task).lead]);
    expect(signOffRecords(view, milestoneId).map((r) => r.department)).toEqual(before(task).map((a) => a.department));
  }

  // And the tasks go on: the leads sign after the restart.
  for (const task of plan.tasks) {
    const lead = taskUnits(task).lead;
    const a: SignOffAttempt = {
      task: task.number,
      milestoneId,
      department: lead,
      token: tokens.coordinator(lead),
      key: `after-${task.number}`,
      tries: 0,
      retried: [],
    };
    await signOffWithRetry(stack.apiUrl, a);
    expect(a.final?.status).toBe(200);
    expect((await taskView(stack.apiUrl, tokens.office, task.number)).milestones[0]!.state).toBe('completed');
  }
});
