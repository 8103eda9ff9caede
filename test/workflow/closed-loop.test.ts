/**
 * The office's closed loop on the time-skipping server, with dates: a mini-plan task (lead alpha, co-units beta and
 * gamma) under a policy with receipt in 2 working days and monthly progress reports due on the 28th, stalled after
 * 20 days without an act. Units that have not signed for the milestone are reminded on its last day and flagged
 * after it; the quiet task is flagged stalled and its lead and office told once; the month's report not filed is
 * reminded that morning and, missed at the end of the day, chased to the lead and the office; the lead's next
 * report clears both flags. The flags are read from the run's memo, which is what the board shows.
 */
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { randomUUID } from 'node:crypto';
import {
  getStateQuery,
  KEY_TASK_WORKFLOW,
  LOOP_MEMO_KEY,
  receiptUpdate,
  reportProgressUpdate,
  type KeyTaskInput,
  type LoopRow,
} from '../../contracts';
import {
  addWorkingDays,
  deadlineEpoch,
  localDate,
  localTimeToEpoch,
  periodAt,
  periodDueDate,
} from '../../domain/calendar';
import { startKeyTaskWorker, type RunningWorker } from '../../support/key-task-worker';
import { miniTaskInput } from '../../support/mini-plan';
import { recordingChannel, type RecordingChannel } from '../../support/recording-channel';
import { createTimeSkippingEnv } from '../../support/temporal-env';
import { eventually } from '../../support/wait-for';
import { bundleWorkflows } from '../../support/workflow-bundle';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const OFFSET = '+08:00';
let env: TestWorkflowEnvironment;
let channel: RecordingChannel;
let worker: RunningWorker | undefined;

beforeAll(async () => {
  const [e, bundle] = await Promise.all([createTimeSkippingEnv(), bundleWorkflows()]);
  env = e;
  channel = recordingChannel();
  worker = await startKeyTaskWorker(env, bundle, { taskQueue: 'loop', deps: { channels: [channel] } });
}, 120_000);

afterAll(async () => {
  await worker?.stop();
  await env?.teardown();
});

/** Sleeps (time-skipping) until `instant`. */
async function until(instant: number): Promise<void> {
  const now = await env.currentTimeMs();
  if (instant > now) await env.sleep(instant - now);
}

test('late receipts, a stall and a missed progress report are flagged on the row and told once each', async () => {
  const started = await env.currentTimeMs();
  const today = localDate(started, OFFSET);
  const base = miniTaskInput(today);
  const input: KeyTaskInput = {
    ...base,
    // Due after the month's report and the stall, so that escalations stay out of this story.
    milestones: base.milestones.map((m, i) => ({ ...m, dueDate: localDate(started + (60 + 30 * i) * DAY, OFFSET) })),
    policy: {
      ...base.policy,
      receipt: { days: 2 },
      progress: { cadence: 'monthly', day: 28, stalledAfterDays: 20 },
    },
  };
  const id = `loop-${randomUUID()}`;
  const h = await env.client.workflow.start(KEY_TASK_WORKFLOW, { taskQueue: 'loop', workflowId: id, args: [input] });
  const loop = async (): Promise<LoopRow | undefined> =>
    (await h.describe()).memo?.[LOOP_MEMO_KEY] as LoopRow | undefined;
  const sent = (kind: string) => channel.received.filter((n) => n.workflowId === id && n.kind === kind);

  await h.executeUpdate(receiptUpdate, {
    args: [
      { milestoneId: 'first', department: 'beta', decision: 'receive', person: 'beta 联络员', requestId: randomUUID() },
    ],
  });

  // The receipt's last day: 2 working days after today; the units yet to sign for it are reminded that morning.
  const lastDay = addWorkingDays(today, 2, { name: 'weekdays', from: '', to: '', offDays: [], workDays: [] });
  await until(localTimeToEpoch(lastDay, input.policy.reminderTime, OFFSET) + HOUR);
  await eventually(async () => {
    expect(sent('receipt-reminder').map((n) => [n.departments, n.answerBy])).toEqual([[['alpha', 'gamma'], lastDay]]);
  });
  expect((await loop())?.unreceived).toEqual([]);
  await until(deadlineEpoch(lastDay, OFFSET) + HOUR);
  await eventually(async () => expect((await loop())?.unreceived).toEqual(['alpha', 'gamma']));

  // 20 days after beta's receipt, the last act: stalled, told to the lead and the office once.
  const view = await h.query(getStateQuery);
  const quietUntil = Date.parse(view.progress!.lastActivityAt) + 20 * DAY;
  await until(quietUntil + HOUR);
  await eventually(async () => {
    expect(sent('stalled').map((n) => n.departments)).toEqual([['alpha', 'office']]);
    expect((await loop())?.stalledSince).toBe(view.progress!.lastActivityAt);
  });

  // The month's report: reminded on its due day at the notice time, missed at the end of it.
  const period = periodAt(today, 28);
  const due = periodDueDate(period, 28);
  if (deadlineEpoch(due, OFFSET) > quietUntil) {
    await until(deadlineEpoch(due, OFFSET) + HOUR);
  }
  await eventually(async () => {
    expect(sent('progress-reminder').map((n) => [n.departments, n.period])).toEqual([[['alpha'], period]]);
    expect(sent('progress-missed').map((n) => [n.departments, n.period, n.dueDate])).toEqual([
      [['alpha', 'office'], period, due],
    ]);
    expect((await loop())?.reportMissing).toBe(period);
  });
  const state = await h.query(getStateQuery);
  expect(state.progress!.missed).toMatchObject([{ period, dueDate: due, department: 'alpha' }]);

  // The lead's report (for the next period) ends the stall and makes the miss up on the board.
  const report = await h.executeUpdate(reportProgressUpdate, {
    args: [{ department: 'alpha', done: '完成方案起草', person: 'alpha 联络员', requestId: randomUUID() }],
  });
  expect(report.period > period).toBe(true);
  await eventually(async () => {
    const flags = await loop();
    expect(flags?.stalledSince).toBeUndefined();
    expect(flags?.reportMissing).toBeUndefined();
  });
  // A day later nothing was sent twice.
  await until((await env.currentTimeMs()) + DAY);
  for (const kind of ['receipt-reminder', 'stalled', 'progress-reminder', 'progress-missed']) {
    expect(sent(kind)).toHaveLength(1);
  }
}, 120_000);
