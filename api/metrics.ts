/**
 * The API's Prometheus metrics (`GET /metrics`, prom-client), one registry per app:
 * - `duban_api_requests_total{operation,status}` and `duban_api_request_duration_seconds{operation}`: every
 *   request answered by an operation of `api/operations.ts` (by its operationId), counted when answered;
 * - `duban_sign_offs_total{decision}`: sign-offs this API process acknowledged (2xx), `approve` or `reject`
 *   (a return): only what passed through this replica, so sum over replicas;
 * - gauges computed at each scrape from the task list the API already holds (one visibility query, shared
 *   with the board, at most 5 s old): `duban_tasks{status}`, `duban_open_escalations{level}` (tasks whose
 *   current milestone is escalated, by level), `duban_overdue_milestones` (current milestones past due,
 *   escalated or not) and `duban_extension_requests_pending`;
 * - `duban_notice_deliveries{channel,outcome}`: the plan's notice deliveries by channel and outcome, computed
 *   at each scrape from one visibility query over the notification log (memos only: a delivery being retried
 *   counts as `pending`);
 * - Node's default process metrics (`process_*`, `nodejs_*`).
 */
import type { RequestHandler } from 'express';
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import { countDeliveries } from '../client/notification-log';
import type { AppContext } from './deps';
import { withDeadline } from './temporal';

/** The API's metrics and the middleware that feeds them. */
export interface ApiMetrics {
  readonly registry: Registry;
  /** Counts and times each request that an operation answers (the operation is set by `mount()`). */
  readonly middleware: RequestHandler;
  /** `GET /metrics`: the registry in Prometheus' text format. */
  readonly handler: RequestHandler;
}

/** The operationId of the operation answering a request, set by `mount()` in `res.locals`. */
export const OPERATION_LOCAL = 'operationId';

/**
 * Creates the metrics of one app, reading its gauges at each scrape: the task gauges from the app's task
 * list, the notice deliveries from the plan's notification log (within the app's Temporal deadline).
 */
export function createApiMetrics(deps: AppContext): ApiMetrics {
  const { taskList } = deps;
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const requests = new Counter({
    name: 'duban_api_requests_total',
    help: 'Requests answered, by operation (api/operations.ts) and HTTP status.',
    labelNames: ['operation', 'status'],
    registers: [registry],
  });
  const duration = new Histogram({
    name: 'duban_api_request_duration_seconds',
    help: 'Time to answer a request, by operation.',
    labelNames: ['operation'],
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [registry],
  });
  const signOffs = new Counter({
    name: 'duban_sign_offs_total',
    help: 'Sign-offs acknowledged by this API process, by decision (reject = the milestone was returned).',
    labelNames: ['decision'],
    registers: [registry],
  });
  const tasks = new Gauge({
    name: 'duban_tasks',
    help: 'Key tasks by status, from the task list (visibility).',
    labelNames: ['status'],
    registers: [registry],
  });
  const escalations = new Gauge({
    name: 'duban_open_escalations',
    help: 'Tasks whose current milestone has an open escalation, by level.',
    labelNames: ['level'],
    registers: [registry],
  });
  const overdue = new Gauge({
    name: 'duban_overdue_milestones',
    help: 'Current milestones past their due date (overdue or escalated).',
    registers: [registry],
  });
  const extensions = new Gauge({
    name: 'duban_extension_requests_pending',
    help: 'Tasks with an extension request waiting for the general office.',
    registers: [registry],
  });
  const notices = new Gauge({
    name: 'duban_notice_deliveries',
    help: 'Deliveries of the plan’s notices (one per channel and target), by channel and outcome, from the notification log.',
    labelNames: ['channel', 'outcome'],
    registers: [registry],
  });

  const middleware: RequestHandler = (req, res, next) => {
    const started = process.hrtime.bigint();
    res.once('finish', () => {
      const operation = res.locals[OPERATION_LOCAL] as string | undefined;
      if (!operation) return;
      requests.inc({ operation, status: String(res.statusCode) });
      duration.observe({ operation }, Number(process.hrtime.bigint() - started) / 1e9);
      const decision = (req.body as { decision?: unknown } | undefined)?.decision;
      if (operation === 'signOff' && res.statusCode < 300 && (decision === 'approve' || decision === 'reject')) {
        signOffs.inc({ decision });
      }
    });
    next();
  };

  const handler: RequestHandler = async (_req, res) => {
    // Both reads at once, so that an unreachable Temporal costs one deadline, not two. A read that fails
    // leaves its gauges at their last values; the request counters always answer.
    const [rows, counts] = await Promise.allSettled([
      taskList.list(),
      withDeadline(deps, () => countDeliveries(deps.temporalClient, deps.plan.id)),
    ]);
    if (rows.status === 'fulfilled') {
      tasks.reset();
      escalations.reset();
      for (const r of rows.value) {
        if (r.status) tasks.inc({ status: r.status });
        if (r.escalationLevel > 0) escalations.inc({ level: String(r.escalationLevel) });
      }
      overdue.set(rows.value.filter((r) => r.status === 'overdue' || r.status === 'escalated').length);
      extensions.set(rows.value.filter((r) => r.extensionPending).length);
    }
    if (counts.status === 'fulfilled') {
      notices.reset();
      for (const c of counts.value) notices.set({ channel: c.channel, outcome: c.outcome }, c.count);
    }
    res.type(registry.contentType).send(await registry.metrics());
  };
  return { registry, middleware, handler };
}
