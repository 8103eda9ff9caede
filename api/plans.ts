/**
 * The plans an API process serves side by side: the default plan (`PLAN_FILE`, the one a request without
 * `?plan=` is about) and every plan an administrator loaded since (`POST /api/plans`), each with its own task
 * list held in memory (`task-list-cache.ts`). Tasks of different plans never collide: a task's workflow id is
 * `<plan id>-task-<n>` and every list is a visibility query on `DubanPlanId`.
 *
 * Loaded plans are kept as files in `DATA_DIR/plans/<id>.plan.json` (validated again when read), so a
 * restarted API, or another replica sharing `DATA_DIR`, serves them too: a plan id this process does not
 * hold makes it read the folder again. Without `DATA_DIR` they are kept in this process only (tests).
 */
import { mkdirSync, readdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Response } from 'express';
import type { PlanFile } from '../contracts';
import { parsePlan } from '../seeds/load-plan';
import type { AppContext } from './deps';
import { ConflictError, NotFoundError } from './errors';
import type { TaskListCache } from './task-list-cache';

/** One plan served by the API, with its task list. */
export interface PlanScope {
  plan: PlanFile;
  taskList: TaskListCache;
  /** Whether it is the default plan (`PLAN_FILE`). */
  isDefault: boolean;
}

/** The plans of one API process. */
export interface PlanRegistry {
  /** The default plan. */
  readonly defaultScope: PlanScope;
  /** Every plan: the default first, then the loaded ones (the folder read again first). */
  all(): PlanScope[];
  /**
   * The plan with this id, the default when `id` is undefined.
   * @throws NotFoundError (404 `plan_not_found`) when no plan has this id (the folder is read again first).
   */
  require(id: string | undefined): PlanScope;
  /**
   * Adds a validated plan (and keeps it in the folder).
   * @throws ConflictError (409 `plan_already_started`) when a plan with its id is served already.
   */
  add(plan: PlanFile): PlanScope;
  /** Stops every plan's task list. */
  close(): Promise<void>;
}

/** Thrown when a plan id is taken: by a plan served already, or by tasks already running in Temporal. */
export function planAlreadyStarted(id: string): ConflictError {
  return new ConflictError('plan_already_started', {
    zh: `计划“${id}”已经启动；新一年的计划请用新的计划编号`,
    en: `A plan with the id "${id}" has already been started; give a new year's plan an id of its own.`,
  });
}

/**
 * Creates the registry over the default plan and its task list; `taskListOf` builds the task list of a
 * plan loaded later; `dataDir` is where loaded plans are kept (unset: in memory only).
 */
export function createPlanRegistry(options: {
  defaultPlan: PlanFile;
  defaultTaskList: TaskListCache;
  taskListOf: (plan: PlanFile) => TaskListCache;
  dataDir?: string;
  logError?: (message: string, err: unknown) => void;
}): PlanRegistry {
  const defaultScope: PlanScope = { plan: options.defaultPlan, taskList: options.defaultTaskList, isDefault: true };
  const loaded = new Map<string, PlanScope>();
  const folder = options.dataDir === undefined ? undefined : join(options.dataDir, 'plans');
  const log = options.logError ?? ((message, err) => console.error(message, err));
  /** Files that failed to load, by name: reported once each. */
  const broken = new Set<string>();
  let closed = false;

  const hold = (plan: PlanFile): PlanScope => {
    const scope: PlanScope = { plan, taskList: options.taskListOf(plan), isDefault: false };
    loaded.set(plan.id, scope);
    return scope;
  };

  /** Reads plans other processes (or an earlier run) kept in the folder that this process does not hold. */
  const rescan = () => {
    if (!folder || closed) return;
    let names: string[];
    try {
      names = readdirSync(folder).filter((n) => n.endsWith('.plan.json'));
    } catch {
      return; // no folder yet: no plan was loaded
    }
    for (const name of names) {
      const id = name.slice(0, -'.plan.json'.length);
      if (id === defaultScope.plan.id || loaded.has(id) || broken.has(name)) continue;
      try {
        const plan = parsePlan(JSON.parse(readFileSync(join(folder, name), 'utf8')), join(folder, name));
        if (plan.id !== id) throw new Error(`the file holds the plan "${plan.id}"`);
        hold(plan);
      } catch (err) {
        broken.add(name);
        log(`[api] the loaded plan ${join(folder, name)} cannot be read and is not served:`, err);
      }
    }
  };
  rescan();

  return {
    defaultScope,
    all() {
      rescan();
      return [defaultScope, ...loaded.values()];
    },
    require(id) {
      if (id === undefined || id === defaultScope.plan.id) return defaultScope;
      if (!loaded.has(id)) rescan();
      const scope = loaded.get(id);
      if (!scope) {
        throw new NotFoundError('plan_not_found', {
          zh: `没有编号为“${id}”的计划`,
          en: `No plan with the id "${id}" is loaded.`,
        });
      }
      return scope;
    },
    add(plan) {
      rescan();
      if (plan.id === defaultScope.plan.id || loaded.has(plan.id)) throw planAlreadyStarted(plan.id);
      if (folder) {
        mkdirSync(folder, { recursive: true });
        const file = join(folder, `${plan.id}.plan.json`);
        // Written whole, then renamed: a replica reading the folder never sees half a plan.
        writeFileSync(`${file}.tmp`, `${JSON.stringify(plan, null, 2)}\n`);
        renameSync(`${file}.tmp`, file);
      }
      return hold(plan);
    },
    async close() {
      closed = true;
      await Promise.all([defaultScope, ...loaded.values()].map((s) => s.taskList.close()));
    },
  };
}

/**
 * The app's context for the plan a request names (`?plan=`): the same dependencies with that plan and its
 * task list in place of the default's, so every route and helper written for one plan serves any of them.
 * @throws NotFoundError (404 `plan_not_found`) for a plan id no plan has.
 */
export function forPlan(deps: AppContext, planId: string | undefined): AppContext {
  const scope = deps.plans.require(planId);
  if (scope.isDefault) return deps;
  // Items beyond the plan are the default plan's: another plan has none.
  return { ...deps, plan: scope.plan, taskList: scope.taskList, items: new Map() };
}

/**
 * The app's context for the plan of this request's `?plan=` (validated by its operation's query schema),
 * the default plan's when it names none. @throws NotFoundError (404 `plan_not_found`) as {@link forPlan}.
 */
export function requestPlan(deps: AppContext, res: Response): AppContext {
  const input = res.locals.input as { query?: { plan?: string } } | undefined;
  return forPlan(deps, input?.query?.plan);
}
