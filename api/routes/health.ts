/** `GET /healthz`: whether Temporal answers, without a token. The process stays up either way. */
import { Router } from 'express';
import type { Words } from '../../contracts';
import type { AppContext } from '../deps';
import { operations } from '../operations';
import { mount } from '../middleware/route';

const HEALTH_TIMEOUT_MS = 2_000;

/**
 * The health route. Answers 200 when Temporal's frontend answers within two seconds and the task list has
 * been loaded (so the replica answers the board from memory), 503 with the reason otherwise.
 */
export function healthRoutes(deps: AppContext): Router {
  const router = Router();
  mount(router, operations.health, async (_req, res) => {
    const temporal = { address: deps.config.temporalAddress, namespace: deps.config.TEMPORAL_NAMESPACE };
    const connection = deps.temporalClient.connection;
    // Both the health shape and the API's error shape, so monitors and API clients each find what they read.
    const unavailable = (error: { code: string; message: Words }) =>
      res
        .status(503)
        .json({ status: 'unavailable', temporal, reason: `${error.message.zh} ${error.message.en}`, error });
    try {
      await connection.withDeadline(Date.now() + HEALTH_TIMEOUT_MS, () => connection.workflowService.getSystemInfo({}));
    } catch (err) {
      const reason = err instanceof Error ? err.message.split('\n')[0] : String(err);
      unavailable({
        code: 'temporal_unavailable',
        message: { zh: `无法连接 Temporal：${reason}`, en: `Temporal cannot be reached: ${reason}` },
      });
      return;
    }
    if (!deps.taskList.ready()) {
      unavailable({
        code: 'task_list_loading',
        message: { zh: '任务列表仍在加载', en: 'The task list is still loading.' },
      });
      return;
    }
    res.json({ status: 'ok', temporal });
  });
  return router;
}
