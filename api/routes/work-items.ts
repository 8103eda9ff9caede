/**
 * The work-item actions: a province's report on its part of an item, the item lead's early close of those
 * reports and its designation of 相关业务司局, and the general office's waiver, reassignment and added co-unit.
 * Each is a workflow update (idempotent through `Idempotency-Key`); who may act on which item is the
 * workflow's rule (its refusals say why), the route checks the role and that a coordinator acts for itself.
 */
import { Router, type Response } from 'express';
import {
  addCoUnitUpdate,
  closeCollectiveUpdate,
  designateUpdate,
  reassignUpdate,
  reportUpdate,
  waiveUpdate,
} from '../../contracts';
import { taskWorkflowId } from '../../domain/plan';
import { principalOf } from '../auth/middleware';
import type { Principal } from '../auth/tokens';
import type { AppContext } from '../deps';
import { ForbiddenError } from '../errors';
import { requireDepartment, requireMilestone, requireTask } from '../lookup';
import { inputOf } from '../middleware/validate';
import { mount } from '../middleware/route';
import { operations } from '../operations';
import { requestPlan } from '../plans';
import { updateAs } from '../temporal';

/** The signed-in coordinator, acting for `department` (its own). @throws ForbiddenError otherwise. */
function actingFor(res: Response, department: string): Principal {
  const principal = principalOf(res);
  if (principal.department !== department) {
    throw new ForbiddenError({ zh: '联络员只能代表本单位办理', en: 'A coordinator acts only for its own department.' });
  }
  return principal;
}

/** The work-item routes (mounted after authentication). */
export function workItemRoutes(app: AppContext): Router {
  const router = Router();
  const { reportOnItem, closeCollective, designate, waive, reassign, addCoUnit } = operations;
  const workflowOf = (deps: AppContext, number: number, milestoneId?: string) => {
    const task = requireTask(deps, number);
    if (milestoneId) requireMilestone(deps.plan, task, milestoneId);
    return taskWorkflowId(deps.plan, task);
  };
  const known = (deps: AppContext, ...ids: string[]) => ids.forEach((id) => requireDepartment(deps.plan, id, 'body'));

  mount(router, reportOnItem, async (req, res) => {
    const deps = requestPlan(app, res);
    const { params, body } = inputOf(res, reportOnItem.input);
    const workflowId = workflowOf(deps, params.number, params.milestoneId);
    known(deps, body.department);
    const milestone = await updateAs(deps, req, actingFor(res, body.department), workflowId, reportUpdate, {
      milestoneId: params.milestoneId,
      workItem: params.item,
      department: body.department,
      status: body.status,
      text: body.text,
      figures: body.figures,
    });
    res.status(reportOnItem.status).json(milestone);
  });

  mount(router, closeCollective, async (req, res) => {
    const deps = requestPlan(app, res);
    const { params, body } = inputOf(res, closeCollective.input);
    const workflowId = workflowOf(deps, params.number, params.milestoneId);
    known(deps, body.department);
    const milestone = await updateAs(deps, req, actingFor(res, body.department), workflowId, closeCollectiveUpdate, {
      milestoneId: params.milestoneId,
      workItem: params.item,
      department: body.department,
      reason: body.reason,
    });
    res.status(closeCollective.status).json(milestone);
  });

  mount(router, designate, async (req, res) => {
    const deps = requestPlan(app, res);
    const { params, body } = inputOf(res, designate.input);
    const workflowId = workflowOf(deps, params.number);
    known(deps, body.department, ...body.departments);
    const milestone = await updateAs(deps, req, actingFor(res, body.department), workflowId, designateUpdate, {
      workItem: params.item,
      department: body.department,
      departments: [...new Set(body.departments)],
      reason: body.reason,
    });
    res.status(designate.status).json(milestone);
  });

  mount(router, waive, async (req, res) => {
    const deps = requestPlan(app, res);
    const { params, body } = inputOf(res, waive.input);
    const workflowId = workflowOf(deps, params.number, params.milestoneId);
    known(deps, body.unit);
    const milestone = await updateAs(deps, req, principalOf(res), workflowId, waiveUpdate, {
      milestoneId: params.milestoneId,
      workItem: params.item,
      unit: body.unit,
      reason: body.reason,
    });
    res.status(waive.status).json(milestone);
  });

  mount(router, reassign, async (req, res) => {
    const deps = requestPlan(app, res);
    const { params, body } = inputOf(res, reassign.input);
    const workflowId = workflowOf(deps, params.number);
    known(deps, body.from, body.to);
    const milestone = await updateAs(deps, req, principalOf(res), workflowId, reassignUpdate, {
      workItem: params.item,
      from: body.from,
      to: body.to,
      reason: body.reason,
    });
    res.status(reassign.status).json(milestone);
  });

  mount(router, addCoUnit, async (req, res) => {
    const deps = requestPlan(app, res);
    const { params, body } = inputOf(res, addCoUnit.input);
    const workflowId = workflowOf(deps, params.number);
    known(deps, body.unit);
    const milestone = await updateAs(deps, req, principalOf(res), workflowId, addCoUnitUpdate, {
      workItem: params.item,
      unit: body.unit,
      reason: body.reason,
    });
    res.status(addCoUnit.status).json(milestone);
  });
  return router;
}
