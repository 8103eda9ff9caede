/**
 * The charts' figures (`api/charts.ts`) on task states a workflow could answer, for the cases the API test's
 * real run does not reach: a milestone returned and reopened, a cancelled task, a milestone completed late, a
 * history longer than two years. Lateness as the engine counts it: the day after the due date is 1 day late.
 */
import { departmentLeague, overdueHistory } from '../../api/charts';
import type { KeyTaskView, MilestoneView } from '../../contracts';
import { miniPlan } from '../../support/mini-plan';

/** 2030-03-11 12:00 in the plan's time zone (+08:00). */
const NOW = Date.parse('2030-03-11T04:00:00Z');

function milestone(over: Partial<MilestoneView>): MilestoneView {
  return {
    id: 'first',
    title: { zh: '第一节点', en: 'First' },
    dueDate: '2030-03-01',
    originalDueDate: '2030-03-01',
    openedOn: '2030-01-31',
    figures: [],
    state: 'open',
    required: [],
    rounds: [],
    pendingDepartments: [],
    ...over,
  };
}

function view(milestones: MilestoneView[], over: Partial<KeyTaskView> = {}): KeyTaskView {
  return {
    planId: miniPlan.id,
    taskNumber: 1,
    section: 1,
    title: { zh: '任务一', en: 'Task one' },
    lead: 'alpha',
    coResponsible: ['beta'],
    status: 'overdue',
    asOf: new Date(NOW).toISOString(),
    currentMilestone: 'first',
    nextDue: '2030-03-01',
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

const signOff = (department: string, decision: 'approve' | 'reject', at: string) => ({
  department,
  role: department === 'alpha' ? ('lead' as const) : ('co' as const),
  workItems: [0],
  decision,
  person: department,
  at,
  requestId: `${department}-${at}`,
});

describe('the departments’ league', () => {
  it('counts a unit that approved before a return as owing again, and its lateness from the due date', () => {
    const returned = milestone({
      state: 'open',
      pendingDepartments: ['beta', 'alpha'],
      rounds: [
        {
          number: 1,
          openedAt: '2030-01-31T00:00:00Z',
          signOffs: [
            signOff('beta', 'approve', '2030-02-20T02:00:00Z'),
            signOff('alpha', 'reject', '2030-02-21T02:00:00Z'),
          ],
          outcome: 'rejected',
        },
        { number: 2, openedAt: '2030-02-22T00:00:00Z', signOffs: [] },
      ],
    });
    const rows = departmentLeague(miniPlan, [view([returned])], NOW);
    // Both owe the reopened round, 10 days past the 1 March due date; beta's first approval no longer counts.
    expect(rows).toEqual([
      { department: 'alpha', values: { pending: 1, overdue: 1, onTimeRate: 0, averageDaysLate: 10 } },
      { department: 'beta', values: { pending: 1, overdue: 1, onTimeRate: 0, averageDaysLate: 10 } },
    ]);
  });

  it('counts signed milestones by the day each unit signed, and leaves a milestone not opened out', () => {
    const done = milestone({
      state: 'completed',
      completedAt: '2030-03-04T02:00:00Z',
      rounds: [
        {
          number: 1,
          openedAt: '2030-01-31T00:00:00Z',
          signOffs: [
            signOff('beta', 'approve', '2030-02-27T02:00:00Z'),
            signOff('alpha', 'approve', '2030-03-04T02:00:00Z'),
          ],
          outcome: 'approved',
        },
      ],
    });
    const later = milestone({ id: 'final', dueDate: '2030-05-31', state: 'pending', openedOn: undefined });
    const rows = departmentLeague(miniPlan, [view([done, later])], NOW);
    expect(rows).toEqual([
      { department: 'alpha', values: { pending: 0, overdue: 0, onTimeRate: 0, averageDaysLate: 3 } },
      { department: 'beta', values: { pending: 0, overdue: 0, onTimeRate: 100, averageDaysLate: null } },
    ]);
  });
});

describe('overdue milestones over time', () => {
  it('counts a milestone from the day after its due date until it is completed or its task cancelled', () => {
    const completedLate = milestone({ state: 'completed', completedAt: '2030-03-04T02:00:00Z' });
    const cancelled = view([milestone({ state: 'cancelled' })], {
      taskNumber: 2,
      status: 'cancelled',
      cancellation: { person: '管理员', reason: '合并', at: '2030-03-06T02:00:00Z' },
    });
    const days = overdueHistory(miniPlan, [view([completedLate]), cancelled], NOW);
    const on = (date: string) => days.find((d) => d.date === date)?.overdue;
    expect(days[0]!.date).toBe('2030-01-31');
    expect(days.at(-1)!.date).toBe('2030-03-11');
    expect(on('2030-03-01')).toBe(0);
    expect(on('2030-03-02')).toBe(2);
    expect(on('2030-03-03')).toBe(2);
    expect(on('2030-03-04')).toBe(1); // completed that day
    expect(on('2030-03-05')).toBe(1);
    expect(on('2030-03-06')).toBe(0); // its task cancelled that day
  });

  it('draws at most the last two years, and nothing before a milestone opened', () => {
    const old = milestone({ dueDate: '2025-01-10', originalDueDate: '2025-01-10', openedOn: '2025-01-01' });
    const days = overdueHistory(miniPlan, [view([old])], NOW);
    expect(days).toHaveLength(731);
    expect(days.every((d) => d.overdue === 1)).toBe(true);
    expect(overdueHistory(miniPlan, [view([milestone({ state: 'pending', openedOn: undefined })])], NOW)).toEqual([]);
  });
});
