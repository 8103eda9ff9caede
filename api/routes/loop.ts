/**
 * The office's closed loop on a task: receipt (签收) of a milestone's parts, `POST …/milestones/:id/receipts`; the
 * office's decision on a dispute of one, `POST …/milestones/:id/disputes/:department/decision`; and progress
 * reports, `POST /api/tasks/:number/progress-reports`. Each is an update of the task's workflow, whose validators
 * refuse a unit not asked, a second receipt, a dispute or decision without its reason, and a plan that asks for
 * neither (workflows/key-task/loop.ts has the rules).
 */
import { Router, type Response } from 'express';
import { receiptUpdate, reportProgressUpdate, settleDisputeUpdate } from '../../contracts';
import { taskWorkflowId } from '../../domain/plan';
import type { Principal } from '../auth/tokens';
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

/** The coordinator acting, when it acts for its own department. @throws ForbiddenError for another one. */
function ownDepartment(res: Response, department: string, what: { zh: string; en: string }): Principal {
  const principal = principalOf(res);
  if (principal.department !== department) {
    throw new ForbiddenError({
      zh: `联络员只能代表本单位${what.zh}`,
      en: `A coordinator ${what.en} for its own department only.`,
    });
  }
  return principal;
}

/** The closed loop's routes (mounted after authentication). */
export function loopRoutes(app: AppContext): Router {
  const router = Router();
  const { receipt, decideDispute, reportProgress } = operations;

  mount(router, receipt, async (req, res) => {
    const deps = requestPlan(app, res);
    const { params, body } = inputOf(res, receipt.input);
    const task = requireTask(deps, params.number);
    requireDepartment(deps.plan, body.department, 'body');
    const principal = ownDepartment(res, body.department, { zh: '签收', en: 'signs for receipt' });
    const milestone = await updateAs(deps, req, principal, taskWorkflowId(deps.plan, task), receiptUpdate, {
      milestoneId: params.milestoneId,
      department: body.department,
      decision: body.decision,
      ...(body.decision === 'dispute' ? { reason: body.reason } : {}),
    });
    res.status(receipt.status).json(milestone);
  });

  mount(router, decideDispute, async (req, res) => {
    const deps = requestPlan(app, res);
    const { params, body } = inputOf(res, decideDispute.input);
    const task = requireTask(deps, params.number);
    requireDepartment(deps.plan, params.department, 'path');
    if (body.decision === 'reassign') requireDepartment(deps.plan, body.to, 'body');
    const principal = requireTaskOffice(res, deps, task, (name) => ({
      zh: `任务${task.number}的签收异议由${name.zh}处理`,
      en: `The receipt disputes of task ${task.number} are decided by the ${name.en}.`,
    }));
    const milestone = await updateAs(deps, req, principal, taskWorkflowId(deps.plan, task), settleDisputeUpdate, {
      milestoneId: params.milestoneId,
      department: params.department,
      decision: body.decision,
      ...(body.decision === 'reassign' ? { to: body.to } : {}),
      reason: body.reason,
    });
    res.status(decideDispute.status).json(milestone);
  });

  mount(router, reportProgress, async (req, res) => {
    const deps = requestPlan(app, res);
    const { params, body } = inputOf(res, reportProgress.input);
    const task = requireTask(deps, params.number);
    requireDepartment(deps.plan, body.department, 'body');
    const principal = ownDepartment(res, body.department, { zh: '报送进展', en: 'reports progress' });
    const report = await updateAs(deps, req, principal, taskWorkflowId(deps.plan, task), reportProgressUpdate, {
      department: body.department,
      done: body.done,
      problems: body.problems,
      coordination: body.coordination,
      nextSteps: body.nextSteps,
    });
    res.status(reportProgress.status).json(report);
  });
  return router;
}
