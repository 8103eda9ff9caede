/**
 * The key task's rules, one test each, on the pure transitions alone: no Temporal server, no workflow. The
 * mini plan's task 1 has lead `alpha` and co-units `beta` and `gamma`; its milestones are `first` (due 30
 * days after the start) and `final` (120 days, with figures); escalation levels 1, 2 and 3 fall 0, 7 and 14
 * days after a deadline. Workflow tests (test/workflow) check the same rules through a real server.
 */
import { ApplicationFailure } from '@temporalio/common';
import { refusalWords, type KeyTaskInput, type SignOffArgs } from '../../contracts';
import { addDays, deadlineEpoch, localTimeToEpoch } from '../../domain/calendar';
import { initialState, taskRow, taskView, type KeyTaskState } from '../../workflows/key-task/state';
import { PATCH_NOTICE_TIME } from '../../workflows/key-task/schedule';
import {
  PATCH_CHASE_PENDING,
  PATCH_ONE_ESCALATION_NOTICE,
  PATCH_ROUND_CAP,
  PATCH_ROUND_CAP_SUPERVISED,
  PATCH_SUPERVISE_NOTICES,
  PATCH_WITHDRAW_ON_COMPLETION,
  transition,
  validate,
  type Effect,
  type KeyTaskEvent,
} from '../../workflows/key-task/transitions';
import { miniTaskInput } from '../../support/mini-plan';
import { asFromApi } from '../../support/sealed-args';

const START = '2030-03-01';
const input: KeyTaskInput = miniTaskInput(START);
const WORKFLOW_ID = 'mini-plan-task-1';
const DAY = 86_400_000;
const startedAt = localTimeToEpoch(START, '10:00', input.policy.utcOffset);
const firstDue = input.milestones[0]!.dueDate;
const finalDue = input.milestones[1]!.dueDate;
/** When a notice `days` after the day `date` goes out: the plan's notice time (09:00 local) of that day. */
const noticeAt = (days: number, date = firstDue) =>
  localTimeToEpoch(addDays(date, days), input.policy.reminderTime, input.policy.utcOffset);

let requests = 0;
const sign = (department: string, over: Partial<SignOffArgs> = {}): KeyTaskEvent => ({
  type: 'signOff',
  args: {
    milestoneId: 'first',
    department,
    decision: 'approve',
    person: `${department} 联络员`,
    requestId: `req-${++requests}`,
    ...over,
  },
});

/** The event as the validators receive it from the API: sealed, with the actor the API names. */
const fromApi = (event: KeyTaskEvent): KeyTaskEvent =>
  event.type === 'turn' ? event : ({ ...event, args: asFromApi(event.type, event.args) } as KeyTaskEvent);

/** Validates and applies `event` at `now` (as the workflow's validator and handler do); answers the step. */
function step(state: KeyTaskState, event: KeyTaskEvent, now = startedAt + DAY, patches = true) {
  validate(state, fromApi(event), input, now);
  return transition(state, event, { input, workflowId: WORKFLOW_ID, now, patched: () => patches });
}

/** Applies events one after another from the initial state; answers the last state. */
function run(events: KeyTaskEvent[], now = startedAt + DAY): KeyTaskState {
  return events.reduce((s, e) => step(s, e, now).state, initialState(input, startedAt));
}

/** The refusal code and Chinese words `event` is refused with at `now`. */
function refusal(state: KeyTaskState, event: KeyTaskEvent, now = startedAt + DAY): { code: string; zh: string } {
  try {
    validate(state, fromApi(event), input, now);
  } catch (err) {
    if (!(err instanceof ApplicationFailure)) throw err;
    return { code: err.type ?? '', zh: refusalWords(err.details)?.zh ?? '' };
  }
  throw new Error(`${event.type} was accepted but should have been refused`);
}

const notices = (effects: Effect[]) =>
  effects
    .flatMap((e) => (e.kind === 'notify' ? [e.notification] : []))
    .map((n) => ({ kind: n.kind, to: n.departments }));

test('the lead signs last: refused while co-units are pending, and its approval completes the milestone', () => {
  const s0 = initialState(input, startedAt);
  expect(refusal(s0, sign('alpha'))).toEqual({ code: 'LeadSignsLast', zh: expect.stringContaining('beta、gamma') });
  const s1 = run([sign('beta'), sign('gamma')]);
  expect(taskRow(s1, input, startedAt + DAY).pendingDepartments).toEqual(['alpha']);
  const done = step(s1, sign('alpha'));
  expect(done.answer).toMatchObject({ id: 'first', state: 'completed', daysLate: 0 });
  expect(done.state.milestones[1]!.state).toBe('open');
  expect(taskRow(done.state, input, startedAt + DAY)).toMatchObject({
    currentMilestone: 'final',
    pendingDepartments: ['beta', 'gamma', 'alpha'],
  });
});

test('a unit that is not responsible, or signs twice in a round, is refused', () => {
  expect(refusal(initialState(input, startedAt), sign('office')).code).toBe('NotResponsible');
  expect(refusal(run([sign('beta')]), sign('beta')).code).toBe('AlreadySigned');
});

test('a rejection returns the milestone to the lead, who is told; the resubmission opens round 2 for everyone', () => {
  const s1 = run([sign('beta')]);
  expect(refusal(s1, sign('gamma', { decision: 'reject' })).code).toBe('CommentRequired');
  const rejected = step(s1, sign('gamma', { decision: 'reject', comment: '数据不全' }));
  expect(rejected.state.milestones[0]!.state).toBe('returned');
  // The lead is told to revise; beta, whose approval the rejection voids, that it must approve again.
  expect(notices(rejected.effects)).toEqual([
    { kind: 'returned', to: ['alpha'] },
    { kind: 'approval-voided', to: ['beta'] },
  ]);
  expect(taskRow(rejected.state, input, startedAt + DAY).pendingDepartments).toEqual(['alpha']);
  expect(refusal(rejected.state, sign('beta')).code).toBe('AwaitingResubmission');

  const resubmit: KeyTaskEvent = {
    type: 'resubmit',
    args: { milestoneId: 'first', department: 'beta', note: '已补充', person: '乙', requestId: 'resub-x' },
  };
  expect(refusal(rejected.state, resubmit).code).toBe('NotLead');
  const again = step(rejected.state, { ...resubmit, args: { ...resubmit.args, department: 'alpha' } });
  const m = again.state.milestones[0]!;
  expect(m.state).toBe('open');
  expect(m.rounds.map((r) => [r.number, r.outcome ?? 'open'])).toEqual([
    [1, 'rejected'],
    [2, 'open'],
  ]);
  // Round 2 starts empty: beta, who approved in round 1, signs again; the units that sign are told it is back.
  expect(taskRow(again.state, input, startedAt + DAY).pendingDepartments).toEqual(['beta', 'gamma', 'alpha']);
  expect(notices(again.effects)).toEqual([{ kind: 'resubmitted', to: ['beta', 'gamma'] }]);
  // Round 2 is reminded again: the reminder seven days before the due date goes out a second time.
  const seven = noticeAt(-7);
  const first = step(
    step(run([]), { type: 'turn' }, seven + 1).state,
    sign('beta', { decision: 'reject', comment: '补' }),
    seven + 2,
  );
  const round2 = step(
    first.state,
    { ...resubmit, args: { ...resubmit.args, department: 'alpha', requestId: 'resub-y' } },
    seven + 3,
  );
  const reminded = step(round2.state, { type: 'turn' }, noticeAt(-1) + 1);
  expect(notices(reminded.effects)).toEqual([{ kind: 'reminder', to: ['beta', 'gamma', 'alpha'] }]);
  expect(reminded.state.notifications.filter((n) => n.kind === 'reminder' && n.daysBefore === 1)).toHaveLength(1);
  expect(reminded.state.notifications.at(-1)!.id).toContain('/r2/1d');
});

test('a retried request is applied once and answers what it answered the first time', () => {
  const event = sign('beta');
  const once = step(initialState(input, startedAt), event);
  const twice = step(once.state, event);
  expect(twice.changed).toBe(false);
  expect(twice.state.milestones[0]!.rounds[0]!.signOffs).toHaveLength(1);
  expect(twice.answer).toEqual(once.answer);
});

test('a transition leaves the state it was given unchanged', () => {
  const before = initialState(input, startedAt);
  const copy = JSON.parse(JSON.stringify(before)) as KeyTaskState;
  const after = step(before, sign('beta')).state;
  expect(before).toEqual(copy);
  expect(after).not.toEqual(copy);
});

test('the year-end milestone asks the lead for its figures, and completing it completes the task', () => {
  const s1 = run(
    [sign('beta'), sign('gamma'), sign('alpha')].concat(
      ['beta', 'gamma'].map((d) => sign(d, { milestoneId: 'final' })),
    ),
  );
  const lead = sign('alpha', { milestoneId: 'final' });
  expect(refusal(s1, lead)).toEqual({ code: 'FigureMissing', zh: expect.stringContaining('share') });
  const withFigures = sign('alpha', { milestoneId: 'final', figures: { share: 101, people: 800 } });
  expect(refusal(s1, withFigures).code).toBe('FigureInvalid');
  const done = step(s1, sign('alpha', { milestoneId: 'final', figures: { share: 96, people: 812 } }));
  expect(done.state.lifecycle).toBe('completed');
  expect(taskRow(done.state, input, startedAt + DAY)).toMatchObject({ status: 'completed', currentMilestone: null });
  expect(refusal(done.state, sign('beta', { milestoneId: 'final' })).code).toBe('TaskClosed');
});

test('on a plan with closure review the lead submits the last milestone with evidence; the office returns it, then closes it', () => {
  const reviewed: KeyTaskInput = {
    ...input,
    policy: { ...input.policy, closureReview: { milestones: [], evidenceRequired: true } },
  };
  const now = startedAt + DAY;
  const go = (s: KeyTaskState, e: KeyTaskEvent, at = now) => {
    validate(s, fromApi(e), reviewed, at);
    return transition(s, e, { input: reviewed, workflowId: WORKFLOW_ID, now: at, patched: () => true });
  };
  const refused = (s: KeyTaskState, e: KeyTaskEvent) => {
    try {
      validate(s, fromApi(e), reviewed, now);
    } catch (err) {
      return (err as ApplicationFailure).type;
    }
    return 'accepted';
  };
  const evidence = [
    { kind: 'file' as const, hash: 'a'.repeat(64), name: '验收报告.pdf', size: 1024, type: 'application/pdf' },
    { kind: 'link' as const, url: 'https://example.org/launch', title: '平台上线公告' },
  ];
  const figures = { share: 96, people: 812 };
  const review = (decision: 'close' | 'return', reason?: string): KeyTaskEvent => ({
    type: 'reviewClosure',
    args: { milestoneId: 'final', decision, reason, person: '办公厅', requestId: `rv-${++requests}` },
  });
  // `first` is not reviewed: the lead's approval completes it.
  let s = [sign('beta'), sign('gamma'), sign('alpha')].reduce(
    (x, e) => go(x, e).state,
    initialState(reviewed, startedAt),
  );
  expect(s.milestones[0]!.state).toBe('completed');
  s = ['beta', 'gamma'].reduce((x, d) => go(x, sign(d, { milestoneId: 'final' })).state, s);
  // Evidence goes with the lead's submission only, and the submission needs some.
  expect(refused(s, sign('alpha', { milestoneId: 'final', figures }))).toBe('EvidenceRequired');
  const submitted = go(s, sign('alpha', { milestoneId: 'final', figures, evidence }));
  const m = submitted.state.milestones[1]!;
  expect(m).toMatchObject({ state: 'submitted', awaitingReview: 'office' });
  expect(m.rounds[0]!.signOffs.at(-1)!.evidence).toEqual(evidence);
  expect(submitted.state.lifecycle).toBe('active');
  expect(taskRow(submitted.state, reviewed, now).pendingDepartments).toEqual(['office']);
  expect(notices(submitted.effects)).toEqual([{ kind: 'closure-submitted', to: ['office'] }]);
  // Nothing is reminded or escalated while the office reviews, however late it gets.
  const lateTurn = go(submitted.state, { type: 'turn' }, noticeAt(30, finalDue));
  expect(notices(lateTurn.effects)).toEqual([]);
  // Units cannot sign a submitted milestone; a coordinator cannot review; a return needs reasons.
  expect(refused(submitted.state, sign('beta', { milestoneId: 'final' }))).toBe('AwaitingReview');
  const asLead = review('close') as Extract<KeyTaskEvent, { type: 'reviewClosure' }>;
  const coordinator = { role: 'coordinator' as const, department: 'alpha', person: '甲', token: 'test00000000' };
  expect(refused(submitted.state, { ...asLead, args: { ...asLead.args, actor: coordinator } })).toBe('ActorNotAllowed');
  expect(refused(submitted.state, review('return', ' '))).toBe('ReasonRequired');
  // Returned (退回重办): a new round for all its units, told with the reasons.
  const returned = go(submitted.state, review('return', '佐证材料不足'));
  const back = returned.state.milestones[1]!;
  expect(back).toMatchObject({ state: 'open', reviews: [{ decision: 'return', round: 1, reason: '佐证材料不足' }] });
  expect(back.rounds.map((r) => r.number)).toEqual([1, 2]);
  expect(notices(returned.effects)).toEqual([{ kind: 'closure-returned', to: ['alpha', 'beta', 'gamma'] }]);
  expect(refused(returned.state, review('close'))).toBe('NotSubmitted');
  // Signed and submitted again, then closed (销号): completed, the task with it.
  s = ['beta', 'gamma'].reduce((x, d) => go(x, sign(d, { milestoneId: 'final' })).state, returned.state);
  s = go(s, sign('alpha', { milestoneId: 'final', figures, evidence })).state;
  const closed = go(s, review('close'));
  expect(closed.state.milestones[1]).toMatchObject({ state: 'completed', daysLate: 0 });
  expect(closed.state.milestones[1]!.reviews!.map((r) => r.decision)).toEqual(['return', 'close']);
  expect(closed.state.lifecycle).toBe('completed');
  expect(notices(closed.effects)).toEqual([{ kind: 'closure-closed', to: ['alpha'] }]);
  // On a plan without the review, evidence is not asked for.
  const plain = run(['beta', 'gamma'].map((d) => sign(d)));
  expect(refusal(plain, sign('alpha', { evidence })).code).toBe('EvidenceNotAsked');
});

test('a unit asks the office to coordinate a matter; the office records how it was settled and the units are told', () => {
  const ask = (department: string, matter: string): KeyTaskEvent => ({
    type: 'requestCoordination',
    args: { department, matter, units: ['gamma'], person: `${department} 联络员`, requestId: `co-${++requests}` },
  });
  const settle = (coordinationId: string, outcome: string): KeyTaskEvent => ({
    type: 'settleCoordination',
    args: { coordinationId, outcome, person: '办公厅', requestId: `cs-${++requests}` },
  });
  const s0 = initialState(input, startedAt);
  expect(refusal(s0, ask('outsider', '与外部门的接口'))).toMatchObject({ code: 'NotTaskUnit' });
  expect(refusal(s0, ask('beta', '  '))).toMatchObject({ code: 'MatterRequired' });
  const asked = step(s0, ask('beta', '与丙单位的数据口径不一致'));
  expect(asked.answer).toMatchObject({ id: 'c1', milestoneId: 'first', state: 'open', units: ['gamma'] });
  expect(notices(asked.effects)).toEqual([{ kind: 'coordination-requested', to: ['office'] }]);
  expect(refusal(asked.state, settle('c9', '已协调'))).toMatchObject({ code: 'UnknownCoordination' });
  expect(refusal(asked.state, settle('c1', ' '))).toMatchObject({ code: 'OutcomeRequired' });
  const settled = step(asked.state, settle('c1', '经协调，统一采用统计口径'));
  expect(settled.answer).toMatchObject({ state: 'settled', settlement: { outcome: '经协调，统一采用统计口径' } });
  expect(notices(settled.effects)).toEqual([{ kind: 'coordination-settled', to: ['beta', 'gamma'] }]);
  expect(refusal(settled.state, settle('c1', '再次办结'))).toMatchObject({ code: 'CoordinationSettled' });
  expect(taskView(settled.state, input, startedAt + DAY).coordinations).toHaveLength(1);
});

test('reminders go before the deadline to the units that have not signed, each once', () => {
  const s1 = run([sign('beta')]);
  const sevenBefore = localTimeToEpoch(addDays(firstDue, -7), input.policy.reminderTime, input.policy.utcOffset);
  const turn = step(s1, { type: 'turn' }, sevenBefore + 1);
  const reminders = notices(turn.effects);
  expect(reminders.length).toBeGreaterThan(0);
  expect(reminders.every((r) => r.kind === 'reminder')).toBe(true);
  expect(reminders.at(-1)!.to).toEqual(['gamma', 'alpha']);
  expect(notices(step(turn.state, { type: 'turn' }, sevenBefore + 2).effects)).toEqual([]);
});

test('an overdue milestone climbs the escalation levels on their days, each level once, to its audience', () => {
  const deadline = deadlineEpoch(firstDue, input.policy.utcOffset);
  const quiet = step(run([], deadline - 1), { type: 'turn' }, deadline - 1).state;
  // Overdue from midnight; the escalation goes out at the plan's notice time (09:00 local) of that day.
  const midnight = step(quiet, { type: 'turn' }, deadline + 1);
  expect(notices(midnight.effects)).toEqual([]);
  expect(taskRow(midnight.state, input, deadline + 1)).toMatchObject({ status: 'overdue', escalationLevel: 0 });
  const level1 = step(midnight.state, { type: 'turn' }, noticeAt(1));
  // Every unit still pending is chased with its own overdue notice at each step, not only the lead.
  expect(notices(level1.effects)).toEqual([
    { kind: 'escalation', to: ['alpha', 'office'] },
    { kind: 'overdue', to: ['beta', 'gamma', 'alpha'] },
  ]);
  let s = level1.state;
  expect(taskRow(s, input, noticeAt(1))).toMatchObject({ status: 'overdue', escalationLevel: 1 });
  expect(notices(step(s, { type: 'turn' }, noticeAt(8) - 1).effects)).toEqual([]);
  const level2 = step(s, { type: 'turn' }, noticeAt(8));
  expect(notices(level2.effects)).toEqual([
    { kind: 'escalation', to: ['inspect'] },
    { kind: 'overdue', to: ['beta', 'gamma', 'alpha'] },
  ]);
  s = level2.state;
  expect(taskRow(s, input, noticeAt(8))).toMatchObject({ status: 'escalated', escalationLevel: 2 });
  expect(notices(step(s, { type: 'turn' }, deadline + 8 * DAY).effects)).toEqual([]);
  const level3 = step(s, { type: 'turn' }, noticeAt(15));
  expect(notices(level3.effects)).toEqual([
    { kind: 'escalation', to: ['leaders'] },
    { kind: 'overdue', to: ['beta', 'gamma', 'alpha'] },
  ]);
  expect(level3.state.chases!.map((c) => [c.kind, c.level, c.daysLate])).toEqual([
    ['escalation', 1, 1],
    ['escalation', 2, 8],
    ['escalation', 3, 15],
  ]);
  expect(level3.state.escalations).toHaveLength(1);
  expect(level3.state.escalations[0]!.levels.map((l) => l.level)).toEqual([1, 2, 3]);
  // Completing it late, on the third day after its due date, closes the episode with 3 days late.
  const late = run([sign('beta'), sign('gamma')], deadline - 1);
  const done = step(step(late, { type: 'turn' }, noticeAt(1)).state, sign('alpha'), deadline + 2 * DAY + 1);
  expect(done.state.escalations[0]).toMatchObject({ closedBy: 'completed', daysLate: 3 });
});

test('every turn publishes the row the search attributes hold', () => {
  const turn = step(run([sign('beta')]), { type: 'turn' });
  expect(turn.effects.at(-1)).toEqual({
    kind: 'publish',
    row: {
      status: 'on_track',
      currentMilestone: 'first',
      nextDue: firstDue,
      pendingDepartments: ['gamma', 'alpha'],
      escalationLevel: 0,
      extensionPending: false,
    },
  });
});

test('an extension: the lead asks, the office is told; approval moves the due date and closes the escalation', () => {
  const deadline = deadlineEpoch(firstDue, input.policy.utcOffset);
  const overdue = step(run([], deadline - 1), { type: 'turn' }, noticeAt(1)).state;
  const newDueDate = addDays(firstDue, 20);
  const ask: KeyTaskEvent = {
    type: 'requestExtension',
    args: { milestoneId: 'first', department: 'alpha', newDueDate, reason: '等待数据', person: '甲', requestId: 'x1' },
  };
  expect(refusal(overdue, { ...ask, args: { ...ask.args, department: 'beta' } }).code).toBe('NotLead');
  expect(refusal(overdue, { ...ask, args: { ...ask.args, newDueDate: finalDue } }).code).toBe('InvalidDueDate');
  const asked = step(overdue, ask, deadline + DAY);
  expect(notices(asked.effects)).toEqual([{ kind: 'extension-requested', to: ['office'] }]);
  expect(taskRow(asked.state, input, deadline + DAY).extensionPending).toBe(true);
  expect(refusal(asked.state, { ...ask, args: { ...ask.args, requestId: 'x2' } }, deadline + DAY).code).toBe(
    'ExtensionPending',
  );

  const decide: KeyTaskEvent = {
    type: 'decideExtension',
    args: { milestoneId: 'first', extensionId: 'ext-1', approve: true, person: '办公厅', requestId: 'd1' },
  };
  const approved = step(asked.state, decide, deadline + DAY);
  expect(notices(approved.effects)).toEqual([{ kind: 'extension-decided', to: ['alpha'] }]);
  expect(approved.state.milestones[0]).toMatchObject({ dueDate: newDueDate, originalDueDate: firstDue });
  expect(approved.state.escalations[0]).toMatchObject({ closedBy: 'extended' });
  expect(taskRow(approved.state, input, deadline + DAY)).toMatchObject({ escalationLevel: 0, status: 'on_track' });
  expect(refusal(approved.state, { ...decide, args: { ...decide.args, requestId: 'd2' } }).code).toBe(
    'ExtensionDecided',
  );
});

test('completing a milestone withdraws its pending extension request, but not in runs from before that patch', () => {
  const ask: KeyTaskEvent = {
    type: 'requestExtension',
    args: {
      milestoneId: 'first',
      department: 'alpha',
      newDueDate: addDays(firstDue, 5),
      reason: '等待数据',
      person: '甲',
      requestId: 'w1',
    },
  };
  const waiting = run([ask, sign('beta'), sign('gamma')]);
  const patches: string[] = [];
  const now = startedAt + DAY;
  const withPatch = transition(waiting, sign('alpha'), {
    input,
    workflowId: WORKFLOW_ID,
    now,
    patched: (id) => (patches.push(id), true),
  });
  expect(patches).toContain(PATCH_WITHDRAW_ON_COMPLETION);
  expect(withPatch.state.extensions[0]!.state).toBe('withdrawn');
  const old = step(waiting, sign('alpha'), now, false);
  expect(old.state.extensions[0]!.state).toBe('pending');
});

test('a cancellation cancels every unfinished milestone, closes the escalation and withdraws requests', () => {
  const deadline = deadlineEpoch(firstDue, input.policy.utcOffset);
  const overdue = step(run([sign('beta')], deadline - 1), { type: 'turn' }, noticeAt(1)).state;
  const cancelled = step(overdue, {
    type: 'cancel',
    args: { reason: '任务调整', person: '管理员', requestId: 'c1' },
  });
  expect(cancelled.state.lifecycle).toBe('cancelled');
  expect(cancelled.state.milestones.map((m) => m.state)).toEqual(['cancelled', 'cancelled']);
  expect(cancelled.state.escalations[0]).toMatchObject({ closedBy: 'cancelled' });
  expect(taskRow(cancelled.state, input, deadline + 2)).toMatchObject({ status: 'cancelled', pendingDepartments: [] });
  expect(refusal(cancelled.state, sign('gamma')).code).toBe('TaskClosed');
});

test('levels due together send one notice, at the highest level, to the audiences of every level up to it', () => {
  const deadline = deadlineEpoch(firstDue, input.policy.utcOffset);
  // Reminded before the deadline, then looked at again only 15 days after it (a worker down, say).
  const quiet = step(run([], deadline - 1), { type: 'turn' }, deadline - 1).state;
  const late = step(quiet, { type: 'turn' }, deadline + 15 * DAY);
  expect(notices(late.effects)).toEqual([
    { kind: 'escalation', to: ['alpha', 'office', 'inspect', 'leaders'] },
    { kind: 'overdue', to: ['beta', 'gamma', 'alpha'] },
  ]);
  expect(taskRow(late.state, input, deadline + 15 * DAY).escalationLevel).toBe(3);
  expect(late.state.notifications.at(-1)).toMatchObject({ level: 3, daysLate: 16 });
  expect(notices(step(late.state, { type: 'turn' }, deadline + 16 * DAY).effects)).toEqual([]);
  // Runs from before the patch sent each level, as their histories say.
  const patches: string[] = [];
  const old = transition(
    quiet,
    { type: 'turn' },
    {
      input,
      workflowId: WORKFLOW_ID,
      now: deadline + 15 * DAY,
      patched: (id) => (patches.push(id), false),
    },
  );
  // Levels 2 and 3 each ask whether they issue a supervision notice (older runs issue none).
  expect(patches).toEqual(
    expect.arrayContaining([
      PATCH_NOTICE_TIME,
      PATCH_ONE_ESCALATION_NOTICE,
      PATCH_CHASE_PENDING,
      PATCH_SUPERVISE_NOTICES,
    ]),
  );
  expect(patches.filter((id) => id === PATCH_SUPERVISE_NOTICES)).toHaveLength(2);
  expect(old.effects.filter((e) => e.kind === 'supervise')).toEqual([]);
  // …and chased nobody but through the escalations' audiences.
  expect(notices(old.effects).map((n) => n.to)).toEqual([['alpha', 'office'], ['inspect'], ['leaders']]);
});

test('a plan started in the past opens its first milestone on its start date: one notice at the level its dates reach', () => {
  const past = miniTaskInput('2016-02-02');
  const now = Date.parse('2026-12-01T02:00:00Z');
  const s0 = initialState(past, now);
  expect(s0.milestones[0]!.openedOn).toBe('2016-02-02');
  const t = transition(s0, { type: 'turn' }, { input: past, workflowId: WORKFLOW_ID, now, patched: () => true });
  const sent = t.state.notifications;
  expect(sent.map((n) => [n.kind, n.level])).toEqual([
    ['escalation', 3],
    ['overdue', 3],
  ]);
  expect(sent[0]!.daysLate).toBeGreaterThan(3900);
});

test('a milestone opened after its due date is late from the day it opened, not from its due date', () => {
  // The first milestone completes 40 days after the start, 10 days after its due date; "final" opens that day.
  const opened = startedAt + 40 * DAY;
  const s = run([sign('beta'), sign('gamma'), sign('alpha')], opened);
  const final = s.milestones[1]!;
  // Pretend its due date had already passed when it opened (as when the plan's dates are close together).
  final.dueDate = addDays(final.openedOn!, -5);
  expect(taskRow(s, input, opened).status).not.toBe('overdue');
  expect(notices(step(s, { type: 'turn' }, opened + 60_000).effects)).toEqual([]);
  const endOfOpeningDay = deadlineEpoch(final.openedOn!, input.policy.utcOffset);
  expect(notices(step(s, { type: 'turn' }, endOfOpeningDay + 1).effects)).toEqual([]);
  const level1 = step(s, { type: 'turn' }, noticeAt(1, final.openedOn!));
  expect(notices(level1.effects)).toEqual([
    { kind: 'escalation', to: ['alpha', 'office'] },
    { kind: 'overdue', to: ['beta', 'gamma', 'alpha'] },
  ]);
  expect(level1.state.notifications.find((n) => n.kind === 'escalation' && n.milestoneId === 'final')).toMatchObject({
    level: 1,
    daysLate: 1,
  });
  expect(notices(step(level1.state, { type: 'turn' }, endOfOpeningDay + 6 * DAY).effects)).toEqual([]);
});

test('an extension whose date has passed by the time it is decided is refused: the lead must ask for a later date', () => {
  const newDueDate = addDays(firstDue, 3);
  const asked = step(run([]), {
    type: 'requestExtension',
    args: {
      milestoneId: 'first',
      department: 'alpha',
      newDueDate,
      reason: '等待数据',
      person: '甲',
      requestId: 'late-1',
    },
  }).state;
  const decide: KeyTaskEvent = {
    type: 'decideExtension',
    args: { milestoneId: 'first', extensionId: 'ext-1', approve: true, person: '办公厅', requestId: 'late-d' },
  };
  const afterIt = deadlineEpoch(newDueDate, input.policy.utcOffset) + DAY;
  expect(refusal(asked, decide, afterIt)).toEqual({ code: 'InvalidDueDate', zh: expect.stringContaining('重新申请') });
  // Declining it stays possible.
  expect(() =>
    validate(asked, fromApi({ ...decide, args: { ...decide.args, approve: false } }), input, afterIt),
  ).not.toThrow();
});

test('the office chases the pending units with its message, once a day per milestone; every chase is recorded', () => {
  const chase = (requestId: string, message = '请本周内完成会签'): Extract<KeyTaskEvent, { type: 'chase' }> => ({
    type: 'chase',
    args: { milestoneId: 'first', message, person: '办公厅', requestId },
  });
  const s1 = run([sign('beta')]);
  const today = startedAt + DAY;
  expect(refusal(s1, chase('c0', '  '), today).code).toBe('MessageRequired');
  expect(refusal(s1, { ...chase('c0'), args: { ...chase('c0').args, milestoneId: 'final' } }, today).code).toBe(
    'NotCurrentMilestone',
  );
  const chased = step(s1, chase('c1'), today);
  expect(notices(chased.effects)).toEqual([{ kind: 'chase', to: ['gamma', 'alpha'] }]);
  expect(chased.answer).toMatchObject({ kind: 'manual', departments: ['gamma', 'alpha'], message: '请本周内完成会签' });
  expect(chased.state.notifications.at(-1)).toMatchObject({ kind: 'chase', comment: '请本周内完成会签' });
  // A retry answers the same chase and sends nothing; another chase the same day is refused.
  const retried = step(chased.state, chase('c1'), today + 60_000);
  expect(retried.answer).toEqual(chased.answer);
  expect(notices(retried.effects)).toEqual([]);
  const again = refusal(chased.state, chase('c2'), today + 3_600_000);
  expect(again).toEqual({ code: 'AlreadyChasedToday', zh: expect.stringContaining('每天只能催办一次') });
  // The next day (plan time zone) the office may chase again; both chases are in the record.
  const tomorrow = localTimeToEpoch(addDays(START, 2), '08:00', input.policy.utcOffset);
  const second = step(chased.state, chase('c3', '请今日办结'), tomorrow);
  expect(second.state.chases!.map((c) => [c.kind, c.day, c.message])).toEqual([
    ['manual', addDays(START, 1), '请本周内完成会签'],
    ['manual', addDays(START, 2), '请今日办结'],
  ]);
});

test('completing a milestone or cancelling the task withdraws its reminders, escalations and chases still out', () => {
  const deadline = deadlineEpoch(firstDue, input.policy.utcOffset);
  const late = step(run([sign('beta'), sign('gamma')], deadline - 1), { type: 'turn' }, noticeAt(1));
  const timely = late.state.notifications.map((n) => n.id);
  expect(late.state.notifications.map((n) => n.kind)).toEqual([
    'reminder',
    'reminder',
    'reminder',
    'escalation',
    'overdue',
  ]);
  const done = step(late.state, sign('alpha'), noticeAt(2));
  expect(done.effects.filter((e) => e.kind === 'withdraw')).toEqual([
    { kind: 'withdraw', ids: timely, reason: 'completed' },
  ]);
  const cancelled = step(late.state, {
    type: 'cancel',
    args: { reason: '任务调整', person: '管理员', requestId: 'cx' },
  });
  expect(cancelled.effects.filter((e) => e.kind === 'withdraw')).toEqual([
    { kind: 'withdraw', ids: timely, reason: 'cancelled' },
  ]);
  // Runs from before the patch withdraw nothing.
  expect(step(late.state, sign('alpha'), noticeAt(2), false).effects.some((e) => e.kind === 'withdraw')).toBe(false);
});

test('the rejection that reaches the cap hands the milestone to the office, whose decision opens another round or closes it', () => {
  expect(input.policy.maxRejectionsPerMilestone).toBe(5); // the plan schema's default
  const capped: KeyTaskInput = { ...input, policy: { ...input.policy, maxRejectionsPerMilestone: 2 } };
  const now = startedAt + DAY;
  const seen: string[] = [];
  const go = (s: KeyTaskState, e: KeyTaskEvent, patches = true) => {
    validate(s, fromApi(e), capped, now);
    return transition(s, e, { input: capped, workflowId: WORKFLOW_ID, now, patched: (id) => (seen.push(id), patches) });
  };
  const reject = () => sign('beta', { decision: 'reject', comment: '材料不全' });
  const resubmit = (): KeyTaskEvent => ({
    type: 'resubmit',
    args: { milestoneId: 'first', department: 'alpha', note: '已补充', person: '甲', requestId: `rs-${++requests}` },
  });
  const decide = (decision: 'another-round' | 'close'): Extract<KeyTaskEvent, { type: 'decideRound' }> => ({
    type: 'decideRound',
    args: { milestoneId: 'first', decision, reason: '同意', person: '办公厅', requestId: `rd-${++requests}` },
  });
  const once = go(go(initialState(capped, startedAt), reject()).state, resubmit()).state;
  expect(refusal(once, decide('another-round')).code).toBe('NotAwaitingOffice');
  const atCap = go(once, reject());
  expect(seen).toContain(PATCH_ROUND_CAP);
  expect(notices(atCap.effects)).toEqual([{ kind: 'round-cap-reached', to: ['alpha', 'office'] }]);
  expect(atCap.state.milestones[0]).toMatchObject({ state: 'returned', awaitingOffice: 'office' });
  expect(taskRow(atCap.state, capped, now).pendingDepartments).toEqual(['office']);
  // The lead is refused; only the office decides (a coordinator's decision is refused by the actor check).
  expect(() => validate(atCap.state, fromApi(resubmit()), capped, now)).toThrow(
    expect.objectContaining({ type: 'RoundLimitReached' }),
  );
  const asLead = decide('another-round');
  const actor = { role: 'coordinator' as const, department: 'alpha', person: '办公厅', token: 'test00000000' };
  expect(() => validate(atCap.state, fromApi({ ...asLead, args: { ...asLead.args, actor } }), capped, now)).toThrow(
    expect.objectContaining({ type: 'ActorNotAllowed' }),
  );

  const again = go(atCap.state, decide('another-round'));
  expect(notices(again.effects)).toEqual([{ kind: 'round-decided', to: ['alpha'] }]);
  expect(again.state.milestones[0]!.rounds.at(-1)!.officeDecision).toMatchObject({ decision: 'another-round' });
  const round3 = go(again.state, resubmit()).state;
  expect(round3.milestones[0]!.rounds).toHaveLength(3);
  // A further rejection comes back to the office at once; closing it as is opens the next milestone.
  const back = go(round3, reject()).state;
  expect(back.milestones[0]!.awaitingOffice).toBe('office');
  const closed = go(back, decide('close')).state;
  expect(closed.milestones[0]).toMatchObject({ state: 'completed' });
  expect(closed.milestones[0]!.rounds.at(-1)).toMatchObject({
    outcome: 'rejected',
    officeDecision: { decision: 'close' },
  });
  expect(closed.milestones[1]!.state).toBe('open');

  // Runs from before the patch keep returning the milestone to the lead.
  const old = go(once, reject(), false);
  expect(notices(old.effects)).toEqual([{ kind: 'returned', to: ['alpha'] }]);
  expect(old.state.milestones[0]!.awaitingOffice).toBeUndefined();
});

test('a task the general office leads waits at the cap for the supervision office, which decides; the general office may not', () => {
  // The mini task's lead `alpha` stands for the general office here (2016: task 13); `inspect` supervises.
  const selfLed: KeyTaskInput = {
    ...input,
    offices: { ...input.offices, generalOffice: 'alpha' },
    policy: { ...input.policy, maxRejectionsPerMilestone: 1 },
  };
  const now = startedAt + DAY;
  const go = (s: KeyTaskState, e: KeyTaskEvent, patches = true) => {
    validate(s, fromApi(e), selfLed, now);
    const patched = (id: string) => patches || id !== PATCH_ROUND_CAP_SUPERVISED;
    return transition(s, e, { input: selfLed, workflowId: WORKFLOW_ID, now, patched });
  };
  const reject = sign('beta', { decision: 'reject', comment: '材料不全' });
  const atCap = go(initialState(selfLed, startedAt), reject);
  expect(atCap.state.milestones[0]!.awaitingOffice).toBe('inspect');
  expect(notices(atCap.effects)).toEqual([{ kind: 'round-cap-reached', to: ['alpha', 'inspect'] }]);
  const decide = (role: 'office' | 'supervisor'): KeyTaskEvent => ({
    type: 'decideRound',
    args: {
      milestoneId: 'first',
      decision: 'close',
      reason: '同意按现状办结',
      person: role,
      requestId: `rd-${++requests}`,
      actor: { role, person: role, token: 'test00000000' },
    },
  });
  expect(() => validate(atCap.state, fromApi(decide('office')), selfLed, now)).toThrow(
    expect.objectContaining({ type: 'ActorNotAllowed' }),
  );
  expect(go(atCap.state, decide('supervisor')).state.milestones[0]!.state).toBe('completed');
  // Runs from before patch `round-cap-supervising-office` keep waiting for the general office.
  expect(go(initialState(selfLed, startedAt), reject, false).state.milestones[0]!.awaitingOffice).toBe('alpha');
});

test('the state keeps each notification once, by its id', () => {
  const rejected = step(run([]), sign('beta', { decision: 'reject', comment: '数据不全' }));
  const id = rejected.state.notifications.at(-1)!.id;
  expect(id).toBe(`${WORKFLOW_ID}/first/returned/r1`);
  // A state that already holds that id (as after a retried step) records and sends nothing more for it.
  const holding = { ...run([]), notifications: [...rejected.state.notifications] };
  const again = step(holding, sign('gamma', { decision: 'reject', comment: '数据不全' }));
  expect(again.state.notifications.filter((n) => n.id === id)).toHaveLength(1);
  expect(notices(again.effects)).toEqual([]);
  expect(new Set(again.state.notifications.map((n) => n.id)).size).toBe(again.state.notifications.length);
});

test('a request id applied with one fingerprint is refused with another, and a retry with the same is answered', () => {
  const first = sign('beta', { requestId: 'idem-1', requestHash: 'a'.repeat(32) });
  const applied = step(run([]), first).state;
  expect(applied.requestHashes).toEqual({ 'idem-1': 'a'.repeat(32) });
  const other = sign('beta', { requestId: 'idem-1', requestHash: 'b'.repeat(32), decision: 'reject', comment: '不同' });
  expect(refusal(applied, other)).toEqual({ code: 'IdempotencyKeyReused', zh: expect.stringContaining('幂等键') });
  const retry = step(applied, first);
  expect(retry.changed).toBe(false);
  expect(retry.state.milestones[0]!.rounds[0]!.signOffs).toHaveLength(1);
});
