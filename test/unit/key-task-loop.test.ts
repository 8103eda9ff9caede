/**
 * The office's closed loop on the pure transitions (workflows/key-task/loop.ts), with task 2 of the 2016 plan (lead
 * 科技司 science-tech; co-units 财务司, 督导办 and 规划司) started on 2016-02-02, a Tuesday: receipt within 2 working
 * days with a dispute the office settles, the monthly progress report due on the 28th, its miss, and a stall after
 * 30 days without an act. The API test (test/api/closed-loop.test.ts) runs the same through a real server.
 */
import { ApplicationFailure } from '@temporalio/common';
import type { KeyTaskInput, Notification } from '../../contracts';
import { deadlineEpoch, localTimeToEpoch } from '../../domain/calendar';
import { keyTaskInput } from '../../domain/plan';
import { departmentScores } from '../../domain/scores';
import { DEFAULT_PLAN_FILE, loadPlanFile } from '../../seeds/load-plan';
import { initialState, milestoneView, taskRow, taskView, type KeyTaskState } from '../../workflows/key-task/state';
import { transition, validate, type KeyTaskEvent } from '../../workflows/key-task/transitions';
import { asFromApi } from '../../support/sealed-args';

const plan = loadPlanFile(DEFAULT_PLAN_FILE);
const START = '2016-02-02';
const DAY = 86_400_000;
const OFFSET = '+08:00';
const at = (date: string, time = '10:00') => localTimeToEpoch(date, time, OFFSET);
const fromApi = (event: KeyTaskEvent): KeyTaskEvent =>
  event.type === 'turn' ? event : ({ ...event, args: asFromApi(event.type, event.args) } as KeyTaskEvent);

let seq = 0;
const rid = () => `loop-${++seq}`;

/** Task `number` of the 2016 plan with the loop on, and helpers that act as its units and the office do. */
function task(number = 2, loop = true) {
  const input: KeyTaskInput = keyTaskInput(
    plan,
    plan.tasks.find((t) => t.number === number)!,
    START,
  );
  let now = at(START);
  let state: KeyTaskState = initialState(input, now, true, true, loop);
  const sent: Notification[] = [];
  const ctx = () => ({ input, workflowId: `moe-2016-informatization-task-${number}`, now, patched: () => true });
  const act = (event: KeyTaskEvent) => {
    validate(state, fromApi(event), input, now);
    const t = transition(state, event, ctx());
    state = t.state;
    for (const e of t.effects) if (e.kind === 'notify') sent.push(e.notification);
    return t;
  };
  const refusal = (event: KeyTaskEvent): string => {
    try {
      validate(state, fromApi(event), input, now);
    } catch (err) {
      if (err instanceof ApplicationFailure) return err.type ?? '';
      throw err;
    }
    return 'accepted';
  };
  return {
    input,
    act,
    refusal,
    sent,
    get state() {
      return state;
    },
    get now() {
      return now;
    },
    /** Moves workflow time to `instant` and lets the task take its turn, as its timer would wake it. */
    until(instant: number) {
      now = instant;
      return act({ type: 'turn' });
    },
    row: () => taskRow(state, input, now),
    receipts: () => milestoneView(state.milestones[state.current]!).receipts ?? [],
  };
}

const receipt = (department: string, decision: 'receive' | 'dispute', reason?: string): KeyTaskEvent => ({
  type: 'receipt',
  args: { milestoneId: 'work-plan', department, decision, reason, person: `${department} 联络员`, requestId: rid() },
});
const decide = (department: string, decision: 'confirm' | 'reassign', to?: string): KeyTaskEvent => ({
  type: 'settleDispute',
  args: { milestoneId: 'work-plan', department, decision, to, reason: '经核实', person: '办公厅', requestId: rid() },
});
const progress = (department: string, done = '已完成工作方案起草'): KeyTaskEvent => ({
  type: 'reportProgress',
  args: { department, done, coordination: '需财务司协调经费', person: `${department} 联络员`, requestId: rid() },
});

describe('receipt (签收) of a milestone by the units that sign it', () => {
  it('asks every signing unit when the milestone opens, within 2 working days, and reminds on the last day', () => {
    const t = task();
    expect(t.receipts().map((r) => [r.department, r.state, r.dueDate])).toEqual([
      ['science-tech', 'pending', '2016-02-04'],
      ['finance', 'pending', '2016-02-04'],
      ['supervision-office', 'pending', '2016-02-04'],
      ['planning', 'pending', '2016-02-04'],
    ]);
    t.act(receipt('finance', 'receive'));
    expect(t.refusal(receipt('finance', 'receive'))).toBe('AlreadyReceived');
    expect(t.refusal(receipt('prov-beijing', 'receive'))).toBe('NotResponsible');
    expect(t.refusal(receipt('planning', 'dispute', '  '))).toBe('ReasonRequired');
    // Signing the milestone off signs for it too.
    t.act({
      type: 'signOff',
      args: { milestoneId: 'work-plan', department: 'planning', decision: 'approve', person: 'p', requestId: rid() },
    });
    expect(t.receipts().find((r) => r.department === 'planning')!.state).toBe('received');
    t.until(at('2016-02-04', '09:00'));
    expect(t.sent.filter((n) => n.kind === 'receipt-reminder').map((n) => [n.departments, n.answerBy])).toEqual([
      [['science-tech', 'supervision-office'], '2016-02-04'],
    ]);
    expect(t.row().loop?.unreceived).toEqual([]);
    t.until(deadlineEpoch('2016-02-04', OFFSET));
    expect(t.row().loop).toMatchObject({ unreceived: ['science-tech', 'supervision-office'], disputed: [] });
    // A later turn sends the reminder no second time.
    t.until(deadlineEpoch('2016-02-04', OFFSET) + DAY);
    expect(t.sent.filter((n) => n.kind === 'receipt-reminder')).toHaveLength(1);
  });

  it('a dispute goes to the office, which hands the part to another unit, asked to sign for it in turn', () => {
    const t = task();
    t.act(receipt('supervision-office', 'dispute', '本单位不承担该项建设任务'));
    expect(t.sent.at(-1)).toMatchObject({ kind: 'receipt-disputed', departments: ['general-office'] });
    expect(t.row().loop?.disputed).toEqual(['supervision-office']);
    expect(t.refusal(decide('finance', 'confirm'))).toBe('NotDisputed');
    expect(t.refusal(decide('supervision-office', 'reassign', 'finance'))).toBe('AlreadyResponsible');
    expect(t.refusal(decide('supervision-office', 'reassign', 'local-authorities'))).toBe('NotAssignable');
    t.until(t.now + DAY);
    t.act(decide('supervision-office', 'reassign', 'basic-ed-1'));
    const item = t.state.milestones[0]!.items![0]!;
    expect(item.co).toEqual(['finance', 'basic-ed-1', 'planning']);
    const receipts = t.receipts();
    expect(receipts.find((r) => r.department === 'supervision-office')).toMatchObject({
      state: 'handed-over',
      settlement: { decision: 'reassign', to: 'basic-ed-1', department: 'general-office' },
    });
    // 2016-02-03 + 2 working days: Friday the 5th.
    expect(receipts.at(-1)).toMatchObject({ department: 'basic-ed-1', state: 'pending', dueDate: '2016-02-05' });
    expect(t.sent.at(-1)).toMatchObject({ kind: 'receipt-settled', departments: ['supervision-office', 'basic-ed-1'] });
    expect(t.state.changes?.at(-1)).toMatchObject({ kind: 'reassign', from: 'supervision-office', to: 'basic-ed-1' });
    expect(t.row().loop?.disputed).toEqual([]);
  });

  it('the office may confirm the unit instead, and never hands over the task’s lead', () => {
    const t = task();
    t.act(receipt('science-tech', 'dispute', '应由规划司牵头'));
    expect(t.refusal(decide('science-tech', 'reassign', 'basic-ed-1'))).toBe('TaskLeadRequired');
    t.act(decide('science-tech', 'confirm'));
    expect(t.receipts()[0]).toMatchObject({ state: 'confirmed', settlement: { decision: 'confirm' } });
    expect(t.sent.at(-1)).toMatchObject({ kind: 'receipt-settled', departments: ['science-tech'] });
  });

  it('a run without the loop asks for no receipt', () => {
    const t = task(2, false);
    expect(t.receipts()).toEqual([]);
    expect(t.refusal(receipt('finance', 'receive'))).toBe('ReceiptNotAsked');
    expect(t.refusal(progress('science-tech'))).toBe('ProgressNotAsked');
    expect(t.row().loop).toBeUndefined();
  });
});

describe('progress reports on the monthly cadence, their miss, and stalls', () => {
  it('the lead reports for the month until its 28th, co-units add theirs, others are refused', () => {
    const t = task();
    const report = t.act(progress('science-tech')).answer as { period: string; role: string; coordination: string };
    expect(report).toMatchObject({ period: '2016-02', role: 'lead', coordination: '需财务司协调经费' });
    t.act(progress('finance', '经费已落实'));
    expect(t.state.progress!.reports.map((r) => [r.department, r.role])).toEqual([
      ['science-tech', 'lead'],
      ['finance', 'co'],
    ]);
    expect(t.refusal(progress('basic-ed-1'))).toBe('NotTaskUnit');
    expect(t.refusal(progress('finance', ' '))).toBe('ProgressRequired');
    // Reported: no reminder and no miss on the 28th.
    t.until(deadlineEpoch('2016-02-28', OFFSET) + 1);
    expect(t.sent.filter((n) => n.kind.startsWith('progress-'))).toEqual([]);
    expect(t.row().loop?.reportMissing).toBeUndefined();
  });

  it('a report not filed is reminded on the 28th, missed at its end (chased, scored), cleared by the next report', () => {
    const t = task();
    t.act(receipt('finance', 'receive')); // an act on 02-02: the task is not stalled before 03-03
    t.until(at('2016-02-28', '09:00'));
    expect(
      t.sent.filter((n) => n.kind === 'progress-reminder').map((n) => [n.departments, n.period, n.dueDate]),
    ).toEqual([[['science-tech'], '2016-02', '2016-02-28']]);
    t.until(deadlineEpoch('2016-02-28', OFFSET));
    const missed = t.sent.filter((n) => n.kind === 'progress-missed');
    expect(missed.map((n) => [n.departments, n.period])).toEqual([[['science-tech', 'general-office'], '2016-02']]);
    expect(t.state.progress!.missed).toMatchObject([{ period: '2016-02', department: 'science-tech' }]);
    expect(t.row().loop?.reportMissing).toBe('2016-02');
    const scores = departmentScores(plan.policy.scoring!, [taskView(t.state, t.input, t.now)], {
      asOf: t.now,
      utcOffset: OFFSET,
      departments: ['science-tech'],
    });
    expect(scores[0]!.breakdown.find((b) => b.term === 'missed-progress-report')).toEqual({
      term: 'missed-progress-report',
      count: 1,
      points: -1,
    });
    // The late report counts for March, and the board's flag clears.
    const late = t.act(progress('science-tech')).answer as { period: string };
    expect(late.period).toBe('2016-03');
    expect(t.row().loop?.reportMissing).toBeUndefined();
  });

  it('30 days without an act flag the task stalled, once, told to its lead and office; the next act clears it', () => {
    const t = task();
    const quiet = Date.parse(t.state.progress!.lastActivityAt) + 30 * DAY;
    t.until(quiet - 1);
    expect(t.row().loop?.stalledSince).toBeUndefined();
    t.until(quiet);
    const stalled = t.sent.filter((n) => n.kind === 'stalled');
    expect(stalled.map((n) => n.departments)).toEqual([['science-tech', 'general-office']]);
    expect(t.row().loop?.stalledSince).toBe(t.state.progress!.lastActivityAt);
    t.until(quiet + DAY);
    expect(t.sent.filter((n) => n.kind === 'stalled')).toHaveLength(1);
    t.act(progress('science-tech'));
    expect(t.row().loop?.stalledSince).toBeUndefined();
  });

  it('an office chase is not an act of the task: it does not end a stall', () => {
    const t = task();
    const quiet = Date.parse(t.state.progress!.lastActivityAt) + 30 * DAY;
    t.until(quiet);
    t.act({
      type: 'chase',
      args: { milestoneId: 'work-plan', message: '请加快推进', person: '办公厅', requestId: rid() },
    });
    expect(t.row().loop?.stalledSince).toBeDefined();
  });
});
