/**
 * A working-day plan on the time-skipping server: its reminders skip the 2016 National Day holiday week. The
 * server's clock cannot go back to 2016, so the test moves the 2016 calendar (as `chinese-days` resolves it:
 * 2016-10-01..07 off, the weekend 2016-10-08/09 worked) forward by whole weeks to the weeks ahead, weekdays
 * kept, and expects the reminders on the days that stand for 2016-09-26, 10-09 and 10-10.
 */
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { WorkflowBundleWithSourceMap } from '@temporalio/worker';
import { randomUUID } from 'node:crypto';
import {
  KEY_TASK_WORKFLOW,
  getStateQuery,
  planFileSchema,
  type KeyTaskView,
  type WorkingCalendar,
} from '../../contracts';
import { addDays, daysBetween, localDate, localTimeToEpoch } from '../../domain/calendar';
import { keyTaskInput } from '../../domain/plan';
import { resolveWorkingCalendar } from '../../client/working-calendar';
import { startKeyTaskWorker, type RunningWorker } from '../../support/key-task-worker';
import { miniPlanInput } from '../../support/mini-plan';
import { recordingChannel } from '../../support/recording-channel';
import { createTimeSkippingEnv } from '../../support/temporal-env';
import { bundleWorkflows } from '../../support/workflow-bundle';

const DAY = 86_400_000;
let env: TestWorkflowEnvironment;
let bundle: WorkflowBundleWithSourceMap;
let worker: RunningWorker | undefined;

beforeAll(async () => {
  [env, bundle] = await Promise.all([createTimeSkippingEnv(), bundleWorkflows()]);
  worker = await startKeyTaskWorker(env, bundle, {
    taskQueue: 'working-days',
    deps: { channels: [recordingChannel()] },
  });
}, 120_000);

afterAll(async () => {
  await worker?.stop();
  await env?.teardown();
});

/** The calendar with every date `days` later (a multiple of 7 keeps every weekday). */
function moved(calendar: WorkingCalendar, days: number): WorkingCalendar {
  const by = (d: string) => addDays(d, days);
  return {
    ...calendar,
    from: by(calendar.from),
    to: by(calendar.to),
    offDays: calendar.offDays.map(by),
    workDays: calendar.workDays.map(by),
  };
}

test('reminders 7, 1 and 0 working days before the due date skip the National Day week of 2016', async () => {
  const plan2016 = planFileSchema.parse({
    ...miniPlanInput,
    documentDate: '2016-09-01',
    policy: { ...miniPlanInput.policy, workingDays: { calendar: 'cn-statutory' } },
  });
  const calendar2016 = resolveWorkingCalendar(plan2016, '2016-09-01')!;
  expect(calendar2016.offDays).toEqual(expect.arrayContaining(['2016-10-03', '2016-10-07']));

  // The first Monday 2016-10-10 moved by whole weeks that is at least 20 days ahead.
  const startDate = localDate((await env.currentTimeMs()) + DAY, '+08:00');
  const weeks = Math.ceil((daysBetween('2016-10-10', startDate) + 20) / 7);
  const shift = weeks * 7;
  const due = addDays('2016-10-10', shift);
  const plan = planFileSchema.parse({
    ...plan2016,
    documentDate: startDate,
    schedule: [
      { id: 'first', title: { zh: '第一节点', en: 'First' }, offsetDays: daysBetween(startDate, due) },
      { id: 'final', title: { zh: '年终', en: 'Year end' }, offsetDays: daysBetween(startDate, due) + 60 },
    ],
  });
  const input = keyTaskInput(plan, plan.tasks[0]!, startDate, moved(calendar2016, shift));
  expect(input.milestones[0]!.dueDate).toBe(due);
  const handle = await env.client.workflow.start(KEY_TASK_WORKFLOW, {
    taskQueue: 'working-days',
    workflowId: `working-days-${randomUUID()}`,
    args: [input],
  });

  // Past the due day's reminder; nobody signs, so every reminder goes to every unit.
  await env.sleep(localTimeToEpoch(due, '10:00', '+08:00') - (await env.currentTimeMs()));
  const view: KeyTaskView = await handle.query(getStateQuery);
  const reminders = view.notifications.filter((n) => n.kind === 'reminder');
  const back = (d: string) => addDays(d, -shift);
  expect(reminders.map((n) => [n.daysBefore, back(localDate(Date.parse(n.at), '+08:00'))])).toEqual([
    [7, '2016-09-26'],
    [1, '2016-10-09'],
    [0, '2016-10-10'],
  ]);
  // Each at 09:00 in Beijing, none in the holiday week.
  for (const n of reminders) expect(new Date(n.at).toISOString().slice(11, 16)).toBe('01:00');
  await handle.terminate('test done');
}, 120_000);
