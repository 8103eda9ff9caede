/**
 * The key task over its whole year on the time-skipping server: reminders, escalations, extension and
 * completion at the right workflow times, to the right units. Updates here never wait on time (their
 * handlers are synchronous), so they are safe on this server.
 */
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { WorkflowBundleWithSourceMap } from '@temporalio/worker';
import { randomUUID } from 'node:crypto';
import {
  KEY_TASK_WORKFLOW,
  getStateQuery,
  signOffUpdate,
  type KeyTaskInput,
  type KeyTaskView,
  type Notification,
} from '../../contracts';
import { addDays, deadlineEpoch, localDate, localTimeToEpoch } from '../../domain/calendar';
import { startKeyTaskWorker, type RunningWorker } from '../../support/key-task-worker';
import { grantExtension, miniTaskInput } from '../../support/mini-plan';
import { recordingChannel, type RecordingChannel } from '../../support/recording-channel';
import { createTimeSkippingEnv } from '../../support/temporal-env';
import { bundleWorkflows } from '../../support/workflow-bundle';

const DAY = 86_400_000;
let env: TestWorkflowEnvironment;
let bundle: WorkflowBundleWithSourceMap;
let channel: RecordingChannel;
let worker: RunningWorker | undefined;

beforeAll(async () => {
  [env, bundle] = await Promise.all([createTimeSkippingEnv(), bundleWorkflows()]);
  channel = recordingChannel();
  await startWorker();
}, 120_000);

afterAll(async () => {
  await worker?.stop();
  await env?.teardown();
});

/** Starts a worker on the suite's bundle and channel. */
async function startWorker(): Promise<void> {
  worker = await startKeyTaskWorker(env, bundle, {
    taskQueue: 'timeline',
    deps: { channels: [channel] },
    // Every turn replays from history, so a replacement worker is never waiting on a stopped one's cache.
    maxCachedWorkflows: 0,
  });
}

async function startTask(input: KeyTaskInput) {
  return env.client.workflow.start(KEY_TASK_WORKFLOW, {
    taskQueue: 'timeline',
    workflowId: `timeline-${randomUUID()}`,
    args: [input],
  });
}

/** The instant (ms) a reminder `daysBefore` the due date goes out under the mini plan's policy. */
const reminderAt = (due: string, daysBefore: number) => localTimeToEpoch(addDays(due, -daysBefore), '09:00', '+08:00');
/** Escalations go out at the plan's notice time: 09:00 local, nine hours after the deadline's midnight. */
const NOTICE_AFTER_DEADLINE = 9 * 3_600_000;
const near = (isoTime: string, expected: number) => Math.abs(Date.parse(isoTime) - expected) < 2_000;
const of = (view: KeyTaskView, kind: Notification['kind']) => view.notifications.filter((n) => n.kind === kind);

function sign(department: string, milestoneId: string, figures?: Record<string, number>) {
  return {
    milestoneId,
    department,
    decision: 'approve' as const,
    person: `${department} 协调人`,
    requestId: randomUUID(),
    figures,
  };
}

test('a task runs its year: reminders to unsigned units, three escalation levels, extension, completion', async () => {
  const start = await env.currentTimeMs();
  const startDate = localDate(start + DAY, '+08:00'); // tomorrow in Beijing: every reminder lies ahead
  const input = miniTaskInput(startDate);
  const [first, final] = input.milestones;
  const handle = await startTask(input);

  // Six days before the first due date, beta signs; the 7-day reminder (already sent) went to all three.
  await env.sleep(reminderAt(first!.dueDate, 7) + 3_600_000 - (await env.currentTimeMs()));
  let view = await handle.query(getStateQuery);
  expect(view.status).toBe('due_soon');
  expect(of(view, 'reminder').map((n) => [n.daysBefore, n.departments])).toEqual([[7, ['beta', 'gamma', 'alpha']]]);
  expect(near(of(view, 'reminder')[0]!.at, reminderAt(first!.dueDate, 7))).toBe(true);
  await handle.executeUpdate(signOffUpdate, { args: [sign('beta', 'first')] });

  // The 1-day and due-day reminders skip beta, who has signed.
  await env.sleep(reminderAt(first!.dueDate, 0) + 3_600_000 - (await env.currentTimeMs()));
  view = await handle.query(getStateQuery);
  expect(of(view, 'reminder').map((n) => [n.daysBefore, n.departments])).toEqual([
    [7, ['beta', 'gamma', 'alpha']],
    [1, ['gamma', 'alpha']],
    [0, ['gamma', 'alpha']],
  ]);
  expect(near(of(view, 'reminder')[1]!.at, reminderAt(first!.dueDate, 1))).toBe(true);
  expect(near(of(view, 'reminder')[2]!.at, reminderAt(first!.dueDate, 0))).toBe(true);
  expect(view.escalationLevel).toBe(0);

  // Past the due date: level 1 on the first day late at 09:00 (lead + office), level 2 a week later
  // (supervision office); each step chases the units still pending with an overdue notice of their own.
  const deadline = deadlineEpoch(first!.dueDate, '+08:00');
  await env.sleep(deadline + 8 * DAY - (await env.currentTimeMs()));
  view = await handle.query(getStateQuery);
  expect(view.status).toBe('escalated');
  expect(view.escalationLevel).toBe(2);
  const escalations = of(view, 'escalation');
  expect(escalations.map((n) => [n.level, n.departments])).toEqual([
    [1, ['alpha', 'office']],
    [2, ['inspect']],
  ]);
  expect(near(escalations[0]!.at, deadline + NOTICE_AFTER_DEADLINE)).toBe(true);
  expect(near(escalations[1]!.at, deadline + 7 * DAY + NOTICE_AFTER_DEADLINE)).toBe(true);
  expect(escalations[1]!.pendingDepartments).toEqual(['gamma', 'alpha']);
  expect(of(view, 'overdue').map((n) => [n.level, n.departments, n.daysLate])).toEqual([
    [1, ['gamma', 'alpha'], 1],
    [2, ['gamma', 'alpha'], 8],
  ]);

  // The office approves an extension: the escalation closes and reminders are re-planned for the new date.
  const newDue = addDays(first!.dueDate, 20);
  await grantExtension(handle, 'first', newDue);
  view = await handle.query(getStateQuery);
  expect(view.escalationLevel).toBe(0);
  expect(view.nextDue).toBe(newDue);
  expect(view.escalations[0]).toMatchObject({ level: 2, closedBy: 'extended' });
  expect(view.extensions[0]).toMatchObject({ state: 'approved', previousDueDate: first!.dueDate, newDueDate: newDue });

  // New date missed too: level 1 again at the new deadline, level 3 never reached before completion.
  const newDeadline = deadlineEpoch(newDue, '+08:00');
  await env.sleep(newDeadline + 2 * DAY - 3_600_000 - (await env.currentTimeMs()));
  view = await handle.query(getStateQuery);
  const reminders = of(view, 'reminder').filter((n) => n.dueDate === newDue);
  expect(reminders.map((n) => n.daysBefore)).toEqual([7, 1, 0]);
  expect(reminders.every((n) => n.departments.join() === 'gamma,alpha')).toBe(true);
  expect(reminders.every((n) => near(n.at, reminderAt(newDue, n.daysBefore!)))).toBe(true);
  expect(view.escalationLevel).toBe(1);
  const again = of(view, 'escalation').filter((n) => n.dueDate === newDue);
  expect(again.map((n) => [n.level, n.departments])).toEqual([[1, ['alpha', 'office']]]);
  expect(near(again[0]!.at, newDeadline + NOTICE_AFTER_DEADLINE)).toBe(true);

  // Gamma then the lead sign: the milestone completes 2 days late and the escalation closes with that.
  await handle.executeUpdate(signOffUpdate, { args: [sign('gamma', 'first')] });
  const done = await handle.executeUpdate(signOffUpdate, { args: [sign('alpha', 'first')] });
  expect(done.state).toBe('completed');
  expect(done.daysLate).toBe(2);
  view = await handle.query(getStateQuery);
  expect(view.escalations[1]).toMatchObject({ dueDate: newDue, level: 1, closedBy: 'completed', daysLate: 2 });
  expect(view.currentMilestone).toBe('final');

  // The final milestone, signed on time with its figures, completes the task.
  await env.sleep(reminderAt(final!.dueDate, 1) + 3_600_000 - (await env.currentTimeMs()));
  for (const d of ['beta', 'gamma']) await handle.executeUpdate(signOffUpdate, { args: [sign(d, 'final')] });
  await handle.executeUpdate(signOffUpdate, { args: [sign('alpha', 'final', { share: 96.5, people: 812 })] });
  const result: KeyTaskView = await handle.result();
  expect(result.status).toBe('completed');
  expect(result.milestones[1]).toMatchObject({ state: 'completed', daysLate: 0 });
  expect(result.milestones[1]!.rounds[0]!.signOffs.at(-1)!.figures).toEqual({ share: 96.5, people: 812 });
  expect(of(result, 'escalation').filter((n) => n.milestoneId === 'final')).toEqual([]);

  // Every notification the workflow decided was delivered exactly once; level 2 also issued a supervision
  // notice (督办单), whose own workflow told the pending units.
  const mine = channel.received.filter((n: Notification) => n.workflowId === handle.workflowId);
  const delivered = mine.filter((n) => !n.kind.startsWith('supervision-')).map((n) => n.id);
  expect(delivered.sort()).toEqual(result.notifications.map((n) => n.id).sort());
  expect(mine.filter((n) => n.kind === 'supervision-notice').map((n) => n.level)).toEqual([2]);
});

test('a milestone left unsigned escalates to ministry leadership fourteen days after its due date', async () => {
  const start = await env.currentTimeMs();
  const input = miniTaskInput(localDate(start + DAY, '+08:00'), 2);
  const handle = await startTask(input);
  const deadline = deadlineEpoch(input.milestones[0]!.dueDate, '+08:00');
  await env.sleep(deadline + 15 * DAY - (await env.currentTimeMs()));
  const view = await handle.query(getStateQuery);
  expect(of(view, 'escalation').map((n) => [n.level, n.departments, n.daysLate])).toEqual([
    [1, ['beta', 'office'], 1],
    [2, ['inspect'], 8],
    [3, ['leaders'], 15],
  ]);
  expect(near(of(view, 'escalation')[2]!.at, deadline + 14 * DAY + NOTICE_AFTER_DEADLINE)).toBe(true);
  expect(view.pendingDepartments).toEqual(['beta']);
  await handle.terminate('test over');
});

test('a worker stopped in the middle of a milestone loses nothing and sends no reminder twice', async () => {
  const start = await env.currentTimeMs();
  const input = miniTaskInput(localDate(start + DAY, '+08:00'));
  const due = input.milestones[0]!.dueDate;
  const handle = await startTask(input);
  await env.sleep(reminderAt(due, 7) + 3_600_000 - (await env.currentTimeMs()));
  await handle.executeUpdate(signOffUpdate, { args: [sign('beta', 'first')] });
  // Let the notifications already decided finish their delivery first: the Java test server loses a task
  // handed to a poll that a stopping worker abandons, and then waits out its timeout in real time.
  const decided = (await handle.query(getStateQuery)).notifications;
  await Promise.all(decided.map((n) => env.client.workflow.getHandle(n.id).result()));

  // The worker goes away; a new one, with nothing cached, rebuilds the task from its history and goes on.
  // (The time-skipping server does not skip time while no worker can take the task's turn.)
  await worker!.stop();
  await startWorker();
  await env.sleep(reminderAt(due, 0) + 3_600_000 - (await env.currentTimeMs()));
  const view = await handle.query(getStateQuery);
  expect(view.milestones[0]!.rounds[0]!.signOffs.map((s) => s.department)).toEqual(['beta']);
  const reminders = of(view, 'reminder');
  expect(reminders.map((n) => [n.daysBefore, n.departments])).toEqual([
    [7, ['beta', 'gamma', 'alpha']],
    [1, ['gamma', 'alpha']],
    [0, ['gamma', 'alpha']],
  ]);
  await handle.executeUpdate(signOffUpdate, { args: [sign('gamma', 'first')] });
  await handle.terminate('test over');
  const delivered = channel.received.filter((n: Notification) => n.workflowId === handle.workflowId).map((n) => n.id);
  expect(delivered.sort()).toEqual(reminders.map((n) => n.id).sort());
});
