/**
 * Loading a plan file: read the JSON, validate it against {@link planFileSchema} and report every problem
 * with its path, so that whoever writes a plan can fix them all in one go. Used by `npm run plan -- check`,
 * by the worker and API when they start a plan, and by the tests.
 */
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { PROJECT_ROOT } from '../config/paths';
import { planFileSchema, type PlanFile } from '../contracts';
import { taskMilestones } from '../domain/plan';

/** Absolute path of the 2016 work points plan, the plan the engine runs unless told otherwise. */
export const DEFAULT_PLAN_FILE = join(PROJECT_ROOT, 'seeds', 'moe-2016-informatization.plan.json');

/**
 * Thrown when a plan is not valid: not JSON, the wrong shape, or cross-references that do not hold.
 * `problems` holds one `path: message` line per problem; the message lists them all. Shape problems are
 * reported first: the cross-reference checks (unknown units, duplicate numbers, milestone order) run once
 * the shape is right.
 */
export class PlanValidationError extends Error {
  override name = 'PlanValidationError';

  constructor(
    /** Every problem found, each `path: message`, e.g. `tasks[3].workItems[1].units[0]: unknown department "xyz"`. */
    readonly problems: string[],
    /** Where the plan came from (a file path), when known. */
    readonly source?: string,
  ) {
    const where = source ? `Plan ${source}` : 'Plan';
    const count = problems.length === 1 ? '1 problem' : `${problems.length} problems`;
    super(`${where} is not valid (${count}):\n${problems.map((p) => `  - ${p}`).join('\n')}`);
  }
}

/** Thrown when a plan file cannot be read at all (missing, or a directory, or not readable). */
export class PlanFileNotFoundError extends Error {
  override name = 'PlanFileNotFoundError';

  constructor(
    /** The absolute path that was tried. */
    readonly file: string,
    reason: string,
  ) {
    super(`Plan file ${file} cannot be read: ${reason}`);
  }
}

/** Writes a zod issue path the way a reader of the JSON would: `tasks[3].workItems[1].units[0]`. */
export function formatPath(path: readonly PropertyKey[]): string {
  if (path.length === 0) return '(plan)';
  return path
    .map((key, i) => (typeof key === 'number' ? `[${key}]` : i === 0 ? String(key) : `.${String(key)}`))
    .join('');
}

/**
 * Validates plan data (already parsed JSON) and returns the plan with defaults applied. Throws
 * {@link PlanValidationError} listing every problem as `path: message`.
 */
export function parsePlan(data: unknown, source?: string): PlanFile {
  const result = planFileSchema.safeParse(data);
  if (result.success) return result.data;
  throw new PlanValidationError(
    result.error.issues.map((issue) => `${formatPath(issue.path)}: ${issue.message}`),
    source,
  );
}

/**
 * Reads and validates a plan file. A missing or unreadable file throws {@link PlanFileNotFoundError}; text
 * that is not JSON, or JSON that is not a valid plan, throws {@link PlanValidationError}.
 */
export function loadPlanFile(file: string = DEFAULT_PLAN_FILE): PlanFile {
  const path = resolve(file);
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new PlanFileNotFoundError(
      path,
      code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'it is a directory' : String(err),
    );
  }
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (err) {
    throw new PlanValidationError([`(file): not valid JSON — ${jsonErrorWhere(text, (err as Error).message)}`], path);
  }
  return parsePlan(data, path);
}

/** Adds the line and column to a `JSON.parse` message that only gives a character position. */
function jsonErrorWhere(text: string, message: string): string {
  const m = /at position (\d+)/.exec(message);
  if (!m || /\bline\b/.test(message)) return message;
  const before = text.slice(0, Number(m[1]));
  const line = before.split('\n').length;
  const column = before.length - before.lastIndexOf('\n');
  return `${message} (line ${line}, column ${column})`;
}

/** The size of a plan at a glance, as `npm run plan -- check` prints it. */
export interface PlanSummary {
  id: string;
  title: PlanFile['title'];
  documentDate: string;
  sections: number;
  tasks: number;
  workItems: number;
  departments: number;
  /** Departments by kind: ministry departments, affiliated units, collectives, leadership. */
  departmentsByKind: Record<PlanFile['departments'][number]['kind'], number>;
  /** Milestones of each task, by task number (a task with its own schedule may differ from the default). */
  milestonesPerTask: Record<number, number>;
  milestones: number;
  targets: number;
  figures: number;
}

/** Counts the parts of a validated plan. */
export function planSummary(plan: PlanFile): PlanSummary {
  const departmentsByKind = {
    'ministry-department': 0,
    'affiliated-unit': 0,
    collective: 0,
    leadership: 0,
    'local-authority': 0,
  };
  for (const d of plan.departments) departmentsByKind[d.kind]++;
  const milestonesPerTask: Record<number, number> = {};
  for (const task of plan.tasks) {
    milestonesPerTask[task.number] = taskMilestones(plan, task, plan.documentDate).length;
  }
  return {
    id: plan.id,
    title: plan.title,
    documentDate: plan.documentDate,
    sections: plan.sections.length,
    tasks: plan.tasks.length,
    workItems: plan.tasks.reduce((n, t) => n + t.workItems.length, 0),
    departments: plan.departments.length,
    departmentsByKind,
    milestonesPerTask,
    milestones: Object.values(milestonesPerTask).reduce((n, m) => n + m, 0),
    targets: plan.targets.length,
    figures: plan.targets.reduce((n, t) => n + t.figures.length, 0),
  };
}
