/**
 * Scores and bulletins: `GET /api/scores` (each department's score by the plan's rule, with its breakdown),
 * `GET /api/bulletins/:month` (the month's bulletin as data and text), `GET /api/bulletins/:month/print` (the
 * same as a printable A4 page) and `POST /api/bulletins/:month/send` (the office sends it to leadership through
 * the notification channels). Each reads the task list and then every listed task's state (as the ledger does);
 * the counting itself is pure (`domain/scores.ts`, `api/bulletin.ts`).
 */
import { WorkflowExecutionAlreadyStartedError } from '@temporalio/client';
import { Router } from 'express';
import {
  ACTING_KINDS,
  NOTIFICATION_WORKFLOW,
  TASK_QUEUE,
  notificationMemo,
  notificationSearchAttributes,
  type Bulletin,
  type KeyTaskView,
  type Notification,
  type PlanFile,
  type ScoresResponse,
} from '../../contracts';
import { listSupervisionNotices } from '../../client/supervision-notices';
import { countingCalendar } from '../../client/working-calendar';
import { iso } from '../../domain/calendar';
import { departmentScores, SCORE_TERMS, SCORE_TERM_WORDS, termPoints, type DepartmentScore } from '../../domain/scores';
import { principalOf } from '../auth/middleware';
import { bulletinHtml, BULLETIN_STYLE_HASH, bulletinInstant, buildBulletin, monthBounds } from '../bulletin';
import type { AppContext, AppDeps } from '../deps';
import { BadRequestError, NotFoundError } from '../errors';
import { inputOf } from '../middleware/validate';
import { mount } from '../middleware/route';
import { operations } from '../operations';
import { withDeadline } from '../temporal';
import { statesOf, type States } from './supervision';

/**
 * The departments a plan scores among these tasks: every ministry department and affiliated unit that leads
 * or shares one of them, in the registry's order (collectives, leadership and the provinces are not scored).
 */
export function scoredDepartments(plan: PlanFile, views: readonly KeyTaskView[]): string[] {
  const named = new Set(views.flatMap((v) => [v.lead, ...v.coResponsible]));
  return plan.departments.filter((d) => ACTING_KINDS.includes(d.kind) && named.has(d.id)).map((d) => d.id);
}

/** The departments' scores as of `asOf` (epoch ms), or undefined when the plan has no scoring rule. */
export function scoresAsOf(plan: PlanFile, views: readonly KeyTaskView[], asOf: number): DepartmentScore[] | undefined {
  const rule = plan.policy.scoring;
  if (!rule) return undefined;
  return departmentScores(rule, views, {
    asOf,
    utcOffset: plan.policy.utcOffset,
    calendar: countingCalendar(plan, views),
    departments: scoredDepartments(plan, views),
  });
}

/** Every task's state the list can read now (a task whose state cannot be read is named in `unavailable`). */
async function allStates(deps: AppContext): Promise<States> {
  return statesOf(deps, await deps.taskList.list());
}

/** The scores answer of a plan with a rule, as of `asOf`. */
export function scoresResponse(plan: PlanFile, states: States, asOf: number): ScoresResponse {
  const rule = plan.policy.scoring!;
  const names = new Map(plan.departments.map((d) => [d.id, d.name]));
  const scores = scoresAsOf(
    plan,
    states.states.map((s) => s.view),
    asOf,
  )!;
  return {
    planId: plan.id,
    asOf: iso(asOf),
    rule,
    terms: SCORE_TERMS.map((term) => ({ term, ...SCORE_TERM_WORDS[term], points: termPoints(rule, term) })),
    departments: scores.map((s) => ({
      department: s.department,
      name: names.get(s.department)!,
      score: s.score,
      rank: s.rank,
      standing: s.standing,
      breakdown: s.breakdown,
      events: s.events.map((e) => ({
        term: e.term,
        taskNumber: e.taskNumber,
        milestoneId: e.milestoneId,
        points: e.points,
        ...(e.daysLate === undefined ? {} : { daysLate: e.daysLate }),
      })),
    })),
    unavailable: states.unavailable,
  };
}

/** @throws BadRequestError (`month_not_begun`) for a month that has not begun in the plan's time zone. */
function requireBegun(deps: AppDeps, month: string, now: number): void {
  if (monthBounds(month, deps.plan.policy.utcOffset).start > now) {
    throw new BadRequestError('month_not_begun', {
      zh: `${month}尚未开始，无法生成通报`,
      en: `The month ${month} has not begun; there is no bulletin for it yet.`,
    });
  }
}

/** The month's bulletin from every task's state now. */
async function bulletinOf(deps: AppContext, month: string): Promise<Bulletin> {
  const now = (deps.now ?? Date.now)();
  requireBegun(deps, month, now);
  const [{ states, unavailable }, notices] = await Promise.all([
    allStates(deps),
    withDeadline(deps, () => listSupervisionNotices(deps.temporalClient, deps.plan.id, { state: 'all' })),
  ]);
  const views = states.map((s) => s.view);
  return buildBulletin({
    plan: deps.plan,
    month,
    now,
    views,
    calendar: countingCalendar(deps.plan, views),
    notices,
    scores: scoresAsOf(deps.plan, views, bulletinInstant(deps.plan, month, now)),
    unavailable,
  });
}

/** The score and bulletin routes (mounted after authentication). */
export function scoreRoutes(deps: AppContext): Router {
  const router = Router();
  const { scores, bulletin, bulletinPrint, sendBulletin } = operations;

  mount(router, scores, async (_req, res) => {
    const { query } = inputOf(res, scores.input);
    if (query.plan !== undefined && query.plan !== deps.plan.id) {
      throw new NotFoundError('plan_not_found', {
        zh: `本系统督办的计划不是“${query.plan}”，而是“${deps.plan.id}”`,
        en: `No plan "${query.plan}" here; this engine supervises "${deps.plan.id}".`,
      });
    }
    if (!deps.plan.policy.scoring) {
      throw new NotFoundError('no_scoring_rule', {
        zh: '本计划未规定考核计分规则',
        en: 'The plan has no scoring rule.',
      });
    }
    const answer = scoresResponse(deps.plan, await allStates(deps), (deps.now ?? Date.now)());
    const principal = principalOf(res);
    if (principal.role === 'coordinator') {
      answer.departments = answer.departments.filter((d) => d.department === principal.department);
    }
    res.json(answer);
  });

  mount(router, bulletin, async (_req, res) => {
    const { params } = inputOf(res, bulletin.input);
    res.json(await bulletinOf(deps, params.month));
  });

  mount(router, bulletinPrint, async (_req, res) => {
    const { params } = inputOf(res, bulletinPrint.input);
    const page = bulletinHtml(await bulletinOf(deps, params.month));
    // The page's one inline style, by its hash; nothing else may load.
    res.set(
      'Content-Security-Policy',
      `default-src 'none'; style-src '${BULLETIN_STYLE_HASH}'; frame-ancestors 'none'`,
    );
    res.type('html').send(page);
  });

  mount(router, sendBulletin, async (_req, res) => {
    const { params } = inputOf(res, sendBulletin.input);
    const b = await bulletinOf(deps, params.month);
    const { leadership, generalOffice } = deps.plan.roles;
    const l = b.byLight;
    const n: Notification = {
      // One notice per month and bulletin date: sending again the same day finds the first.
      id: `${deps.plan.id}/bulletin/${b.month}/${b.date}`,
      kind: 'bulletin',
      planId: deps.plan.id,
      workflowId: `${deps.plan.id}/bulletin/${b.month}`,
      taskNumber: 0,
      taskTitle: {
        zh: '月度通报',
        en: `${b.total} key tasks: ${l.grey} completed, ${l.red + l.deepred} overdue; ${b.overdueMilestones.length} milestones overdue.`,
      },
      milestoneId: b.month,
      milestoneTitle: { zh: b.title, en: `Bulletin on the progress of the key tasks, ${b.month}` },
      departments: [...new Set([leadership, generalOffice])],
      pendingDepartments: [],
      dueDate: b.date,
      at: iso((deps.now ?? Date.now)()),
      comment:
        `重点任务${b.total}项，已完成${l.grey}项，逾期及升级督办${l.red + l.deepred}项；` +
        `逾期节点${b.overdueMilestones.length}个。`,
    };
    let started = true;
    try {
      await withDeadline(deps, () =>
        deps.temporalClient.workflow.start(NOTIFICATION_WORKFLOW, {
          taskQueue: deps.taskQueue ?? TASK_QUEUE,
          workflowId: n.id,
          args: [n],
          workflowIdReusePolicy: 'REJECT_DUPLICATE',
          typedSearchAttributes: notificationSearchAttributes(n),
          memo: notificationMemo(n),
        }),
      );
    } catch (err) {
      if (!(err instanceof WorkflowExecutionAlreadyStartedError)) throw err;
      started = false;
    }
    res.json({ notificationId: n.id, workflowId: n.id, departments: n.departments, started });
  });
  return router;
}
