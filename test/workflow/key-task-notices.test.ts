/**
 * Notices a general office can trust, with dates, on the time-skipping server: the 2016 plan started on its
 * document date sends one escalation per task, at level 3, and chases each task's pending units; a milestone
 * opened late by a late predecessor climbs the ladder counted from its opening, at the plan's notice time
 * (09:00 local); an extension decided after its new date is refused; `DubanNextDue` is the end of the local
 * due day. Updates here never wait on time, so they are safe on this server.
 */
import { WorkflowUpdateFailedError } from '@temporalio/client';
import type { ApplicationFailure } from '@temporalio/common';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { WorkflowBundleWithSourceMap } from '@temporalio/worker';
import { randomUUID } from 'node:crypto';
import {
  KEY_TASK_WORKFLOW,
  SA_NEXT_DUE,
  decideExtensionUpdate,
  getStateQuery,
  refusalWords,
  signOffUpdate,
  type KeyTaskInput,
  type KeyTaskView,
  type Notification,
} from '../../contracts';
import { addDays, deadlineEpoch, localDate, localTimeToEpoch } from '../../domain/calendar';
import { keyTaskInput } from '../../domain/plan';
import { loadPlanFile } from '../../seeds/load-plan';
import { startKeyTaskWorker, type RunningWorker } from '../../support/key-task-worker';
import { askExtension, miniTaskInput } from '../../support/mini-plan';
import { recordingChannel, type RecordingChannel } from '../../support/recording-channel';
import { createTimeSkippingEnv } from '../../support/temporal-env';
import { eventually } from '../../support/wait-for';
import { bundleWorkflows } from '../../support/workflow-bundle';

const DAY = 86_400_000;
const QUEUE = 'notices';
let env: TestWorkflowEnvironment;
let bundle: WorkflowBundleWithSourceMap;
let channel: RecordingChannel;
let worker: RunningWorker | undefined;

beforeAll(async () => {
  [env, bundle] = await Promise.all([createTimeSkippingEnv(), bundleWorkflows()]);
  channel = recordingChannel();
  worker = await startKeyTaskWorker(env, bundle, { taskQueue: QUEUE, deps: { channels: [channel] } });
}, 120_000);

afterAll(async () => {
  await worker?.stop();
  await env?.teardown();
});

function startTask(input: KeyTaskInput, workflowId = `notices-${randomUUID()}`) {
  return env.client.workflow.start(KEY_TASK_WORKFLOW, { taskQueue: QUEUE, workflowId, args: [input] });
}

const of = (view: KeyTaskView, kind: Notification['kind']) => view.notifications.filter((n) => n.kind === kind);
const sign = (department: string, milestoneId: string) => ({
  milestoneId,
  department,
  decision: 'approve' as const,
  person: `${department} 协调人`,
  requestId: randomUUID(),
});
/** 09:00 in Beijing on `date`: the mini plan's and the 2016 plan's notice time. */
const nineOn = (date: string) => localTimeToEpoch(date, '09:00', '+08:00');
const near = (isoTime: string, expected: number) => Math.abs(Date.parse(isoTime) - expected) < 2_000;
const sleepUntil = async (at: number) => env.sleep(Math.max(1, at - (await env.currentTimeMs())));

test('a milestone opened late by a late predecessor escalates on the ladder counted from its opening, at 09:00', async () => {
  const start = await env.currentTimeMs();
  const input = miniTaskInput(localDate(start + DAY, '+08:00'));
  const [first, final] = input.milestones;
  // The year-end milestone falls due three days after the first: a late first one opens it already "late".
  final!.dueDate = addDays(first!.dueDate, 3);
  const handle = await startTask(input);

  // The first milestone is signed ten days late; the second opens that day, after its own due date.
  await sleepUntil(nineOn(addDays(first!.dueDate, 10)) + 3_600_000);
  for (const d of ['beta', 'gamma', 'alpha']) await handle.executeUpdate(signOffUpdate, { args: [sign(d, 'first')] });
  let view = await handle.query(getStateQuery);
  const openedOn = view.milestones[1]!.openedOn!;
  expect(openedOn).toBe(addDays(first!.dueDate, 10));
  expect(view.currentMilestone).toBe('final');
  // Nobody could sign it before today: not overdue, no escalation, nobody chased on its opening day.
  expect(view.status).not.toBe('overdue');
  expect(view.notifications.filter((n) => n.milestoneId === 'final')).toEqual([]);

  // Level 1 the next morning at 09:00, one day late; level 2 a week after that, eight days late.
  await sleepUntil(nineOn(addDays(openedOn, 1)) - 60_000);
  view = await handle.query(getStateQuery);
  expect(view.notifications.filter((n) => n.milestoneId === 'final' && n.kind === 'escalation')).toEqual([]);
  await sleepUntil(nineOn(addDays(openedOn, 8)) + 60_000);
  view = await handle.query(getStateQuery);
  const ladder = view.notifications.filter((n) => n.milestoneId === 'final' && n.kind === 'escalation');
  expect(ladder.map((n) => [n.level, n.daysLate])).toEqual([
    [1, 1],
    [2, 8],
  ]);
  expect(near(ladder[0]!.at, nineOn(addDays(openedOn, 1)))).toBe(true);
  expect(near(ladder[1]!.at, nineOn(addDays(openedOn, 8)))).toBe(true);
  const chased = view.notifications.filter((n) => n.milestoneId === 'final' && n.kind === 'overdue');
  expect(chased.map((n) => [n.level, n.departments])).toEqual([
    [1, ['beta', 'gamma', 'alpha']],
    [2, ['beta', 'gamma', 'alpha']],
  ]);
  expect(view.escalationLevel).toBe(2);
  await handle.terminate('test over');
});

test('an extension decided after its new date is refused: the lead must ask for a later date', async () => {
  const start = await env.currentTimeMs();
  const input = miniTaskInput(localDate(start + DAY, '+08:00'));
  const first = input.milestones[0]!;
  const handle = await startTask(input);
  // DubanNextDue is the end of the due day in Beijing (16:00 UTC), when the task turns overdue.
  await handle.query(getStateQuery); // past its first turn, which writes the search attributes
  const nextDue = await eventually(async () => {
    const value = (await handle.describe()).typedSearchAttributes.get(SA_NEXT_DUE);
    expect(value).toBeDefined();
    return value;
  });
  expect(nextDue?.toISOString()).toBe(new Date(deadlineEpoch(first.dueDate, '+08:00')).toISOString());
  expect(nextDue?.toISOString()).toBe(`${first.dueDate}T16:00:00.000Z`);

  const newDue = addDays(first.dueDate, 5);
  const asked = await askExtension(handle, 'first', newDue);
  // The office leaves it until the day after the date asked for.
  await sleepUntil(deadlineEpoch(newDue, '+08:00') + 3_600_000);
  const decide = (approve: boolean) =>
    handle.executeUpdate(decideExtensionUpdate, {
      args: [{ milestoneId: 'first', extensionId: asked.id, approve, person: '办公厅', requestId: randomUUID() }],
    });
  const err = await decide(true).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(WorkflowUpdateFailedError);
  const cause = (err as WorkflowUpdateFailedError).cause as ApplicationFailure;
  expect(cause.type).toBe('InvalidDueDate');
  const words = refusalWords(cause.details);
  expect(words?.zh).toContain('重新申请更晚的日期');
  expect(words?.en).toContain('ask for a later date');
  let view = await handle.query(getStateQuery);
  expect(view.milestones[0]!.dueDate).toBe(first.dueDate);
  expect(view.extensions[0]!.state).toBe('pending');
  // Declining it stays possible.
  await decide(false);
  view = await handle.query(getStateQuery);
  expect(view.extensions[0]!.state).toBe('declined');
  await handle.terminate('test over');
});

test('the 2016 plan started on 2016-02-02 sends one escalation per task, at level 3, and chases its pending units', async () => {
  const plan = loadPlanFile();
  const handles = await Promise.all(
    plan.tasks.map((task) =>
      startTask(keyTaskInput(plan, task, plan.documentDate), `notices-2016-${task.number}-${randomUUID()}`),
    ),
  );
  const views = await eventually(async () => {
    const all = await Promise.all(handles.map((h) => h.query(getStateQuery)));
    expect(all.every((v) => v.escalationLevel === 3)).toBe(true);
    return all;
  }, 60_000);
  expect(views).toHaveLength(24);
  const audience = (lead: string) => [
    ...new Set(plan.policy.escalation.flatMap((e) => e.notify.map((d) => (d === '$lead' ? lead : d)))),
  ];
  for (const view of views) {
    expect(view.status).toBe('escalated');
    const escalations = of(view, 'escalation');
    // One notice, at the highest level, to the audiences of levels 1 to 3, with the days late since the start.
    expect(escalations).toHaveLength(1);
    expect(escalations[0]).toMatchObject({ level: 3, departments: audience(view.lead) });
    expect(escalations[0]!.daysLate).toBeGreaterThan(3_900);
    // Every unit still pending gets its own overdue notice, the same once.
    const overdue = of(view, 'overdue').filter((n) => n.workItem === undefined);
    expect(overdue).toHaveLength(1);
    expect(overdue[0]).toMatchObject({ level: 3, departments: view.pendingDepartments });
    expect(view.chases).toEqual([expect.objectContaining({ kind: 'escalation', level: 3 })]);
  }
  // The channel got exactly those escalation notices: 24, one per task.
  const sent = await eventually(async () => {
    const escalations = channel.received.filter((n) => n.kind === 'escalation' && n.planId === plan.id);
    expect(escalations.length).toBeGreaterThanOrEqual(24);
    return escalations;
  }, 60_000);
  expect(sent).toHaveLength(24);
  expect(new Set(sent.map((n) => n.taskNumber)).size).toBe(24);
  await Promise.all(handles.map((h) => h.terminate('test over')));
});
