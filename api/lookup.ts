/**
 * Finding what a request names in the loaded plan: a task, a milestone of it, a department. Unknown path
 * ids are 404; unknown body ids are 400 (the request itself is wrong, not the resource missing).
 */
import type { Department, ItemRecord, KeyTaskView, MilestoneTemplate, PlanFile, Task } from '../contracts';
import { taskDepartmentIds } from '../domain/plan';
import { BadRequestError, NotFoundError } from './errors';

/** What a task number is looked up in: the plan, and the items beyond it that this replica has seen. */
export interface TaskSource {
  plan: PlanFile;
  /** Items beyond the plan by number (from the task list's loads and this replica's own creations). */
  items?: ReadonlyMap<number, ItemRecord>;
}

/**
 * The plan's task with this number, or the task an item beyond the plan runs as.
 * @throws NotFoundError (404 `task_not_found`).
 */
export function requireTask({ plan, items }: TaskSource, number: number): Task {
  let byNumber = tasksByNumber.get(plan);
  if (!byNumber) tasksByNumber.set(plan, (byNumber = new Map(plan.tasks.map((t) => [t.number, t]))));
  const task = byNumber.get(number) ?? items?.get(number)?.task;
  if (!task)
    throw new NotFoundError('task_not_found', {
      zh: `没有第${number}项重点任务`,
      en: `No key task ${number} in the plan.`,
    });
  return task;
}

/** The milestone template of a task. @throws NotFoundError (404 `milestone_not_found`). */
export function requireMilestone(plan: PlanFile, task: Task, milestoneId: string): MilestoneTemplate {
  const milestone = (task.schedule ?? plan.schedule).find((m) => m.id === milestoneId);
  if (!milestone) {
    throw new NotFoundError('milestone_not_found', {
      zh: `任务${task.number}没有节点“${milestoneId}”`,
      en: `Task ${task.number} has no milestone "${milestoneId}".`,
    });
  }
  return milestone;
}

/**
 * A department of the registry. @throws NotFoundError (404 `department_not_found`) for a path id,
 * BadRequestError (400 `unknown_department`) for a body or query id.
 */
export function requireDepartment(plan: PlanFile, id: string, where: 'path' | 'body' | 'query'): Department {
  const department = plan.departments.find((d) => d.id === id);
  if (department) return department;
  const message = { zh: `没有这个单位“${id}”`, en: `No department "${id}" in the plan's registry.` };
  if (where === 'path') throw new NotFoundError('department_not_found', message);
  throw new BadRequestError('unknown_department', message, { [where]: id });
}

/** Every unit the plan makes responsible for a task, the lead first, with its collectives' members (one array per task, shared: never change it). */
export function taskDepartments(plan: PlanFile, task: Task): string[] {
  // The loaded plan never changes: worked out once a task (each sign-off asks), not on every request.
  let ids = departmentsOfTask.get(task);
  if (!ids) departmentsOfTask.set(task, (ids = taskDepartmentIds(plan, task)));
  return ids;
}

/** The plan's tasks by number (a plan of ten thousand tasks is not searched row by row on every request). */
const tasksByNumber = new WeakMap<PlanFile, Map<number, Task>>();
/** {@link taskDepartments} of each task of a loaded plan. */
const departmentsOfTask = new WeakMap<Task, string[]>();

/**
 * Every unit a running task concerns now: the plan's, and those designated, added or handed a part since
 * (read from its state, for a department the plan does not name for the task).
 */
export function viewDepartments(view: KeyTaskView): string[] {
  const items = view.milestones.flatMap((m) => m.items ?? []);
  return [
    ...new Set([
      view.lead,
      ...view.coResponsible,
      ...items.flatMap((i) => [
        i.lead,
        ...i.co,
        ...i.designations.flatMap((d) => d.designated),
        ...i.collectives.flatMap((c) => c.members),
      ]),
    ]),
  ];
}
