/**
 * The charts' data: `GET /api/charts/league` (the departments' league) and `GET /api/charts/overdue` (overdue
 * milestones per day). Both take the board's plan and department filters; a coordinator counts its own
 * department's tasks. Cost: the shared task list, then one `getState` query per listed task (eight at a time),
 * since sign-off dates and completion dates live in each task's state.
 */
import { Router, type Response } from 'express';
import { departmentLeague, LEAGUE_COLUMNS, overdueHistory } from '../charts';
import { principalOf } from '../auth/middleware';
import type { AppContext } from '../deps';
import { mount } from '../middleware/route';
import { inputOf } from '../middleware/validate';
import { operations } from '../operations';
import { forPlan } from '../plans';
import { statesOf } from './supervision';
import { visibleTaskFilters } from './tasks';

/** The chart routes (mounted after authentication). */
export function chartRoutes(deps: AppContext): Router {
  const router = Router();
  const { departmentLeague: league, overdueHistory: overdue } = operations;

  /** The states of the tasks the request may see with its filters, and the plan they belong to. */
  const statesFor = async (res: Response) => {
    // Both operations take the same query (chartQuerySchema).
    const { query } = inputOf(res, league.input);
    const scope = forPlan(deps, query.plan);
    const rows = await scope.taskList.list(
      visibleTaskFilters(scope.plan, principalOf(res), { department: query.department }),
    );
    const { states, unavailable } = await statesOf(scope, rows);
    return {
      plan: scope.plan,
      views: states.map((s) => s.view),
      unavailable: unavailable.map((u) => u.taskNumber),
      asOf: Date.now(),
    };
  };

  mount(router, league, async (_req, res) => {
    const { plan, views, unavailable, asOf } = await statesFor(res);
    res.json({
      planId: plan.id,
      asOf: new Date(asOf).toISOString(),
      columns: LEAGUE_COLUMNS,
      rows: departmentLeague(plan, views, asOf),
      unavailable,
    });
  });

  mount(router, overdue, async (_req, res) => {
    const { plan, views, unavailable, asOf } = await statesFor(res);
    res.json({
      planId: plan.id,
      asOf: new Date(asOf).toISOString(),
      days: overdueHistory(plan, views, asOf),
      unavailable,
    });
  });
  return router;
}
