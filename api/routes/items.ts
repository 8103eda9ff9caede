/**
 * `POST /api/items`: the general office puts an item beyond the annual plan under supervision (交办事项: a
 * leader's written instruction 领导批示件 or a meeting decision 会议议定事项). The item is built as a plan task
 * is (one work item of its lead and co-units, its own schedule ending in 办结 on its deadline) and started as the
 * same key-task workflow, with the id `<planId>-item-<n>` and a number from the plan's `policy.items.firstNumber`,
 * so that it has the same sign-offs, reminders, escalations, extensions, inboxes, ledger rows and scores as a
 * plan task, in the board's section of its own. Its record rides in the workflow's memo, where every replica's
 * task list finds it. Nothing is started unless the whole request is valid.
 */
import { WorkflowExecutionAlreadyStartedError } from '@temporalio/client';
import { findWorkday } from 'chinese-days';
import { Router } from 'express';
import {
  ACTING_KINDS,
  ITEM_MEMO_KEY,
  ITEM_URGENCIES,
  type ItemBody,
  type ItemRecord,
  type ItemUrgency,
  type ItemsPolicy,
  type PlanFile,
  type Task,
} from '../../contracts';
import { itemSummary } from '../../client/task-list';
import { startKeyTask } from '../../client/start-plan';
import { daysBetween, iso, localDate } from '../../domain/calendar';
import { taskMilestones, taskWorkflowId } from '../../domain/plan';
import { principalOf } from '../auth/middleware';
import type { AppContext } from '../deps';
import { BadRequestError, NotFoundError } from '../errors';
import { requireDepartment } from '../lookup';
import { inputOf } from '../middleware/validate';
import { mount } from '../middleware/route';
import { operations } from '../operations';
import { withDeadline } from '../temporal';

/** How many numbers a creation tries when other replicas take the next ones at the same moment. */
const NUMBER_ATTEMPTS = 20;

/** The deadline of an item: the one given, or the urgency's time limit in working days from `today`. */
function deadlineOf(items: ItemsPolicy, body: ItemBody, urgency: ItemUrgency | undefined, today: string) {
  if (body.dueDate) return { dueDate: body.dueDate, fromUrgency: false };
  const days = urgency ? items.timeLimits[urgency] : undefined;
  if (days === undefined) {
    throw new BadRequestError('item_deadline_required', {
      zh: urgency ? `“${urgency}”未规定办理时限，请填写截止日期` : '请填写截止日期，或选择规定了办理时限的缓急程度',
      en: urgency
        ? `The urgency “${urgency}” has no time limit in the plan's policy; give a dueDate.`
        : 'Give a dueDate, or an urgency whose time limit sets one.',
    });
  }
  return { dueDate: findWorkday(days, today), fromUrgency: true };
}

/** The units of an item, checked: a lead and co-units that are ministry departments or affiliated units. */
function unitsOf(plan: PlanFile, body: ItemBody): { lead: string; co: string[] } {
  if (!body.lead) {
    throw new BadRequestError('item_lead_required', {
      zh: '交办事项必须明确牵头单位',
      en: 'An item needs a lead unit (lead).',
    });
  }
  const lead = body.lead;
  const co = [...new Set(body.coUnits.filter((u) => u !== lead))];
  for (const [id, where] of [[lead, 'lead'], ...co.map((u) => [u, 'coUnits'])] as [string, string][]) {
    const d = requireDepartment(plan, id, 'body');
    if (!ACTING_KINDS.includes(d.kind)) {
      throw new BadRequestError(
        'not_acting_unit',
        {
          zh: `“${d.name.zh}”不能承办交办事项（只能是司局或直属单位）`,
          en: `${d.name.en} cannot take an item: only a ministry department or an affiliated unit can.`,
        },
        { [where]: id },
      );
    }
  }
  return { lead, co };
}

/** The task an item runs as, in the plan file's shape: one work item, its milestones and then 办结 on its deadline. */
export function itemTask(
  items: ItemsPolicy,
  number: number,
  body: ItemBody,
  units: { lead: string; co: string[] },
  today: string,
  dueDate: string,
): Task {
  const steps = body.milestones.map((m, i) => ({
    id: `step-${i + 1}`,
    title: { zh: m.title, en: m.title },
    offsetDays: daysBetween(today, m.dueDate),
    reportsFigures: false,
  }));
  return {
    number,
    section: items.section.number,
    title: { zh: body.title, en: body.titleEn ?? body.title },
    workItems: [{ text: body.text ?? body.title, units: [units.lead, ...units.co] }],
    schedule: [
      ...steps,
      {
        id: 'completion',
        title: { zh: '办结', en: 'Completion' },
        offsetDays: daysBetween(today, dueDate),
        reportsFigures: false,
      },
    ],
  };
}

/** @throws BadRequestError when a date is before today, or the milestones are not in order before the deadline. */
function checkDates(body: ItemBody, today: string, dueDate: string): void {
  if (dueDate < today) {
    throw new BadRequestError('item_due_in_past', {
      zh: `截止日期${dueDate}早于今天（${today}）`,
      en: `The dueDate ${dueDate} is before today (${today}).`,
    });
  }
  let previous = '';
  body.milestones.forEach((m, i) => {
    if (m.dueDate < today || m.dueDate <= previous || m.dueDate >= dueDate) {
      throw new BadRequestError(
        'invalid_item_milestones',
        {
          zh: `第${i + 1}个节点的日期${m.dueDate}须不早于今天、晚于前一节点并早于截止日期${dueDate}`,
          en: `Milestone ${i + 1} (${m.dueDate}) must be no earlier than today, after the one before and before the dueDate ${dueDate}.`,
        },
        { milestone: i },
      );
    }
    previous = m.dueDate;
  });
}

/** The item routes (mounted after authentication). */
export function itemRoutes(deps: AppContext): Router {
  const router = Router();
  const op = operations.createItem;

  mount(router, op, async (_req, res) => {
    const { body } = inputOf(res, op.input);
    const items = deps.plan.policy.items;
    if (!items) {
      throw new NotFoundError('items_not_taken', {
        zh: '本计划不受理计划外交办事项',
        en: 'This plan takes no items beyond it (its policy has no items section).',
      });
    }
    if (body.urgency !== undefined && !(ITEM_URGENCIES as readonly string[]).includes(body.urgency)) {
      throw new BadRequestError(
        'unknown_urgency',
        {
          zh: `没有“${body.urgency}”这一缓急程度，只能是特急、急或一般`,
          en: `Unknown urgency “${body.urgency}”: it is one of 特急 (extra urgent), 急 (urgent) or 一般 (normal).`,
        },
        { urgency: body.urgency },
      );
    }
    const urgency = body.urgency as ItemUrgency | undefined;
    const units = unitsOf(deps.plan, body);
    const now = (deps.now ?? Date.now)();
    const today = localDate(now, deps.plan.policy.utcOffset);
    const { dueDate, fromUrgency } = deadlineOf(items, body, urgency, today);
    checkDates(body, today, dueDate);

    const principal = principalOf(res);
    const known = (await deps.taskList.list()).map((r) => r.number);
    let number = Math.max(items.firstNumber - 1, ...known, ...deps.items.keys()) + 1;
    for (let attempt = 1; ; attempt++, number++) {
      const task = itemTask(items, number, body, units, today, dueDate);
      const record: ItemRecord = {
        kind: body.kind,
        source: body.source,
        ...(urgency ? { urgency } : {}),
        createdAt: iso(now),
        createdBy: principal.name,
        text: body.text ?? body.title,
        task,
      };
      try {
        await withDeadline(deps, () =>
          startKeyTask(deps.temporalClient, deps.plan, task, today, {
            taskQueue: deps.taskQueue,
            memo: { [ITEM_MEMO_KEY]: record },
          }),
        );
      } catch (err) {
        // Another replica took this number a moment ago: the next one.
        if (err instanceof WorkflowExecutionAlreadyStartedError && attempt < NUMBER_ATTEMPTS) continue;
        throw err;
      }
      deps.items.set(number, record);
      await deps.taskList.holdAll([taskWorkflowId(deps.plan, task)]);
      res.status(op.status).json({
        number,
        workflowId: taskWorkflowId(deps.plan, task),
        section: task.section,
        title: task.title,
        lead: units.lead,
        coUnits: units.co,
        dueDate,
        dueFromUrgency: fromUrgency,
        milestones: taskMilestones(deps.plan, task, today).map((m) => ({
          id: m.id,
          title: m.title,
          dueDate: m.dueDate,
        })),
        item: itemSummary(record),
      });
      return;
    }
  });
  return router;
}
