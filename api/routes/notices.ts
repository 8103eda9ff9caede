/**
 * Supervision notices (督办单): `GET /api/supervision-notices` (the board's list, one visibility query) and
 * `POST /api/supervision-notices/:id/answers` (a named unit answers what it will do and by when: an update of
 * the notice's workflow, whose validator refuses a unit it does not name, an empty answer and a closed notice).
 */
import { Router } from 'express';
import { WorkflowNotFoundError } from '@temporalio/common';
import { answerNoticeUpdate, getNoticeQuery, type SupervisionNotice } from '../../contracts';
import { listSupervisionNotices } from '../../client/supervision-notices';
import { principalOf } from '../auth/middleware';
import type { AppContext } from '../deps';
import { ConflictError, ForbiddenError, NotFoundError } from '../errors';
import { updateIdOf } from '../idempotency';
import { requireDepartment } from '../lookup';
import { inputOf } from '../middleware/validate';
import { mount } from '../middleware/route';
import { operations } from '../operations';
import { requestPlan } from '../plans';
import { actorOf, withDeadline } from '../temporal';

/** The supervision notice routes (mounted after authentication). */
export function noticeRoutes(app: AppContext): Router {
  const router = Router();
  const { listNotices: list, answerNotice: answer } = operations;

  mount(router, list, async (_req, res) => {
    const deps = requestPlan(app, res);
    const { query } = inputOf(res, list.input);
    const { plan: _plan, ...filters } = query;
    if (query.department) requireDepartment(deps.plan, query.department, 'query');
    const principal = principalOf(res);
    let department = query.department;
    if (principal.role === 'coordinator') {
      if (department && department !== principal.department) {
        throw new ForbiddenError({
          zh: '联络员只能查看列明本单位的督办单',
          en: 'A coordinator sees only the supervision notices that name its department.',
        });
      }
      department = principal.department;
    }
    const notices = await withDeadline(deps, () =>
      listSupervisionNotices(deps.temporalClient, deps.plan.id, { ...filters, department }),
    );
    res.json({ notices });
  });

  mount(router, answer, async (req, res) => {
    const deps = requestPlan(app, res);
    const { params, body } = inputOf(res, answer.input);
    const principal = principalOf(res);
    if (principal.department !== body.department) {
      throw new ForbiddenError({
        zh: '联络员只能代表本单位答复',
        en: 'A coordinator answers for its own department only.',
      });
    }
    const unknown = new NotFoundError('unknown_notice', {
      zh: `没有督办单“${params.id}”`,
      en: `No supervision notice "${params.id}".`,
    });
    // Notices of the plan's tasks and of its items beyond the plan (`supervise-<planId>-item-…`).
    const own = ['task', 'item'].some((kind) => params.id.startsWith(`supervise-${deps.plan.id}-${kind}-`));
    if (!own) throw unknown;
    const handle = deps.temporalClient.workflow.getHandle(params.id);
    const notice: SupervisionNotice = await withDeadline(deps, () => handle.query(getNoticeQuery)).catch(
      (err: unknown) => {
        throw err instanceof WorkflowNotFoundError ? unknown : err;
      },
    );
    // A closed notice's workflow has ended and takes no update: say so in the notice's words.
    if (notice.state === 'closed') {
      throw new ConflictError('notice_closed', {
        zh: `${notice.number ?? '督办单'}已办结，不再接受答复`,
        en: `Supervision notice ${notice.number ?? notice.id} is closed and takes no more answers.`,
      });
    }
    const requestId = updateIdOf(req, principal);
    const args = { ...body, person: principal.name, requestId, actor: actorOf(principal) };
    const answered = await withDeadline(deps, () =>
      handle.executeUpdate(answerNoticeUpdate, { args: [args], updateId: requestId }),
    );
    res.status(answer.status).json(answered);
  });
  return router;
}
