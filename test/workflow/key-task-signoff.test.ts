/**
 * Sign-off rules of the key-task workflow on a real dev server: every refusal of the update validators,
 * co-responsible units before the lead, rejection and resubmission, idempotent retries, simultaneous
 * signers, and search attributes that make the task list one visibility query.
 *
 * The server suggests continue-as-new after a few dozen events, so these tests also prove that a task
 * keeps its whole record, and its idempotency, across continue-as-new.
 */
import { WorkflowUpdateFailedError, type WorkflowHandleWithFirstExecutionRunId } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { randomUUID } from 'node:crypto';
import {
  KEY_TASK_WORKFLOW,
  cancelUpdate,
  decideExtensionUpdate,
  getStateQuery,
  resubmitUpdate,
  signOffUpdate,
  type KeyTaskView,
  type SignOffArgs,
  refusalWords,
} from '../../contracts';
import { addDays, localDate } from '../../domain/calendar';
import { startKeyTaskWorker, type RunningWorker } from '../../support/key-task-worker';
import { askExtension, miniTaskInput } from '../../support/mini-plan';
import { recordingChannel } from '../../support/recording-channel';
import { eventually } from '../../support/wait-for';
import { createLocalEnv } from '../../support/temporal-env';
import { bundleWorkflows } from '../../support/workflow-bundle';

const QUEUE = 'signoff';
let env: TestWorkflowEnvironment;
let worker: RunningWorker | undefined;

beforeAll(async () => {
  const [e, bundle] = await Promise.all([
    createLocalEnv({ 'limit.historyCount.suggestContinueAsNew': 40 }),
    bundleWorkflows(),
  ]);
  env = e;
  worker = await startKeyTaskWorker(env, bundle, { taskQueue: QUEUE, deps: { channels: [recordingChannel()] } });
}, 120_000);

afterAll(async () => {
  await worker?.stop();
  await env?.teardown();
});

async function startTask(maxRejectionsPerMilestone?: number): Promise<WorkflowHandleWithFirstExecutionRunId> {
  const today = localDate(Date.now(), '+08:00');
  const input = miniTaskInput(addDays(today, -20)); // first milestone due in 10 days
  if (maxRejectionsPerMilestone) input.policy = { ...input.policy, maxRejectionsPerMilestone };
  return env.client.workflow.start(KEY_TASK_WORKFLOW, {
    taskQueue: QUEUE,
    workflowId: `signoff-${randomUUID()}`,
    args: [input],
  });
}

const args = (department: string, over: Partial<SignOffArgs> = {}): SignOffArgs => ({
  milestoneId: 'first',
  department,
  decision: 'approve',
  person: `${department} 协调人`,
  requestId: randomUUID(),
  ...over,
});

/** The refusal type and its Chinese words (`message`; `en` the English ones) of an update the workflow refused. */
async function refusal(p: Promise<unknown>): Promise<{ type: string; message: string; en: string }> {
  try {
    await p;
  } catch (err) {
    if (err instanceof WorkflowUpdateFailedError && err.cause instanceof ApplicationFailure) {
      const words = refusalWords(err.cause.details);
      if (!words) throw new Error(`refusal ${err.cause.type} carries no words in both languages`);
      return { type: err.cause.type ?? '', message: words.zh, en: words.en };
    }
    throw err;
  }
  throw new Error('the update was accepted but should have been refused');
}

test('each item’s units sign first; the task’s lead is refused until they have, then completes the milestone', async () => {
  const h = await startTask();
  let r = await refusal(h.executeUpdate(signOffUpdate, { args: [args('alpha')] }));
  expect(r.type).toBe('LeadSignsLast');
  expect(r.message).toContain('beta、gamma');
  expect(r.en).toContain('beta, gamma');

  const afterBeta = await h.executeUpdate(signOffUpdate, { args: [args('beta')] });
  expect(afterBeta.pendingDepartments).toEqual(['gamma', 'alpha']);
  r = await refusal(h.executeUpdate(signOffUpdate, { args: [args('alpha')] }));
  expect(r).toMatchObject({ type: 'LeadSignsLast' });
  expect(r.message).toContain('gamma');

  await h.executeUpdate(signOffUpdate, { args: [args('gamma')] });
  const done = await h.executeUpdate(signOffUpdate, { args: [args('alpha', { comment: '同意' })] });
  expect(done.state).toBe('completed');
  const signOffs = done.rounds[0]!.signOffs;
  // gamma leads the second work item on its own (the document's responsibility), alpha the first and the task.
  expect(signOffs.map((s) => [s.department, s.role, s.workItems])).toEqual([
    ['beta', 'co', [0]],
    ['gamma', 'lead', [1]],
    ['alpha', 'lead', [0]],
  ]);
  const view: KeyTaskView = await h.query(getStateQuery);
  expect(view.currentMilestone).toBe('final');
  expect(view.pendingDepartments).toEqual(['beta', 'gamma', 'alpha']);
});

test('every refusal of the sign-off validator names what is wrong', async () => {
  const h = await startTask();
  const refused = async (a: SignOffArgs) => refusal(h.executeUpdate(signOffUpdate, { args: [a] }));

  expect(await refused(args('office'))).toMatchObject({ type: 'NotResponsible' });
  expect(await refused(args('beta', { milestoneId: 'final' }))).toMatchObject({ type: 'NotCurrentMilestone' });
  expect(await refused(args('beta', { milestoneId: 'nope' }))).toMatchObject({ type: 'UnknownMilestone' });
  expect(await refused(args('beta', { decision: 'reject' }))).toMatchObject({ type: 'CommentRequired' });
  expect(await refused(args('beta', { figures: { share: 50 } }))).toMatchObject({ type: 'FigureInvalid' });
  await h.executeUpdate(signOffUpdate, { args: [args('beta')] });
  expect(await refused(args('beta'))).toMatchObject({ type: 'AlreadySigned' });
  await h.executeUpdate(signOffUpdate, { args: [args('gamma')] });
  await h.executeUpdate(signOffUpdate, { args: [args('alpha')] });
  expect(await refused(args('gamma'))).toMatchObject({ type: 'MilestoneClosed' });

  // The year-end milestone asks the lead for two figures, each checked by its kind.
  for (const d of ['beta', 'gamma'])
    await h.executeUpdate(signOffUpdate, { args: [args(d, { milestoneId: 'final' })] });
  const lead = (figures?: Record<string, number>) => args('alpha', { milestoneId: 'final', figures });
  const missing = await refused(lead({ share: 90 }));
  expect(missing.type).toBe('FigureMissing');
  expect(missing.message).toContain('people');
  expect(await refused(lead({ share: 120, people: 10 }))).toMatchObject({ type: 'FigureInvalid' });
  expect(await refused(lead({ share: 90, people: 10.5 }))).toMatchObject({ type: 'FigureInvalid' });
  expect(await refused(lead({ share: 90, people: 10, other: 1 }))).toMatchObject({ type: 'FigureInvalid' });
  const final = await h.executeUpdate(signOffUpdate, { args: [lead({ share: 90, people: 10 })] });
  expect(final.state).toBe('completed');
  const result: KeyTaskView = await h.result();
  expect(result.status).toBe('completed');
  expect(result.milestones.map((m) => m.rounds.flatMap((r) => r.signOffs).length)).toEqual([3, 3]);
});

test('a long-lived task continues as new with its whole record and still applies a retry once', async () => {
  // A plan that allows many rounds (the mini plan's cap is 5), so that one milestone's record grows long.
  const h = await startTask(50);
  const firstRequest = args('beta', { decision: 'reject', comment: '第1轮退回' });
  await h.executeUpdate(signOffUpdate, { args: [firstRequest] });
  for (let round = 2; round <= 12; round++) {
    await h.executeUpdate(resubmitUpdate, {
      args: [
        { milestoneId: 'first', department: 'alpha', note: `第${round}轮`, person: '甲', requestId: randomUUID() },
      ],
    });
    await h.executeUpdate(signOffUpdate, { args: [args('beta', { decision: 'reject', comment: `第${round}轮退回` })] });
  }
  // The run that was suggested to continue as new does so after its closing turn.
  await eventually(async () => expect((await h.describe()).runId).not.toBe(h.firstExecutionRunId));
  // The first request, retried after continue-as-new with a fresh update id, is not applied again.
  await h.executeUpdate(signOffUpdate, { args: [firstRequest] });
  const view: KeyTaskView = await h.query(getStateQuery);
  const rounds = view.milestones[0]!.rounds;
  expect(rounds).toHaveLength(12);
  expect(rounds.map((r) => r.signOffs[0]!.comment)).toEqual(rounds.map((r) => `第${r.number}轮退回`));
  expect(view.notifications.filter((n) => n.kind === 'returned')).toHaveLength(12);
  await h.terminate('test over');
});

test('a rejection returns the milestone; the lead resubmits and a new round begins, every round kept', async () => {
  const h = await startTask();
  await h.executeUpdate(signOffUpdate, { args: [args('beta')] });
  const returned = await h.executeUpdate(signOffUpdate, {
    args: [args('gamma', { decision: 'reject', comment: '数据不全' })],
  });
  expect(returned.state).toBe('returned');
  expect(returned.pendingDepartments).toEqual(['alpha']);
  expect(await refusal(h.executeUpdate(signOffUpdate, { args: [args('alpha')] }))).toMatchObject({
    type: 'AwaitingResubmission',
  });
  const resubmit = (department: string) => ({
    milestoneId: 'first',
    department,
    note: '已补充数据',
    person: '甲',
    requestId: randomUUID(),
  });
  expect(await refusal(h.executeUpdate(resubmitUpdate, { args: [resubmit('beta')] }))).toMatchObject({
    type: 'NotLead',
  });
  const reopened = await h.executeUpdate(resubmitUpdate, { args: [resubmit('alpha')] });
  expect(reopened.state).toBe('open');
  expect(reopened.rounds.map((r) => [r.number, r.outcome ?? 'open'])).toEqual([
    [1, 'rejected'],
    [2, 'open'],
  ]);
  expect(reopened.rounds[1]!.resubmission?.note).toBe('已补充数据');
  expect(await refusal(h.executeUpdate(resubmitUpdate, { args: [resubmit('alpha')] }))).toMatchObject({
    type: 'NotReturned',
  });
  for (const d of ['beta', 'gamma', 'alpha']) await h.executeUpdate(signOffUpdate, { args: [args(d)] });
  const view: KeyTaskView = await h.query(getStateQuery);
  const first = view.milestones[0]!;
  expect(first.state).toBe('completed');
  expect(first.rounds[0]!.signOffs.find((s) => s.decision === 'reject')).toMatchObject({
    department: 'gamma',
    comment: '数据不全',
  });
  expect(view.notifications.filter((n) => n.kind === 'returned').map((n) => n.departments)).toEqual([['alpha']]);
});

test('a retried sign-off is applied once, with the same update id or only the same request id', async () => {
  const h = await startTask();
  const a = args('beta');
  const first = await h.executeUpdate(signOffUpdate, { args: [a], updateId: a.requestId });
  const again = await h.executeUpdate(signOffUpdate, { args: [a], updateId: a.requestId });
  expect(again).toEqual(first);
  // A client that lost the answer and retries with a new update id but the same request id.
  const third = await h.executeUpdate(signOffUpdate, { args: [a] });
  expect(third.rounds[0]!.signOffs.filter((s) => s.department === 'beta')).toHaveLength(1);
});

test('two coordinators signing at the same instant are both recorded; a double click is recorded once', async () => {
  const h = await startTask();
  const [beta, gamma] = await Promise.all([
    h.executeUpdate(signOffUpdate, { args: [args('beta')] }),
    h.executeUpdate(signOffUpdate, { args: [args('gamma')] }),
  ]);
  expect([beta.pendingDepartments.length, gamma.pendingDepartments.length].sort()).toEqual([1, 2]);
  const view: KeyTaskView = await h.query(getStateQuery);
  expect(view.pendingDepartments).toEqual(['alpha']);

  const outcomes = await Promise.allSettled([
    h.executeUpdate(signOffUpdate, { args: [args('alpha')] }),
    h.executeUpdate(signOffUpdate, { args: [args('alpha')] }),
  ]);
  expect(outcomes.map((o) => o.status).sort()).toEqual(['fulfilled', 'rejected']);
  const after: KeyTaskView = await h.query(getStateQuery);
  expect(after.milestones[0]!.rounds[0]!.signOffs.filter((s) => s.department === 'alpha')).toHaveLength(1);
});

test('search attributes answer "where is a unit pending" and "which tasks are cancelled" in one query', async () => {
  const h = await startTask();
  await h.executeUpdate(signOffUpdate, { args: [args('beta')] });
  const pendingGamma = `WorkflowId = '${h.workflowId}' AND DubanPending = 'gamma' AND DubanStatus = 'on_track'`;
  const pendingBeta = `WorkflowId = '${h.workflowId}' AND DubanPending = 'beta'`;
  await eventually(async () => {
    expect(await count(pendingBeta)).toBe(0);
    expect(await count(pendingGamma)).toBe(1);
  });

  const cancelled = await h.executeUpdate(cancelUpdate, {
    args: [{ reason: '计划调整', person: '管理员', requestId: randomUUID() }],
  });
  expect(cancelled.status).toBe('cancelled');
  expect(cancelled.cancellation).toMatchObject({ person: '管理员', reason: '计划调整' });
  await eventually(async () =>
    expect(await count(`WorkflowId = '${h.workflowId}' AND DubanStatus = 'cancelled'`)).toBe(1),
  );
  const result: KeyTaskView = await h.result();
  expect(result.milestones.map((m) => m.state)).toEqual(['cancelled', 'cancelled']);
});

test('a milestone completed while its extension request waits withdraws the request; deciding it is refused', async () => {
  const h = await startTask();
  const view: KeyTaskView = await h.query(getStateQuery);
  const due = view.milestones[0]!.dueDate;
  const ext = await askExtension(h, 'first', addDays(due, 5));
  expect(ext.state).toBe('pending');
  // The running run only: a run closed by continue-as-new (this suite suggests it early) keeps its last values.
  const pendingQuery = `WorkflowId = '${h.workflowId}' AND DubanExtensionPending = true AND ExecutionStatus = 'Running'`;
  await eventually(async () => expect(await count(pendingQuery)).toBe(1));

  for (const d of ['beta', 'gamma', 'alpha']) await h.executeUpdate(signOffUpdate, { args: [args(d)] });
  const after: KeyTaskView = await h.query(getStateQuery);
  expect(after.milestones[0]).toMatchObject({ state: 'completed', dueDate: due });
  expect(after.extensions).toEqual([expect.objectContaining({ id: ext.id, state: 'withdrawn' })]);
  await eventually(async () => expect(await count(pendingQuery)).toBe(0));

  const decide = (approve: boolean) =>
    refusal(
      h.executeUpdate(decideExtensionUpdate, {
        args: [{ milestoneId: 'first', extensionId: ext.id, approve, person: '办公厅', requestId: randomUUID() }],
      }),
    );
  for (const approve of [true, false]) {
    const r = await decide(approve);
    expect(r.type).toBe('ExtensionDecided');
    expect(r.message).toContain('已撤回');
  }
});

test('an overdue milestone cannot be extended to a day already past, nor past the next milestone, nor twice at once', async () => {
  const today = localDate(Date.now(), '+08:00');
  const h = await env.client.workflow.start(KEY_TASK_WORKFLOW, {
    taskQueue: QUEUE,
    workflowId: `signoff-${randomUUID()}`,
    args: [miniTaskInput(addDays(today, -40))], // first milestone due 12 days ago
  });
  const view: KeyTaskView = await h.query(getStateQuery);
  const [first, final] = view.milestones;
  expect(first!.dueDate < today).toBe(true);
  const ask = (newDueDate: string) => askExtension(h, 'first', newDueDate);
  let r = await refusal(ask(addDays(today, -1)));
  expect(r).toMatchObject({ type: 'InvalidDueDate' });
  expect(r.message).toContain(`须晚于今天 ${today}`);
  r = await refusal(ask(today));
  expect(r.type).toBe('InvalidDueDate');
  r = await refusal(ask(final!.dueDate));
  expect(r.message).toContain(final!.dueDate);
  expect((await ask(addDays(today, 1))).state).toBe('pending');
  r = await refusal(ask(addDays(today, 2)));
  expect(r.type).toBe('ExtensionPending');
  expect(r.message).toContain('已有待审批的延期申请');
});

async function count(query: string): Promise<number> {
  let n = 0;
  for await (const _ of env.client.workflow.list({ query })) n++;
  return n;
}
