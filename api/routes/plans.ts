/**
 * `GET /api/plans` (every plan the engine runs, with its year, title and counts) and `POST /api/plans` (an
 * administrator loads a plan file's content, validated by the plan schema, and starts it beside the others).
 */
import express, { Router, type Request } from 'express';
import { taskStatusSchema, type PlanListItem, type TaskStatus } from '../../contracts';
import { taskListQuery } from '../../client/task-list';
import { localDate } from '../../domain/calendar';
import { parsePlan, PlanValidationError } from '../../seeds/load-plan';
import { principalOf } from '../auth/middleware';
import type { AppContext } from '../deps';
import { BadRequestError } from '../errors';
import { mount } from '../middleware/route';
import { inputOf } from '../middleware/validate';
import { operations } from '../operations';
import { planAlreadyStarted, type PlanScope } from '../plans';
import { withDeadline } from '../temporal';
import { startPlanTasks } from './plan';

/** Largest plan file `POST /api/plans` accepts (the 2016 plan is about 60 kB). */
const PLAN_BODY_LIMIT = '1mb';

/** Whether a request is `POST /api/plans`, whose body the app's general parser leaves to {@link plansRoutes}. */
export function isPlanLoad(req: Request): boolean {
  return req.method === 'POST' && req.path.replace(/\/+$/, '') === '/api/plans';
}

/** A plan as `GET /api/plans` lists it; a coordinator's counts are of its own department's tasks. */
async function listItem(scope: PlanScope, department: string | undefined): Promise<PlanListItem> {
  const { plan } = scope;
  const rows = await scope.taskList.list(department ? { department } : {});
  const byStatus = Object.fromEntries(taskStatusSchema.options.map((s) => [s, 0])) as Record<TaskStatus, number>;
  for (const row of rows) if (row.status) byStatus[row.status] += 1;
  return {
    id: plan.id,
    title: plan.title,
    issuer: plan.issuer,
    documentDate: plan.documentDate,
    year: Number(plan.documentDate.slice(0, 4)),
    default: scope.isDefault,
    sections: plan.sections.length,
    tasks: plan.tasks.length,
    workItems: plan.tasks.reduce((n, t) => n + t.workItems.length, 0),
    started: rows.length,
    byStatus,
  };
}

/** The plans routes (mounted after authentication). */
export function plansRoutes(deps: AppContext): Router {
  const router = Router();
  const { listPlans, loadPlan } = operations;
  const json = express.json({ limit: PLAN_BODY_LIMIT });
  // Only an administrator's plan file is read at this size; anyone else is refused by the role check next.
  router.use((req, res, next) => {
    if (isPlanLoad(req) && principalOf(res).role === 'admin') json(req, res, next);
    else next();
  });

  mount(router, listPlans, async (_req, res) => {
    const principal = principalOf(res);
    const department = principal.role === 'coordinator' ? principal.department : undefined;
    const scopes = deps.plans.all();
    const [first, ...others] = await Promise.all(scopes.map((s) => listItem(s, department)));
    others.sort((a, b) => b.year - a.year || a.id.localeCompare(b.id));
    res.json({ plans: [first!, ...others] });
  });

  mount(router, loadPlan, async (_req, res) => {
    const { body } = inputOf(res, loadPlan.input);
    let plan;
    try {
      plan = parsePlan(body.plan);
    } catch (err) {
      if (!(err instanceof PlanValidationError)) throw err;
      throw new BadRequestError(
        'invalid_plan',
        {
          zh: `计划文件不符合格式（${err.problems.length}处问题），详见 details`,
          en: `The plan file is not valid (${err.problems.length} problem(s)); see details.`,
        },
        { problems: err.problems },
      );
    }
    // Served here already, or tasks of that id in Temporal (started by another process or an earlier plan file).
    if (deps.plans.all().some((s) => s.plan.id === plan.id)) {
      throw planAlreadyStarted(plan.id);
    }
    const { count } = await withDeadline(deps, () => deps.temporalClient.workflow.count(taskListQuery(plan.id)));
    if (count > 0) throw planAlreadyStarted(plan.id);
    const scope = deps.plans.add(plan);
    const startDate = body.startDate ?? localDate(deps.now?.() ?? Date.now(), plan.policy.utcOffset);
    // Served from now on, started or not: a start cut short (503) is completed by `POST /api/plan/start?plan=`.
    const tasks = await startPlanTasks(deps, plan, scope.taskList, startDate);
    res.status(loadPlan.status).json({ plan: await listItem(scope, undefined), tasks });
  });
  return router;
}
