/**
 * The milestone actions: sign-offs (a responsible unit's coordinator), resubmission and extension requests
 * (the lead's coordinator), extension decisions, decisions on milestones at the cap of rejections and chases of
 * pending units (the general office). Each is a workflow update whose
 * id comes from the `Idempotency-Key`; the person recorded is the token's, never one the client sends.
 */
import { Router, type Response } from 'express';
import {
  chaseUpdate,
  decideExtensionUpdate,
  decideRoundUpdate,
  requestExtensionUpdate,
  resubmitUpdate,
  reviewClosureUpdate,
  signOffUpdate,
  type Bilingual,
  type Evidence,
  type PlanFile,
  type Task,
  type Words,
} from '../../contracts';
import { extensionOffice, officeRole, taskMilestones, taskUnits, taskWorkflowId } from '../../domain/plan';
import { principalOf } from '../auth/middleware';
import type { Principal } from '../auth/tokens';
import type { AppContext } from '../deps';
import { BadRequestError, ForbiddenError } from '../errors';
import {
  requireDepartment,
  requireMilestone,
  requireTask,
  taskDepartments,
  viewDepartments,
  type TaskSource,
} from '../lookup';
import { inputOf } from '../middleware/validate';
import { operations } from '../operations';
import { mount } from '../middleware/route';
import { requestPlan } from '../plans';
import { queryState, updateAs } from '../temporal';

/** The coordinator's department, which must lead the task. @throws ForbiddenError otherwise. */
function requireLeadCoordinator(res: Response, task: Task): Principal & { department: string } {
  const principal = principalOf(res);
  if (!principal.department || taskUnits(task).lead !== principal.department) {
    throw new ForbiddenError({
      zh: `只有任务${task.number}的牵头单位可以办理`,
      en: `Only the lead unit of task ${task.number} may do this.`,
    });
  }
  return { ...principal, department: principal.department };
}

/**
 * Turns the `figure` shorthand into the figures object: allowed only where the milestone asks for exactly one.
 * @throws BadRequestError naming the figures to give instead.
 */
function singleFigure(plan: PlanFile, task: Task, milestoneId: string, value: number): Record<string, number> {
  const asked = taskMilestones(plan, task, plan.documentDate).find((m) => m.id === milestoneId)?.figures ?? [];
  if (asked.length !== 1) {
    const ids = asked.map((f) => f.id).join(', ');
    throw new BadRequestError(
      'figure_ambiguous',
      asked.length === 0
        ? { zh: '本节点不需要填报数据', en: 'This milestone asks for no figure.' }
        : {
            zh: `本节点需填报${asked.length}项数据，请用 figures 按编号填报`,
            en: `This milestone asks for ${asked.length} figures; give them as figures: {${ids}}.`,
          },
    );
  }
  return { [asked[0]!.id]: value };
}

function taskAndMilestone(source: TaskSource, number: number, milestoneId: string): Task {
  const task = requireTask(source, number);
  requireMilestone(source.plan, task, milestoneId);
  return task;
}

/**
 * The caller, when it acts for the office that decides a task's extensions and reviews its closures (the general
 * office, or the supervision office on a task the general office leads).
 * @throws ForbiddenError in `words(that office's name)` for anyone else.
 */
export function requireTaskOffice(
  res: Response,
  deps: AppContext,
  task: Task,
  words: (office: Bilingual) => Words,
): Principal {
  const principal = principalOf(res);
  const office = extensionOffice(deps.plan.roles, taskUnits(task).lead);
  if (principal.role !== officeRole(deps.plan.roles, office)) {
    throw new ForbiddenError(words(deps.plan.departments.find((d) => d.id === office)!.name));
  }
  return principal;
}

/**
 * Every file the evidence cites is in the evidence store (uploaded with `POST /api/files`), so that the record
 * never names a file nobody can open.
 * @throws BadRequestError (400 `evidence_file_missing`) naming the first that is not.
 */
async function requireStoredFiles(deps: AppContext, evidence: readonly Evidence[] | undefined): Promise<void> {
  for (const e of evidence ?? []) {
    if (e.kind !== 'file' || (await deps.evidence.has(e.hash))) continue;
    throw new BadRequestError('evidence_file_missing', {
      zh: `佐证材料“${e.name}”尚未上传（请先通过 POST /api/files 上传文件）`,
      en: `The evidence file "${e.name}" has not been uploaded (upload it with POST /api/files first).`,
    });
  }
}

/** The milestone routes (mounted after authentication). */
export function milestoneRoutes(app: AppContext): Router {
  const router = Router();
  const { signOff, resubmit, decideRound, reviewClosure, requestExtension, decideExtension, chase } = operations;

  mount(router, signOff, async (req, res) => {
    const deps = requestPlan(app, res);
    const { params, body } = inputOf(res, signOff.input);
    const task = taskAndMilestone(deps, params.number, params.milestoneId);
    requireDepartment(deps.plan, body.department, 'body');
    const principal = principalOf(res);
    if (body.department !== principal.department) {
      throw new ForbiddenError({
        zh: '联络员只能代表本单位签核',
        en: 'A coordinator signs only for its own department.',
      });
    }
    // A unit the plan does not name may have been designated, added or handed a part since: its state says.
    const responsible = async (d: string) =>
      taskDepartments(deps.plan, task).includes(d) ||
      viewDepartments(await queryState(deps, taskWorkflowId(deps.plan, task))).includes(d);
    if (!(await responsible(body.department))) {
      throw new ForbiddenError({
        zh: `本单位不是任务${task.number}的责任单位`,
        en: `Your department is not responsible for task ${task.number}.`,
      });
    }
    await requireStoredFiles(deps, body.evidence);
    const milestone = await updateAs(deps, req, principal, taskWorkflowId(deps.plan, task), signOffUpdate, {
      milestoneId: params.milestoneId,
      department: body.department,
      decision: body.decision,
      comment: body.comment,
      figures:
        body.figure === undefined ? body.figures : singleFigure(deps.plan, task, params.milestoneId, body.figure),
      workItem: body.workItem,
      evidence: body.evidence,
    });
    res.status(signOff.status).json(milestone);
  });

  mount(router, reviewClosure, async (req, res) => {
    const deps = requestPlan(app, res);
    const { params, body } = inputOf(res, reviewClosure.input);
    const task = taskAndMilestone(deps, params.number, params.milestoneId);
    const principal = requireTaskOffice(res, deps, task, (name) => ({
      zh: `任务${task.number}的办结由${name.zh}审核`,
      en: `The closures of task ${task.number} are reviewed by the ${name.en}.`,
    }));
    const milestone = await updateAs(deps, req, principal, taskWorkflowId(deps.plan, task), reviewClosureUpdate, {
      milestoneId: params.milestoneId,
      decision: body.decision,
      reason: body.reason,
    });
    res.status(reviewClosure.status).json(milestone);
  });

  mount(router, resubmit, async (req, res) => {
    const deps = requestPlan(app, res);
    const { params, body } = inputOf(res, resubmit.input);
    const task = taskAndMilestone(deps, params.number, params.milestoneId);
    const principal = requireLeadCoordinator(res, task);
    const milestone = await updateAs(deps, req, principal, taskWorkflowId(deps.plan, task), resubmitUpdate, {
      milestoneId: params.milestoneId,
      department: principal.department,
      note: body.note,
    });
    res.status(resubmit.status).json(milestone);
  });

  mount(router, decideRound, async (req, res) => {
    const deps = requestPlan(app, res);
    const { params, body } = inputOf(res, decideRound.input);
    const task = taskAndMilestone(deps, params.number, params.milestoneId);
    const milestone = await updateAs(deps, req, principalOf(res), taskWorkflowId(deps.plan, task), decideRoundUpdate, {
      milestoneId: params.milestoneId,
      decision: body.decision,
      reason: body.reason,
    });
    res.status(decideRound.status).json(milestone);
  });

  mount(router, requestExtension, async (req, res) => {
    const deps = requestPlan(app, res);
    const { params, body } = inputOf(res, requestExtension.input);
    const task = taskAndMilestone(deps, params.number, params.milestoneId);
    const principal = requireLeadCoordinator(res, task);
    const extension = await updateAs(deps, req, principal, taskWorkflowId(deps.plan, task), requestExtensionUpdate, {
      milestoneId: params.milestoneId,
      department: principal.department,
      newDueDate: body.newDueDate,
      reason: body.reason,
    });
    res.status(requestExtension.status).json(extension);
  });

  mount(router, decideExtension, async (req, res) => {
    const deps = requestPlan(app, res);
    const { params, body } = inputOf(res, decideExtension.input);
    const task = taskAndMilestone(deps, params.number, params.milestoneId);
    const principal = requireTaskOffice(res, deps, task, (name) => ({
      zh: `任务${task.number}的延期申请由${name.zh}审批`,
      en: `Extension requests of task ${task.number} are decided by the ${name.en}.`,
    }));
    const extension = await updateAs(deps, req, principal, taskWorkflowId(deps.plan, task), decideExtensionUpdate, {
      milestoneId: params.milestoneId,
      extensionId: params.extensionId,
      approve: body.approve,
      comment: body.comment,
    });
    res.status(decideExtension.status).json(extension);
  });

  mount(router, chase, async (req, res) => {
    const deps = requestPlan(app, res);
    const { params, body } = inputOf(res, chase.input);
    const task = taskAndMilestone(deps, params.number, params.milestoneId);
    const record = await updateAs(deps, req, principalOf(res), taskWorkflowId(deps.plan, task), chaseUpdate, {
      milestoneId: params.milestoneId,
      message: body.message,
    });
    res.status(chase.status).json(record);
  });
  return router;
}
