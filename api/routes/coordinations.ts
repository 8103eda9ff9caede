/**
 * Coordination requests (协调事项): `POST /api/tasks/:number/coordinations` (a unit of the task asks its office to
 * coordinate a matter), `POST /api/tasks/:number/coordinations/:id/settlement` (the office records how it was
 * settled) and `GET /api/coordinations` (every task's requests, for the office). Both writes are updates of the
 * task's workflow, whose validators refuse a unit the task does not concern, an empty matter or outcome, and a
 * request settled already.
 */
import { Router } from 'express';
import {
  requestCoordinationUpdate,
  settleCoordinationUpdate,
  type CoordinationItem,
  type KeyTaskView,
  type TaskRow,
} from '../../contracts';
import { taskWorkflowId } from '../../domain/plan';
import { principalOf } from '../auth/middleware';
import type { AppContext } from '../deps';
import { ForbiddenError } from '../errors';
import { requireDepartment, requireTask } from '../lookup';
import { inputOf } from '../middleware/validate';
import { mount } from '../middleware/route';
import { operations } from '../operations';
import { requestPlan } from '../plans';
import { updateAs } from '../temporal';
import { requireTaskOffice } from './milestones';
import { statesOf } from './supervision';

/** The coordination routes (mounted after authentication). */
export function coordinationRoutes(app: AppContext): Router {
  const router = Router();
  const { requestCoordination: ask, settleCoordination: settle, listCoordinations: list } = operations;

  mount(router, ask, async (req, res) => {
    const deps = requestPlan(app, res);
    const { params, body } = inputOf(res, ask.input);
    const task = requireTask(deps, params.number);
    requireDepartment(deps.plan, body.department, 'body');
    for (const unit of body.units ?? []) requireDepartment(deps.plan, unit, 'body');
    const principal = principalOf(res);
    if (principal.department !== body.department) {
      throw new ForbiddenError({
        zh: '联络员只能代表本单位请求协调',
        en: 'A coordinator asks for coordination for its own department only.',
      });
    }
    const coordination = await updateAs(
      deps,
      req,
      principal,
      taskWorkflowId(deps.plan, task),
      requestCoordinationUpdate,
      {
        department: body.department,
        matter: body.matter,
        units: body.units,
      },
    );
    res.status(ask.status).json(coordination);
  });

  mount(router, settle, async (req, res) => {
    const deps = requestPlan(app, res);
    const { params, body } = inputOf(res, settle.input);
    const task = requireTask(deps, params.number);
    const principal = requireTaskOffice(res, deps, task, (name) => ({
      zh: `任务${task.number}的协调事项由${name.zh}办结`,
      en: `The coordination requests of task ${task.number} are settled by the ${name.en}.`,
    }));
    const coordination = await updateAs(
      deps,
      req,
      principal,
      taskWorkflowId(deps.plan, task),
      settleCoordinationUpdate,
      {
        coordinationId: params.id,
        outcome: body.outcome,
      },
    );
    res.status(settle.status).json(coordination);
  });

  mount(router, list, async (_req, res) => {
    const deps = requestPlan(app, res);
    const { query } = inputOf(res, list.input);
    const { states, unavailable } = await statesOf(deps, await deps.taskList.list());
    res.json({ coordinations: coordinationItems(states, query.state), unavailable });
  });
  return router;
}

/** The tasks' coordination requests (`open` ones, or `all`), oldest first. */
export function coordinationItems(
  states: { row: TaskRow; view: KeyTaskView }[],
  which: 'open' | 'all',
): CoordinationItem[] {
  return states
    .flatMap(({ row, view }) =>
      (view.coordinations ?? [])
        .filter((c) => which === 'all' || c.state === 'open')
        .map((coordination) => ({
          taskNumber: view.taskNumber,
          taskTitle: view.title,
          workflowId: row.workflowId,
          coordination,
        })),
    )
    .sort((a, b) => a.coordination.at.localeCompare(b.coordination.at) || a.taskNumber - b.taskNumber);
}
