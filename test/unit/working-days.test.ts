/**
 * Working-day plans (工作日), with China's statutory holidays of 2016 as `chinese-days` gives them: the National
 * Day week (2016-10-01..07) is off, the weekend 2016-10-08/09 is worked (调休). Reminders fall on working days,
 * counted in working days; days late count working days.
 */
import { planFileSchema, type PlanFile } from '../../contracts';
import { daysLate, isWorkingDay, localDate, reminderDate } from '../../domain/calendar';
import { keyTaskInput } from '../../domain/plan';
import { resolveWorkingCalendar } from '../../client/working-calendar';
import { pendingEvents } from '../../workflows/key-task/schedule';
import { initialState } from '../../workflows/key-task/state';
import { miniPlanInput } from '../../support/mini-plan';

/** The mini plan counting working days, its first milestone due on Monday 2016-10-10. */
const plan: PlanFile = planFileSchema.parse({
  ...miniPlanInput,
  documentDate: '2016-09-01',
  schedule: [
    { id: 'first', title: { zh: '第一节点', en: 'First' }, offsetDays: 39 },
    { id: 'final', title: { zh: '年终', en: 'Year end' }, offsetDays: 121, reportsFigures: true },
  ],
  policy: { ...miniPlanInput.policy, workingDays: { calendar: 'cn-statutory' } },
});
const calendar = resolveWorkingCalendar(plan, '2016-09-01')!;

test('the 2016 calendar: the National Day week off, its adjusted weekend worked', () => {
  expect(calendar).toMatchObject({ name: 'cn-statutory', from: '2016-01-01', to: '2017-12-31' });
  const october = (days: string[]) => days.filter((d) => d.startsWith('2016-10'));
  expect(october(calendar.offDays)).toEqual(['2016-10-03', '2016-10-04', '2016-10-05', '2016-10-06', '2016-10-07']);
  expect(october(calendar.workDays)).toEqual(['2016-10-08', '2016-10-09']);
  expect(['2016-10-01', '2016-10-02', '2016-10-05'].map((d) => isWorkingDay(d, calendar))).toEqual([
    false,
    false,
    false,
  ]);
  expect(['2016-09-30', '2016-10-08', '2016-10-09', '2016-10-10'].every((d) => isWorkingDay(d, calendar))).toBe(true);
});

test('reminders 7, 1 and 0 working days before 2016-10-10 skip the holiday week', () => {
  expect([7, 1, 0].map((n) => reminderDate('2016-10-10', n, calendar))).toEqual([
    '2016-09-26',
    '2016-10-09',
    '2016-10-10',
  ]);
  // In calendar days the 7-day reminder would fall on 2016-10-03, in the holiday.
  expect(reminderDate('2016-10-10', 7)).toBe('2016-10-03');
  // Due on a holiday: the due-day reminder goes out on the last working day before it.
  expect(reminderDate('2016-10-05', 0, calendar)).toBe('2016-09-30');
});

test('the task plans its reminders at 09:00 on those working days', () => {
  const input = keyTaskInput(plan, plan.tasks[0]!, '2016-09-01', calendar);
  expect(input.milestones[0]!.dueDate).toBe('2016-10-10');
  const state = initialState(input, Date.parse('2016-09-01T00:00:00Z'), true, true);
  const reminders = pendingEvents(state, input, 'wd-task-1').filter((e) => e.kind === 'reminder');
  expect(reminders.map((e) => new Date(e.at).toISOString())).toEqual([
    '2016-09-26T01:00:00.000Z',
    '2016-10-09T01:00:00.000Z',
    '2016-10-10T01:00:00.000Z',
  ]);
  expect(reminders.map((e) => localDate(e.at, '+08:00'))).not.toContain('2016-10-03');
});

test('days late count working days: due 2016-09-30, on 2016-10-12 it is 5 working days late (12 calendar days)', () => {
  const at = Date.parse('2016-10-12T03:00:00Z');
  expect(daysLate('2016-09-30', '+08:00', at, calendar)).toBe(5);
  expect(daysLate('2016-09-30', '+08:00', at)).toBe(12);
  expect(daysLate('2016-09-30', '+08:00', Date.parse('2016-10-07T03:00:00Z'), calendar)).toBe(0);
});

test('a working-day plan cannot start without its calendar, and the plan may carry days of its own', () => {
  expect(() => keyTaskInput(plan, plan.tasks[0]!, '2016-09-01')).toThrow(/working days/);
  const own = resolveWorkingCalendar(
    planFileSchema.parse({
      ...plan,
      policy: { ...plan.policy, workingDays: { calendar: 'cn-statutory', offDays: ['2016-09-29'] } },
    }),
    '2016-09-01',
  )!;
  expect(reminderDate('2016-10-10', 7, own)).toBe('2016-09-23');
});
