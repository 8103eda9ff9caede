/**
 * Supervision notices (督办单) on the time-skipping server: an escalation at level 2 issues a numbered notice to
 * the units still pending (numbers per year, without gaps, across the plan's tasks); a named unit answers; a
 * unit it does not name and an empty answer are refused; past its answer date with a unit unanswered it is
 * overdue and the supervision office is told; it closes with its milestone, or when a notice of a higher level
 * takes its place.
 */
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { WorkflowBundleWithSourceMap } from '@temporalio/worker';
import { WorkflowUpdateFailedError } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import { randomUUID } from 'node:crypto';
import {
  answerNoticeUpdate,
  getNoticeQuery,
  KEY_TASK_WORKFLOW,
  noticeNumberText,
  signOffUpdate,
  supervisionNoticeId,
  type SupervisionNotice,
} from '../../contracts';
import { addDays, deadlineEpoch, localDate, localTimeToEpoch } from '../../domain/calendar';
import { startKeyTaskWorker, type RunningWorker } from '../../support/key-task-worker';
import { miniTaskInput } from '../../support/mini-plan';
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
  worker = await startKeyTaskWorker(env, bundle, { taskQueue: 'notices', deps: { channels: [channel] } });
}, 120_000);

afterAll(async () => {
  await worker?.stop();
  await env?.teardown();
});

/** The refusal type of a failed update. */
async function refusal(p: Promise<unknown>): Promise<string | undefined> {
  try {
    await p;
    return undefined;
  } catch (err) {
    const cause = err instanceof WorkflowUpdateFailedError ? err.cause : err;
    return cause instanceof ApplicationFailure ? (cause.type ?? undefined) : String(err);
  }
}

const answer = (department: string, action: string, by: string) => ({
  department,
  action,
  by,
  person: `${department} 联络员`,
  requestId: randomUUID(),
});

test('a level-2 escalation issues numbered notices that the named units answer, overdue ones told to 督导办', async () => {
  const startDate = localDate((await env.currentTimeMs()) + DAY, '+08:00');
  const input1 = miniTaskInput(startDate, 1);
  const input2 = miniTaskInput(startDate, 2);
  const id1 = `notices-${randomUUID()}`;
  const id2 = `notices-${randomUUID()}`;
  const task1 = await env.client.workflow.start(KEY_TASK_WORKFLOW, {
    taskQueue: 'notices',
    workflowId: id1,
    args: [input1],
  });
  await env.client.workflow.start(KEY_TASK_WORKFLOW, { taskQueue: 'notices', workflowId: id2, args: [input2] });
  const due = input1.milestones[0]!.dueDate;

  // A week after the deadline both tasks reach level 2 at the same instant (the plan's notice time of that day):
  // one notice each.
  const level2At = localTimeToEpoch(addDays(due, 8), input1.policy.reminderTime, '+08:00');
  await env.sleep(level2At + 3_600_000 - (await env.currentTimeMs()));
  const notice1 = env.client.workflow.getHandle(supervisionNoticeId(id1, 'first', due, 2));
  const notice2 = env.client.workflow.getHandle(supervisionNoticeId(id2, 'first', due, 2));
  let n1: SupervisionNotice = await notice1.query(getNoticeQuery);
  const n2: SupervisionNotice = await notice2.query(getNoticeQuery);
  const issuedOn = localDate(Date.parse(n1.issuedAt), '+08:00');
  expect(n1).toMatchObject({
    taskNumber: 1,
    milestoneId: 'first',
    dueDate: due,
    level: 2,
    daysLate: 8, // the day after the due date is 1 day late
    issuedBy: 'inspect',
    units: ['beta', 'gamma', 'alpha'],
    answerBy: addDays(issuedOn, 5),
    state: 'open',
    overdue: false,
  });
  const year = Number(issuedOn.slice(0, 4));
  // Numbered 1 and 2 of the year, whichever claimed first: unique and without a gap.
  expect([n1.serial, n2.serial].sort()).toEqual([1, 2]);
  expect(n1.number).toBe(noticeNumberText(year, n1.serial!));
  expect(n1.number).toMatch(/^督办〔\d{4}〕[12]号$/);
  const sent = channel.received.filter((n) => n.kind === 'supervision-notice' && n.taskNumber === 1);
  expect(sent.map((n) => [n.departments, n.noticeNumber, n.answerBy])).toEqual([
    [['beta', 'gamma', 'alpha'], n1.number, n1.answerBy],
  ]);

  // A named unit answers; a unit it does not name, and an empty answer, are refused and change nothing.
  const by = addDays(issuedOn, 10);
  n1 = await notice1.executeUpdate(answerNoticeUpdate, { args: [answer('beta', '本周内完成会签', by)] });
  expect(n1.answers.map((a) => [a.department, a.action, a.by])).toEqual([['beta', '本周内完成会签', by]]);
  expect(n1.unanswered).toEqual(['gamma', 'alpha']);
  expect(await refusal(notice1.executeUpdate(answerNoticeUpdate, { args: [answer('office', '代为催办', by)] }))).toBe(
    'NotNamed',
  );
  expect(await refusal(notice1.executeUpdate(answerNoticeUpdate, { args: [answer('gamma', '   ', by)] }))).toBe(
    'AnswerRequired',
  );
  expect(
    await refusal(
      notice1.executeUpdate(answerNoticeUpdate, { args: [answer('gamma', '补报', addDays(issuedOn, -1))] }),
    ),
  ).toBe('InvalidAnswerDate');
  expect((await notice1.query(getNoticeQuery)).answers).toHaveLength(1);

  // Past its answer date with gamma and alpha unanswered: overdue, and the supervision office is told.
  await env.sleep(deadlineEpoch(n1.answerBy, '+08:00') + 3_600_000 - (await env.currentTimeMs()));
  n1 = await notice1.query(getNoticeQuery);
  expect(n1.overdue).toBe(true);
  const overdue = channel.received.filter((n) => n.kind === 'supervision-overdue' && n.taskNumber === 1);
  expect(overdue.map((n) => [n.departments, n.pendingDepartments, n.noticeNumber])).toEqual([
    [['inspect'], ['gamma', 'alpha'], n1.number],
  ]);

  // The milestone is completed: the notice closes with its escalation and takes no more answers.
  for (const department of ['beta', 'gamma', 'alpha']) {
    await task1.executeUpdate(signOffUpdate, {
      args: [{ milestoneId: 'first', department, decision: 'approve', person: department, requestId: randomUUID() }],
    });
  }
  const closed: SupervisionNotice = await notice1.result();
  expect(closed).toMatchObject({ state: 'closed', closedBy: 'completed', overdue: true });
  expect((await notice2.query(getNoticeQuery)).state).toBe('open');

  // Task 2 reaches level 3: its level-3 notice takes the place of the level-2 one, which closes as superseded, so
  // that its units answer one notice, the latest.
  const level3At = localTimeToEpoch(addDays(due, 15), input2.policy.reminderTime, '+08:00');
  await env.sleep(level3At + 3_600_000 - (await env.currentTimeMs()));
  const l3Id = supervisionNoticeId(id2, 'first', due, 3);
  const superseded: SupervisionNotice = await notice2.result();
  expect(superseded).toMatchObject({ state: 'closed', closedBy: 'superseded', supersededBy: l3Id });
  const l3: SupervisionNotice = await env.client.workflow.getHandle(l3Id).query(getNoticeQuery);
  expect(l3).toMatchObject({ level: 3, state: 'open', units: ['beta'], issuedBy: 'leaders' });
  expect([n1.serial, n2.serial, l3.serial].sort()).toEqual([1, 2, 3]);
}, 180_000);
