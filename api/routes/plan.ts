/**
 * `GET /api/me` and `GET /api/plan` (any signed-in user), `POST /api/plan/start`, `POST /api/plan/start-jobs`
 * and `GET /api/plan/start-jobs/:id` (administrators).
 */
import { Router } from 'express';
import type { PlanFile } from '../../contracts';
import { startPlan, type StartedTask, type StartProgress } from '../../client/start-plan';
import { NotFoundError } from '../errors';
import { localDate } from '../../domain/calendar';
import { boardSections, taskUnits } from '../../domain/plan';
import { principalOf } from '../auth/middleware';
import type { AppContext } from '../deps';
import { operations } from '../operations';
import { mount } from '../middleware/route';
import { requestPlan } from '../plans';
import { withDeadline } from '../temporal';
import { inputOf } from '../middleware/validate';
import type { TaskListCache } from '../task-list-cache';

/** The plan as `GET /api/plan` answers it. */
export function planView(plan: PlanFile) {
  return {
    id: plan.id,
    title: plan.title,
    documentDate: plan.documentDate,
    issuer: plan.issuer,
    // The plan's own, and the section of the items beyond it (交办事项) when it takes them.
    sections: boardSections(plan),
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
  const { plan: getPlan, startPlan: start, startPlanJob: startJob, planStartJob: getJob, me } = operations;

  mount(router, me, (_req, res) => {
    const { role, department, name } = principalOf(res);
    res.json({ role, ...(department ? { department } : {}), name });
  });

  mount(router, getPlan, (_req, res) => {
    res.json(planView(requestPlan(app, res).plan));
  });

  /** PLAN_START_DATE is the default plan's; another plan starts today unless the body says otherwise. */
  const startDateOf = (deps: AppContext, body: { startDate?: string }): string => {
    const configured = deps.plan === app.plan ? deps.config.PLAN_START_DATE : undefined;
    return body.startDate ?? configured ?? localDate(deps.now?.() ?? Date.now(), deps.plan.policy.utcOffset);
  };
  const run = (deps: AppContext, startDate: string, onProgress?: (p: StartProgress) => void) =>
    startPlanTasks(deps, deps.plan, deps.taskList, startDate, onProgress);

  mount(router, start, async (_req, res) => {
    const deps = requestPlan(app, res);
    const { body } = inputOf(res, start.input);
    const tasks = await run(deps, startDateOf(deps, body));
    res.status(start.status).json({ tasks });
  });

  mount(router, startJob, (req, res) => {
    const deps = requestPlan(app, res);
    const { body } = inputOf(res, startJob.input);
    const startDate = startDateOf(deps, body);
    const { job } = app.planStartJobs.begin(startDate, deps.plan.tasks.length, (onProgress) =>
      run(deps, startDate, onProgress),
    );
    res.location(`${req.baseUrl}/api/plan/start-jobs/${job.id}`);
    res.status(startJob.status).json(job);
  });

  mount(router, getJob, (_req, res) => {
    const { params } = inputOf(res, getJob.input);
    const job = app.planStartJobs.get(params.id);
    if (!job) {
      throw new NotFoundError('start_job_not_found', {
        zh: '没有这个启动任务（可能已过期，或由另一个接口实例受理）',
        en: 'No such plan start job (it may have expired, or another API replica accepted it).',
      });
    }
    res.json(job);
  });
  return router;
}

/**
 * Starts `plan`'s tasks, each start under its own deadline (an unreachable Temporal answers 503 promptly, a large
 * plan still starts), and answers once they are on `taskList`: the replica that started them lists them at once,
 * as it shows every change made through it. New tasks are new rows: the list is polled before (a load in flight
 * is discarded) and after, also when the start fails part-way.
 */
export async function startPlanTasks(
  deps: AppContext,
  plan: PlanFile,
  taskList: TaskListCache,
  startDate: string,
  onProgress?: (p: StartProgress) => void,
): Promise<StartedTask[]> {
  taskList.invalidate();
  const tasks = await startPlan(deps.temporalClient, plan, {
    startDate,
    taskQueue: deps.taskQueue,
    eachCall: (call) => withDeadline(deps, call),
    onProgress,
  }).finally(() => taskList.invalidate());
  await taskList.holdAll(tasks.map((t) => t.workflowId));
  return tasks;
}
