/**
 * The checks behind every update validator. Each function throws the refusal a coordinator sees (a
 * non-retryable `ApplicationFailure` whose type is its code and whose details carry its words in both
 * languages) and returns nothing when the request may be applied. Synchronous by design: an update
 * validator must be synchronous to be able to reject.
 */
import { ApplicationFailure } from '@temporalio/common';
import type {
  Acted,
  Actor,
  CancelArgs,
  ExtensionDecisionArgs,
  ExtensionRequestArgs,
  KeyTaskInput,
  RefusalType,
  ResubmitArgs,
  SignOffArgs,
} from '../../contracts';
import { isSealed, type Words } from '../../contracts/shared';
import { localDate } from '../../domain/calendar';
import { pendingDepartments, type KeyTaskState, type MilestoneRecord } from './state';

/**
 * Throws a refusal: its type is the stable code the API maps to a status, its message the English words
 * (for logs), and its one detail the {@link Words} in both languages that the API hands to the user.
 */
export function refuse(type: RefusalType, zh: string, en: string): never {
  const words: Words = { zh, en };
  throw ApplicationFailure.create({ type, message: en, details: [words], nonRetryable: true });
}

/** True when a request id was applied before (a retry, to be answered without applying again). */
export function alreadyApplied(state: KeyTaskState, requestId: string): boolean {
  return state.appliedRequests.includes(requestId);
}

/**
 * Refuses a request that did not come through the API: arguments the codec did not seal (decrypted and
 * authenticated), such as plain JSON sent with the Temporal CLI, or without the acting principal the API
 * adds (`NotFromApi`); and a sealed one whose actor may not make it (`ActorNotAllowed`). Runs first in every
 * validator, before the arguments are read. Validators do not run on replay, so old histories are untouched.
 */
export function requireActor(args: Acted & { person?: string }, may: (actor: Actor) => boolean, what: Words): void {
  const actor = isSealed(args) ? args.actor : undefined;
  if (!actor || typeof actor !== 'object') {
    refuse(
      'NotFromApi',
      '此请求未经督办接口发出，已拒绝：请通过督办看板或接口办理',
      'this request did not come through the duban API and is refused: use the dashboard or the API',
    );
  }
  if (actor.person !== args.person || !may(actor)) {
    refuse(
      'ActorNotAllowed',
      `${actor.person}（${actor.role}）无权${what.zh}`,
      `${actor.role} ${actor.person} may not ${what.en}`,
    );
  }
}

/** The actor is the coordinator of `department`. */
const coordinatorOf =
  (department: string) =>
  (a: Actor): boolean =>
    a.role === 'coordinator' && a.department === department;

function requireActive(state: KeyTaskState): void {
  if (state.lifecycle === 'cancelled') refuse('TaskClosed', '任务已撤销', 'the task has been cancelled');
  if (state.lifecycle === 'completed') refuse('TaskClosed', '任务已全部完成', 'the task is already completed');
}

function findMilestone(state: KeyTaskState, milestoneId: string): MilestoneRecord {
  const m = state.milestones.find((x) => x.id === milestoneId);
  if (!m) refuse('UnknownMilestone', `没有节点“${milestoneId}”`, `no milestone "${milestoneId}" in this task`);
  return m;
}

function requireCurrent(state: KeyTaskState, milestoneId: string): MilestoneRecord {
  const m = findMilestone(state, milestoneId);
  if (m.state === 'completed') {
    refuse('MilestoneClosed', `节点“${m.title.zh}”已完成`, `milestone "${m.id}" is already completed`);
  }
  const current = state.milestones[state.current];
  if (current?.id !== m.id) {
    refuse(
      'NotCurrentMilestone',
      `节点“${m.title.zh}”不是当前节点，当前节点为“${current?.title.zh}”`,
      `milestone "${m.id}" is not the current one; the current milestone is "${current?.id}"`,
    );
  }
  return m;
}

function requireLead(input: KeyTaskInput, department: string): void {
  if (department !== input.task.lead) {
    refuse(
      'NotLead',
      `只有牵头单位（${input.task.lead}）可以办理此事项`,
      `only the lead unit ${input.task.lead} may do this`,
    );
  }
}

/** Checks a sign-off: responsible unit, current open milestone, once per round, lead last, figures. */
export function checkSignOff(state: KeyTaskState, input: KeyTaskInput, args: SignOffArgs): void {
  requireActor(args, coordinatorOf(args.department), {
    zh: `代表 ${args.department} 签核`,
    en: `sign for ${args.department}`,
  });
  if (alreadyApplied(state, args.requestId)) return;
  requireActive(state);
  const m = requireCurrent(state, args.milestoneId);
  if (m.state === 'returned') {
    refuse(
      'AwaitingResubmission',
      `节点“${m.title.zh}”已退回，等待牵头单位重新提交`,
      `milestone "${m.id}" was returned and waits for the lead's resubmission`,
    );
  }
  const who = m.required.find((r) => r.department === args.department);
  if (!who) {
    refuse(
      'NotResponsible',
      `${args.department} 不是本任务的责任单位`,
      `${args.department} is not a responsible unit of task ${input.task.number}`,
    );
  }
  const round = m.rounds.at(-1)!;
  if (round.signOffs.some((s) => s.department === args.department)) {
    refuse(
      'AlreadySigned',
      `${args.department} 已在本轮会签`,
      `${args.department} has already signed round ${round.number} of this milestone`,
    );
  }
  if (who.role === 'lead') {
    const waiting = pendingDepartments(m).filter((d) => d !== args.department);
    if (waiting.length > 0) {
      refuse(
        'LeadSignsLast',
        `牵头单位须在配合单位会签后签署，尚待：${waiting.join('、')}`,
        `the lead signs last; still waiting for ${waiting.join(', ')}`,
      );
    }
  }
  if (args.decision === 'reject' && !args.comment) {
    refuse('CommentRequired', '退回须填写意见', 'a rejection needs a comment');
  }
  checkFigures(m, who.role, args);
}

function checkFigures(m: MilestoneRecord, role: 'lead' | 'co', args: SignOffArgs): void {
  const given = Object.entries(args.figures ?? {});
  const asked = role === 'lead' ? m.figures : [];
  for (const [id, value] of given) {
    const f = asked.find((x) => x.id === id);
    if (!f) {
      refuse(
        'FigureInvalid',
        asked.length ? `本节点不需要填报“${id}”` : '本节点不需要您填报数据',
        asked.length ? `this milestone asks for no figure "${id}"` : 'this milestone asks no figure of this unit',
      );
    }
    const ok =
      Number.isFinite(value) &&
      value >= 0 &&
      (f.kind === 'percent' ? value <= 100 : Number.isInteger(value) && value <= Number.MAX_SAFE_INTEGER);
    if (!ok) {
      refuse(
        'FigureInvalid',
        `“${f.label.zh}”应为${f.kind === 'percent' ? '0–100 之间的百分比' : '非负整数'}，收到 ${value}`,
        `"${f.id}" must be ${f.kind === 'percent' ? 'a percentage from 0 to 100' : 'a whole non-negative count'}, got ${value}`,
      );
    }
  }
  if (args.decision === 'approve') {
    const missing = asked.filter((f) => !(f.id in (args.figures ?? {})));
    if (missing.length > 0) {
      refuse(
        'FigureMissing',
        `请填报：${missing.map((f) => `${f.label.zh}（${f.id}）`).join('、')}`,
        `figures required: ${missing.map((f) => f.id).join(', ')}`,
      );
    }
  }
}

/** Checks a resubmission: by the lead, of a returned current milestone. */
export function checkResubmit(state: KeyTaskState, input: KeyTaskInput, args: ResubmitArgs): void {
  requireActor(args, coordinatorOf(args.department), {
    zh: `代表 ${args.department} 重新提交`,
    en: `resubmit for ${args.department}`,
  });
  if (alreadyApplied(state, args.requestId)) return;
  requireActive(state);
  const m = requireCurrent(state, args.milestoneId);
  requireLead(input, args.department);
  if (m.state !== 'returned') {
    refuse('NotReturned', `节点“${m.title.zh}”未被退回，无需重新提交`, `milestone "${m.id}" has not been returned`);
  }
}

/** Checks an extension request: by the lead, for an unfinished milestone, to a later date that keeps order. */
export function checkExtensionRequest(
  state: KeyTaskState,
  input: KeyTaskInput,
  args: ExtensionRequestArgs,
  now: number,
): void {
  requireActor(args, coordinatorOf(args.department), {
    zh: `代表 ${args.department} 申请延期`,
    en: `ask for an extension for ${args.department}`,
  });
  if (alreadyApplied(state, args.requestId)) return;
  requireActive(state);
  const m = findMilestone(state, args.milestoneId);
  requireLead(input, args.department);
  if (m.state === 'completed') {
    refuse('MilestoneClosed', `节点“${m.title.zh}”已完成`, `milestone "${m.id}" is already completed`);
  }
  if (state.extensions.some((e) => e.milestoneId === m.id && e.state === 'pending')) {
    refuse('ExtensionPending', '该节点已有待审批的延期申请', 'this milestone already has an extension request pending');
  }
  if (args.newDueDate <= m.dueDate) {
    refuse(
      'InvalidDueDate',
      `新的截止日期须晚于当前截止日期 ${m.dueDate}`,
      `the new due date must be later than the current one, ${m.dueDate}`,
    );
  }
  // An overdue milestone may not be "extended" to a day already past: its escalations would fire again at once.
  const today = localDate(now, input.policy.utcOffset);
  if (args.newDueDate <= today) {
    refuse('InvalidDueDate', `新的截止日期须晚于今天 ${today}`, `the new due date must be later than today, ${today}`);
  }
  const next = state.milestones[state.milestones.indexOf(m) + 1];
  if (next && args.newDueDate >= next.dueDate) {
    refuse(
      'InvalidDueDate',
      `新的截止日期须早于下一节点“${next.title.zh}”的截止日期 ${next.dueDate}`,
      `the new due date must be earlier than the next milestone's, ${next.dueDate}`,
    );
  }
}

/**
 * Checks an extension decision: an existing, still pending request of that milestone, and an approval only
 * while the date asked for is still ahead (approved after it, the milestone would be overdue again at once).
 */
export function checkExtensionDecision(
  state: KeyTaskState,
  input: KeyTaskInput,
  args: ExtensionDecisionArgs,
  now: number,
): void {
  requireActor(args, (a) => a.role === 'office', { zh: '审批延期申请', en: 'decide extension requests' });
  if (alreadyApplied(state, args.requestId)) return;
  requireActive(state);
  const m = findMilestone(state, args.milestoneId);
  const ext = state.extensions.find((e) => e.id === args.extensionId && e.milestoneId === m.id);
  if (!ext) {
    refuse('UnknownExtension', `没有延期申请“${args.extensionId}”`, `no extension request "${args.extensionId}"`);
  }
  if (ext.state === 'withdrawn') {
    refuse(
      'ExtensionDecided',
      `延期申请“${ext.id}”已撤回：节点已完成或任务已撤销`,
      `extension request "${ext.id}" was withdrawn: its milestone was completed or the task cancelled`,
    );
  }
  if (ext.state !== 'pending') {
    refuse('ExtensionDecided', `延期申请“${ext.id}”已处理`, `extension request "${ext.id}" was already decided`);
  }
  if (args.approve && m.state === 'completed') {
    refuse('MilestoneClosed', `节点“${m.title.zh}”已完成，无需延期`, `milestone "${m.id}" is already completed`);
  }
  const today = localDate(now, input.policy.utcOffset);
  if (args.approve && ext.newDueDate <= today) {
    refuse(
      'InvalidDueDate',
      `申请延至的日期 ${ext.newDueDate} 已到或已过，不能批准；请牵头单位重新申请更晚的日期`,
      `the date asked for, ${ext.newDueDate}, is not after today (${today}); the lead must ask for a later date`,
    );
  }
}

/** Checks a cancellation: the task must still be running. */
export function checkCancel(state: KeyTaskState, args: CancelArgs): void {
  requireActor(args, (a) => a.role === 'admin', { zh: '撤销任务', en: 'cancel the task' });
  if (alreadyApplied(state, args.requestId)) return;
  requireActive(state);
}
