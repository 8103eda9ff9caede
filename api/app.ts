/**
 * Builds the Express app from its dependencies ({@link AppDeps}); it does not listen (see `main.ts`), so
 * tests drive it with supertest against a real Temporal test server.
 *
 * Order: the request id and the audit log (so that every answer, refusals included, has both), the
 * security headers (`helmet`; the dashboard and the docs page set their own content security policy),
 * `Cache-Control: no-store` on `/api`, the request metrics, the JSON body parser (size-limited; not for a plan
 * file or an evidence file, which their routes read), the open
 * routes (health, metrics, OpenAPI, docs, the dashboard's pages), authentication (failures counted per
 * address), the per-token write limit, the API routes, a 404 for unknown paths, and the one error
 * middleware last.
 */
import express, { type Express } from 'express';
import helmet from 'helmet';
import { dashboardRouter } from '../dashboard';
import { codecSessions } from './auth/codec-session';
import { authenticate } from './auth/middleware';
import { fixedTokens, type TokenSource } from './auth/tokens';
import { createIdempotencyStore } from './idempotency';
import { auditLogger, auditTrail, requestId } from './middleware/audit';
import { authFailureLimiter, DEFAULT_RATE_LIMITS, writeLimiter } from './middleware/rate-limit';
import { IDEMPOTENCY_STORE_LOCAL } from './middleware/route';
import { loadTaskRows } from '../client/task-list';
import type { ItemRecord } from '../contracts';
import { DEFAULT_EVIDENCE_MAX_BYTES, defaultEvidenceStore, type AppContext, type AppDeps } from './deps';
import { createTaskListCache } from './task-list-cache';
import { createPlanStartJobs } from './plan-start-jobs';
import { withDeadline } from './temporal';
import { errorHandler, notFoundHandler } from './middleware/error-handler';
import { CODEC_DECODE_PATH, codecPreflight, codecRoutes } from './routes/codec';
import { calendarRoutes } from './routes/calendar';
import { docsRoutes } from './routes/docs';
import { fileRoutes, isFileUpload } from './routes/files';
import { healthRoutes } from './routes/health';
import { createApiMetrics } from './metrics';
import { milestoneRoutes } from './routes/milestones';
import { notificationRoutes } from './routes/notifications';
import { exportRoutes } from './routes/export';
import { planRoutes } from './routes/plan';
import { itemRoutes } from './routes/items';
import { coordinationRoutes } from './routes/coordinations';
import { loopRoutes } from './routes/loop';
import { scoreRoutes } from './routes/scores';
import { chartRoutes } from './routes/charts';
import { isPlanLoad, plansRoutes } from './routes/plans';
import { createPlanRegistry } from './plans';
import type { PlanFile } from '../contracts';
import { supervisionRoutes } from './routes/supervision';
import { noticeRoutes } from './routes/notices';
import { taskRoutes } from './routes/tasks';
import { workItemRoutes } from './routes/work-items';

export type { AppContext, AppDeps, ApiConfig } from './deps';

/** What {@link closeApp} stops, by app. */
const closers = new WeakMap<Express, () => Promise<void>>();

/**
 * Creates the API app. Never throws for a request: every failure becomes an error answer. It starts loading
 * the task list at once and keeps it current in the background until {@link closeApp}.
 */
export function createApp(appDeps: AppDeps): Express {
  const items = new Map<number, ItemRecord>();
  const taskListOf = (plan: PlanFile) =>
    createTaskListCache(
      async (changedSince, signal) => {
        const loaded = await appDeps.temporalClient.connection.withAbortSignal(signal, () =>
          withDeadline(appDeps, () => loadTaskRows(appDeps.temporalClient, plan, { changedSince })),
        );
        // An item's record never changes once started: every load may only add to what is known. Items are
        // the default plan's (the office creates them there).
        if (plan === appDeps.plan) for (const record of loaded.items ?? []) items.set(record.task.number, record);
        return loaded;
      },
      { ...appDeps.taskListTiming, onError: appDeps.logError },
    );
  const taskList = taskListOf(appDeps.plan);
  const plans = createPlanRegistry({
    defaultPlan: appDeps.plan,
    defaultTaskList: taskList,
    taskListOf,
    dataDir: appDeps.config.DATA_DIR,
    logError: appDeps.logError,
  });
  const deps: AppContext = {
    ...appDeps,
    items,
    taskList,
    plans,
    planStartJobs: createPlanStartJobs(appDeps.logError),
    evidence: appDeps.evidence ?? defaultEvidenceStore(appDeps.config),
    evidenceMaxBytes: appDeps.evidenceMaxBytes ?? DEFAULT_EVIDENCE_MAX_BYTES,
  };
  const app = express();
  app.disable('x-powered-by');
  app.set('query parser', 'simple');
  if (deps.trustProxy !== undefined) app.set('trust proxy', deps.trustProxy);
  app.locals[IDEMPOTENCY_STORE_LOCAL] = deps.idempotency ?? createIdempotencyStore();
  const limits = { ...DEFAULT_RATE_LIMITS, ...deps.rateLimits };
  const tokens: TokenSource = 'current' in deps.tokens ? deps.tokens : fixedTokens(deps.tokens);

  app.use(requestId());
  if (deps.audit !== undefined) app.use(auditTrail(auditLogger(deps.audit)));
  app.use(
    helmet({
      // JSON needs nothing; the dashboard's pages and the docs page replace this with what they load.
      contentSecurityPolicy: {
        useDefaults: false,
        directives: {
          defaultSrc: ["'none'"],
          baseUri: ["'none'"],
          formAction: ["'none'"],
          frameAncestors: ["'none'"],
        },
      },
      referrerPolicy: { policy: 'no-referrer' },
      // Only this host: a parent domain's other intranet sites may still be plain http.
      strictTransportSecurity: { maxAge: 180 * 24 * 3600, includeSubDomains: false },
    }),
  );
  app.use('/api', (_req, res, next) => {
    // Answers carry a person's tasks and decisions: no browser or proxy may keep them.
    res.set('Cache-Control', 'no-store');
    next();
  });
  const metrics = createApiMetrics(deps);
  app.use(metrics.middleware);
  app.use(codecPreflight(deps));
  // A plan file is larger than any other body, and an evidence file is bytes: each has its own parser, after
  // authentication (see plansRoutes and fileRoutes).
  const json = express.json({ limit: deps.bodyLimit ?? '64kb' });
  app.use((req, res, next) => (isPlanLoad(req) || isFileUpload(req) ? next() : json(req, res, next)));
  // Prometheus scrapes without a token, like /healthz; see api/metrics.ts for what each metric counts.
  app.get('/metrics', metrics.handler);

  app.use(healthRoutes(deps));
  app.use(docsRoutes());
  app.use(dashboardRouter());
  // The calendar feed takes a feed token in its URL (calendar apps send no bearer header): before authentication.
  const calendar = calendarRoutes(deps);
  app.use(calendar.feed);

  // The Web UI's decode calls carry the codec session cookie an administrator's dashboard asked for, not a token.
  const sessions = codecSessions(tokens);
  app.use(CODEC_DECODE_PATH, sessions.authenticate);
  app.use('/api', authenticate(tokens, authFailureLimiter(limits.authFailuresPer15Min)));
  app.use('/api', writeLimiter(limits.writesPerMinute));
  app.use(planRoutes(deps));
  app.use(plansRoutes(deps));
  app.use(chartRoutes(deps));
  app.use(taskRoutes(deps));
  app.use(milestoneRoutes(deps));
  app.use(workItemRoutes(deps));
  app.use(supervisionRoutes(deps));
  app.use(noticeRoutes(deps));
  app.use(notificationRoutes(deps));
  app.use(exportRoutes(deps));
  app.use(scoreRoutes(deps));
  app.use(itemRoutes(deps));
  app.use(coordinationRoutes(deps));
  app.use(loopRoutes(deps));
  app.use(codecRoutes(deps, sessions));
  app.use(calendar.manage);
  app.use(fileRoutes(deps));

  app.use(notFoundHandler);
  app.use(errorHandler(deps.logError));
  closers.set(app, async () => {
    await deps.plans.close();
    // A plan start job in flight finishes its starts (each under its deadline) before the connection closes.
    await deps.planStartJobs.idle();
  });
  return app;
}

/**
 * Stops what an app does in the background (its task list's polls, a plan start job) and resolves once none
 * is in flight;
 * call when the server has closed, before closing the Temporal connection.
 */
export async function closeApp(app: Express): Promise<void> {
  await closers.get(app)?.();
}
