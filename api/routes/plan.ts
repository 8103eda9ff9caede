/** `GET /api/me` and `GET /api/plan` (any signed-in user), `POST /api/plan/start` (administrators). */
import { Router } from 'express';
import type { PlanFile } from '../../contracts';
import { startPlan } from '../../client/start-plan';
import { localDate } from '../../domain/calendar';
import { taskUnits } from '../../domain/plan';
import { principalOf } from '../auth/middleware';
import type { AppContext } from '../deps';
import { operations } from '../operations';
import { mount } from '../middleware/route';
import { requestPlan } from '../plans';
import { withDeadline } from '../temporal';
import { inputOf } from '../middleware/validate';

/** The plan as `GET /api/plan` answers it. */
export function planView(plan: PlanFile) {
  return {
    id: plan.id,
    title: plan.title,
    documentDate: plan.documentDate,
    issuer: plan.issuer,
    sections: plan.sections,
    tasks: plan.tasks.map((task) => ({
      number: task.number,
      section: task.section,
      title: task.title,
      ...taskUnits(task),
      workItems: task.workItems.map((w) => ({
        text: w.text,
        units: w.units,
        ...(w.steward ? { steward: w.steward } : {}),
      })),
      milestones: task.schedule ?? plan.schedule,
    })),
    departments: plan.departments.map((d) => ({ id: d.id, name: d.name, kind: d.kind, aliases: d.aliases })),
    targets: plan.targets,
    policy: plan.policy,
    roles: plan.roles,
  };
}

/** The plan routes (mounted after authentication). */
export function planRoutes(app: AppContext): Router {
  const router = Router();
  const { plan: getPlan, startPlan: start, me } = operations;

  mount(router, me, (_req, res) => {
    const { role, department, name } = principalOf(res);
    res.json({ role, ...(department ? { department } : {}), name });
  });

  mount(router, getPlan, (_req, res) => {
    res.json(planView(requestPlan(app, res).plan));
  });

  mount(router, start, async (_req, res) => {
    const deps = requestPlan(app, res);
    const { body } = inputOf(res, start.input);
    const now = deps.now?.() ?? Date.now();
    // PLAN_START_DATE is the default plan's; another plan starts today unless the body says otherwise.
    const configured = deps.plan === app.plan ? deps.config.PLAN_START_DATE : undefined;
    const startDate = body.startDate ?? configured ?? localDate(now, deps.plan.policy.utcOffset);
    // Each start has its own deadline: an unreachable Temporal answers 503 promptly, a large plan still starts.
    // New tasks are new rows: the shared task list is dropped before and after (a load in flight is discarded).
    deps.taskList.invalidate();
    const tasks = await startPlan(deps.temporalClient, deps.plan, {
      startDate,
      taskQueue: deps.taskQueue,
      eachCall: (call) => withDeadline(deps, call),
    }).finally(() => deps.taskList.invalidate());
    res.status(start.status).json({ tasks });
  });
  return router;
}
