/**
 * The scoring rule (domain/scores.ts) over task records written by hand: what each department earns and loses
 * as of an instant, with the breakdown the API, the ledger and the bulletin show, and days late counted as the
 * tasks count them (working days on a working-day plan).
 */
import { planFileSchema, type KeyTaskView, type MilestoneView, type ScoringRule } from '../../contracts';
import { ledgerRows } from '../../api/ledger';
import { countingCalendar } from '../../client/working-calendar';
import { departmentScores, milestoneAt, scoreEvents, unitsPendingAt } from '../../domain/scores';
import { miniPlanInput } from '../../support/mini-plan';

const rule: ScoringRule = {
  base: 100,
  overdueLead: 5,
  overdueCoUnit: 3,
  missedProgressReport: 1,
  officeReturn: 2,
  onTime: 1,
  commendAtLeast: 102,
  criticiseBelow: 95,
};
const utcOffset = '+08:00';
/** An instant in the plan's time zone. */
const at = (date: string, time = '12:00') => `${date}T${time}:00+08:00`;
const ms = (iso: string) => Date.parse(iso);

type SignOff = MilestoneView['rounds'][number]['signOffs'][number];
const sign = (department: string, when: string, extra: Partial<SignOff> = {}): SignOff => ({
  department,
  role: department === 'alpha' ? 'lead' : 'co',
  workItems: [0],
  decision: 'approve',
  person: `${department}联络员`,
  at: when,
  requestId: `${department}-${when}`,
  ...extra,
});

function milestone(over: Partial<MilestoneView> & Pick<MilestoneView, 'id' | 'dueDate' | 'state'>): MilestoneView {
  return {
    title: { zh: over.id, en: over.id },
    figures: [],
    originalDueDate: over.dueDate,
    openedOn: '2030-01-01',
    required: [],
    rounds: [],
    pendingDepartments: [],
    ...over,
  };
}

function task(number: number, milestones: MilestoneView[], over: Partial<KeyTaskView> = {}): KeyTaskView {
  return {
    planId: 'mini-plan',
    taskNumber: number,
    section: 1,
    title: { zh: `任务${number}`, en: `Task ${number}` },
    lead: 'alpha',
    coResponsible: ['beta', 'gamma'],
    status: 'on_track',
    asOf: at('2030-03-01'),
    currentMilestone: null,
    nextDue: null,
    pendingDepartments: [],
    escalationLevel: 0,
    extensionPending: false,
    milestones,
    notifications: [],
    escalations: [],
    extensions: [],
    ...over,
  };
}

// Task 1: `first` due 2030-01-31, beta signed on time, gamma on 02-03, the lead closed on 02-04 (4 days late).
const lateClosed = milestone({
  id: 'first',
  dueDate: '2030-01-31',
  state: 'completed',
  completedAt: at('2030-02-04'),
  daysLate: 4,
  rounds: [
    {
      number: 1,
      openedAt: at('2030-01-01'),
      signOffs: [sign('beta', at('2030-01-30')), sign('gamma', at('2030-02-03')), sign('alpha', at('2030-02-04'))],
      outcome: 'approved',
    },
  ],
});
/** A milestone due 2030-02-10, completed on time on 02-09 after the rounds given. */
const closedOnTime = (rounds: MilestoneView['rounds']) =>
  milestone({
    id: 'first',
    dueDate: '2030-02-10',
    state: 'completed',
    completedAt: at('2030-02-09'),
    daysLate: 0,
    rounds,
  });
// Task 2: `first` closed on time; `second` due 2030-02-20, still open, gamma pending.
const onTime = closedOnTime([
  {
    number: 1,
    openedAt: at('2030-01-01'),
    signOffs: [sign('beta', at('2030-02-08')), sign('alpha', at('2030-02-09'))],
  },
]);
const stillOpen = milestone({
  id: 'second',
  dueDate: '2030-02-20',
  openedOn: '2030-02-09',
  state: 'open',
  pendingDepartments: ['gamma', 'alpha'],
  rounds: [{ number: 1, openedAt: at('2030-02-09'), signOffs: [sign('beta', at('2030-02-15'))] }],
});
const views = [task(1, [lateClosed]), task(2, [onTime, stillOpen])];
const departments = ['alpha', 'beta', 'gamma'];

describe('a milestone at an instant', () => {
  it('is late by its recorded days once completed, and by the days since its due date while open', () => {
    expect(milestoneAt(lateClosed, utcOffset, ms(at('2030-03-01')))).toEqual({
      opened: true,
      completed: true,
      daysLate: 4,
    });
    // Before it was completed it was open, and on 2030-02-02 two days late.
    expect(milestoneAt(lateClosed, utcOffset, ms(at('2030-02-02')))).toEqual({
      opened: true,
      completed: false,
      daysLate: 2,
    });
    expect(milestoneAt(stillOpen, utcOffset, ms(at('2030-02-25')))).toEqual({
      opened: true,
      completed: false,
      daysLate: 5,
    });
    // Before the day it opened it had not opened.
    expect(milestoneAt(stillOpen, utcOffset, ms(at('2030-02-05'))).opened).toBe(false);
  });

  it('counts working days late on a working-day plan, as its tasks do: the 2016 National Day week is not late', () => {
    const plan = planFileSchema.parse({
      ...miniPlanInput,
      policy: { ...miniPlanInput.policy, workingDays: { calendar: 'cn-statutory' } },
    });
    const beforeHoliday = milestone({ id: 'first', dueDate: '2016-09-30', openedOn: '2016-09-01', state: 'open' });
    const view = task(1, [beforeHoliday], { asOf: at('2016-10-10'), currentMilestone: 'first' });
    const calendar = countingCalendar(plan, [view]);
    // 10-01..07 off; the adjusted weekend 10-08/09 is worked; 10-10 a Monday: 3 working days, 10 calendar days.
    expect(milestoneAt(beforeHoliday, utcOffset, ms(at('2016-10-10')), calendar).daysLate).toBe(3);
    expect(milestoneAt(beforeHoliday, utcOffset, ms(at('2016-10-10'))).daysLate).toBe(10);
    const rows = ledgerRows(plan, [view], calendar);
    expect(rows.map((r) => [r.kind, r.daysLate])).toEqual([
      ['task', 3],
      ['milestone', 3],
    ]);
    expect(countingCalendar({ ...plan, policy: { ...plan.policy, workingDays: undefined } }, [view])).toBeUndefined();
  });

  it('names the units that had not acted when it fell due: late signers and those still pending', () => {
    const due = ms(at('2030-02-01', '00:00'));
    expect(unitsPendingAt(lateClosed, due).sort()).toEqual(['alpha', 'gamma']);
    expect(unitsPendingAt(stillOpen, ms(at('2030-02-21', '00:00')))).toEqual(['gamma', 'alpha']);
  });
});

describe('the scores', () => {
  it('costs the lead 5 and each late co-unit 3 per overdue milestone, and gives the lead 1 per milestone on time', () => {
    const scores = departmentScores(rule, views, { asOf: ms(at('2030-03-01')), utcOffset, departments });
    const byId = Object.fromEntries(scores.map((s) => [s.department, s]));
    // alpha: task 1 late (-5), task 2's first on time (+1), task 2's second open and late (-5).
    expect(byId.alpha!.score).toBe(91);
    // beta signed everything on time; gamma signed task 1 late (-3) and owes task 2's second (-3).
    expect(byId.beta!.score).toBe(100);
    expect(byId.gamma!.score).toBe(94);
    expect(byId.alpha!.breakdown).toEqual([
      { term: 'overdue-lead', count: 2, points: -10 },
      { term: 'overdue-co-unit', count: 0, points: 0 },
      { term: 'missed-progress-report', count: 0, points: 0 },
      { term: 'office-return', count: 0, points: 0 },
      { term: 'on-time', count: 1, points: 1 },
    ]);
    expect(byId.gamma!.events).toEqual([
      { department: 'gamma', term: 'overdue-co-unit', taskNumber: 1, milestoneId: 'first', points: -3, daysLate: 4 },
      { department: 'gamma', term: 'overdue-co-unit', taskNumber: 2, milestoneId: 'second', points: -3, daysLate: 9 },
    ]);
    // Highest first, with ranks and the rule's standings.
    expect(scores.map((s) => [s.department, s.rank, s.standing])).toEqual([
      ['beta', 1, 'none'],
      ['gamma', 2, 'criticised'],
      ['alpha', 3, 'criticised'],
    ]);
  });

  it('counts only what the record held at the instant asked for', () => {
    // On 2030-02-09 evening: task 1 was late and closed; task 2's first had just closed on time; its second not due.
    const scores = departmentScores(rule, views, { asOf: ms(at('2030-02-09', '20:00')), utcOffset, departments });
    expect(Object.fromEntries(scores.map((s) => [s.department, s.score]))).toEqual({ alpha: 96, beta: 100, gamma: 97 });
  });

  it('commends a department at or above the threshold with nothing overdue', () => {
    const good = [1, 2, 3].map((n) =>
      task(n, [{ ...onTime, rounds: [{ ...onTime.rounds[0]!, signOffs: [sign('alpha', at('2030-02-09'))] }] }], {
        coResponsible: [],
      }),
    );
    const [alpha] = departmentScores(rule, good, { asOf: ms(at('2030-03-01')), utcOffset, departments: ['alpha'] });
    expect(alpha).toMatchObject({ department: 'alpha', score: 103, standing: 'commended', rank: 1 });
  });

  it('costs the lead 2 for a return by the closure review, never for a rejection by the lead or a co-unit', () => {
    const rounds: MilestoneView['rounds'] = [
      {
        number: 1,
        openedAt: at('2030-01-01'),
        signOffs: [sign('beta', at('2030-02-01'), { decision: 'reject', comment: '请补充材料' })],
        outcome: 'rejected',
      },
      {
        number: 2,
        openedAt: at('2030-02-02'),
        signOffs: [sign('beta', at('2030-02-03')), sign('alpha', at('2030-02-04'))],
        outcome: 'approved',
      },
      {
        number: 3,
        openedAt: at('2030-02-05'),
        signOffs: [sign('beta', at('2030-02-08')), sign('alpha', at('2030-02-09'))],
        outcome: 'approved',
      },
    ];
    const review = (decision: 'close' | 'return', round: number, when: string) => ({
      decision,
      round,
      department: 'office',
      person: '办公厅',
      at: when,
      requestId: `rv-${round}`,
    });
    const returnedOnce = task(1, [
      {
        ...closedOnTime(rounds),
        reviews: [review('return', 2, at('2030-02-05')), review('close', 3, at('2030-02-09'))],
      },
    ]);
    const events = (asOf: string) =>
      scoreEvents(rule, [returnedOnce], { asOf: ms(at(asOf)), utcOffset }).map((e) => [e.department, e.term, e.points]);
    expect(events('2030-03-01')).toEqual([
      ['alpha', 'office-return', -2],
      ['alpha', 'on-time', 1],
    ]);
    // Before the return nothing was lost: beta's rejection in round 1 is not an office return.
    expect(events('2030-02-04')).toEqual([]);
  });

  it('leaves out units the plan does not score (a province reporting on its part)', () => {
    const scores = departmentScores(rule, views, { asOf: ms(at('2030-03-01')), utcOffset, departments: ['beta'] });
    expect(scores.map((s) => s.department)).toEqual(['beta']);
  });
});
