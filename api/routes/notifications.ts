/**
 * `GET /api/notifications`: the notification log, from one visibility query over the notification
 * workflows (see `client/notification-log.ts`). A coordinator sees what was sent to its own department.
 */
import { Router } from 'express';
import { listNotifications } from '../../client/notification-log';
import { principalOf } from '../auth/middleware';
import type { AppContext } from '../deps';
import { BadRequestError, ForbiddenError } from '../errors';
import { requireDepartment } from '../lookup';
import { inputOf } from '../middleware/validate';
import { operations } from '../operations';
import { mount } from '../middleware/route';
import { withDeadline } from '../temporal';

/** The notification routes (mounted after authentication). */
export function notificationRoutes(deps: AppContext): Router {
  const router = Router();
  const op = operations.notifications;

  mount(router, op, async (_req, res) => {
    const { query } = inputOf(res, op.input);
    if (query.department) requireDepartment(deps.plan, query.department, 'query');
    if (
      query.taskNumber !== undefined &&
      !deps.plan.tasks.some((t) => t.number === query.taskNumber) &&
      !deps.items.has(query.taskNumber)
    ) {
      throw new BadRequestError('unknown_task', {
        zh: `没有第${query.taskNumber}项重点任务`,
        en: `No key task ${query.taskNumber} in the plan.`,
      });
    }
    const principal = principalOf(res);
    let department = query.department;
    if (principal.role === 'coordinator') {
      if (department && department !== principal.department) {
        throw new ForbiddenError({
          zh: '联络员只能查看发给本单位的通知',
          en: 'A coordinator sees only the notifications sent to its own department.',
        });
      }
      department = principal.department;
    }
    const notifications = await withDeadline(deps, () =>
      listNotifications(deps.temporalClient, deps.plan.id, {
        department,
        taskNumber: query.taskNumber,
        kind: query.kind,
      }),
    );
    res.json({ notifications });
  });
  return router;
}
