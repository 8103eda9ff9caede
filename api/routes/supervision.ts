/**
 * Supervision views: `GET /api/departments/:id/inbox` (what waits on a department), `GET /api/escalations`
 * (every open escalation) and `GET /api/extension-requests` (what waits on the general office). Each is one
 * visibility query for the tasks concerned, then the state of only those tasks. A task whose state cannot
 * be read (its query fails: a stuck or broken workflow) is named in `unavailable` and the others are listed;
 * only Temporal itself being unreachable fails the whole answer (503).
 */
import { Router } from 'express';
import type {
  EscalationItem,
  ExtensionRequestItem,
  InboxItem,
  KeyTaskView,
  TaskRow,
  UnavailableTask,
} from '../../contracts';
import { daysBetween, localDate, periodAt, periodDueDate } from '../../domain/calendar';
import { extensionOffice } from '../../domain/plan';
import { isTemporalUnreachable } from '../middleware/error-handler';
import { principalOf } from '../auth/middleware';
import type { AppContext, AppDeps } from '../deps';
import { ForbiddenError } from '../errors';
import { requireDepartment } from '../lookup';
import { inputOf } from '../middleware/validate';
import { operations } from '../operations';
import { mount } from '../middleware/route';
import { requestPlan } from '../plans';
import { queryState } from '../temporal';
import { WorkflowNotFoundError } from '@temporalio/common';

const STATE_CONCURRENCY = 8;
/** How long one task's state may take in a list: a stuck task must not hold every other task's row back. */
const LIST_QUERY_TIMEOUT_MS = 5_000;

/** The states the list could read, and the tasks it could not. */
export interface States {
  states: { row: TaskRow; view: KeyTaskView }[];
  unavailable: UnavailableTask[];
}

/**
 * The states of the listed tasks, a few at a time; a workflow gone since the listing is left out, and one
 * whose query fails (or does not answer in time: a stuck task) is named in `unavailable`, its cause logged.
 * @throws the error when no state could be read because Temporal cannot be reached.
 */
export async function statesOf(deps: AppDeps, rows: TaskRow[]): Promise<States> {
  const out: ({ row: TaskRow; view: KeyTaskView } | UnavailableTask | undefined)[] = new Array(rows.length);
  let unreachable: unknown;
  let next = 0;
  const quick: AppDeps = {
    ...deps,
    temporalTimeoutMs: Math.min(deps.temporalTimeoutMs ?? LIST_QUERY_TIMEOUT_MS, LIST_QUERY_TIMEOUT_MS),
  };
  const worker = async () => {
    for (let i = next++; i < rows.length; i = next++) {
      const row = rows[i]!;
      try {
        out[i] = { row, view: await queryState(quick, row.workflowId) };
      } catch (err) {
        if (err instanceof WorkflowNotFoundError) continue;
        if (isTemporalUnreachable(err)) unreachable ??= err;
        (deps.logError ?? console.error)(
          `[api] the state of task ${row.number} (${row.workflowId}) cannot be read:`,
          err,
        );
        out[i] = {
          taskNumber: row.number,
          workflowId: row.workflowId,
          reason: {
            zh: `任务${row.number}的状态暂时无法读取，其余任务照常列出`,
            en: `The state of task ${row.number} cannot be read right now; the other tasks are listed.`,
          },
        };
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(STATE_CONCURRENCY, rows.length) }, worker));
  const states: States = { states: [], unavailable: [] };
  for (const x of out) {
    if (x === undefined) continue;
    if ('view' in x) states.states.push(x);
    else states.unavailable.push(x);
  }
  // Every query timed out or found no server: Temporal is away, not one task broken.
  if (unreachable !== undefined && states.states.length === 0) throw unreachable;
  return states;
}

/**
 * The items of a department's inbox from the tasks' states, soonest due first: one per (task, milestone) for a
 * task of the earlier rules, one per (task, milestone, work item) waiting on it, with its role there, for a task
 * with work items (a province's reports, a co-unit's or an item lead's sign-off, the task lead's close).
 */
export function inboxItems(
  department: string,
  states: { row: TaskRow; view: KeyTaskView }[],
  loop: { officeOf: (lead: string) => string; utcOffset: string } = { officeOf: () => '', utcOffset: '+08:00' },
): InboxItem[] {
  const items: InboxItem[] = [];
  for (const { row, view } of states) {
    items.push(...loopInboxItems(department, row, view, loop.officeOf(view.lead), loop.utcOffset));
    for (const m of view.milestones) {
      const waits = m.state === 'open' || m.state === 'returned' || m.state === 'submitted';
      if (!waits || !m.pendingDepartments.includes(department)) continue;
      const responsibility = m.required.find((r) => r.department === department);
      const base = { ...inboxBase(row, view, m), dueDate: m.dueDate, ...(responsibility ? { responsibility } : {}) };
      if (m.awaitingOffice === department) {
        items.push({ ...base, action: 'decide-round' });
        continue;
      }
      if (m.awaitingReview === department) {
        items.push({ ...base, action: 'review-closure' });
        continue;
      }
      if (!m.items) {
        if (!responsibility) continue;
        items.push({ ...base, action: m.state === 'returned' ? 'resubmit' : 'sign-off' });
        continue;
      }
      const closes = view.lead === department;
      if (m.state === 'returned') {
        if (closes) items.push({ ...base, action: 'resubmit', role: 'close' });
        continue;
      }
      m.items.forEach((item, workItem) => {
        if (!item.pending.includes(department)) return;
        if (closes && item.lead === department) return; // signed by its close
        const member = item.collectives.some((c) => c.members.includes(department));
        const role = member ? 'member' : item.lead === department ? 'lead' : 'co';
        items.push({ ...base, action: member ? 'report' : 'sign-off', workItem, role });
      });
      if (closes) items.push({ ...base, action: 'sign-off', role: 'close' });
    }
  }
  return items.sort(
    (a, b) =>
      a.dueDate.localeCompare(b.dueDate) || a.taskNumber - b.taskNumber || (a.workItem ?? 99) - (b.workItem ?? 99),
  );
}

/** What every inbox item of a task's milestone says of it (its due date and action are the item's own). */
function inboxBase(row: TaskRow, view: KeyTaskView, m: KeyTaskView['milestones'][number]) {
  return {
    taskNumber: view.taskNumber,
    taskTitle: view.title,
    workflowId: row.workflowId,
    status: view.status,
    milestoneId: m.id,
    milestoneTitle: m.title,
    milestoneState: m.state,
    round: m.rounds.at(-1)?.number ?? 1,
    escalationLevel: view.escalationLevel,
  };
}

/** Days before a period's due date from which the lead's progress report shows in its inbox. */
const PROGRESS_INBOX_DAYS = 7;

/**
 * What the office's closed loop asks of a department on one task: its receipt of the current milestone, the
 * disputes of it that `office` (the task's office) decides, and, for the task's lead, the period's progress report
 * from a week before it is due (or while one is missed and not made up).
 */
function loopInboxItems(
  department: string,
  row: TaskRow,
  view: KeyTaskView,
  office: string,
  utcOffset: string,
): InboxItem[] {
  const m = view.milestones.find((x) => x.id === view.currentMilestone);
  if (!m || !view.loop) return [];
  const base = inboxBase(row, view, m);
  const items: InboxItem[] = [];
  const own = (m.receipts ?? []).filter((r) => r.department === department).at(-1);
  if (own?.state === 'pending') items.push({ ...base, dueDate: own.dueDate, action: 'receipt' });
  if (department === office) {
    for (const r of m.receipts ?? []) {
      if (r.state !== 'disputed') continue;
      const dispute = { department: r.department, reason: r.reason ?? '' };
      items.push({ ...base, dueDate: r.dueDate, action: 'decide-dispute', dispute });
    }
  }
  const progress = view.progress;
  if (progress && department === view.lead) {
    const today = localDate(Date.parse(view.asOf), utcOffset);
    const period = periodAt(today, progress.day);
    const owed = period < progress.from ? progress.from : period;
    const dueDate = periodDueDate(owed, progress.day);
    const filed = progress.reports.some((r) => r.role === 'lead' && r.period === owed);
    const soon = daysBetween(today, dueDate) <= PROGRESS_INBOX_DAYS;
    if (!filed && (soon || view.loop.reportMissing)) {
      items.push({ ...base, dueDate, action: 'report-progress', period: owed });
    }
  }
  return items;
}

/** The open escalations in the tasks' states, highest level first, then the longest open. */
export function escalationItems(states: { row: TaskRow; view: KeyTaskView }[]): EscalationItem[] {
  const items: EscalationItem[] = [];
  for (const { row, view } of states) {
    for (const e of view.escalations) {
      if (e.closedAt) continue;
      const milestone = view.milestones.find((m) => m.id === e.milestoneId);
      items.push({
        taskNumber: view.taskNumber,
        taskTitle: view.title,
        workflowId: row.workflowId,
        milestoneId: e.milestoneId,
        milestoneTitle: milestone?.title ?? { zh: e.milestoneId, en: e.milestoneId },
        dueDate: e.dueDate,
        level: e.level,
        since: e.openedAt,
        pendingDepartments: milestone?.pendingDepartments ?? [],
        levels: e.levels,
      });
    }
  }
  return items.sort((a, b) => b.level - a.level || a.since.localeCompare(b.since) || a.taskNumber - b.taskNumber);
}

/** The supervision routes (mounted after authentication). */
export function supervisionRoutes(app: AppContext): Router {
  const router = Router();
  const { inbox, escalations, extensionRequests } = operations;

  mount(router, inbox, async (_req, res) => {
    const deps = requestPlan(app, res);
    const { params } = inputOf(res, inbox.input);
    const department = requireDepartment(deps.plan, params.id, 'path');
    const principal = principalOf(res);
    if (principal.role === 'coordinator' && principal.department !== department.id) {
      throw new ForbiddenError({
        zh: '联络员只能查看本单位的待办',
        en: 'A coordinator sees only its own department’s inbox.',
      });
    }
    // Tasks waiting on it, and (the closed loop) those it leads, for their progress reports, and those whose
    // receipt disputes it decides as their office.
    const officeOf = (lead: string) => extensionOffice(deps.plan.roles, lead);
    const rows = (await deps.taskList.list()).filter(
      (r) =>
        r.pendingDepartments.includes(department.id) ||
        (r.loop && r.lead === department.id) ||
        ((r.loop?.disputed.length ?? 0) > 0 && officeOf(r.lead) === department.id),
    );
    const { states, unavailable } = await statesOf(deps, rows);
    res.json({
      department: department.id,
      items: inboxItems(department.id, states, { officeOf, utcOffset: deps.plan.policy.utcOffset }),
      unavailable,
    });
  });

  mount(router, escalations, async (_req, res) => {
    const deps = requestPlan(app, res);
    const rows = await deps.taskList.list({ escalated: true });
    const { states, unavailable } = await statesOf(deps, rows);
    res.json({ escalations: escalationItems(states), unavailable });
  });

  mount(router, extensionRequests, async (_req, res) => {
    const deps = requestPlan(app, res);
    const rows = await deps.taskList.list({ extensionPending: true });
    const { states, unavailable } = await statesOf(deps, rows);
    res.json({ requests: extensionRequestItems(states), unavailable });
  });
  return router;
}

/** The pending extension requests of the tasks' states, oldest request first. */
export function extensionRequestItems(states: { row: TaskRow; view: KeyTaskView }[]): ExtensionRequestItem[] {
  return states
    .flatMap(({ row, view }) =>
      view.extensions
        .filter((x) => x.state === 'pending')
        .map((extension) => {
          const milestone = view.milestones.find((m) => m.id === extension.milestoneId)!;
          return {
            taskNumber: row.number,
            taskTitle: view.title,
            workflowId: row.workflowId,
            milestoneId: milestone.id,
            milestoneTitle: milestone.title,
            dueDate: milestone.dueDate,
            extension,
          };
        }),
    )
    .sort((a, b) => a.extension.requestedAt.localeCompare(b.extension.requestedAt));
}
