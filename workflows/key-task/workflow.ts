/**
 * The key-task workflow: one durable run per key task for the whole plan year. This file is its wiring
 * only: update handlers and their validators, the wake timer, notification children, search attributes
 * and continue-as-new. What a sign-off, an extension or the passing of time does to the task is decided by
 * the pure transitions (transitions.ts); this file carries out their effects.
 */
import {
  allHandlersFinished,
  CancellationScope,
  condition,
  continueAsNew,
  getExternalWorkflowHandle,
  log,
  ParentClosePolicy,
  patched,
  setHandler,
  sleep,
  startChild,
  upsertMemo,
  upsertSearchAttributes,
  workflowInfo,
} from '@temporalio/workflow';
import { WorkflowExecutionAlreadyStartedError, WorkflowIdReusePolicy } from '@temporalio/common';
import type { SearchAttributeUpdatePair, UpdateDefinition } from '@temporalio/common';
// Values only from the zod-free contracts/shared; types from anywhere.
import type { KeyTaskInput, KeyTaskView, Notification } from '../../contracts';
import type { TaskRowState, WithTaskRow } from '../../contracts/shared';
import {
  addCoUnitUpdate,
  cancelUpdate,
  chaseUpdate,
  closeCollectiveUpdate,
  decideExtensionUpdate,
  decideRoundUpdate,
  designateUpdate,
  getStateQuery,
  reassignUpdate,
  receiptUpdate,
  reportProgressUpdate,
  reportUpdate,
  requestExtensionUpdate,
  resubmitUpdate,
  reviewClosureUpdate,
  requestCoordinationUpdate,
  settleCoordinationUpdate,
  settleDisputeUpdate,
  signOffUpdate,
  waiveUpdate,
  withdrawNoticeSignal,
  SA_DEPARTMENTS,
  SA_ESCALATION_LEVEL,
  SA_EXTENSION_PENDING,
  SA_MILESTONE,
  SA_NEXT_DUE,
  SA_PENDING,
  SA_STATUS,
  PARTS_MEMO_KEY,
  LOOP_MEMO_KEY,
  SA_UPDATED_AT,
  SA_PLAN_ID,
  SA_TASK_NUMBER,
  closeNoticeSignal,
  type CloseNoticeArgs,
  type SupervisionNoticeInput,
} from '../../contracts/shared';
import { supervisionNoticeWorkflow } from '../supervision-notice';
import { deadlineEpoch, iso } from '../../domain/calendar';
import { nextWake, pendingEvents } from './schedule';
import { initialState, taskRow, taskView, type KeyTaskState } from './state';
import { loopAsked, PATCH_CLOSED_LOOP } from './loop';
import {
  nextLoopWake,
  PATCH_LATENESS_FROM_OPENING,
  transition,
  validate,
  type Effect,
  type KeyTaskEvent,
  type TransitionContext,
} from './transitions';
import { startNotification } from '../notification';

/** Patch id: the `DubanExtensionPending` search attribute (see `publish`). Never reuse or rename. */
const PATCH_EXTENSION_PENDING = 'extension-pending-search-attribute';
/**
 * Patch id: one timer for the next due event, kept across turns and replaced only when that time changes,
 * instead of a new timer every turn (a sign-off then costs no timer events). Never reuse or rename.
 */
const PATCH_STABLE_WAKE_TIMER = 'stable-wake-timer';
/**
 * Patch id: every upsert that changes the row also sets `DubanUpdatedAt`, so the API's replicas can poll
 * for changed rows instead of reloading every task. Never reuse or rename.
 */
const PATCH_UPDATED_AT = 'updated-at-search-attribute';
/**
 * Patch id: a Temporal cancellation request (the CLI's `workflow cancel`, the Web UI, a raw client) is
 * refused: the task runs on and its record lists the request. The API cancels through the `cancel` update,
 * which checks who asks. Never reuse or rename.
 */
const PATCH_REFUSE_OUTSIDE_CANCELLATION = 'refuse-outside-cancellation';
/**
 * Patch id: work-item responsibility. A run started with it (and an input that carries items) signs each
 * milestone item by item, fans collectives out to their members' reports and takes designations and the
 * office's changes; its state says so (`changes`), so continue-as-new keeps the rule. Runs started before it
 * keep the task-wide rule they started with. Never reuse or rename.
 */
export const PATCH_WORK_ITEMS = 'work-item-responsibility';
/**
 * Patch id: `DubanNextDue` holds the instant the due day ends in the plan's time zone (the midnight that
 * starts the next local day, when the task turns overdue), not midnight UTC at its start. Never reuse or rename.
 */
const PATCH_NEXT_DUE_END_OF_DAY = 'notices-next-due-end-of-day';

/**
 * Patch id: a policy whose days are working days (its input carries the resolved holiday calendar) puts its
 * reminders on working days and counts days late in working days. Never reuse or rename.
 */
export const PATCH_SUPERVISE_WORKING_DAYS = 'supervise-working-days';

/**
 * Runs one key task. `carried` is the state handed over by continue-as-new; a new task starts without it.
 * Returns the final view when the task is completed or cancelled.
 */
export async function keyTaskWorkflow(input: KeyTaskInput, carried?: KeyTaskState): Promise<KeyTaskView> {
  const { workflowId } = workflowInfo();
  // Working-day plans count their reminders and days late in the working days of the calendar in the input.
  if (input.policy.workingCalendar && !patched(PATCH_SUPERVISE_WORKING_DAYS)) {
    input = { ...input, policy: { ...input.policy, workingCalendar: undefined } };
  }
  let state: KeyTaskState =
    carried ??
    initialState(
      input,
      Date.now(),
      patched(PATCH_LATENESS_FROM_OPENING),
      input.task.items !== undefined && patched(PATCH_WORK_ITEMS),
      // Receipt, progress reports and stalls: only runs whose input asks for them mark the patch.
      loopAsked(input) && patched(PATCH_CLOSED_LOOP),
    );
  /** Bumped by every accepted request; the main loop wakes on it. */
  let changes = 0;
  /** Notification workflows being started; awaited before continue-as-new and completion. */
  const deliveries = new Set<Promise<void>>();
  const context = (): TransitionContext => ({ input, workflowId, now: Date.now(), patched });
  // Runs that started with this code refuse a cancellation request that did not come through the API.
  const refuseCancellation = patched(PATCH_REFUSE_OUTSIDE_CANCELLATION);

  /** Runs one event through the transitions and carries out its effects; answers the caller's answer. */
  const step = <E extends KeyTaskEvent>(event: E) => {
    const t = transition(state, event, context());
    state = t.state;
    if (t.changed && event.type !== 'turn') changes++;
    for (const effect of t.effects) carryOut(effect);
    return t.answer;
  };

  const carryOut = (effect: Effect): void => {
    if (effect.kind === 'publish') publish(effect.row);
    else if (effect.kind === 'notify') deliver(effect.notification);
    else if (effect.kind === 'withdraw') effect.ids.forEach((id) => withdraw(id, effect.reason));
    else if (effect.kind === 'supervise') track(startNotice(effect.notice), notStarted(effect.notice.id));
    else for (const id of effect.ids) track(closeNotice(id, effect), notReached(id));
  };

  /**
   * Keeps a start or a signal in flight until it is done, so that closing waits for it (see closingTurn).
   * Started from an update handler, it belongs to the root scope: shielded from a refused cancellation.
   * Notifications and supervision notices alike are abandoned: only the start (or signal) is awaited.
   */
  const track = (send: () => Promise<unknown>, onError: (err: unknown) => void): void => {
    const p: Promise<void> = (refuseCancellation ? CancellationScope.nonCancellable(send) : send())
      .then(() => undefined, onError)
      .finally(() => deliveries.delete(p));
    deliveries.add(p);
  };
  /** What a start refused or failed is logged as: a second start of the same id is refused by the server. */
  const notStarted =
    (id: string) =>
    (err: unknown): void => {
      if (err instanceof WorkflowExecutionAlreadyStartedError) log.info('already started', { id });
      else log.error('not started', { id, error: String(err) });
    };
  /** A signal to a notice that has closed already: nothing of it is left to tell. */
  const notReached = (id: string) => (): void => log.info('already closed', { id });

  // Each notification is its own workflow, with the notification's deterministic id (see startNotification).
  const deliver = (n: Notification): void => track(() => startNotification(n), notStarted(n.id));

  // A notice that is no longer true is withdrawn by a signal to its delivery workflow; one that has finished
  // (closed) cannot take it, which is fine: nothing of it is left to hold back.
  const withdraw = (id: string, reason: 'completed' | 'cancelled'): void =>
    track(() => getExternalWorkflowHandle(id).signal(withdrawNoticeSignal, { reason }), notReached(id));

  const nextDueAttribute = (date: string): Date =>
    patched(PATCH_NEXT_DUE_END_OF_DAY)
      ? new Date(deadlineEpoch(date, input.policy.utcOffset))
      : new Date(`${date}T00:00:00Z`);

  let lastAttributes = '';
  let lastParts = 'null';
  let lastLoop = 'null';
  const publish = (row: TaskRowState): void => {
    const pairs: SearchAttributeUpdatePair[] = [
      { key: SA_STATUS, value: row.status },
      { key: SA_PENDING, value: row.pendingDepartments },
      { key: SA_MILESTONE, value: row.currentMilestone },
      { key: SA_NEXT_DUE, value: row.nextDue ? nextDueAttribute(row.nextDue) : null },
      { key: SA_ESCALATION_LEVEL, value: row.escalationLevel },
    ];
    // Added after tasks were already running: their histories have no such upsert, so only runs that passed
    // this point with the new code publish it (replayed old histories must produce the same commands).
    if (patched(PATCH_EXTENSION_PENDING)) pairs.push({ key: SA_EXTENSION_PENDING, value: row.extensionPending });
    // Runs with work items (their rows carry these): designated and added units find the task in their list,
    // and the board reads each collective's count (地方 27/32) from the memo, with no query per task.
    if (row.departments) pairs.push({ key: SA_DEPARTMENTS, value: row.departments });
    // The loop's flags live in the memo, but their change is a change of the row too: `DubanUpdatedAt` must move
    // so that the API's replicas load it (runs without the loop have no such flags, and compare as before).
    const values: unknown[] = pairs.map((p) => p.value);
    const serialized = JSON.stringify(row.loop ? [...values, row.loop] : values);
    if (serialized !== lastAttributes) {
      lastAttributes = serialized;
      // Only when the row changed (above), so the time says when it last changed, not when it was last looked at.
      if (patched(PATCH_UPDATED_AT)) pairs.push({ key: SA_UPDATED_AT, value: new Date(Date.now()) });
      upsertSearchAttributes(pairs);
    }
    const parts = JSON.stringify(row.parts ?? null);
    if (row.parts && parts !== lastParts) {
      lastParts = parts;
      upsertMemo({ [PARTS_MEMO_KEY]: row.parts });
    }
    // Runs with the closed loop: its flags (late receipts, disputes, a missed report, a stall) for the board.
    const loop = JSON.stringify(row.loop ?? null);
    if (row.loop && loop !== lastLoop) {
      lastLoop = loop;
      upsertMemo({ [LOOP_MEMO_KEY]: row.loop });
    }
  };

  setHandler(getStateQuery, () => taskView(state, input, Date.now()));

  /** An update handled by one transition; its answer carries the task's row after the update. */
  const handle = <E extends Exclude<KeyTaskEvent, { type: 'turn' }>>(
    update: UpdateDefinition<WithTaskRow<object>, [E['args']]>,
    type: E['type'],
  ): void => {
    const event = (args: E['args']) => ({ type, args }) as E;
    setHandler(update, (args) => ({ ...(step(event(args)) as object), taskRow: taskRow(state, input, Date.now()) }), {
      validator: (args) => validate(state, event(args), input, Date.now()),
    });
  };
  handle(signOffUpdate, 'signOff');
  handle(resubmitUpdate, 'resubmit');
  handle(decideRoundUpdate, 'decideRound');
  handle(requestExtensionUpdate, 'requestExtension');
  handle(decideExtensionUpdate, 'decideExtension');
  handle(cancelUpdate, 'cancel');
  handle(reportUpdate, 'report');
  handle(closeCollectiveUpdate, 'closeCollective');
  handle(designateUpdate, 'designate');
  handle(waiveUpdate, 'waive');
  handle(reassignUpdate, 'reassign');
  handle(addCoUnitUpdate, 'addCoUnit');
  handle(chaseUpdate, 'chase');
  handle(reviewClosureUpdate, 'reviewClosure');
  handle(requestCoordinationUpdate, 'requestCoordination');
  handle(settleCoordinationUpdate, 'settleCoordination');
  handle(receiptUpdate, 'receipt');
  handle(settleDisputeUpdate, 'settleDispute');
  handle(reportProgressUpdate, 'reportProgress');

  if (refuseCancellation) {
    onOutsideCancellation(() => {
      state = recordRefusedCancellation(state, Date.now());
      changes++;
    });
    return CancellationScope.nonCancellable(run);
  }
  return run();

  async function run(): Promise<KeyTaskView> {
    const wakeTimer = createWakeTimer();
    while (state.lifecycle === 'active') {
      const now = Date.now();
      step({ type: 'turn' });
      if (workflowInfo().continueAsNewSuggested) {
        await closingTurn(deliveries);
        await continueAsNew<typeof keyTaskWorkflow>(input, state);
      }
      const seen = changes;
      const wake = earliest(
        nextWake(pendingEvents(state, input, workflowId, patched), now),
        nextLoopWake(state, context()),
      );
      if (patched(PATCH_STABLE_WAKE_TIMER)) {
        const timer = wakeTimer.at(wake, now);
        await condition(() => changes !== seen || timer.fired);
      } else if (wake === undefined) await condition(() => changes !== seen);
      else await condition(() => changes !== seen, wake - now);
    }

    publish(taskRow(state, input, Date.now()));
    // Let in-flight updates answer their callers and notifications reach their channels before closing.
    await closingTurn(deliveries);
    return taskView(state, input, Date.now());
  }
}

/** The earlier of two instants, either of which may be absent. */
function earliest(a: number | undefined, b: number | undefined): number | undefined {
  if (a === undefined) return b;
  return b === undefined ? a : Math.min(a, b);
}

/** Starts a supervision notice's workflow, with the attributes the board's list of open notices reads. */
function startNotice(notice: SupervisionNoticeInput): () => Promise<unknown> {
  return () =>
    startChild(supervisionNoticeWorkflow, {
      workflowId: notice.id,
      args: [notice],
      parentClosePolicy: ParentClosePolicy.ABANDON,
      workflowIdReusePolicy: WorkflowIdReusePolicy.REJECT_DUPLICATE,
      typedSearchAttributes: [
        { key: SA_PLAN_ID, value: notice.planId },
        { key: SA_TASK_NUMBER, value: notice.taskNumber },
        { key: SA_MILESTONE, value: notice.milestoneId },
        { key: SA_DEPARTMENTS, value: notice.units },
      ],
    });
}

/** Tells a supervision notice that its escalation closed, or which notice of a higher level took its place. */
function closeNotice(id: string, { closedBy, supersededBy }: CloseNoticeArgs): () => Promise<unknown> {
  const args: CloseNoticeArgs = supersededBy ? { closedBy, supersededBy } : { closedBy };
  return () => getExternalWorkflowHandle(id).signal(closeNoticeSignal, args);
}

/**
 * Calls `record` when the workflow's root scope is asked to cancel: a cancellation request sent to Temporal
 * directly. The main loop runs in a non-cancellable scope, so the request cancels nothing; the API's own
 * `cancel` update is the one way to end a task early.
 */
function onOutsideCancellation(record: () => void): void {
  CancellationScope.current().cancelRequested.catch(() => {
    log.warn('cancellation request refused: tasks are cancelled through the duban API');
    record();
  });
}

/** The state with one more refused cancellation request, at `now`. */
function recordRefusedCancellation(state: KeyTaskState, now: number): KeyTaskState {
  return { ...state, refusedCancellations: [...(state.refusedCancellations ?? []), { at: iso(now) }] };
}

/** A timer that fired or not; `fired` flips when it does. */
interface WakeTimer {
  readonly fired: boolean;
}

/**
 * The workflow's one timer for its next due event. `at(time)` answers the running timer when it is set for
 * that time already, and otherwise cancels it and starts a new one; `at(undefined)` leaves none running.
 */
function createWakeTimer(): { at(time: number | undefined, now: number): WakeTimer } {
  const never: WakeTimer = { fired: false };
  let current: { time: number; fired: boolean; scope: CancellationScope } | undefined;
  return {
    at(time, now) {
      if (current && !current.fired && current.time === time) return current;
      if (current && !current.fired) current.scope.cancel();
      current = undefined;
      if (time === undefined) return never;
      const timer = { time, fired: false, scope: new CancellationScope() };
      current = timer;
      timer.scope
        .run(() => sleep(Math.max(1, time - now)))
        .then(
          () => (timer.fired = true),
          () => undefined, // cancelled: a new time replaced it
        );
      return timer;
    },
  };
}

/**
 * Waits until every update handler has answered and every notification has started, then for one more
 * workflow turn. Why the extra turn: if an event (a notification's start, say) arrives while the turn that
 * answers an update also closes the run, the server rejects that turn and the update's caller gets an
 * error although the workflow accepted it. Answering updates in a turn that does not close the run
 * avoids that; the run closes in the next turn.
 */
async function closingTurn(deliveries: Set<Promise<void>>): Promise<void> {
  await condition(allHandlersFinished);
  await Promise.all(deliveries);
  await sleep(1);
  await condition(allHandlersFinished);
}
