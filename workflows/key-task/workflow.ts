/**
 * The key-task workflow: one durable run per key task for the whole plan year. It works the task's
 * milestones in order, takes sign-offs (co-responsible units first, the lead last), reminds unsigned
 * units before each deadline, escalates overdue milestones level by level, handles extensions and
 * cancellation, and keeps its search attributes current so that the task list is one visibility query.
 */
import {
  allHandlersFinished,
  CancellationScope,
  condition,
  continueAsNew,
  log,
  ParentClosePolicy,
  patched,
  setHandler,
  sleep,
  startChild,
  upsertSearchAttributes,
  workflowInfo,
} from '@temporalio/workflow';
import { WorkflowExecutionAlreadyStartedError, WorkflowIdReusePolicy } from '@temporalio/common';
import type { SearchAttributeUpdatePair } from '@temporalio/common';
// Values only from the zod-free contracts modules (see contracts/messages.ts); types from anywhere.
import type { Extension, KeyTaskInput, KeyTaskView, Notification, NotificationKind } from '../../contracts';
import type { TaskRowState, WithTaskRow } from '../../contracts/shared';
import {
  cancelUpdate,
  decideExtensionUpdate,
  getStateQuery,
  requestExtensionUpdate,
  resubmitUpdate,
  signOffUpdate,
} from '../../contracts/shared';
import {
  SA_ESCALATION_LEVEL,
  SA_EXTENSION_PENDING,
  SA_MILESTONE,
  SA_NEXT_DUE,
  SA_PENDING,
  SA_STATUS,
} from '../../contracts/shared';
import { daysLate, iso } from '../../domain/calendar';
import {
  APPLIED_REQUESTS_KEPT,
  currentMilestone,
  initialState,
  milestoneView,
  openEscalation,
  pendingDepartments,
  taskStatus,
  taskView,
  type KeyTaskState,
  type MilestoneRecord,
} from './state';
import {
  checkCancel,
  checkExtensionDecision,
  checkExtensionRequest,
  checkResubmit,
  checkSignOff,
  alreadyApplied,
} from './requests';
import { dueEvents, nextWake, notificationId, pendingEvents, type ScheduledEvent } from './schedule';
import { notificationMemo, notificationSearchAttributes, notificationWorkflow } from '../notification';

/** Patch id: the `DubanExtensionPending` search attribute (see `publish`). Never reuse or rename. */
const PATCH_EXTENSION_PENDING = 'extension-pending-search-attribute';
/**
 * Patch id: a milestone completed by the lead withdraws its pending extension request, which nobody could
 * approve any more (runs started before it keep theirs open, as their histories say). Never reuse or rename.
 */
const PATCH_WITHDRAW_ON_COMPLETION = 'withdraw-extension-on-completion';
/**
 * Patch id: one timer for the next due event, kept across turns and replaced only when that time changes,
 * instead of a new timer every turn (a sign-off then costs no timer events). Never reuse or rename.
 */
const PATCH_STABLE_WAKE_TIMER = 'stable-wake-timer';

/**
 * Runs one key task. `carried` is the state handed over by continue-as-new; a new task starts without it.
 * Returns the final view when the task is completed or cancelled.
 */
export async function keyTaskWorkflow(input: KeyTaskInput, carried?: KeyTaskState): Promise<KeyTaskView> {
  const { workflowId } = workflowInfo();
  const state: KeyTaskState = carried ?? initialState(input, Date.now());
  /** Bumped by every accepted request; the main loop wakes on it. */
  let changes = 0;
  /** Notification workflows being started; awaited before continue-as-new and completion. */
  const deliveries = new Set<Promise<void>>();

  const notify = (
    kind: NotificationKind,
    m: MilestoneRecord,
    departments: string[],
    id: string,
    extra: Partial<Notification> = {},
  ): void => {
    const n: Notification = {
      id,
      kind,
      planId: input.planId,
      workflowId,
      taskNumber: input.task.number,
      taskTitle: input.task.title,
      milestoneId: m.id,
      milestoneTitle: m.title,
      departments: [...new Set(departments)],
      pendingDepartments: pendingDepartments(m),
      dueDate: m.dueDate,
      at: iso(Date.now()),
      ...extra,
    };
    state.notifications.push(n);
    // Each notification is its own workflow, whose id is the notification's deterministic id: a second start
    // of the same notification is refused by the server. It is abandoned, not awaited, so a channel down for
    // hours delays only its messages, never the task; only the start is awaited (before closing).
    const delivery: Promise<void> = startChild(notificationWorkflow, {
      workflowId: n.id,
      args: [n],
      parentClosePolicy: ParentClosePolicy.ABANDON,
      workflowIdReusePolicy: WorkflowIdReusePolicy.REJECT_DUPLICATE,
      typedSearchAttributes: notificationSearchAttributes(n),
      memo: notificationMemo(n),
    })
      .then(
        () => undefined,
        (err: unknown) => {
          if (err instanceof WorkflowExecutionAlreadyStartedError) log.info('notification already sent', { id: n.id });
          else log.error('notification not started', { id: n.id, error: String(err) });
        },
      )
      .finally(() => deliveries.delete(delivery));
    deliveries.add(delivery);
  };

  const remember = (requestId: string): void => {
    state.appliedRequests.push(requestId);
    if (state.appliedRequests.length > APPLIED_REQUESTS_KEPT) state.appliedRequests.shift();
    changes++;
  };

  const closeEscalation = (m: MilestoneRecord, closedBy: 'completed' | 'extended' | 'cancelled'): void => {
    const open = openEscalation(state, m.id);
    if (!open) return;
    open.closedAt = iso(Date.now());
    open.closedBy = closedBy;
    if (closedBy === 'completed') open.daysLate = daysLate(open.dueDate, input.policy.utcOffset, Date.now());
  };

  /** Extension requests still waiting (of one milestone, or all) that nobody can decide any more. */
  const withdrawPendingExtensions = (milestoneId?: string): void => {
    for (const e of state.extensions) {
      if (e.state === 'pending' && (milestoneId === undefined || e.milestoneId === milestoneId)) e.state = 'withdrawn';
    }
  };
  const openNextMilestone = (): void => {
    state.current++;
    const next = state.milestones[state.current];
    if (!next) {
      state.lifecycle = 'completed';
      state.completedAt = iso(Date.now());
      return;
    }
    next.state = 'open';
    next.rounds.push({ number: 1, openedAt: iso(Date.now()), signOffs: [] });
    state.plannedFrom = Date.now();
  };

  /** The task's row of the task list now: what its search attributes say (see `publish`). */
  const taskRow = (now: number): TaskRowState => {
    const m = currentMilestone(state);
    return {
      status: taskStatus(state, input, now),
      currentMilestone: m?.id ?? null,
      nextDue: m?.dueDate ?? null,
      pendingDepartments: m ? pendingDepartments(m) : [],
      escalationLevel: m ? (openEscalation(state, m.id)?.level ?? 0) : 0,
      extensionPending: state.extensions.some((e) => e.state === 'pending'),
    };
  };
  /** Wraps an update handler so that its answer carries the task's row after the update. */
  const withRow =
    <A, R extends object>(handler: (args: A) => R) =>
    (args: A): WithTaskRow<R> => ({ ...handler(args), taskRow: taskRow(Date.now()) });

  setHandler(getStateQuery, () => taskView(state, input, Date.now()));

  setHandler(
    signOffUpdate,
    withRow((args) => {
      const m = state.milestones.find((x) => x.id === args.milestoneId)!;
      if (alreadyApplied(state, args.requestId)) return milestoneView(m);
      const who = m.required.find((r) => r.department === args.department)!;
      const round = m.rounds.at(-1)!;
      const now = Date.now();
      round.signOffs.push({
        department: args.department,
        role: who.role,
        workItems: who.workItems,
        decision: args.decision,
        person: args.person,
        at: iso(now),
        comment: args.comment,
        figures: args.figures,
        requestId: args.requestId,
      });
      if (args.decision === 'reject') {
        round.outcome = 'rejected';
        round.closedAt = iso(now);
        m.state = 'returned';
        notify('returned', m, [input.task.lead], notificationId(workflowId, m.id, 'returned', `r${round.number}`), {
          comment: args.comment,
        });
      } else if (who.role === 'lead') {
        round.outcome = 'approved';
        round.closedAt = iso(now);
        m.state = 'completed';
        m.completedAt = iso(now);
        m.daysLate = daysLate(m.dueDate, input.policy.utcOffset, now);
        closeEscalation(m, 'completed');
        if (patched(PATCH_WITHDRAW_ON_COMPLETION)) {
          withdrawPendingExtensions(m.id);
        }
        openNextMilestone();
      }
      remember(args.requestId);
      return milestoneView(m);
    }),
    { validator: (args) => checkSignOff(state, input, args) },
  );

  setHandler(
    resubmitUpdate,
    withRow((args) => {
      const m = state.milestones.find((x) => x.id === args.milestoneId)!;
      if (alreadyApplied(state, args.requestId)) return milestoneView(m);
      const now = iso(Date.now());
      m.state = 'open';
      m.rounds.push({
        number: m.rounds.length + 1,
        openedAt: now,
        resubmission: { note: args.note, person: args.person, at: now },
        signOffs: [],
      });
      remember(args.requestId);
      return milestoneView(m);
    }),
    { validator: (args) => checkResubmit(state, input, args) },
  );

  setHandler(
    requestExtensionUpdate,
    withRow((args) => {
      const known = state.extensions.find((e) => e.requestId === args.requestId);
      if (known) return known;
      const m = state.milestones.find((x) => x.id === args.milestoneId)!;
      const ext: Extension = {
        id: `ext-${state.extensions.length + 1}`,
        requestId: args.requestId,
        milestoneId: m.id,
        requestedBy: { department: args.department, person: args.person },
        requestedAt: iso(Date.now()),
        previousDueDate: m.dueDate,
        newDueDate: args.newDueDate,
        reason: args.reason,
        state: 'pending',
      };
      state.extensions.push(ext);
      notify(
        'extension-requested',
        m,
        [input.offices.generalOffice],
        notificationId(workflowId, m.id, 'extension', ext.id),
        {
          comment: args.reason,
          newDueDate: args.newDueDate,
        },
      );
      remember(args.requestId);
      return ext;
    }),
    { validator: (args) => checkExtensionRequest(state, input, args) },
  );

  setHandler(
    decideExtensionUpdate,
    withRow((args) => {
      const ext = state.extensions.find((e) => e.id === args.extensionId)!;
      if (alreadyApplied(state, args.requestId)) return ext;
      const m = state.milestones.find((x) => x.id === ext.milestoneId)!;
      ext.state = args.approve ? 'approved' : 'declined';
      ext.decision = { person: args.person, at: iso(Date.now()), comment: args.comment };
      if (args.approve) {
        m.dueDate = ext.newDueDate;
        closeEscalation(m, 'extended');
        if (currentMilestone(state)?.id === m.id) state.plannedFrom = Date.now();
      }
      notify('extension-decided', m, [input.task.lead], notificationId(workflowId, m.id, 'extension-decided', ext.id), {
        comment: args.comment,
        approved: args.approve,
      });
      remember(args.requestId);
      return ext;
    }),
    { validator: (args) => checkExtensionDecision(state, args) },
  );

  setHandler(
    cancelUpdate,
    withRow((args) => {
      if (alreadyApplied(state, args.requestId)) return taskView(state, input, Date.now());
      const m = currentMilestone(state);
      if (m) closeEscalation(m, 'cancelled');
      for (const x of state.milestones) if (x.state !== 'completed') x.state = 'cancelled';
      state.lifecycle = 'cancelled';
      state.cancellation = { person: args.person, reason: args.reason, at: iso(Date.now()) };
      withdrawPendingExtensions();
      remember(args.requestId);
      return taskView(state, input, Date.now());
    }),
    { validator: (args) => checkCancel(state, args) },
  );

  const fire = (event: Exclude<ScheduledEvent, { kind: 'status' }>): void => {
    const m = currentMilestone(state)!;
    if (event.kind === 'reminder') {
      // Only units that have not signed are reminded (the lead is pending until the milestone completes).
      notify('reminder', m, pendingDepartments(m), event.id, { daysBefore: event.daysBefore });
      return;
    }
    const level = input.policy.escalation.find((e) => e.level === event.level)!;
    let episode = openEscalation(state, m.id);
    if (!episode) {
      episode = { milestoneId: m.id, dueDate: m.dueDate, level: 0, openedAt: iso(Date.now()), levels: [] };
      state.escalations.push(episode);
    }
    episode.level = event.level;
    episode.levels.push({ level: event.level, at: iso(Date.now()), notified: level.notify });
    notify('escalation', m, level.notify, event.id, {
      level: event.level,
      daysLate: daysLate(m.dueDate, input.policy.utcOffset, Date.now()),
    });
  };

  let lastAttributes = '';
  const publish = (): void => {
    const row = taskRow(Date.now());
    const pairs: SearchAttributeUpdatePair[] = [
      { key: SA_STATUS, value: row.status },
      { key: SA_PENDING, value: row.pendingDepartments },
      { key: SA_MILESTONE, value: row.currentMilestone },
      { key: SA_NEXT_DUE, value: row.nextDue ? new Date(`${row.nextDue}T00:00:00Z`) : null },
      { key: SA_ESCALATION_LEVEL, value: row.escalationLevel },
    ];
    // Added after tasks were already running: their histories have no such upsert, so only runs that passed
    // this point with the new code publish it (replayed old histories must produce the same commands).
    if (patched(PATCH_EXTENSION_PENDING)) pairs.push({ key: SA_EXTENSION_PENDING, value: row.extensionPending });
    const serialized = JSON.stringify(pairs.map((p) => p.value));
    if (serialized === lastAttributes) return;
    lastAttributes = serialized;
    upsertSearchAttributes(pairs);
  };

  const wakeTimer = createWakeTimer();
  while (state.lifecycle === 'active') {
    const now = Date.now();
    const events = pendingEvents(state, input, workflowId);
    for (const event of dueEvents(events, now)) fire(event);
    publish();
    if (workflowInfo().continueAsNewSuggested) {
      await closingTurn(deliveries);
      await continueAsNew<typeof keyTaskWorkflow>(input, state);
    }
    const seen = changes;
    const wake = nextWake(pendingEvents(state, input, workflowId), now);
    if (patched(PATCH_STABLE_WAKE_TIMER)) {
      const timer = wakeTimer.at(wake, now);
      await condition(() => changes !== seen || timer.fired);
    } else if (wake === undefined) await condition(() => changes !== seen);
    else await condition(() => changes !== seen, wake - now);
  }

  publish();
  // Let in-flight updates answer their callers and notifications reach their channels before closing.
  await closingTurn(deliveries);
  return taskView(state, input, Date.now());
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
