/** `GET /healthz`: whether Temporal answers, without a token. The process stays up either way. */
import { Router } from 'express';
import type { AppDeps } from '../deps';
import { operations } from '../operations';
import { mount } from '../middleware/route';

const HEALTH_TIMEOUT_MS = 2_000;

/** The health route. Answers 200 when Temporal's frontend answers within two seconds, 503 with the reason otherwise. */
export function healthRoutes(deps: AppDeps): Router {
  const router = Router();
  mount(router, operations.health, async (_req, res) => {
    const temporal = { address: deps.config.temporalAddress, namespace: deps.config.TEMPORAL_NAMESPACE };
    const connection = deps.temporalClient.connection;
    try {
      await connection.withDeadline(Date.now() + HEALTH_TIMEOUT_MS, () => connection.workflowService.getSystemInfo({}));
      res.json({ status: 'ok', temporal });
    } catch (err) {
      const reason = err instanceof Error ? err.message.split('\n')[0] : String(err);
      const message = `无法连接 Temporal cannot be reached: ${reason}`;
      // Both the health shape and the API's error shape, so monitors and API clients each find what they read.
      res.status(503).json({
        status: 'unavailable',
        temporal,
        reason: message,
        error: { code: 'temporal_unavailable', message },
      });
    }
  });
  return router;
}
