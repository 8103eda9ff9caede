/**
 * Rules that turn a plan file into what the engine runs: a task's lead and co-responsible units, the
 * work items each unit answers for, its milestones with due dates, and the key-task workflow's input.
 * Pure functions over contracts types, loading no zod (lint keeps it so): the API, the scripts, the tests and
 * the workflow bundle may all import them.
 */
import type {
  Department,
  FigureRequest,
  KeyTaskInput,
  MilestoneInput,
  PlanFile,
  Responsibility,
  Task,
} from '../contracts';
import { keyTaskWorkflowId } from '../contracts/shared';
import { addDays } from './calendar';

/**
 * A task's lead (the lead of its first work item) and co-responsible units (every other unit of its work
 * items, in order of first appearance).
 */
export function taskUnits(task: Pick<Task, 'workItems'>): { lead: string; coResponsible: string[] } {
  const lead = task.workItems[0]!.units[0]!;
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
    workItems: task.workItems.flatMap((item, i) => (item.units.includes(department) ? [i] : [])),
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

/** The input of the key-task workflow for one task of a plan started on `startDate`. */
export function keyTaskInput(plan: PlanFile, task: Task, startDate: string): KeyTaskInput {
  const { lead, coResponsible } = taskUnits(task);
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
    },
    milestones: taskMilestones(plan, task, startDate),
    policy: {
      ...plan.policy,
      escalation: plan.policy.escalation.map((e) => ({
        level: e.level,
        afterDays: e.afterDays,
        notify: [...new Set(e.notify.map((d) => (d === '$lead' ? lead : d)))],
      })),
    },
    offices: plan.roles,
  };
}

/** The workflow ID of a plan's task. */
export function taskWorkflowId(plan: Pick<PlanFile, 'id'>, task: Pick<Task, 'number'>): string {
  return keyTaskWorkflowId(plan.id, task.number);
}

/** Finds a department by id or by any name the document uses for it (name or alias). */
export function findDepartment(plan: Pick<PlanFile, 'departments'>, idOrName: string): Department | undefined {
  return plan.departments.find((d) => d.id === idOrName || d.name.zh === idOrName || d.aliases.includes(idOrName));
}
