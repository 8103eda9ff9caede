/**
 * `GET /api/tasks` (the list, from visibility), `GET /api/tasks/:number` (one task's full state) and
 * `POST /api/tasks/:number/cancel` (administrators).
 */
import { Router } from 'express';
import { cancelUpdate, type PlanFile, type Role, type TaskStatus } from '../../contracts';
import type { TaskListFilters } from '../../client/task-list';
import type { Principal } from '../auth/tokens';
import { boardSections, taskWorkflowId } from '../../domain/plan';
import { principalOf } from '../auth/middleware';
import type { AppContext, AppDeps } from '../deps';
import { BadRequestError, ForbiddenError } from '../errors';
import { requireDepartment, requireTask, taskDepartments, viewDepartments } from '../lookup';
import { inputOf } from '../middleware/validate';
import { operations } from '../operations';
import { mount } from '../middleware/route';
import { requestPlan } from '../plans';
import { queryState, updateAs } from '../temporal';

/**
 * The link to a workflow in the Temporal Web UI, for administrators only: the UI shows a task's whole history
 * and acts on Temporal without the API's checks, so nobody else is sent there. Null for any other role, and
 * when no UI address is configured.
 */
export function temporalUiLink(deps: AppDeps, workflowId: string, role: Role): string | null {
  const base = deps.config.temporalUiUrl;
  if (!base || role !== 'admin') return null;
  const ns = encodeURIComponent(deps.config.TEMPORAL_NAMESPACE);
  return `${base.replace(/\/+$/, '')}/namespaces/${ns}/workflows/${encodeURIComponent(workflowId)}`;
}

/**
 * The task-list filters a request may use: its department, status and section checked against the plan, and
 * for a coordinator its own department (shared by the task list and the ledger export).
 * @throws BadRequestError (`unknown_department`, `unknown_section`) for ids the plan does not have;
 * ForbiddenError when a coordinator asks for another department's tasks.
 */
export function visibleTaskFilters(
  plan: PlanFile,
  principal: Principal,
  query: { department?: string; status?: TaskStatus; section?: number },
): TaskListFilters {
  if (query.department) requireDepartment(plan, query.department, 'query');
  if (query.section !== undefined && !boardSections(plan).some((s) => s.number === query.section)) {
    throw new BadRequestError('unknown_section', {
      zh: `没有第${query.section}部分`,
      en: `No section ${query.section} in the plan.`,
    });
  }
  let department = query.department;
  if (principal.role === 'coordinator') {
    if (department && department !== principal.department) {
      throw new ForbiddenError({
        zh: '联络员只能查看本单位的任务',
        en: 'A coordinator sees only its own department’s tasks.',
      });
    }
    department = principal.department;
  }
  return { department, status: query.status, section: query.section };
}

/** The task routes (mounted after authentication). */
export function taskRoutes(app: AppContext): Router {
  const router = Router();
  const { listTasks: list, getTask: get, cancel } = operations;

  mount(router, list, async (req, res) => {
    const deps = requestPlan(app, res);
    const { query } = inputOf(res, list.input);
    const filters = visibleTaskFilters(deps.plan, principalOf(res), query);
    if (Object.values(filters).every((v) => v === undefined)) {
      // The whole board: its JSON is kept until the list changes, and a browser that holds it gets a 304.
      const { body, tag } = await deps.taskList.listBody();
      res.set('ETag', `W/"tasks-${deps.plan.id}-${tag}"`);
      if (req.fresh) return void res.status(304).end();
      return void res.type('application/json').send(body);
    }
    res.json({ tasks: await deps.taskList.list(filters) });
  });

  mount(router, get, async (_req, res) => {
    const deps = requestPlan(app, res);
    const { params } = inputOf(res, get.input);
    const task = requireTask(deps, params.number);
    const principal = principalOf(res);
    const workflowId = taskWorkflowId(deps.plan, task);
    const state = await queryState(deps, workflowId);
    const mine = (d: string) => taskDepartments(deps.plan, task).includes(d) || viewDepartments(state).includes(d);
    if (principal.role === 'coordinator' && !mine(principal.department!)) {
      throw new ForbiddenError({
        zh: `本单位不是任务${task.number}的责任单位`,
        en: `Your department is not responsible for task ${task.number}.`,
      });
    }
    res.json({ ...state, workflowId, temporalUiUrl: temporalUiLink(deps, workflowId, principal.role) });
  });

  mount(router, cancel, async (req, res) => {
    const deps = requestPlan(app, res);
    const { params, body } = inputOf(res, cancel.input);
    const task = requireTask(deps, params.number);
    const state = await updateAs(deps, req, principalOf(res), taskWorkflowId(deps.plan, task), cancelUpdate, {
      reason: body.reason,
    });
    res.status(cancel.status).json(state);
  });
  return router;
}
