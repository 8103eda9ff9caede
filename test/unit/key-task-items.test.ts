/**
 * Work-item responsibility on the pure transitions, with the 2016 plan's own tasks: each item signed by its
 * own units (co-units first, its lead last), the task's lead closing the milestone, the 32 provinces reporting
 * on the collective's part, the lead's early close, designations, the office's waivers, reassignments and
 * added co-units, and the refusals of each. The API tests (test/api/work-items.test.ts) run the same through
 * a real Temporal server.
 */
import { ApplicationFailure } from '@temporalio/common';
import type { KeyTaskInput, MilestoneView } from '../../contracts';
import { localTimeToEpoch } from '../../domain/calendar';
import { keyTaskInput, milestoneActs } from '../../domain/plan';
import { DEFAULT_PLAN_FILE, loadPlanFile } from '../../seeds/load-plan';
import { pendingEvents } from '../../workflows/key-task/schedule';
import { initialState, milestoneView, taskRow, type KeyTaskState } from '../../workflows/key-task/state';
import { transition, validate, type KeyTaskEvent } from '../../workflows/key-task/transitions';
import { asFromApi } from '../../support/sealed-args';

/** The event as the validators receive it from the API: sealed, with the actor the API names. */
const fromApi = (event: KeyTaskEvent): KeyTaskEvent =>
  event.type === 'turn' ? event : ({ ...event, args: asFromApi(event.type, event.args) } as KeyTaskEvent);

const plan = loadPlanFile(DEFAULT_PLAN_FILE);
const START = '2016-02-02';
const DAY = 86_400_000;
const provinces = plan.departments.find((d) => d.id === 'local-authorities')!.members!;

let seq = 0;
const rid = () => `r-${++seq}`;

/** One task of the 2016 plan on the pure transitions, with helpers that act as its units do. */
function task(number: number) {
  const input: KeyTaskInput = keyTaskInput(
    plan,
    plan.tasks.find((t) => t.number === number)!,
    START,
  );
  const t0 = localTimeToEpoch(START, '10:00', input.policy.utcOffset);
  let state: KeyTaskState = initialState(input, t0, true, true);
  let now = t0 + DAY;
  const ctx = () => ({ input, workflowId: `moe-2016-informatization-task-${number}`, now, patched: () => true });
  const act = (event: KeyTaskEvent) => {
    validate(state, fromApi(event), input, now);
    const t = transition(state, event, ctx());
    state = t.state;
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
  const milestone = (): MilestoneView => milestoneView(state.milestones[state.current] ?? state.milestones.at(-1)!);
  const sign = (department: string, workItem?: number) => ({
    type: 'signOff' as const,
    args: {
      milestoneId: 'work-plan',
      department,
      decision: 'approve' as const,
      workItem,
      person: '联络员',
      requestId: rid(),
    },
  });
  const report = (
    department: string,
    workItem: number,
    status: 'done' | 'in_progress' | 'not_applicable' = 'done',
  ) => ({
    type: 'report' as const,
    args: {
      milestoneId: 'work-plan',
      workItem,
      department,
      status,
      text: '已完成部署',
      person: '厅联络员',
      requestId: rid(),
    },
  });
  const office = { person: '办公厅 王五', requestId: '' };
  return {
    input,
    act,
    refusal,
    sign,
    report,
    milestone,
    get state() {
      return state;
    },
    later(days: number) {
      now += days * DAY;
    },
    turn: () => act({ type: 'turn' }),
    reportAll(workItem: number, except: string[] = []) {
      for (const p of provinces) if (!except.includes(p)) act(report(p, workItem));
    },
    office: () => ({ ...office, requestId: rid() }),
  };
}

describe('a milestone is signed item by item, the task’s lead closing it last of all', () => {
  it('task 3: each item by its own units, the collective’s part by 32 province reports', () => {
    const t = task(3);
    const items = t.milestone().items!;
    expect(t.input.task.lead).toBe('basic-ed-2');
    expect(items.map((i) => i.lead)).toEqual(['basic-ed-2', 'science-tech', 'pep', 'science-tech']);
    expect(items[0]!.progress).toEqual([{ id: 'local-authorities', reported: 0, total: 32, done: false }]);
    // 科技司 leads items 2 and 4: it signs them after their co-units and the provinces.
    expect(t.refusal(t.sign('science-tech'))).toBe('LeadSignsLast');
    expect(t.refusal(t.sign('prov-beijing'))).toBe('NotResponsible');
    t.act(t.sign('ncet')); // a co-unit of items 1 and 2: one act signs both
    t.reportAll(0, ['prov-tibet']);
    expect(t.milestone().items![0]!.progress[0]).toMatchObject({ reported: 31, total: 32, done: false });
    expect(t.milestone().items![0]!.pending).toEqual(['prov-tibet', 'basic-ed-2']);
    t.act(t.report('prov-tibet', 0, 'in_progress'));
    expect(t.milestone().items![0]!.pending).toEqual(['basic-ed-2']);
    t.act(t.sign('basic-ed-2', 1)); // 基础二司 co-signs item 2, which 科技司 leads
    t.reportAll(1);
    t.reportAll(3);
    t.act(t.sign('finance'));
    expect(t.refusal(t.sign('basic-ed-2'))).toBe('LeadSignsLast');
    t.act(t.sign('science-tech')); // items 2 and 4, as their lead
    expect(t.milestone().pendingDepartments).toEqual(['pep', 'basic-ed-2']);
    t.act(t.sign('pep'));
    expect(t.milestone().items![2]!.done).toBe(true);
    // Only the task's lead is left: its close signs item 1, which it leads, and completes the milestone.
    const close = t.act(t.sign('basic-ed-2'));
    expect(close.answer).toMatchObject({ state: 'completed' });
    const round = t.state.milestones[0]!.rounds[0]!;
    expect(round.signOffs.map((s) => [s.department, s.role, s.workItems])).toEqual([
      ['ncet', 'co', [0]],
      ['ncet', 'co', [1]],
      ['basic-ed-2', 'co', [1]],
      ['finance', 'co', [3]],
      ['science-tech', 'lead', [1]],
      ['science-tech', 'lead', [3]],
      ['pep', 'lead', [2]],
      ['basic-ed-2', 'lead', [0]],
    ]);
    expect(t.state.current).toBe(1);
  });

  it('task 3 again: the item’s lead closes the provinces’ part early at 30/32, with the reason kept', () => {
    const t = task(3);
    t.reportAll(0, ['prov-tibet', 'prov-xpcc']);
    expect(
      t.refusal({
        type: 'closeCollective',
        args: {
          milestoneId: 'work-plan',
          workItem: 0,
          department: 'ncet',
          reason: '两地不适用',
          person: 'x',
          requestId: rid(),
        },
      }),
    ).toBe('NotItemLead');
    t.act({
      type: 'closeCollective',
      args: {
        milestoneId: 'work-plan',
        workItem: 0,
        department: 'basic-ed-2',
        reason: '西藏、兵团本节点不适用',
        person: '基础二司 李四',
        requestId: rid(),
      },
    });
    const part = t.milestone().items![0]!.collectives[0]!;
    expect(part.closure).toMatchObject({ reported: 30, total: 32, reason: '西藏、兵团本节点不适用' });
    expect(t.milestone().items![0]!.progress[0]).toMatchObject({ reported: 30, done: true });
    expect(t.refusal(t.report('prov-tibet', 0))).toBe('PartClosed');
    t.act(t.sign('ncet', 0));
    expect(t.milestone().items![0]!.pending).toEqual(['basic-ed-2']);
    expect(t.state.changes!.map((c) => [c.kind, c.departments])).toEqual([
      ['close-collective', ['prov-tibet', 'prov-xpcc']],
    ]);
  });

  it('task 17: the provinces report, then the steward 科技司 closes it', () => {
    const t = task(17);
    expect(t.input.task.lead).toBe('science-tech');
    expect(t.refusal(t.sign('science-tech'))).toBe('LeadSignsLast');
    t.reportAll(0);
    expect(t.milestone().pendingDepartments).toEqual(['science-tech']);
    expect(t.act(t.sign('science-tech')).answer).toMatchObject({ state: 'completed' });
  });

  it('task 6: 国家开放大学 and 离退休局 sign their items as leads; a one-item task signs as before', () => {
    const t = task(6);
    expect(t.milestone().pendingDepartments).toEqual(['ouc', 'retirees', 'vocational-adult']);
    t.act(t.sign('ouc'));
    t.act(t.sign('retirees'));
    const signed = t.state.milestones[0]!.rounds[0]!.signOffs.map((s) => [s.department, s.role, s.workItems]);
    expect(signed).toEqual([
      ['ouc', 'lead', [1]],
      ['retirees', 'lead', [2]],
    ]);
    expect(t.act(t.sign('vocational-adult')).answer).toMatchObject({ state: 'completed' });
    const one = task(21);
    expect(one.refusal(one.sign('supervision-office'))).toBe('LeadSignsLast');
    one.act(one.sign('science-tech'));
    expect(one.act(one.sign('supervision-office')).answer).toMatchObject({ state: 'completed' });
  });
});

describe('designated departments (相关业务司局)', () => {
  const designate = (department: string, departments: string[], reason = '按职责指定') => ({
    type: 'designate' as const,
    args: { workItem: 1, department, departments, reason, person: '科技司 张三', requestId: rid() },
  });

  it('task 1: 待指定 blocks nothing; once 高教司 and 职成司 are designated they sign before the lead', () => {
    const t = task(1);
    expect(t.milestone().items![1]!.awaitingDesignation).toEqual(['relevant-departments']);
    expect(t.refusal(designate('basic-ed-2', ['higher-ed']))).toBe('NotItemLead');
    expect(t.refusal(designate('science-tech', ['ncet']))).toBe('NotMinistryDepartment');
    expect(t.refusal(designate('science-tech', ['prov-beijing']))).toBe('NotMinistryDepartment');
    expect(t.refusal(designate('science-tech', ['higher-ed'], ' '))).toBe('ReasonRequired');
    expect(
      t.refusal({
        ...designate('science-tech', ['higher-ed']),
        args: { ...designate('science-tech', ['higher-ed']).args, workItem: 0 },
      }),
    ).toBe('NotDesignatedItem');
    const answer = t.act(designate('science-tech', ['higher-ed', 'vocational-adult']));
    const notice = answer.effects.find((e) => e.kind === 'notify');
    expect(notice).toMatchObject({
      notification: { kind: 'responsibility-changed', departments: ['higher-ed', 'vocational-adult'] },
    });
    expect(t.milestone().items![1]!.awaitingDesignation).toEqual([]);
    expect(t.milestone().pendingDepartments).toEqual(
      expect.arrayContaining(['higher-ed', 'vocational-adult', 'basic-ed-2', 'ethnic-ed', 'ethnic-ed-center']),
    );
    expect(t.state.changes![0]).toMatchObject({
      kind: 'designate',
      by: 'science-tech',
      person: '科技司 张三',
      reason: '按职责指定',
    });
    expect(taskRow(t.state, t.input, Date.now()).departments).toEqual(expect.arrayContaining(['higher-ed']));
    // Later milestones keep them.
    expect(t.state.milestones[3]!.items![1]!.designations[0]!.designated).toEqual(['higher-ed', 'vocational-adult']);
    for (const d of ['higher-ed', 'vocational-adult', 'ethnic-ed', 'ethnic-ed-center']) t.act(t.sign(d));
    t.act(t.sign('science-tech', 2)); // 科技司 is a co-unit of item 3, which 基础二司 leads
    t.act(t.sign('basic-ed-2'));
    expect(t.act(t.sign('science-tech')).answer).toMatchObject({ state: 'completed' });
  });
});

describe('the office’s changes: waiver, reassignment, added co-unit', () => {
  it('a waiver takes a unit out of one milestone; the lead-last rule counts only who still signs', () => {
    const t = task(23);
    const waive = (unit: string, reason = '本节点不涉及') => ({
      type: 'waive' as const,
      args: { milestoneId: 'work-plan', workItem: 0, unit, reason, ...t.office() },
    });
    expect(t.refusal(waive('unesco-secretariat'))).toBe('TaskLeadRequired');
    expect(t.refusal(waive('hanban'))).toBe('NotResponsible');
    expect(t.refusal(waive('international', ''))).toBe('ReasonRequired');
    t.act(t.sign('science-tech'));
    expect(t.refusal(t.sign('unesco-secretariat'))).toBe('LeadSignsLast');
    t.act(waive('international'));
    expect(t.refusal(waive('international'))).toBe('AlreadyWaived');
    expect(t.milestone().items![0]!.waived).toEqual([
      expect.objectContaining({ department: 'international', reason: '本节点不涉及' }),
    ]);
    expect(t.act(t.sign('unesco-secretariat')).answer).toMatchObject({ state: 'completed' });
    // The next milestone asks 国际司 again.
    expect(t.milestone().pendingDepartments).toEqual(['science-tech', 'international', 'unesco-secretariat']);
  });

  it('a reassignment hands a part to another department, who must then sign; an added co-unit too', () => {
    const t = task(5);
    const reassign = (from: string, to: string) => ({
      type: 'reassign' as const,
      args: { workItem: 2, from, to, reason: '职能调整', ...t.office() },
    });
    expect(t.refusal(reassign('higher-ed', 'ideological-political'))).toBe('NotResponsible');
    expect(t.refusal(reassign('ideological-political', 'prov-beijing'))).toBe('NotAssignable');
    expect(t.refusal(reassign('ideological-political', 'ideological-political'))).toBe('AlreadyResponsible');
    t.act(reassign('ideological-political', 'press-office'));
    expect(t.refusal(reassign('ideological-political', 'students'))).toBe('NotResponsible');
    expect(t.milestone().items![2]!.lead).toBe('press-office');
    expect(t.state.milestones[3]!.items![2]!.lead).toBe('press-office');
    const add = t.act({ type: 'addCoUnit', args: { workItem: 1, unit: 'ncet', reason: '资源支撑', ...t.office() } });
    expect(add.effects.filter((e) => e.kind === 'notify')).toHaveLength(1);
    expect(t.milestone().items![1]!.co).toEqual(['ncet']);
    expect(t.state.changes!.map((c) => c.kind)).toEqual(['reassign', 'add-co-unit']);
    t.act(t.sign('ideological-political', 0));
    t.act(t.sign('press-office'));
    expect(t.refusal(t.sign('higher-ed'))).toBe('LeadSignsLast');
    t.act(t.sign('ncet'));
    expect(t.act(t.sign('higher-ed')).answer).toMatchObject({ state: 'completed' });
  });
});

describe('the provinces’ own reports, reminders and overdue notices', () => {
  it('refuses a report on another item, a milestone not open, without a text, or without asked figures', () => {
    const t = task(3);
    expect(t.refusal(t.report('prov-beijing', 2))).toBe('NotResponsible');
    expect(t.refusal(t.report('science-tech', 0))).toBe('NotResponsible');
    expect(t.refusal(t.report('prov-beijing', 9))).toBe('UnknownWorkItem');
    expect(
      t.refusal({
        ...t.report('prov-beijing', 0),
        args: { ...t.report('prov-beijing', 0).args, milestoneId: 'mid-year' },
      }),
    ).toBe('NotCurrentMilestone');
    expect(
      t.refusal({ ...t.report('prov-beijing', 0), args: { ...t.report('prov-beijing', 0).args, text: ' ' } }),
    ).toBe('CommentRequired');
    const t2 = task(2);
    expect(t2.refusal(t2.report('prov-beijing', 0))).toBe('NotResponsible');
  });

  it('reminds the provinces that have not reported, and sends them and the item’s lead an overdue notice', () => {
    const t = task(17);
    t.reportAll(0, ['prov-hainan', 'prov-gansu']);
    t.later(27); // 2016-03-01 10:00, past the 7- and 1-day reminders and the due date's
    const reminders = t.turn().effects.flatMap((e) => (e.kind === 'notify' ? [e.notification] : []));
    expect(reminders.map((n) => n.kind)).toEqual(['reminder', 'reminder', 'reminder']);
    expect(reminders[2]!.departments).toEqual(['prov-hainan', 'prov-gansu', 'science-tech']);
    t.later(1);
    const late = t.turn().effects.flatMap((e) => (e.kind === 'notify' ? [e.notification] : []));
    const overdue = late.find((n) => n.kind === 'overdue' && n.workItem === 0)!;
    expect(overdue).toMatchObject({
      workItem: 0,
      departments: ['prov-hainan', 'prov-gansu', 'science-tech'],
      daysLate: 1,
    });
    // The escalation step chases every unit still owing something in any item (provinces and lead), level 1.
    const chase = late.find((n) => n.kind === 'overdue' && n.workItem === undefined)!;
    expect(chase).toMatchObject({ level: 1, daysLate: 1, departments: ['prov-hainan', 'prov-gansu', 'science-tech'] });
    expect(pendingEvents(t.state, t.input, 'moe-2016-informatization-task-17').some((e) => e.kind === 'overdue')).toBe(
      false,
    );
    expect(taskRow(t.state, t.input, Date.now()).parts).toEqual([
      { workItem: 0, id: 'local-authorities', reported: 30, total: 32 },
    ]);
  });
});

describe('the acts that complete a milestone (domain/plan.ts milestoneActs, used by tests and the bench)', () => {
  it.each(plan.tasks.map((t) => t.number))('complete the first milestone of 2016 task %i, the close last', (n) => {
    const t = task(n);
    const acts = milestoneActs(
      plan,
      plan.tasks.find((x) => x.number === n)!,
    );
    for (const act of acts.slice(0, -1)) {
      t.act(act.kind === 'sign' ? t.sign(act.department, act.workItem) : t.report(act.department, act.workItem));
      expect(t.state.current).toBe(0);
    }
    expect(acts.at(-1)).toEqual({ kind: 'sign', department: t.input.task.lead });
    t.act(t.sign(acts.at(-1)!.department));
    expect(t.state.milestones[0]!.state).toBe('completed');
  });
});
