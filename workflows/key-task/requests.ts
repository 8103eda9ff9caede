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
  AddCoUnitArgs,
  CancelArgs,
  ChaseArgs,
  CloseCollectiveArgs,
  ClosureReviewArgs,
  CoordinationRequestArgs,
  CoordinationSettlementArgs,
  DesignateArgs,
  DisputeSettlementArgs,
  ExtensionDecisionArgs,
  ExtensionRequestArgs,
  FigureRequest,
  FigureValues,
  KeyTaskInput,
  MilestoneItem,
  ProgressReportArgs,
  ReassignArgs,
  ReceiptArgs,
  RefusalType,
  ReportArgs,
  ResubmitArgs,
  RoundDecisionArgs,
  SignOffArgs,
  WaiveArgs,
} from '../../contracts';
import { isSealed, type Words } from '../../contracts/shared';
import { localDate } from '../../domain/calendar';
import { extensionOffice, officeRole } from '../../domain/plan';
import { coUnitsOf, isWaived, itemsOf, membersPending, partOf, signOffPlan, taskLeadOf, unitsOf } from './items';
import { receiptOf } from './loop';
import {
  currentMilestone,
  involvedDepartments,
  pendingDepartments,
  type KeyTaskState,
  type MilestoneRecord,
} from './state';

/**
 * Throws a refusal: its type is the stable code the API maps to a status, its message the English words
 * (for logs), and its one detail the {@link Words} in both languages that the API hands to the user.
 */
export function refuse(type: RefusalType, zh: string, en: string): never {
  const words: Words = { zh, en };
  throw ApplicationFailure.create({ type, message: en, details: [words], nonRetryable: true });
}

/**
 * Refuses a request whose id was applied with another fingerprint: an `Idempotency-Key` reused with another
 * body (the API replica that took it did not know the key). The same fingerprint, or none, is a retry.
 */
export function requireSameRequest(state: KeyTaskState, args: (Acted & { requestId?: string }) | undefined): void {
  // Arguments that are no object at all (plain CLI input) are refused by the actor check after this.
  if (!args || typeof args !== 'object' || typeof args.requestId !== 'string') return;
  const applied = state.requestHashes?.[args.requestId];
  if (applied && args.requestHash && applied !== args.requestHash) {
    refuse(
      'IdempotencyKeyReused',
      '该幂等键已用于内容不同的请求，本次未办理：请用新的幂等键提交',
      'this Idempotency-Key was used with another request, which was applied; nothing was done: send it with a new key',
    );
  }
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

function requireOpen(m: MilestoneRecord): void {
  if (m.state === 'submitted') {
    refuse(
      'AwaitingReview',
      `节点“${m.title.zh}”已报送办结，等待办结审核`,
      `milestone "${m.id}" was submitted and waits for the office's closure review`,
    );
  }
  if (m.state === 'returned') {
    refuse(
      'AwaitingResubmission',
      `节点“${m.title.zh}”已退回，等待牵头单位重新提交`,
      `milestone "${m.id}" was returned and waits for the lead's resubmission`,
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
  requireOpen(m);
  if (m.items) return checkItemSignOff(state, m, input, args);
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
  checkEvidence(state, input, m, who.role === 'lead' && args.decision === 'approve', args);
}

/**
 * Whether the office reviews the closure of `m` (办结审核): a plan with the review, and the task's last milestone
 * or one the policy names.
 */
export function isReviewed(state: KeyTaskState, input: KeyTaskInput, m: MilestoneRecord): boolean {
  const review = input.policy.closureReview;
  return review !== undefined && (m === state.milestones.at(-1) || review.milestones.includes(m.id));
}

/**
 * The office that reviews a task's closures: the general office, or the supervision office on a task the general
 * office leads (as for its extensions).
 */
export function reviewingOffice(input: KeyTaskInput): string {
  return extensionOffice(input.offices, input.task.lead);
}

/**
 * Evidence goes with the approval that submits a reviewed milestone (`closes`), and that one needs some when the
 * plan requires it.
 */
function checkEvidence(
  state: KeyTaskState,
  input: KeyTaskInput,
  m: MilestoneRecord,
  closes: boolean,
  args: SignOffArgs,
): void {
  const given = args.evidence?.length ?? 0;
  const reviewed = isReviewed(state, input, m);
  if (given > 0 && !(closes && reviewed)) {
    refuse(
      'EvidenceNotAsked',
      '佐证材料随牵头单位报送办结审核的节点提交',
      "evidence goes with the lead's approval of a milestone the office reviews",
    );
  }
  if (closes && reviewed && given === 0 && input.policy.closureReview!.evidenceRequired) {
    refuse(
      'EvidenceRequired',
      `节点“${m.title.zh}”须经办结审核，报送时请附佐证材料（文件或链接）`,
      `milestone "${m.id}" goes to the office's closure review: submit it with its evidence (files or links)`,
    );
  }
}

/**
 * Checks a closure review: by the office that reviews the task's closures, of the current milestone while it is
 * submitted, and a return with its reasons.
 */
export function checkClosureReview(state: KeyTaskState, input: KeyTaskInput, args: ClosureReviewArgs): void {
  const reviewer = officeRole(input.offices, reviewingOffice(input));
  requireActor(args, (a) => a.role === reviewer, { zh: '审核本任务的办结', en: "review this task's closures" });
  if (alreadyApplied(state, args.requestId)) return;
  requireActive(state);
  const m = requireCurrent(state, args.milestoneId);
  if (m.state !== 'submitted') {
    refuse(
      'NotSubmitted',
      `节点“${m.title.zh}”未报送办结，无需审核`,
      `milestone "${m.id}" has not been submitted for closure review`,
    );
  }
  if (args.decision === 'return') requireReason(args.reason ?? '');
}

function checkFigures(m: MilestoneRecord, role: 'lead' | 'co', args: SignOffArgs): void {
  checkFigureValues(role === 'lead' ? m.figures : [], args.figures, args.decision === 'approve');
}

/** Checks figures given against those asked: none unasked, each in range, and (when `required`) none missing. */
function checkFigureValues(asked: FigureRequest[], figures: FigureValues | undefined, required: boolean): void {
  const given = Object.entries(figures ?? {});
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
  if (required) {
    const missing = asked.filter((f) => !(f.id in (figures ?? {})));
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
  if (m.awaitingOffice) {
    const n = rejectionsOf(m);
    refuse(
      'RoundLimitReached',
      `节点“${m.title.zh}”已被退回${n}次，达到本计划的上限：须由办公厅决定再开一轮或按现状办结，牵头单位暂不能重新提交`,
      `milestone "${m.id}" has been rejected ${n} times, the plan's limit: the general office decides whether another round opens or the milestone closes as it stands; the lead cannot resubmit until then`,
    );
  }
}

/** How many rounds of a milestone closed rejected. */
export function rejectionsOf(m: MilestoneRecord): number {
  return m.rounds.filter((r) => r.outcome === 'rejected').length;
}

/**
 * Checks the office's decision on a milestone whose rejections reached the plan's cap: by the office it waits
 * for, on the current milestone while it waits for that decision, with a reason.
 */
export function checkRoundDecision(state: KeyTaskState, input: KeyTaskInput, args: RoundDecisionArgs): void {
  // The office the milestone waits for (the supervision office on a task the general office leads) decides.
  const waiting = state.milestones.find((x) => x.id === args.milestoneId)?.awaitingOffice;
  const decider = (waiting && officeRole(input.offices, waiting)) || 'office';
  requireActor(args, (a) => a.role === decider, { zh: '决定退回次数已满的节点', en: 'decide a capped milestone' });
  if (alreadyApplied(state, args.requestId)) return;
  requireActive(state);
  const m = requireCurrent(state, args.milestoneId);
  if (!m.awaitingOffice) {
    refuse(
      'NotAwaitingOffice',
      `节点“${m.title.zh}”未达到退回次数上限，无需办公厅决定`,
      `milestone "${m.id}" has not reached the limit of rejections: there is nothing for the office to decide`,
    );
  }
  requireReason(args.reason);
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
  // The general office decides, except on a task it leads itself: there the supervision office does.
  const decider = officeRole(input.offices, extensionOffice(input.offices, input.task.lead));
  requireActor(args, (a) => a.role === decider, {
    zh: '审批本任务的延期申请',
    en: "decide this task's extension requests",
  });
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

/**
 * Checks the general office's chase (催办): the current milestone, a unit still pending on it, a message, and no
 * other chase of that milestone by the office on the same day (plan time zone). Chases sent with escalation
 * steps do not count: the office may add its own word on the day a step went out.
 */
export function checkChase(state: KeyTaskState, input: KeyTaskInput, args: ChaseArgs, now: number): void {
  requireActor(args, (a) => a.role === 'office', { zh: '催办', en: 'chase pending units' });
  if (state.chases?.some((c) => c.requestId === args.requestId)) return;
  requireActive(state);
  const m = requireCurrent(state, args.milestoneId);
  if (!args.message.trim()) refuse('MessageRequired', '催办须填写催办内容', 'a chase needs a message');
  const pending = pendingDepartments(m);
  if (pending.length === 0) {
    refuse('NothingToChase', `节点“${m.title.zh}”没有待办单位`, `no unit is pending on milestone "${m.id}"`);
  }
  const today = localDate(now, input.policy.utcOffset);
  const earlier = state.chases?.find((c) => c.kind === 'manual' && c.milestoneId === m.id && c.day === today);
  if (earlier) {
    refuse(
      'AlreadyChasedToday',
      `节点“${m.title.zh}”今天（${today}）已催办过，每个节点每天只能催办一次，请明天再催`,
      `milestone "${m.id}" was already chased today (${today}); a milestone is chased at most once a day`,
    );
  }
}

/**
 * Checks a coordination request: by the coordinator of a unit the task concerns, on an active task, with a matter,
 * naming only units the plan knows as the task's (or the task's office).
 */
export function checkCoordinationRequest(
  state: KeyTaskState,
  input: KeyTaskInput,
  args: CoordinationRequestArgs,
): void {
  requireActor(args, coordinatorOf(args.department), {
    zh: `代表 ${args.department} 请求协调`,
    en: `ask for coordination for ${args.department}`,
  });
  if (alreadyApplied(state, args.requestId)) return;
  requireActive(state);
  if (!involvedDepartments(state, input).includes(args.department)) {
    refuse(
      'NotTaskUnit',
      `${args.department} 不是本任务的责任单位，不能就本任务请求协调`,
      `${args.department} is not a unit of task ${input.task.number} and cannot ask for coordination on it`,
    );
  }
  if (!args.matter.trim()) refuse('MatterRequired', '请写明需协调的事项', 'a coordination request needs its matter');
}

/** Checks a settlement: by the task's office, of an open request, with how it was settled. */
export function checkCoordinationSettlement(
  state: KeyTaskState,
  input: KeyTaskInput,
  args: CoordinationSettlementArgs,
): void {
  const office = officeRole(input.offices, reviewingOffice(input));
  requireActor(args, (a) => a.role === office, { zh: '办结本任务的协调事项', en: "settle this task's coordinations" });
  if (alreadyApplied(state, args.requestId)) return;
  const c = state.coordinations?.find((x) => x.id === args.coordinationId);
  if (!c) {
    refuse('UnknownCoordination', `没有协调事项“${args.coordinationId}”`, `no coordination "${args.coordinationId}"`);
  }
  if (c.state === 'settled') {
    refuse(
      'CoordinationSettled',
      `协调事项“${c.id}”已于${c.settlement?.at ?? ''}办结`,
      `coordination "${c.id}" was already settled`,
    );
  }
  if (!args.outcome.trim()) refuse('OutcomeRequired', '请写明协调结果', 'a settlement needs its outcome');
}

/**
 * Checks a receipt (签收) or dispute: by the coordinator of a unit the current milestone asks to sign for it, once,
 * a dispute with its reason.
 */
export function checkReceipt(state: KeyTaskState, args: ReceiptArgs): void {
  requireActor(args, coordinatorOf(args.department), {
    zh: `代表 ${args.department} 签收`,
    en: `sign for receipt for ${args.department}`,
  });
  if (alreadyApplied(state, args.requestId)) return;
  requireActive(state);
  const m = requireCurrent(state, args.milestoneId);
  if (!m.receipts) refuse('ReceiptNotAsked', '本任务的计划未设签收环节', "this task's plan asks for no receipt");
  const r = receiptOf(m, args.department);
  if (!r || r.state === 'handed-over') {
    refuse(
      'NotResponsible',
      `${args.department} 不是节点“${m.title.zh}”的签收单位`,
      `${args.department} is not asked to sign for milestone "${m.id}"`,
    );
  }
  if (r.state !== 'pending') {
    const done =
      r.state === 'received' ? '已签收' : r.state === 'disputed' ? '已提出异议，等待办公厅处理' : '的异议已处理';
    refuse(
      'AlreadyReceived',
      `${args.department} 对节点“${m.title.zh}”${done}`,
      `${args.department} has already ${r.state === 'received' ? 'signed for' : 'disputed'} milestone "${m.id}"`,
    );
  }
  if (args.decision === 'dispute') requireReason(args.reason ?? '');
}

/**
 * Checks the office's decision on a dispute: by the task's office, on an open dispute of the current milestone,
 * with a reason; a hand-over names a ministry department or affiliated unit new to every item the unit signs, and
 * never hands over the task's lead.
 */
export function checkDisputeSettlement(state: KeyTaskState, input: KeyTaskInput, args: DisputeSettlementArgs): void {
  const office = officeRole(input.offices, reviewingOffice(input));
  requireActor(args, (a) => a.role === office, { zh: '处理签收异议', en: 'decide a receipt dispute' });
  if (alreadyApplied(state, args.requestId)) return;
  requireActive(state);
  const m = requireCurrent(state, args.milestoneId);
  const r = receiptOf(m, args.department);
  if (r?.state !== 'disputed') {
    refuse(
      'NotDisputed',
      `${args.department} 对节点“${m.title.zh}”没有待处理的签收异议`,
      `${args.department} has no open dispute of milestone "${m.id}"`,
    );
  }
  requireReason(args.reason);
  if (args.decision === 'confirm') return;
  requireItemized(m);
  if (args.department === taskLeadOf(m)) {
    refuse(
      'TaskLeadRequired',
      '任务牵头单位须办结节点，不能转交，只能确认',
      'the task’s lead closes the milestone: its part cannot be handed over, only confirmed',
    );
  }
  requireAssignable(input, args.to ?? '');
  m.items!.forEach((item, i) => {
    if (item.lead === args.department || item.co.includes(args.department)) requireNew(item, [args.to!], i);
  });
}

/** Checks a progress report: by the coordinator of a unit of the task, on a plan that asks for them, with its text. */
export function checkProgressReport(state: KeyTaskState, input: KeyTaskInput, args: ProgressReportArgs): void {
  requireActor(args, coordinatorOf(args.department), {
    zh: `代表 ${args.department} 报送进展`,
    en: `report progress for ${args.department}`,
  });
  if (alreadyApplied(state, args.requestId)) return;
  requireActive(state);
  if (!state.progress) {
    refuse('ProgressNotAsked', '本任务的计划未设进展报送', "this task's plan asks for no progress reports");
  }
  if (!involvedDepartments(state, input).includes(args.department)) {
    refuse(
      'NotTaskUnit',
      `${args.department} 不是本任务的责任单位，不能报送本任务的进展`,
      `${args.department} is not a unit of task ${input.task.number} and cannot report its progress`,
    );
  }
  if (!args.done.trim()) refuse('ProgressRequired', '请填写已完成的工作', 'a progress report needs what was done');
}

/** Names a department in refusals by its id (the API shows the words as they are). */
const unitList = (ids: string[]): { zh: string; en: string } => ({ zh: ids.join('、'), en: ids.join(', ') });

/** The milestone's item `index`. @throws UnknownWorkItem. */
function requireItem(m: MilestoneRecord, index: number): MilestoneItem {
  const item = m.items![index];
  if (!item) {
    refuse('UnknownWorkItem', `本任务没有第${index + 1}项工作`, `no work item ${index} in this task`);
  }
  return item;
}

/** A milestone of a run with work items. @throws NoWorkItems for a run started before them. */
function requireItemized(m: MilestoneRecord): void {
  if (!m.items) {
    refuse(
      'NoWorkItems',
      '本任务按旧规则运行（启动于分项责任之前），不能按工作项办理',
      'this task runs on the rules it was started with, before work-item responsibility',
    );
  }
}

function requireReason(reason: string): void {
  if (!reason.trim()) refuse('ReasonRequired', '请填写理由', 'a reason is required');
}

function requireItemLead(item: MilestoneItem, index: number, department: string): void {
  if (department !== item.lead) {
    refuse(
      'NotItemLead',
      `只有第${index + 1}项工作的牵头单位（${item.lead}）可以办理此事项`,
      `only the lead of work item ${index}, ${item.lead}, may do this`,
    );
  }
}

/** The current milestone, open or returned (changes of responsibility apply from it on). */
function requireCurrentItemized(state: KeyTaskState): MilestoneRecord {
  const m = currentMilestone(state)!;
  requireItemized(m);
  return m;
}

/**
 * Checks a sign-off on a milestone with work items: the unit answers for an item (a province reports instead),
 * the item is one of it, and the approval signs something now: an item whose co-unit it is, an item it leads
 * whose co-units and members are done, or (the task's lead) the close when every item is done.
 */
function checkItemSignOff(state: KeyTaskState, m: MilestoneRecord, input: KeyTaskInput, args: SignOffArgs): void {
  if (args.workItem !== undefined) requireItem(m, args.workItem);
  const taskLead = taskLeadOf(m);
  const mine = itemsOf(m, args.department).filter(
    (i) => m.items![i]!.lead === args.department || coUnitsOf(m.items![i]!).includes(args.department),
  );
  const responsible =
    args.workItem === undefined ? mine.length > 0 || args.department === taskLead : mine.includes(args.workItem);
  if (!responsible) {
    const member = m.items!.some((item) => partOf(item, args.department));
    refuse(
      'NotResponsible',
      member
        ? `${args.department} 以报送方式办理本任务（不签核）`
        : `${args.department} 不是本任务${args.workItem === undefined ? '' : `第${args.workItem + 1}项工作`}的责任单位`,
      member
        ? `${args.department} reports on its part of task ${input.task.number}; it does not sign`
        : `${args.department} is not a responsible unit of ${args.workItem === undefined ? '' : `work item ${args.workItem} of `}task ${input.task.number}`,
    );
  }
  const pending = pendingDepartments(m);
  if (!pending.includes(args.department)) {
    refuse('AlreadySigned', `${args.department} 已在本轮会签`, `${args.department} has already signed this round`);
  }
  if (args.decision === 'reject') {
    if (!args.comment) refuse('CommentRequired', '退回须填写意见', 'a rejection needs a comment');
    return;
  }
  const plan = signOffPlan(m, args.department, args.workItem);
  if (plan.items.length === 0 && !plan.closes) {
    const waiting = unitList(pending.filter((d) => d !== args.department));
    refuse(
      'LeadSignsLast',
      `牵头单位须在配合单位会签、各地报送后签署，尚待：${waiting.zh}`,
      `a lead signs after its co-units and members; still waiting for ${waiting.en}`,
    );
  }
  checkFigures(m, plan.closes ? 'lead' : 'co', args);
  checkEvidence(state, input, m, plan.closes, args);
}

/** Checks a member's report: the current milestone, an item whose collective it belongs to, a text, figures. */
export function checkReport(state: KeyTaskState, input: KeyTaskInput, args: ReportArgs): void {
  requireActor(args, coordinatorOf(args.department), {
    zh: `代表 ${args.department} 报送`,
    en: `report for ${args.department}`,
  });

  if (alreadyApplied(state, args.requestId)) return;
  requireActive(state);
  const m = requireCurrent(state, args.milestoneId);
  requireItemized(m);
  const item = requireItem(m, args.workItem);
  const part = partOf(item, args.department);
  if (!part) {
    refuse(
      'NotResponsible',
      `${args.department} 不报送第${args.workItem + 1}项工作`,
      `${args.department} does not report on work item ${args.workItem} of task ${input.task.number}`,
    );
  }
  if (part.closure) {
    refuse(
      'PartClosed',
      '牵头单位已结束本项的地方报送',
      `the item's lead has closed the reports on work item ${args.workItem}`,
    );
  }
  if (isWaived(item, args.department) || isWaived(item, part.id)) {
    refuse(
      'UnitWaived',
      `${args.department} 本节点不适用（已豁免）`,
      `${args.department} was waived for this milestone`,
    );
  }
  if (!args.text.trim()) refuse('CommentRequired', '报送须填写情况说明', 'a report needs a text');
  checkFigureValues(args.status === 'not_applicable' ? [] : m.figures, args.figures, args.status !== 'not_applicable');
}

/** Checks an early close of a collective's part: by the item's lead, with a reason, while members are pending. */
export function checkCloseCollective(state: KeyTaskState, input: KeyTaskInput, args: CloseCollectiveArgs): void {
  requireActor(args, coordinatorOf(args.department), {
    zh: `代表 ${args.department} 结束地方报送`,
    en: `close the reports for ${args.department}`,
  });

  if (alreadyApplied(state, args.requestId)) return;
  requireActive(state);
  const m = requireCurrent(state, args.milestoneId);
  requireItemized(m);
  const item = requireItem(m, args.workItem);
  requireItemLead(item, args.workItem, args.department);
  if (!item.collectives.some((c) => membersPending(item, c).length > 0)) {
    refuse('PartClosed', '本项没有待报送的地方', `no member still has to report on work item ${args.workItem}`);
  }
  requireReason(args.reason);
}

/** Checks a designation: by the item's lead, on an item naming a designated collective, of ministry departments. */
export function checkDesignate(state: KeyTaskState, input: KeyTaskInput, args: DesignateArgs): void {
  requireActor(args, coordinatorOf(args.department), {
    zh: `代表 ${args.department} 指定相关业务司局`,
    en: `designate departments for ${args.department}`,
  });

  if (alreadyApplied(state, args.requestId)) return;
  requireActive(state);
  const m = requireCurrentItemized(state);
  const item = requireItem(m, args.workItem);
  const designation = input.task.items?.[args.workItem]?.designations[0];
  if (!designation) {
    refuse(
      'NotDesignatedItem',
      `第${args.workItem + 1}项工作无需指定单位`,
      `work item ${args.workItem} names no collective to designate`,
    );
  }
  requireItemLead(item, args.workItem, args.department);
  const wrong = args.departments.filter((d) => !designation.candidates.includes(d));
  if (args.departments.length === 0 || wrong.length > 0) {
    refuse(
      'NotMinistryDepartment',
      `只能指定部内司局${wrong.length ? `，不能指定：${unitList(wrong).zh}` : ''}`,
      `only ministry departments can be designated${wrong.length ? `, not ${unitList(wrong).en}` : ''}`,
    );
  }
  requireNew(item, args.departments, args.workItem);
  requireReason(args.reason);
}

function requireNew(item: MilestoneItem, departments: string[], index: number): void {
  const known = departments.filter((d) => unitsOf(item).includes(d));
  if (known.length > 0) {
    refuse(
      'AlreadyResponsible',
      `${unitList(known).zh} 已是第${index + 1}项工作的责任单位`,
      `${unitList(known).en} already answer for work item ${index}`,
    );
  }
}

/** Checks a waiver: an unfinished milestone, a unit of the item (not the task's lead), not yet waived, a reason. */
export function checkWaive(state: KeyTaskState, input: KeyTaskInput, args: WaiveArgs): void {
  requireActor(args, (a) => a.role === 'office', { zh: '豁免责任单位', en: 'waive a unit' });

  if (alreadyApplied(state, args.requestId)) return;
  requireActive(state);
  const m = findMilestone(state, args.milestoneId);
  if (m.state === 'completed') {
    refuse('MilestoneClosed', `节点“${m.title.zh}”已完成`, `milestone "${m.id}" is already completed`);
  }
  requireItemized(m);
  const item = requireItem(m, args.workItem);
  const units = [...unitsOf(item), ...item.collectives.map((c) => c.id)];
  if (!units.includes(args.unit)) {
    refuse(
      'NotResponsible',
      `${args.unit} 不是第${args.workItem + 1}项工作的责任单位`,
      `${args.unit} does not answer for work item ${args.workItem}`,
    );
  }
  if (args.unit === taskLeadOf(m)) {
    refuse(
      'TaskLeadRequired',
      '任务牵头单位须办结节点，不能豁免或转交',
      'the task’s lead closes the milestone: it cannot be waived or replaced',
    );
  }
  if (isWaived(item, args.unit)) {
    refuse('AlreadyWaived', `${args.unit} 本节点已豁免`, `${args.unit} is already waived for this milestone`);
  }
  requireReason(args.reason);
}

/** Checks a reassignment: a signing unit of the item (not the task's lead) to a department not yet on it. */
export function checkReassign(state: KeyTaskState, input: KeyTaskInput, args: ReassignArgs): void {
  requireActor(args, (a) => a.role === 'office', { zh: '转交责任', en: 'hand a part to another unit' });

  if (alreadyApplied(state, args.requestId)) return;
  requireActive(state);
  const m = requireCurrentItemized(state);
  const item = requireItem(m, args.workItem);
  if (args.from !== item.lead && !coUnitsOf(item).includes(args.from)) {
    refuse(
      'NotResponsible',
      `${args.from} 不是第${args.workItem + 1}项工作的签核单位`,
      `${args.from} does not sign work item ${args.workItem}`,
    );
  }
  if (args.from === taskLeadOf(m)) {
    refuse(
      'TaskLeadRequired',
      '任务牵头单位须办结节点，不能豁免或转交',
      'the task’s lead closes the milestone: it cannot be waived or replaced',
    );
  }
  requireAssignable(input, args.to);
  requireNew(item, [args.to], args.workItem);
  requireReason(args.reason);
}

/** Checks an added co-unit: a ministry department or affiliated unit not yet on the item, with a reason. */
export function checkAddCoUnit(state: KeyTaskState, input: KeyTaskInput, args: AddCoUnitArgs): void {
  requireActor(args, (a) => a.role === 'office', { zh: '增加配合单位', en: 'add a co-unit' });

  if (alreadyApplied(state, args.requestId)) return;
  requireActive(state);
  const m = requireCurrentItemized(state);
  const item = requireItem(m, args.workItem);
  requireAssignable(input, args.unit);
  requireNew(item, [args.unit], args.workItem);
  requireReason(args.reason);
}

function requireAssignable(input: KeyTaskInput, unit: string): void {
  if (!(input.task.assignable ?? []).includes(unit)) {
    refuse(
      'NotAssignable',
      `${unit} 不是部内司局或直属单位`,
      `${unit} is not a ministry department or affiliated unit`,
    );
  }
}
