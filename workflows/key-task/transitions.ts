/**
 * The key task's rules as pure transitions: `transition(state, event, context)` answers the next state, the
 * effects the workflow must carry out (notifications to start, search attributes to write) and the answer
 * its caller gets. Nothing here touches Temporal: time, the workflow id and the patch decisions come in
 * through the {@link TransitionContext}, so every rule is unit-tested without a server and the workflow
 * (workflow.ts) only wires handlers and timers to these functions.
 *
 * The input state is never changed: a transition that changes something works on a copy (a quiet turn, the
 * most frequent, copies nothing). Requests are checked first by {@link validate} (the update validators call
 * it); `transition` assumes a request passed it.
 */
import type {
  Acted,
  AddCoUnitArgs,
  CancelArgs,
  Chase,
  ChaseArgs,
  ClosureReviewArgs,
  Coordination,
  CoordinationRequestArgs,
  CoordinationSettlementArgs,
  CloseCollectiveArgs,
  DesignateArgs,
  DisputeSettlementArgs,
  Extension,
  ExtensionDecisionArgs,
  ExtensionRequestArgs,
  KeyTaskInput,
  KeyTaskView,
  MilestoneView,
  Notification,
  NotificationKind,
  ProgressReport,
  ProgressReportArgs,
  ReassignArgs,
  ReceiptArgs,
  ReportArgs,
  ResponsibilityChange,
  ResubmitArgs,
  RoundDecisionArgs,
  SignOffArgs,
  WaiveArgs,
} from '../../contracts';
import {
  DEFAULT_ANSWER_DAYS,
  SUPERVISION_NOTICE_LEVEL,
  supervisionNoticeId,
  type NoticeClosedBy,
  type SupervisionNoticeInput,
  type TaskRowState,
} from '../../contracts/shared';
import { addWorkingDays, daysLate, iso, localDate } from '../../domain/calendar';
import { extensionOffice } from '../../domain/plan';
import { itemsOf, membersPending, signOffPlan, taskLeadOf } from './items';
import {
  checkAddCoUnit,
  checkCancel,
  checkChase,
  checkClosureReview,
  checkCoordinationRequest,
  checkCoordinationSettlement,
  checkDisputeSettlement,
  checkProgressReport,
  checkReceipt,
  isReviewed,
  reviewingOffice,
  checkCloseCollective,
  checkDesignate,
  checkExtensionDecision,
  checkExtensionRequest,
  checkReassign,
  checkReport,
  checkResubmit,
  checkRoundDecision,
  checkSignOff,
  checkWaive,
  alreadyApplied,
  requireSameRequest,
  rejectionsOf,
} from './requests';
import { currentPeriod, loopEvents, receiptOf, syncReceipts, type LoopEvent } from './loop';
import { dueEvents, notificationId, pendingEvents } from './schedule';
import {
  APPLIED_REQUESTS_KEPT,
  currentMilestone,
  lateFrom,
  milestoneView,
  openEscalation,
  pendingDepartments,
  taskRow,
  taskView,
  type KeyTaskState,
  type MilestoneRecord,
} from './state';

/**
 * Patch id: a milestone completed by the lead withdraws its pending extension request, which nobody could
 * approve any more (runs started before it keep theirs open, as their histories say). Never reuse or rename.
 */
export const PATCH_WITHDRAW_ON_COMPLETION = 'withdraw-extension-on-completion';
/**
 * Patch id: a milestone records the day it opened, and its lateness (escalation times, days late, the overdue
 * status) counts from that day when it is later than the due date. Never reuse or rename.
 */
export const PATCH_LATENESS_FROM_OPENING = 'lateness-from-opening';
/**
 * Patch id: escalation levels that fall due together (a plan started in the past, a worker that was down)
 * send one notice, at the highest level, to the audiences of every level up to it. Never reuse or rename.
 */
export const PATCH_ONE_ESCALATION_NOTICE = 'one-escalation-notice';
/**
 * Patch id: each escalation step also chases (催办) the units still pending on the milestone (in any work item,
 * not only the lead) with an overdue notice of their own, and records the chase. Never reuse or rename.
 */
export const PATCH_CHASE_PENDING = 'notices-chase-pending-units';
/**
 * Patch id: a rejection tells every unit that had approved in the round that its approval must be given again;
 * the resubmission tells the units that must sign that the milestone is back for sign-off, and the new round's
 * reminders are planned again. Never reuse or rename.
 */
export const PATCH_ROUND_NOTICES = 'notices-round-notices';
/**
 * Patch id: when a milestone completes or its task is cancelled, the reminders, escalations and chases of it
 * that may still be delivering are withdrawn (their deliveries not yet made are not made: `obsolete` in the
 * log). Never reuse or rename.
 */
export const PATCH_WITHDRAW_OBSOLETE = 'notices-withdraw-obsolete';

/** Kinds of notification that speak of a milestone's lateness or deadline: untrue once it is completed. */
const TIMELY_KINDS: readonly NotificationKind[] = ['reminder', 'escalation', 'overdue', 'chase'];

/**
 * Patch id: a rejection that brings a milestone to the plan's `maxRejectionsPerMilestone` makes it wait for the
 * office's decision (`decideRound`) instead of the lead's resubmission, and tells the lead and the office.
 * Never reuse or rename.
 */
export const PATCH_ROUND_CAP = 'round-cap-office-decides';
/**
 * Patch id: a milestone at the cap of rejections waits for the office that supervises its task (the supervision
 * office for a task the general office leads, as for its extensions) instead of always the general office.
 * Never reuse or rename.
 */
export const PATCH_ROUND_CAP_SUPERVISED = 'round-cap-supervising-office';
/**
 * Patch id: on a plan with the office's closure review, the lead's approval of a reviewed milestone (every task's
 * last, and those the policy names) submits it for that review (`submitted`) instead of completing it; the office
 * closes it (销号) or returns it (退回重办, a new round). Only runs whose input carries the review take it. Never
 * reuse or rename.
 */
export const PATCH_CLOSURE_REVIEW = 'closure-review';

/**
 * Patch id: an extension request is told to the office that decides it (`input.extensionOffice`: the
 * supervision office for a task the general office leads) instead of always the general office. Only runs
 * whose input names that office take it. Never reuse or rename.
 */
export const PATCH_SUPERVISE_EXTENSION_OFFICE = 'supervise-extension-office';
/**
 * Patch id: an escalation at level 2 or higher issues a numbered supervision notice (督办单), a workflow of its
 * own that the task starts and closes with the escalation. Never reuse or rename.
 */
export const PATCH_SUPERVISE_NOTICES = 'supervise-notices';
/**
 * Patch id: a supervision notice of a higher level closes the open notices of the same milestone's lateness as
 * `superseded` (the units answer the latest, once), instead of leaving them open beside it. Never reuse or
 * rename.
 */
export const PATCH_NOTICE_SUPERSEDES = 'supervise-notice-supersedes';

/** The request's actor for its record (who, which role), when it names one (older requests do not). */
function actorOf(args: Acted): Acted {
  return args.actor ? { actor: args.actor } : {};
}

/** Something that happens to a key task: a request through one of its updates, or the passing of time. */
export type KeyTaskEvent =
  | { type: 'signOff'; args: SignOffArgs }
  | { type: 'resubmit'; args: ResubmitArgs }
  | { type: 'decideRound'; args: RoundDecisionArgs }
  | { type: 'requestExtension'; args: ExtensionRequestArgs }
  | { type: 'decideExtension'; args: ExtensionDecisionArgs }
  | { type: 'cancel'; args: CancelArgs }
  | { type: 'report'; args: ReportArgs }
  | { type: 'closeCollective'; args: CloseCollectiveArgs }
  | { type: 'designate'; args: DesignateArgs }
  | { type: 'waive'; args: WaiveArgs }
  | { type: 'reassign'; args: ReassignArgs }
  | { type: 'addCoUnit'; args: AddCoUnitArgs }
  | { type: 'chase'; args: ChaseArgs }
  | { type: 'reviewClosure'; args: ClosureReviewArgs }
  | { type: 'requestCoordination'; args: CoordinationRequestArgs }
  | { type: 'settleCoordination'; args: CoordinationSettlementArgs }
  | { type: 'receipt'; args: ReceiptArgs }
  | { type: 'settleDispute'; args: DisputeSettlementArgs }
  | { type: 'reportProgress'; args: ProgressReportArgs }
  /**
   * A workflow turn: the wake timer fired, or a request changed the state. Sends what has fallen due
   * (reminders, escalations) and publishes the task's row.
   */
  | { type: 'turn' };

/** What a request event answers its caller, by event type (a turn answers nothing). */
export interface KeyTaskAnswers {
  signOff: MilestoneView;
  resubmit: MilestoneView;
  decideRound: MilestoneView;
  requestExtension: Extension;
  decideExtension: Extension;
  cancel: KeyTaskView;
  report: MilestoneView;
  closeCollective: MilestoneView;
  designate: MilestoneView;
  waive: MilestoneView;
  reassign: MilestoneView;
  addCoUnit: MilestoneView;
  chase: Chase;
  reviewClosure: MilestoneView;
  requestCoordination: Coordination;
  settleCoordination: Coordination;
  receipt: MilestoneView;
  settleDispute: MilestoneView;
  reportProgress: ProgressReport;
  turn: undefined;
}

/** An effect the workflow carries out after a transition, in order. */
export type Effect =
  /** Start this notification's delivery workflow (its id is deterministic, so a second start is refused). */
  | { kind: 'notify'; notification: Notification }
  /** Write the task's search attributes with this row (the workflow skips a write that changes nothing). */
  | { kind: 'publish'; row: TaskRowState }
  /** Tell these notifications' delivery workflows that what they say is no longer true (those closed ignore it). */
  | { kind: 'withdraw'; ids: string[]; reason: 'completed' | 'cancelled' }
  /** Start this supervision notice's workflow (its id is deterministic, so a second start is refused). */
  | { kind: 'supervise'; notice: SupervisionNoticeInput }
  /** Tell these supervision notices that their escalation closed. */
  | { kind: 'close-notices'; ids: string[]; closedBy: NoticeClosedBy; supersededBy?: string };

/** The outcome of one transition. */
export interface Transition<E extends KeyTaskEvent = KeyTaskEvent> {
  state: KeyTaskState;
  effects: Effect[];
  answer: KeyTaskAnswers[E['type']];
  /** False when the event changed nothing (a retried request already applied, or a quiet turn). */
  changed: boolean;
}

/** What a transition needs from outside the state: the task's input, its workflow id, time and patches. */
export interface TransitionContext {
  input: KeyTaskInput;
  workflowId: string;
  /** Workflow time, epoch ms. */
  now: number;
  /**
   * Whether the run takes the code path of a patch (the workflow passes Temporal's `patched`; tests pass
   * `() => true` for new runs). Called exactly where the rule branches, as the recorded histories expect.
   */
  patched(patchId: string): boolean;
}

/**
 * Refuses a request the task cannot accept, with the refusal its caller sees (see requests.ts); answers
 * nothing when the request may be applied. Synchronous, so the workflow's update validators can call it.
 */
export function validate(state: KeyTaskState, event: KeyTaskEvent, input: KeyTaskInput, now: number): void {
  if (event.type !== 'turn') requireSameRequest(state, event.args);
  switch (event.type) {
    case 'signOff':
      return checkSignOff(state, input, event.args);
    case 'resubmit':
      return checkResubmit(state, input, event.args);
    case 'decideRound':
      return checkRoundDecision(state, input, event.args);
    case 'requestExtension':
      return checkExtensionRequest(state, input, event.args, now);
    case 'decideExtension':
      return checkExtensionDecision(state, input, event.args, now);
    case 'cancel':
      return checkCancel(state, event.args);
    case 'report':
      return checkReport(state, input, event.args);
    case 'closeCollective':
      return checkCloseCollective(state, input, event.args);
    case 'designate':
      return checkDesignate(state, input, event.args);
    case 'waive':
      return checkWaive(state, input, event.args);
    case 'reassign':
      return checkReassign(state, input, event.args);
    case 'addCoUnit':
      return checkAddCoUnit(state, input, event.args);
    case 'chase':
      return checkChase(state, input, event.args, now);
    case 'reviewClosure':
      return checkClosureReview(state, input, event.args);
    case 'requestCoordination':
      return checkCoordinationRequest(state, input, event.args);
    case 'settleCoordination':
      return checkCoordinationSettlement(state, input, event.args);
    case 'receipt':
      return checkReceipt(state, event.args);
    case 'settleDispute':
      return checkDisputeSettlement(state, input, event.args);
    case 'reportProgress':
      return checkProgressReport(state, input, event.args);
    case 'turn':
      return;
  }
}

/** Applies one event to a copy of `state`: the new state, its effects and the caller's answer. */
export function transition<E extends KeyTaskEvent>(
  state: KeyTaskState,
  event: E,
  ctx: TransitionContext,
): Transition<E> {
  // Most turns (one after every request) send nothing: they only publish the row, without copying the state.
  if (event.type === 'turn' && dueNow(state, ctx).length === 0 && loopDueNow(state, ctx).length === 0) {
    const row = taskRow(state, ctx.input, ctx.now);
    return {
      state,
      effects: [{ kind: 'publish', row }],
      answer: undefined as KeyTaskAnswers[E['type']],
      changed: false,
    };
  }
  const t = new Step(state, ctx);
  const answer = t.apply(event);
  if (t.changed && event.type !== 'turn') {
    t.rememberHash(event.args);
    t.afterRequest(event);
  }
  return { state: t.state, effects: t.effects, answer: answer as KeyTaskAnswers[E['type']], changed: t.changed };
}

/** The reminders and escalations of the current milestone that have fallen due by `ctx.now`, in time order. */
function dueNow(state: KeyTaskState, ctx: TransitionContext) {
  return currentMilestone(state)
    ? dueEvents(pendingEvents(state, ctx.input, ctx.workflowId, ctx.patched), ctx.now)
    : [];
}

/** The closed loop's events (loop.ts) that have fallen due by `ctx.now`, in time order. */
function loopDueNow(state: KeyTaskState, ctx: TransitionContext): Exclude<LoopEvent, { kind: 'loop-status' }>[] {
  if (!state.loop) return [];
  const sent = new Set(state.notifications.map((n) => n.id));
  const m = currentMilestone(state);
  if (!m) return [];
  return loopEvents(state, ctx.input, sent, loopIdOf(ctx.workflowId, m), ctx.now).filter(
    (e): e is Exclude<LoopEvent, { kind: 'loop-status' }> => e.at <= ctx.now && e.kind !== 'loop-status',
  );
}

/** The next instant after `ctx.now` at which a closed-loop event falls due (runs with the loop), if any. */
export function nextLoopWake(state: KeyTaskState, ctx: TransitionContext): number | undefined {
  const m = currentMilestone(state);
  if (!state.loop || !m) return undefined;
  const sent = new Set(state.notifications.map((n) => n.id));
  return loopEvents(state, ctx.input, sent, loopIdOf(ctx.workflowId, m), ctx.now).find((e) => e.at > ctx.now)?.at;
}

/**
 * The id of a closed-loop notice: a receipt reminder belongs to its milestone; a progress notice or a stall to the
 * task (segment `progress`), so that a milestone opening the same day does not send it again.
 */
function loopIdOf(workflowId: string, m: MilestoneRecord): (kind: string, key: string) => string {
  return (kind, key) => notificationId(workflowId, kind === 'receipt-reminder' ? m.id : 'progress', kind, key);
}

/** One transition in progress: the copied state, the effects so far and the rules that write them. */
class Step {
  readonly state: KeyTaskState;
  readonly effects: Effect[] = [];
  changed = false;

  constructor(
    state: KeyTaskState,
    private readonly ctx: TransitionContext,
  ) {
    // State is plain JSON (it crosses continue-as-new as such), so a JSON copy is exact.
    this.state = JSON.parse(JSON.stringify(state)) as KeyTaskState;
  }

  apply(event: KeyTaskEvent): unknown {
    switch (event.type) {
      case 'signOff':
        return this.signOff(event.args);
      case 'resubmit':
        return this.resubmit(event.args);
      case 'decideRound':
        return this.decideRound(event.args);
      case 'requestExtension':
        return this.requestExtension(event.args);
      case 'decideExtension':
        return this.decideExtension(event.args);
      case 'cancel':
        return this.cancel(event.args);
      case 'report':
        return this.report(event.args);
      case 'closeCollective':
        return this.closeCollective(event.args);
      case 'designate':
        return this.designate(event.args);
      case 'waive':
        return this.waive(event.args);
      case 'reassign':
        return this.reassign(event.args);
      case 'addCoUnit':
        return this.addCoUnit(event.args);
      case 'chase':
        return this.chase(event.args);
      case 'reviewClosure':
        return this.reviewClosure(event.args);
      case 'requestCoordination':
        return this.requestCoordination(event.args);
      case 'settleCoordination':
        return this.settleCoordination(event.args);
      case 'receipt':
        return this.receipt(event.args);
      case 'settleDispute':
        return this.settleDispute(event.args);
      case 'reportProgress':
        return this.reportProgress(event.args);
      case 'turn':
        return this.turn();
    }
  }

  private get input(): KeyTaskInput {
    return this.ctx.input;
  }

  private milestone(id: string): MilestoneRecord {
    return this.state.milestones.find((x) => x.id === id)!;
  }

  /** A sign-off: recorded in the round; a rejection returns the milestone, the lead's approval completes it. */
  private signOff(args: SignOffArgs): MilestoneView {
    const m = this.milestone(args.milestoneId);
    if (alreadyApplied(this.state, args.requestId)) return milestoneView(m);
    if (m.items) return this.itemSignOff(m, args);
    const who = m.required.find((r) => r.department === args.department)!;
    const round = m.rounds.at(-1)!;
    const at = iso(this.ctx.now);
    round.signOffs.push({
      department: args.department,
      role: who.role,
      workItems: who.workItems,
      decision: args.decision,
      person: args.person,
      at,
      comment: args.comment,
      figures: args.figures,
      ...(args.evidence?.length ? { evidence: args.evidence } : {}),
      requestId: args.requestId,
      ...actorOf(args),
    });
    if (args.decision === 'reject') this.returnMilestone(m, args.comment, at);
    else if (who.role === 'lead') this.complete(m, at);
    this.remember(args.requestId);
    return milestoneView(m);
  }

  /**
   * A rejection returns the milestone to the task's lead, who is told; the one that reaches the plan's cap of
   * rejections hands it to the office that supervises the task instead (the general office, or the supervision
   * office for a task the general office leads), which decides (the lead and that office are told).
   */
  private returnMilestone(m: MilestoneRecord, comment: string | undefined, at: string): void {
    const round = m.rounds.at(-1)!;
    round.outcome = 'rejected';
    round.closedAt = at;
    m.state = 'returned';
    const cap = this.input.policy.maxRejectionsPerMilestone;
    const rejections = rejectionsOf(m);
    if (cap !== undefined && rejections >= cap && this.ctx.patched(PATCH_ROUND_CAP)) {
      const { offices, task } = this.input;
      const office = this.ctx.patched(PATCH_ROUND_CAP_SUPERVISED)
        ? extensionOffice(offices, task.lead)
        : offices.generalOffice;
      m.awaitingOffice = office;
      this.notify(
        'round-cap-reached',
        m,
        [this.input.task.lead, office],
        this.noticeId(m, 'round-cap', `r${round.number}`),
        {
          comment,
          rejections,
        },
      );
      return;
    }
    this.notify('returned', m, [this.input.task.lead], this.noticeId(m, 'returned', `r${round.number}`), { comment });
    if (!this.ctx.patched(PATCH_ROUND_NOTICES)) return;
    // Units whose approval this round voids (the lead is told by the notice above): they must approve again.
    const approved = round.signOffs.filter((x) => x.decision === 'approve').map((x) => x.department);
    const voided = [...new Set(approved)].filter((d) => d !== this.input.task.lead);
    if (voided.length > 0) {
      this.notify('approval-voided', m, voided, this.noticeId(m, 'approval-voided', `r${round.number}`), { comment });
    }
  }

  /**
   * The office's decision on a milestone at the cap, recorded on its last (rejected) round: another round lets
   * the lead resubmit (a further rejection comes back to the office), or the milestone is closed as it stands
   * and the next one opens. The lead is told.
   */
  private decideRound(args: RoundDecisionArgs): MilestoneView {
    const m = this.milestone(args.milestoneId);
    if (alreadyApplied(this.state, args.requestId)) return milestoneView(m);
    const round = m.rounds.at(-1)!;
    const at = iso(this.ctx.now);
    round.officeDecision = { decision: args.decision, reason: args.reason, person: args.person, at, ...actorOf(args) };
    delete m.awaitingOffice;
    this.notify('round-decided', m, [this.input.task.lead], this.noticeId(m, 'round-decided', `r${round.number}`), {
      comment: args.reason,
      roundDecision: args.decision,
    });
    if (args.decision === 'close') this.finish(m, at);
    this.remember(args.requestId);
    return milestoneView(m);
  }

  /**
   * The lead's approval completes the milestone, and the next one opens; on a milestone the office reviews
   * (runs with patch `closure-review`), it submits it for that review instead, with its evidence.
   */
  private complete(m: MilestoneRecord, at: string): void {
    const round = m.rounds.at(-1)!;
    round.outcome = 'approved';
    round.closedAt = at;
    if (isReviewed(this.state, this.input, m) && this.ctx.patched(PATCH_CLOSURE_REVIEW)) return this.submit(m);
    this.finish(m, at);
  }

  /**
   * A milestone submitted for the office's closure review (办结审核): it waits for that office (its only pending
   * unit), which is told; its days late are counted now, as its units' part is done.
   */
  private submit(m: MilestoneRecord): void {
    const office = reviewingOffice(this.input);
    m.state = 'submitted';
    m.awaitingReview = office;
    m.daysLate = daysLate(lateFrom(m), this.input.policy.utcOffset, this.ctx.now, this.input.policy.workingCalendar);
    const round = m.rounds.at(-1)!;
    this.notify('closure-submitted', m, [office], this.noticeId(m, 'closure-submitted', `r${round.number}`), {
      daysLate: m.daysLate,
    });
  }

  /**
   * The office's closure review of a submitted milestone: closed (销号), it is completed with the days late it was
   * submitted with and the next one opens (the lead is told); returned (退回重办), a new round opens for all its
   * units, who are told with the reasons. Each review is kept on the milestone.
   */
  private reviewClosure(args: ClosureReviewArgs): MilestoneView {
    const m = this.milestone(args.milestoneId);
    if (alreadyApplied(this.state, args.requestId)) return milestoneView(m);
    const at = iso(this.ctx.now);
    const round = m.rounds.at(-1)!;
    (m.reviews ??= []).push({
      decision: args.decision,
      round: round.number,
      ...(args.reason ? { reason: args.reason } : {}),
      department: m.awaitingReview ?? reviewingOffice(this.input),
      person: args.person,
      at,
      requestId: args.requestId,
      ...actorOf(args),
    });
    delete m.awaitingReview;
    if (args.decision === 'close') {
      const id = this.noticeId(m, 'closure-closed', `r${round.number}`);
      this.notify('closure-closed', m, [this.input.task.lead], id, { daysLate: m.daysLate });
      this.finish(m, at, m.daysLate);
    } else {
      delete m.daysLate;
      m.state = 'open';
      m.rounds.push({ number: round.number + 1, openedAt: at, signOffs: [] });
      const units = [...new Set(m.required.map((r) => r.department).concat(pendingDepartments(m)))];
      this.notify('closure-returned', m, units, this.noticeId(m, 'closure-returned', `r${round.number}`), {
        comment: args.reason,
      });
    }
    this.remember(args.requestId);
    return milestoneView(m);
  }

  /**
   * The milestone is completed (approved, closed as it stands by the office, or closed by its review with the
   * days late it was submitted with); the next one opens.
   */
  private finish(m: MilestoneRecord, at: string, late?: number): void {
    m.state = 'completed';
    m.completedAt = at;
    m.daysLate =
      late ?? daysLate(lateFrom(m), this.input.policy.utcOffset, this.ctx.now, this.input.policy.workingCalendar);
    this.closeEscalation(m, 'completed');
    if (this.ctx.patched(PATCH_WITHDRAW_ON_COMPLETION)) this.withdrawPendingExtensions(m.id);
    this.withdrawNotices(m, 'completed');
    this.openNextMilestone();
  }

  /**
   * A sign-off on a milestone with work items: one record per item signed (co-unit or item lead), a rejection
   * returns the milestone, and the task lead's close (with the figures) completes it.
   */
  private itemSignOff(m: MilestoneRecord, args: SignOffArgs): MilestoneView {
    const round = m.rounds.at(-1)!;
    const at = iso(this.ctx.now);
    const base = { department: args.department, decision: args.decision, person: args.person, at, ...actorOf(args) };
    if (args.decision === 'reject') {
      const items = args.workItem === undefined ? itemsOf(m, args.department) : [args.workItem];
      const role = args.department === taskLeadOf(m) ? 'lead' : 'co';
      round.signOffs.push({ ...base, role, workItems: items, comment: args.comment, requestId: args.requestId });
      this.returnMilestone(m, args.comment, at);
    } else {
      const plan = signOffPlan(m, args.department, args.workItem);
      for (const i of plan.items) {
        const last = plan.closes && i === plan.items.at(-1);
        round.signOffs.push({
          ...base,
          role: m.items![i]!.lead === args.department ? 'lead' : 'co',
          workItems: [i],
          comment: args.comment,
          ...(last ? { figures: args.figures } : {}),
          ...(last && args.evidence?.length ? { evidence: args.evidence } : {}),
          requestId: args.requestId,
        });
      }
      if (plan.closes) this.complete(m, at);
    }
    this.remember(args.requestId);
    return milestoneView(m);
  }

  /** A member's report on its part of an item (a later report replaces the earlier one in the count). */
  private report(args: ReportArgs): MilestoneView {
    const m = this.milestone(args.milestoneId);
    if (alreadyApplied(this.state, args.requestId)) return milestoneView(m);
    const part = m.items![args.workItem]!.collectives.find((c) => c.members.includes(args.department))!;
    part.reports.push({
      department: args.department,
      status: args.status,
      text: args.text,
      ...(args.figures ? { figures: args.figures } : {}),
      person: args.person,
      at: iso(this.ctx.now),
      requestId: args.requestId,
      ...actorOf(args),
    });
    this.remember(args.requestId);
    return milestoneView(m);
  }

  /** The item's lead closes its collectives' parts early: the count reported and the reason are kept. */
  private closeCollective(args: CloseCollectiveArgs): MilestoneView {
    const m = this.milestone(args.milestoneId);
    if (alreadyApplied(this.state, args.requestId)) return milestoneView(m);
    const item = m.items![args.workItem]!;
    const at = iso(this.ctx.now);
    const left: string[] = [];
    for (const c of item.collectives) {
      const pending = membersPending(item, c);
      if (pending.length === 0) continue;
      left.push(...pending);
      const reported = new Set(c.reports.map((r) => r.department)).size;
      c.closure = {
        department: args.department,
        person: args.person,
        at,
        reason: args.reason,
        reported,
        total: c.members.length,
      };
    }
    this.record(
      m,
      {
        kind: 'close-collective',
        workItem: args.workItem,
        departments: left,
        reason: args.reason,
        by: args.department,
        person: args.person,
        ...actorOf(args),
      },
      [],
    );
    this.remember(args.requestId);
    return milestoneView(m);
  }

  /** The item's lead designates departments: co-units of the item from the current milestone on. */
  private designate(args: DesignateArgs): MilestoneView {
    const m = currentMilestone(this.state)!;
    if (alreadyApplied(this.state, args.requestId)) return milestoneView(m);
    for (const x of this.fromCurrent()) {
      const d = x.items![args.workItem]!.designations[0]!;
      d.designated.push(...args.departments);
    }
    this.record(
      m,
      {
        kind: 'designate',
        workItem: args.workItem,
        departments: args.departments,
        reason: args.reason,
        by: args.department,
        person: args.person,
        ...actorOf(args),
      },
      args.departments,
    );
    this.remember(args.requestId);
    return milestoneView(m);
  }

  /** The office waives a unit for one milestone of an item (不适用): it owes nothing there. */
  private waive(args: WaiveArgs): MilestoneView {
    const m = this.milestone(args.milestoneId);
    if (alreadyApplied(this.state, args.requestId)) return milestoneView(m);
    const item = m.items![args.workItem]!;
    item.waived.push({ department: args.unit, reason: args.reason, person: args.person, at: iso(this.ctx.now) });
    const collective = item.collectives.find((c) => c.id === args.unit);
    const told = collective ? membersPending({ ...item, waived: [] }, collective) : [args.unit];
    this.record(
      m,
      {
        kind: 'waive',
        workItem: args.workItem,
        departments: [args.unit],
        reason: args.reason,
        by: this.input.offices.generalOffice,
        person: args.person,
        ...actorOf(args),
      },
      told,
    );
    this.remember(args.requestId);
    return milestoneView(m);
  }

  /** The office hands a unit's part of an item to another department, from the current milestone on. */
  private reassign(args: ReassignArgs): MilestoneView {
    const m = currentMilestone(this.state)!;
    if (alreadyApplied(this.state, args.requestId)) return milestoneView(m);
    const swap = (d: string) => (d === args.from ? args.to : d);
    for (const x of this.fromCurrent()) {
      const item = x.items![args.workItem]!;
      item.lead = swap(item.lead);
      item.co = item.co.map(swap);
      for (const d of item.designations) d.designated = d.designated.map(swap);
    }
    this.record(
      m,
      {
        kind: 'reassign',
        workItem: args.workItem,
        departments: [args.from, args.to],
        from: args.from,
        to: args.to,
        reason: args.reason,
        by: this.input.offices.generalOffice,
        person: args.person,
        ...actorOf(args),
      },
      [args.from, args.to],
    );
    this.remember(args.requestId);
    return milestoneView(m);
  }

  /** The office adds a co-unit to an item, from the current milestone on. */
  private addCoUnit(args: AddCoUnitArgs): MilestoneView {
    const m = currentMilestone(this.state)!;
    if (alreadyApplied(this.state, args.requestId)) return milestoneView(m);
    for (const x of this.fromCurrent()) x.items![args.workItem]!.co.push(args.unit);
    this.record(
      m,
      {
        kind: 'add-co-unit',
        workItem: args.workItem,
        departments: [args.unit],
        reason: args.reason,
        by: this.input.offices.generalOffice,
        person: args.person,
        ...actorOf(args),
      },
      [args.unit],
    );
    this.remember(args.requestId);
    return milestoneView(m);
  }

  /** The current milestone and every later one (changes of responsibility apply to them). */
  private fromCurrent(): MilestoneRecord[] {
    return this.state.milestones.slice(this.state.current);
  }

  /** Records a change of responsibility and tells the units it touches and the item's lead. */
  private record(
    m: MilestoneRecord,
    change: Omit<ResponsibilityChange, 'id' | 'milestoneId' | 'at'>,
    told: string[],
  ): void {
    const changes = (this.state.changes ??= []);
    const entry: ResponsibilityChange = {
      id: `chg-${changes.length + 1}`,
      milestoneId: m.id,
      at: iso(this.ctx.now),
      ...change,
    };
    changes.push(entry);
    const lead = m.items![change.workItem]!.lead;
    const audience = [...told, lead].filter((d) => d !== change.by || told.includes(d));
    if (told.length > 0) {
      this.notify('responsibility-changed', m, audience, this.noticeId(m, 'change', entry.id), {
        comment: change.reason,
        workItem: change.workItem,
      });
    }
  }

  /** The lead's resubmission of a returned milestone: a new round of sign-offs. */
  private resubmit(args: ResubmitArgs): MilestoneView {
    const m = this.milestone(args.milestoneId);
    if (alreadyApplied(this.state, args.requestId)) return milestoneView(m);
    const at = iso(this.ctx.now);
    m.state = 'open';
    m.rounds.push({
      number: m.rounds.length + 1,
      openedAt: at,
      resubmission: { note: args.note, person: args.person, at, ...actorOf(args) },
      signOffs: [],
    });
    if (this.ctx.patched(PATCH_ROUND_NOTICES)) {
      // The new round is reminded again, from now on; every unit that must sign is told it is back.
      this.state.remindEachRound = true;
      this.state.plannedFrom = this.ctx.now;
      const back = pendingDepartments(m).filter((d) => d !== args.department);
      if (back.length > 0) {
        const key = `r${m.rounds.length}`;
        this.notify('resubmitted', m, back, this.noticeId(m, 'resubmitted', key), { comment: args.note });
      }
    }
    this.remember(args.requestId);
    return milestoneView(m);
  }

  /** The lead's extension request: pending, and the general office is told. */
  private requestExtension(args: ExtensionRequestArgs): Extension {
    const known = this.state.extensions.find((e) => e.requestId === args.requestId);
    if (known) return known;
    const m = this.milestone(args.milestoneId);
    const ext: Extension = {
      id: `ext-${this.state.extensions.length + 1}`,
      requestId: args.requestId,
      milestoneId: m.id,
      requestedBy: { department: args.department, person: args.person, ...actorOf(args) },
      requestedAt: iso(this.ctx.now),
      previousDueDate: m.dueDate,
      newDueDate: args.newDueDate,
      reason: args.reason,
      state: 'pending',
    };
    this.state.extensions.push(ext);
    // The office that decides is the one told (the supervision office for a task the general office leads).
    const office =
      this.input.extensionOffice !== undefined && this.ctx.patched(PATCH_SUPERVISE_EXTENSION_OFFICE)
        ? this.input.extensionOffice
        : this.input.offices.generalOffice;
    this.notify('extension-requested', m, [office], this.noticeId(m, 'extension', ext.id), {
      comment: args.reason,
      newDueDate: args.newDueDate,
    });
    this.remember(args.requestId);
    return ext;
  }

  /** The office's decision: an approval moves the due date and closes the escalation; the lead is told. */
  private decideExtension(args: ExtensionDecisionArgs): Extension {
    const ext = this.state.extensions.find((e) => e.id === args.extensionId)!;
    if (alreadyApplied(this.state, args.requestId)) return ext;
    const m = this.milestone(ext.milestoneId);
    ext.state = args.approve ? 'approved' : 'declined';
    ext.decision = { person: args.person, at: iso(this.ctx.now), comment: args.comment, ...actorOf(args) };
    if (args.approve) {
      m.dueDate = ext.newDueDate;
      this.closeEscalation(m, 'extended');
      if (currentMilestone(this.state)?.id === m.id) this.state.plannedFrom = this.ctx.now;
    }
    this.notify('extension-decided', m, [this.input.task.lead], this.noticeId(m, 'extension-decided', ext.id), {
      comment: args.comment,
      approved: args.approve,
    });
    this.remember(args.requestId);
    return ext;
  }

  /** An administrator's cancellation: every unfinished milestone cancelled, pending requests withdrawn. */
  private cancel(args: CancelArgs): KeyTaskView {
    if (alreadyApplied(this.state, args.requestId)) return taskView(this.state, this.input, this.ctx.now);
    const m = currentMilestone(this.state);
    if (m) this.closeEscalation(m, 'cancelled');
    if (m) this.withdrawNotices(m, 'cancelled');
    for (const x of this.state.milestones) if (x.state !== 'completed') x.state = 'cancelled';
    this.state.lifecycle = 'cancelled';
    this.state.cancellation = { person: args.person, reason: args.reason, at: iso(this.ctx.now), ...actorOf(args) };
    this.withdrawPendingExtensions();
    this.remember(args.requestId);
    return taskView(this.state, this.input, this.ctx.now);
  }

  /**
   * A turn: every reminder and escalation of the current milestone that has fallen due is sent (each once:
   * its id is in the state afterwards), then the row is published.
   */
  private turn(): undefined {
    const m = currentMilestone(this.state);
    if (m) {
      const due = dueNow(this.state, this.ctx);
      const levels = due.flatMap((e) => (e.kind === 'escalation' ? [e] : []));
      // Several levels due at once make one notice at the highest (runs from before the patch sent each).
      const together = levels.length > 1 && this.ctx.patched(PATCH_ONE_ESCALATION_NOTICE);
      for (const event of due) {
        this.changed = true;
        if (event.kind === 'reminder') {
          // Only units that have not signed are reminded (the lead is pending until the milestone completes).
          this.notify('reminder', m, pendingDepartments(m), event.id, { daysBefore: event.daysBefore });
        } else if (event.kind === 'overdue') {
          // The members still to report, each told its part is late, and the item's lead, to whom it escalates.
          const item = m.items![event.workItem]!;
          const late = item.collectives.flatMap((c) => membersPending(item, c));
          this.notify('overdue', m, [...late, item.lead], event.id, {
            workItem: event.workItem,
            daysLate: daysLate(
              lateFrom(m),
              this.input.policy.utcOffset,
              this.ctx.now,
              this.input.policy.workingCalendar,
            ),
          });
        } else if (!together) this.escalate(m, event.level, event.id, false);
      }
      if (together) this.escalate(m, levels.at(-1)!.level, levels.at(-1)!.id, true);
      for (const event of loopDueNow(this.state, this.ctx)) this.loopEvent(m, event);
    }
    this.effects.push({ kind: 'publish', row: taskRow(this.state, this.input, this.ctx.now) });
    return undefined;
  }

  /**
   * Raises the milestone's escalation episode (opening one if needed) to `level` and notifies that level's
   * audience, or with `upTo` the audiences of every level up to it (the levels it skipped were never sent).
   */
  private escalate(m: MilestoneRecord, level: number, id: string, upTo: boolean): void {
    const audience = this.input.policy.escalation
      .filter((e) => (upTo ? e.level <= level : e.level === level))
      .sort((a, b) => a.level - b.level)
      .flatMap((e) => e.notify);
    let episode = openEscalation(this.state, m.id);
    if (!episode) {
      episode = { milestoneId: m.id, dueDate: m.dueDate, level: 0, openedAt: iso(this.ctx.now), levels: [] };
      this.state.escalations.push(episode);
    }
    episode.level = level;
    episode.levels.push({ level, at: iso(this.ctx.now), notified: [...new Set(audience)] });
    const late = daysLate(lateFrom(m), this.input.policy.utcOffset, this.ctx.now, this.input.policy.workingCalendar);
    this.notify('escalation', m, audience, id, { level, daysLate: late });
    if (this.ctx.patched(PATCH_CHASE_PENDING)) this.chasePending(m, level, late);
    this.superviseNotice(m, level);
  }

  /**
   * From level 2 (runs with patch `supervise-notices`), an escalation issues a numbered supervision notice
   * (督办单) to the units still pending, in the name of that level's supervising office, to be answered within
   * the policy's days; its own workflow numbers, sends, follows and closes it (workflows/supervision-notice.ts).
   */
  private superviseNotice(m: MilestoneRecord, level: number): void {
    if (level < SUPERVISION_NOTICE_LEVEL || !this.ctx.patched(PATCH_SUPERVISE_NOTICES)) return;
    const { policy, offices } = this.input;
    const id = supervisionNoticeId(this.ctx.workflowId, m.id, m.dueDate, level);
    const notices = (this.state.supervisionNotices ??= []);
    if (notices.some((x) => x.id === id)) return;
    if (this.ctx.patched(PATCH_NOTICE_SUPERSEDES)) this.closeNotices(m, 'superseded', id);
    notices.push({ id, milestoneId: m.id });
    const issuedOn = localDate(this.ctx.now, policy.utcOffset);
    const issuedBy = policy.escalation.find((e) => e.level === level)?.notify[0] ?? offices.supervisionOffice;
    this.effects.push({
      kind: 'supervise',
      notice: {
        id,
        planId: this.input.planId,
        taskWorkflowId: this.ctx.workflowId,
        taskNumber: this.input.task.number,
        taskTitle: this.input.task.title,
        milestoneId: m.id,
        milestoneTitle: m.title,
        dueDate: m.dueDate,
        level,
        daysLate: daysLate(lateFrom(m), policy.utcOffset, this.ctx.now, policy.workingCalendar),
        issuedBy,
        units: pendingDepartments(m),
        issuedAt: iso(this.ctx.now),
        issuedOn,
        answerBy: addWorkingDays(issuedOn, policy.answerDays ?? DEFAULT_ANSWER_DAYS, policy.workingCalendar),
        utcOffset: policy.utcOffset,
        overdueTo: [...new Set([offices.supervisionOffice, issuedBy])],
      },
    });
  }

  /**
   * The chase that goes with an escalation step: every unit still pending on the milestone (in any work item,
   * or the lead that must resubmit) gets an overdue notice of its own, and the chase is recorded.
   */
  private chasePending(m: MilestoneRecord, level: number, late: number): void {
    const pending = pendingDepartments(m);
    if (pending.length === 0) return;
    const id = this.noticeId(m, 'chase', `${m.dueDate}/L${level}`);
    this.recordChase(m, { kind: 'escalation', departments: pending, notificationId: id, level, daysLate: late });
    this.notify('overdue', m, pending, id, { level, daysLate: late });
  }

  /** The general office's chase (催办) of the current milestone's pending units, with its message. */
  private chase(args: ChaseArgs): Chase {
    const known = (this.state.chases ?? []).find((c) => c.requestId === args.requestId);
    if (known) return known;
    const m = this.milestone(args.milestoneId);
    const pending = pendingDepartments(m);
    const id = this.noticeId(m, 'chase', `c${(this.state.chases?.length ?? 0) + 1}`);
    const chase = this.recordChase(m, {
      kind: 'manual',
      departments: pending,
      notificationId: id,
      message: args.message.trim(),
      person: args.person,
      requestId: args.requestId,
      daysLate: daysLate(lateFrom(m), this.input.policy.utcOffset, this.ctx.now, this.input.policy.workingCalendar),
      ...actorOf(args),
    });
    this.notify('chase', m, pending, id, { comment: args.message.trim(), daysLate: chase.daysLate });
    this.remember(args.requestId);
    return chase;
  }

  /**
   * A coordination request (协调事项): recorded with the milestone current then, and told to the task's office
   * (the matter as the notice's comment).
   */
  private requestCoordination(args: CoordinationRequestArgs): Coordination {
    const list = (this.state.coordinations ??= []);
    const known = list.find((c) => c.requestId === args.requestId);
    if (known) return known;
    const m = currentMilestone(this.state)!;
    const c: Coordination = {
      id: `c${list.length + 1}`,
      milestoneId: m.id,
      department: args.department,
      matter: args.matter.trim(),
      units: [...new Set(args.units ?? [])],
      person: args.person,
      at: iso(this.ctx.now),
      requestId: args.requestId,
      ...actorOf(args),
      state: 'open',
    };
    list.push(c);
    const office = reviewingOffice(this.input);
    this.notify('coordination-requested', m, [office], this.noticeId(m, 'coordination', c.id), { comment: c.matter });
    this.remember(args.requestId);
    return c;
  }

  /** The office settles a coordination request: the asker and the units it concerns are told the outcome. */
  private settleCoordination(args: CoordinationSettlementArgs): Coordination {
    const c = this.state.coordinations!.find((x) => x.id === args.coordinationId)!;
    if (alreadyApplied(this.state, args.requestId)) return c;
    c.state = 'settled';
    c.settlement = {
      outcome: args.outcome.trim(),
      department: reviewingOffice(this.input),
      person: args.person,
      at: iso(this.ctx.now),
      requestId: args.requestId,
      ...actorOf(args),
    };
    const m = this.state.milestones.find((x) => x.id === c.milestoneId) ?? this.state.milestones.at(-1)!;
    const id = this.noticeId(m, 'coordination-settled', c.id);
    this.notify('coordination-settled', m, [c.department, ...c.units], id, { comment: c.settlement.outcome });
    this.remember(args.requestId);
    return c;
  }

  /**
   * After any request that changed the task (runs with the closed loop): the act is the task's latest activity
   * (a chase, the office's own pressure, is not), a unit that signed or reported has signed for receipt too, and
   * the current milestone's receipts follow who signs it now (a milestone opened, a unit was handed a part).
   */
  afterRequest(event: Exclude<KeyTaskEvent, { type: 'turn' }>): void {
    if (!this.state.loop) return;
    const now = this.ctx.now;
    if (this.state.progress && event.type !== 'chase') this.state.progress.lastActivityAt = iso(now);
    const m = currentMilestone(this.state);
    const acted = event.type === 'signOff' || event.type === 'report' ? event.args : undefined;
    const r = m && acted ? receiptOf(m, acted.department) : undefined;
    if (r?.state === 'pending' && acted) {
      Object.assign(r, { state: 'received', person: acted.person, at: iso(now), requestId: acted.requestId });
    }
    syncReceipts(this.state, this.input, now);
  }

  /** A unit signs for its part of the current milestone (签收), or disputes it: the office is told of a dispute. */
  private receipt(args: ReceiptArgs): MilestoneView {
    const m = this.milestone(args.milestoneId);
    if (alreadyApplied(this.state, args.requestId)) return milestoneView(m);
    const r = receiptOf(m, args.department)!;
    const dispute = args.decision === 'dispute';
    Object.assign(r, {
      state: dispute ? 'disputed' : 'received',
      person: args.person,
      at: iso(this.ctx.now),
      ...(dispute ? { reason: args.reason!.trim() } : {}),
      requestId: args.requestId,
      ...actorOf(args),
    });
    if (dispute) {
      const office = reviewingOffice(this.input);
      const id = this.noticeId(m, 'receipt-disputed', args.department);
      this.notify('receipt-disputed', m, [office], id, { comment: `${args.department}：${r.reason}` });
    }
    this.remember(args.requestId);
    return milestoneView(m);
  }

  /**
   * The office decides a dispute: the unit confirmed keeps its part (it still signs for it), or its part in every
   * item it signs is handed to another unit (recorded as the office's reassignments), which is asked to sign for
   * receipt in its turn. The disputing unit and the unit handed the part are told.
   */
  private settleDispute(args: DisputeSettlementArgs): MilestoneView {
    const m = this.milestone(args.milestoneId);
    if (alreadyApplied(this.state, args.requestId)) return milestoneView(m);
    const r = receiptOf(m, args.department)!;
    const at = iso(this.ctx.now);
    const reassign = args.decision === 'reassign';
    if (reassign) {
      m.items!.forEach((item, workItem) => {
        if (item.lead !== args.department && !item.co.includes(args.department)) return;
        const { person, actor } = args;
        const reason = `签收异议：${r.reason ?? ''}；${args.reason}`;
        const requestId = `${args.requestId}/i${workItem}`;
        this.reassign({ workItem, from: args.department, to: args.to!, reason, person, requestId, actor });
      });
    }
    r.state = reassign ? 'handed-over' : 'confirmed';
    r.settlement = {
      decision: args.decision,
      ...(reassign ? { to: args.to } : {}),
      reason: args.reason.trim(),
      department: reviewingOffice(this.input),
      person: args.person,
      at,
      requestId: args.requestId,
      ...actorOf(args),
    };
    const told = reassign ? [args.department, args.to!] : [args.department];
    const comment = reassign
      ? `转交 ${args.to}：${args.reason.trim()}`
      : `确认由 ${args.department} 承担：${args.reason.trim()}`;
    this.notify('receipt-settled', m, told, this.noticeId(m, 'receipt-settled', args.department), { comment });
    this.remember(args.requestId);
    return milestoneView(m);
  }

  /** A progress report for the period current now: the lead's is the one the cadence asks for; co-units add theirs. */
  private reportProgress(args: ProgressReportArgs): ProgressReport {
    const progress = this.state.progress!;
    const known = progress.reports.find((r) => r.requestId === args.requestId);
    if (known) return known;
    const text = (s: string | undefined) => (s?.trim() ? s.trim() : undefined);
    const report: ProgressReport = {
      period: currentPeriod(progress, this.input, this.ctx.now),
      department: args.department,
      role: args.department === this.input.task.lead ? 'lead' : 'co',
      done: args.done.trim(),
      ...(text(args.problems) ? { problems: text(args.problems) } : {}),
      ...(text(args.coordination) ? { coordination: text(args.coordination) } : {}),
      ...(text(args.nextSteps) ? { nextSteps: text(args.nextSteps) } : {}),
      person: args.person,
      at: iso(this.ctx.now),
      requestId: args.requestId,
      ...actorOf(args),
    };
    progress.reports.push(report);
    this.remember(args.requestId);
    return report;
  }

  /**
   * A closed-loop event that fell due: a receipt's last day reminds the units yet to sign for it; a report due today
   * reminds the lead; a report missed at the end of its day is recorded (it costs the lead in the scores) and the
   * lead chased, the office copied; a stall is recorded and told to the lead and the office.
   */
  private loopEvent(m: MilestoneRecord, event: Exclude<LoopEvent, { kind: 'loop-status' }>): void {
    this.changed = true;
    const lead = this.input.task.lead;
    const office = reviewingOffice(this.input);
    const id = loopIdOf(this.ctx.workflowId, m)(event.kind, event.key);
    if (event.kind === 'receipt-reminder') {
      this.notify('receipt-reminder', m, event.departments, id, { answerBy: event.dueDate });
    } else if (event.kind === 'progress-reminder') {
      this.notify('progress-reminder', m, [lead], id, { period: event.period, dueDate: event.dueDate });
    } else if (event.kind === 'progress-missed') {
      const progress = this.state.progress!;
      progress.missed.push({ period: event.period, dueDate: event.dueDate, department: lead, notificationId: id });
      this.notify('progress-missed', m, [lead, office], id, { period: event.period, dueDate: event.dueDate });
    } else {
      const progress = this.state.progress!;
      progress.stalls.push({ since: event.since, at: iso(this.ctx.now), notificationId: id });
      const days = this.input.policy.progress!.stalledAfterDays;
      this.notify('stalled', m, [lead, office], id, { daysLate: days, comment: `自 ${event.since} 起无办理记录` });
    }
  }

  /** Records a chase of milestone `m` now. */
  private recordChase(m: MilestoneRecord, c: Omit<Chase, 'id' | 'milestoneId' | 'at' | 'day'>): Chase {
    const chases = (this.state.chases ??= []);
    const chase: Chase = {
      id: `chase-${chases.length + 1}`,
      milestoneId: m.id,
      at: iso(this.ctx.now),
      day: localDate(this.ctx.now, this.input.policy.utcOffset),
      ...c,
    };
    chases.push(chase);
    this.changed = true;
    return chase;
  }

  /**
   * Withdraws the reminders, escalations and chases of `m` already sent (runs with `notices-withdraw-obsolete`):
   * those still delivering deliver nothing more and are logged `obsolete`.
   */
  private withdrawNotices(m: MilestoneRecord, reason: 'completed' | 'cancelled'): void {
    if (!this.ctx.patched(PATCH_WITHDRAW_OBSOLETE)) return;
    const ids = this.state.notifications
      .filter((n) => n.milestoneId === m.id && TIMELY_KINDS.includes(n.kind))
      .map((n) => n.id);
    if (ids.length > 0) this.effects.push({ kind: 'withdraw', ids, reason });
  }

  /**
   * The open supervision notices of a milestone close with its escalation, or when a notice of a higher level
   * (`supersededBy`) takes their place.
   */
  private closeNotices(m: MilestoneRecord, closedBy: NoticeClosedBy, supersededBy?: string): void {
    const open = (this.state.supervisionNotices ?? []).filter((x) => x.milestoneId === m.id && !x.closed);
    for (const x of open) x.closed = true;
    if (open.length === 0) return;
    const ids = open.map((x) => x.id);
    this.effects.push({ kind: 'close-notices', ids, closedBy, ...(supersededBy ? { supersededBy } : {}) });
  }

  /**
   * The id of a notification a request causes, from the milestone, a kind segment and what it is about.
   * Recorded histories hold these ids: never change a segment.
   */
  private noticeId(m: MilestoneRecord, segment: string, key: string): string {
    return notificationId(this.ctx.workflowId, m.id, segment, key);
  }

  /**
   * Records a notification and asks for its delivery. Its `id` is deterministic (see {@link notificationId}),
   * so a replayed or retried step never makes a second one; the state keeps each id once (a notification whose
   * id it holds already is neither recorded nor started again: the rules never make one, and the guard keeps
   * the record and the reminder schedule, which reads these ids, true to what was sent).
   */
  private notify(
    kind: NotificationKind,
    m: MilestoneRecord,
    departments: string[],
    id: string,
    extra: Partial<Notification>,
  ): void {
    if (this.state.notifications.some((x) => x.id === id)) return;
    const n: Notification = {
      id,
      kind,
      planId: this.input.planId,
      workflowId: this.ctx.workflowId,
      taskNumber: this.input.task.number,
      taskTitle: this.input.task.title,
      milestoneId: m.id,
      milestoneTitle: m.title,
      departments: [...new Set(departments)],
      pendingDepartments: pendingDepartments(m),
      dueDate: m.dueDate,
      at: iso(this.ctx.now),
      ...extra,
    };
    this.state.notifications.push(n);
    this.effects.push({ kind: 'notify', notification: n });
  }

  /** Keeps the fingerprint an applied request came with, for as long as its id is remembered. */
  rememberHash(args: { requestId: string; requestHash?: string }): void {
    if (!args.requestHash) return;
    const hashes = (this.state.requestHashes ??= {});
    hashes[args.requestId] = args.requestHash;
    if (Object.keys(hashes).length > APPLIED_REQUESTS_KEPT) {
      const kept = new Set(this.state.appliedRequests);
      for (const id of Object.keys(hashes)) if (!kept.has(id)) delete hashes[id];
    }
  }

  private remember(requestId: string): void {
    this.state.appliedRequests.push(requestId);
    if (this.state.appliedRequests.length > APPLIED_REQUESTS_KEPT) this.state.appliedRequests.shift();
    this.changed = true;
  }

  private closeEscalation(m: MilestoneRecord, closedBy: 'completed' | 'extended' | 'cancelled'): void {
    const open = openEscalation(this.state, m.id);
    if (!open) return;
    this.closeNotices(m, closedBy);
    open.closedAt = iso(this.ctx.now);
    open.closedBy = closedBy;
    if (closedBy === 'completed')
      open.daysLate = daysLate(
        lateFrom(m),
        this.input.policy.utcOffset,
        this.ctx.now,
        this.input.policy.workingCalendar,
      );
  }

  /** Extension requests still waiting (of one milestone, or all) that nobody can decide any more. */
  private withdrawPendingExtensions(milestoneId?: string): void {
    for (const e of this.state.extensions) {
      if (e.state === 'pending' && (milestoneId === undefined || e.milestoneId === milestoneId)) e.state = 'withdrawn';
    }
  }

  private openNextMilestone(): void {
    this.state.current++;
    const next = this.state.milestones[this.state.current];
    if (!next) {
      this.state.lifecycle = 'completed';
      this.state.completedAt = iso(this.ctx.now);
      return;
    }
    next.state = 'open';
    if (this.ctx.patched(PATCH_LATENESS_FROM_OPENING))
      next.openedOn = localDate(this.ctx.now, this.input.policy.utcOffset);
    next.rounds.push({ number: 1, openedAt: iso(this.ctx.now), signOffs: [] });
    this.state.plannedFrom = this.ctx.now;
  }
}
