/**
 * Rules that turn a plan file into what the engine runs: a task's lead and co-responsible units, the
 * work items each unit answers for, its milestones with due dates, and the key-task workflow's input.
 * Pure functions over contracts types, loading no zod (lint keeps it so): the API, the scripts, the tests and
 * the workflow bundle may all import them.
 */
import type {
  Department,
  EscalationRoles,
  FigureRequest,
  KeyTaskInput,
  MilestoneInput,
  PlanFile,
  Responsibility,
  Role,
  Task,
} from '../contracts';
import {
  ACTING_KINDS,
  itemWorkflowId,
  keyTaskWorkflowId,
  type WorkingCalendar,
  type WorkItemUnits,
} from '../contracts/shared';
import { addDays } from './calendar';

/** A work item's lead: its first unit, or its steward when a collective leads it (task 17). */
export function itemLead(item: Task['workItems'][number]): string {
  return item.steward ?? item.units[0]!;
}

/**
 * Each work item's own units, resolved against the registry: its lead (signs last), its co-units (sign
 * before), the collectives whose members each report, and the collectives its lead designates members of.
 */
export function workItemUnits(plan: Pick<PlanFile, 'departments'>, task: Pick<Task, 'workItems'>): WorkItemUnits[] {
  const byId = new Map(plan.departments.map((d) => [d.id, d]));
  return task.workItems.map((item) => {
    const lead = itemLead(item);
    const units: WorkItemUnits = { lead, steward: !!item.steward, co: [], collectives: [], designations: [] };
    for (const id of item.units) {
      const d = byId.get(id);
      if (d?.members) units.collectives.push({ id, members: d.members });
      else if (d?.designatedFrom) {
        const from = d.designatedFrom;
        units.designations.push({
          id,
          candidates: plan.departments.filter((x) => from.includes(x.kind)).map((x) => x.id),
        });
      } else if (id !== lead) units.co.push(id);
    }
    return units;
  });
}

/**
 * Every department a task concerns, for its `DubanDepartments` (a coordinator's task list): its units, the
 * collectives they name and the members of those collectives (a province sees the tasks it reports on).
 */
export function taskDepartmentIds(plan: Pick<PlanFile, 'departments'>, task: Pick<Task, 'workItems'>): string[] {
  const { lead, coResponsible } = taskUnits(task);
  const members = workItemUnits(plan, task).flatMap((w) => w.collectives.flatMap((c) => c.members));
  return [...new Set([lead, ...coResponsible, ...members])];
}

/**
 * A task's lead (the lead of its first work item) and co-responsible units (every other unit of its work
 * items, in order of first appearance).
 */
export function taskUnits(task: Pick<Task, 'workItems'>): { lead: string; coResponsible: string[] } {
  const lead = itemLead(task.workItems[0]!);
  const coResponsible: string[] = [];
  for (const item of task.workItems) {
    for (const unit of item.units) if (unit !== lead && !coResponsible.includes(unit)) coResponsible.push(unit);
  }
  return { lead, coResponsible };
}

/** Each responsible unit of a task with the work items (0-based) it answers for; the lead first. */
export function responsibilities(task: Pick<Task, 'workItems'>): Responsibility[] {
  const { lead, coResponsible } = taskUnits(task);
  return [lead, ...coResponsible].map((department) => ({
    department,
    role: department === lead ? 'lead' : 'co',
    workItems: task.workItems.flatMap((item, i) =>
      item.units.includes(department) || itemLead(item) === department ? [i] : [],
    ),
  }));
}

/** The figures of the core targets linked to a task, which its figure-reporting milestone asks for. */
export function figureRequests(plan: Pick<PlanFile, 'targets'>, taskNumber: number): FigureRequest[] {
  return plan.targets.flatMap((target) =>
    target.figures
      .filter((f) => f.tasks.includes(taskNumber))
      .map((f) => ({
        id: f.id,
        label: f.label,
        kind: f.kind,
        unit: f.unit,
        target: f.value,
        targetNumber: target.number,
      })),
  );
}

/** A task's milestones with due dates, for a plan started on `startDate`. */
export function taskMilestones(plan: PlanFile, task: Task, startDate: string): MilestoneInput[] {
  const figures = figureRequests(plan, task.number);
  return (task.schedule ?? plan.schedule).map((m) => ({
    id: m.id,
    title: m.title,
    dueDate: addDays(startDate, m.offsetDays),
    figures: m.reportsFigures ? figures : [],
  }));
}

/**
 * The input of the key-task workflow for one task of a plan started on `startDate`. A working-day plan needs
 * its `calendar` resolved by the caller (client/working-calendar.ts: the workflow never reads a library).
 * @throws Error for a working-day plan without its calendar.
 */
export function keyTaskInput(plan: PlanFile, task: Task, startDate: string, calendar?: WorkingCalendar): KeyTaskInput {
  const { lead, coResponsible } = taskUnits(task);
  const { workingDays, ...policy } = plan.policy;
  if (workingDays && !calendar) throw new Error(`plan ${plan.id} counts working days: resolve its calendar first`);
  return {
    planId: plan.id,
    startDate,
    task: {
      number: task.number,
      section: task.section,
      title: task.title,
      lead,
      coResponsible,
      workItems: task.workItems.map((w) => ({ text: w.text, units: w.units })),
      responsibilities: responsibilities(task),
      items: workItemUnits(plan, task),
      assignable: plan.departments.filter((d) => ACTING_KINDS.includes(d.kind)).map((d) => d.id),
    },
    milestones: taskMilestones(plan, task, startDate),
    policy: {
      ...policy,
      ...(workingDays && calendar ? { workingCalendar: calendar } : {}),
      escalation: plan.policy.escalation.map((e) => ({
        level: e.level,
        afterDays: e.afterDays,
        notify: [...new Set(e.notify.map((d) => (d === '$lead' ? lead : supervisingOffice(plan.roles, lead, d))))],
      })),
    },
    offices: plan.roles,
    extensionOffice: extensionOffice(plan.roles, lead),
  };
}

/**
 * The office that supervises a task in place of `office`: `office` itself, unless it is the task's own lead
 * (nobody supervises itself). The general office leading a task (2016: task 13) is supervised by the
 * supervision office, and the supervision office leading one (task 21) by the general office, which runs the
 * ministry's supervision as a whole; leadership leads no task. Other departments are answered unchanged.
 */
export function supervisingOffice(roles: EscalationRoles, lead: string, office: string): string {
  if (office !== lead) return office;
  if (office === roles.generalOffice) return roles.supervisionOffice;
  if (office === roles.supervisionOffice) return roles.generalOffice;
  return office;
}

/**
 * The department that decides a task's extension requests: the general office, or the supervision office for
 * a task the general office leads (it does not approve its own delay).
 */
export function extensionOffice(roles: EscalationRoles, lead: string): string {
  return lead === roles.generalOffice ? roles.supervisionOffice : roles.generalOffice;
}

/**
 * The role that acts for an office of the plan: the general office's `office`, the supervision office's
 * `supervisor`, leadership's `leadership`; undefined for any other department.
 */
export function officeRole(roles: EscalationRoles, department: string): Role | undefined {
  if (department === roles.generalOffice) return 'office';
  if (department === roles.supervisionOffice) return 'supervisor';
  if (department === roles.leadership) return 'leadership';
  return undefined;
}

/** Whether a task number is an item beyond the plan's (numbered from its `policy.items.firstNumber`). */
export function isItemNumber(
  plan: Pick<PlanFile, 'id'> & { policy?: Pick<PlanFile['policy'], 'items'> },
  n: number,
): boolean {
  const first = plan.policy?.items?.firstNumber;
  return first !== undefined && n >= first;
}

/** The workflow ID of a plan's task, or of an item beyond the plan (`<planId>-item-<n>`). */
export function taskWorkflowId(
  plan: Pick<PlanFile, 'id'> & { policy?: Pick<PlanFile['policy'], 'items'> },
  task: Pick<Task, 'number'>,
): string {
  return isItemNumber(plan, task.number)
    ? itemWorkflowId(plan.id, task.number)
    : keyTaskWorkflowId(plan.id, task.number);
}

/** The plan's sections for the board, with the section of its items beyond the plan last when it takes them. */
export function boardSections(plan: Pick<PlanFile, 'sections' | 'policy'>): PlanFile['sections'] {
  return plan.policy.items ? [...plan.sections, plan.policy.items.section] : plan.sections;
}

/** Finds a department by id or by any name the document uses for it (name or alias). */
export function findDepartment(plan: Pick<PlanFile, 'departments'>, idOrName: string): Department | undefined {
  return plan.departments.find((d) => d.id === idOrName || d.name.zh === idOrName || d.aliases.includes(idOrName));
}

/** One act that a milestone of a task asks for: a unit's sign-off of an item (or the close), a member's report. */
export type MilestoneAct =
  { kind: 'sign'; department: string; workItem?: number } | { kind: 'report'; department: string; workItem: number };

/**
 * The acts that complete a milestone of a task as the plan starts it, in an order the rule accepts: item by
 * item, its co-units' sign-offs and its collectives' members' reports, then its lead's sign-off (unless it is
 * the task's lead); last, the task's lead closes (without `workItem`), signing the items it leads. A designated
 * collective nobody was designated for blocks nothing and asks for no act.
 */
export function milestoneActs(plan: Pick<PlanFile, 'departments'>, task: Pick<Task, 'workItems'>): MilestoneAct[] {
  const { lead } = taskUnits(task);
  const acts: MilestoneAct[] = workItemUnits(plan, task).flatMap((item, workItem): MilestoneAct[] => [
    ...item.co.map((department) => ({ kind: 'sign' as const, department, workItem })),
    ...item.collectives.flatMap((c) =>
      c.members.map((department) => ({ kind: 'report' as const, department, workItem })),
    ),
    ...(item.lead === lead ? [] : [{ kind: 'sign' as const, department: item.lead, workItem }]),
  ]);
  return [...acts, { kind: 'sign', department: lead }];
}
