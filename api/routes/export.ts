/**
 * `GET /api/export/ledger.xlsx` and `GET /api/export/ledger.csv`: the supervision ledger (督办台账) as a
 * download, with the board's filters. Cost: the shared task list (one visibility query, cached) and then
 * one `getState` query per listed task, eight at a time, because per-milestone rows (due dates, pending
 * units, days late, the latest report) live only in each task's state.
 */
import { Router, type Response } from 'express';
import { STATUS_LIGHT } from '../../contracts';
import { countingCalendar } from '../../client/working-calendar';
import { localDate } from '../../domain/calendar';
import { principalOf } from '../auth/middleware';
import type { AppContext } from '../deps';
import { ledgerCsv, ledgerRows, ledgerWorkbook, type LedgerContext, type LedgerRow } from '../ledger';
import { inputOf } from '../middleware/validate';
import { mount } from '../middleware/route';
import { operations } from '../operations';
import { scoresAsOf } from './scores';
import { requestPlan } from '../plans';
import { statesOf } from './supervision';
import { visibleTaskFilters } from './tasks';

/** The export routes (mounted after authentication). */
export function exportRoutes(app: AppContext): Router {
  const router = Router();
  const { ledgerXlsx, ledgerCsv: csv } = operations;

  /** The rows the request may see, with the board's filters applied, and the file name to give them. */
  const ledger = async (
    res: Response,
    extension: 'xlsx' | 'csv',
  ): Promise<{ rows: LedgerRow[]; ctx: LedgerContext; file: string }> => {
    // Both operations take the same query (ledgerQuerySchema).
    const { query } = inputOf(res, ledgerXlsx.input);
    const deps = requestPlan(app, res);
    const filters = visibleTaskFilters(deps.plan, principalOf(res), query);
    const listed = await deps.taskList.list(filters);
    const shown = query.light ? listed.filter((r) => r.status && STATUS_LIGHT[r.status] === query.light) : listed;
    // A task whose state cannot be read is left out of the ledger (the inbox names such tasks).
    const { states } = await statesOf(deps, shown);
    const asOf = Date.now();
    // A department's score counts every task, whatever the filters show: read the others' states too.
    const everything = await deps.taskList.list();
    const all = everything.length === shown.length ? states : (await statesOf(deps, everything)).states;
    const scores = scoresAsOf(
      deps.plan,
      all.map((s) => s.view),
      asOf,
    );
    const ctx: LedgerContext = { plan: deps.plan, asOf, ...(scores ? { scores } : {}) };
    const day = localDate(ctx.asOf, deps.plan.policy.utcOffset);
    const scope = filters.department ? `-${filters.department}` : '';
    return {
      rows: ledgerRows(
        deps.plan,
        states.map((s) => s.view),
        countingCalendar(
          deps.plan,
          all.map((s) => s.view),
        ),
      ),
      ctx,
      file: `ledger-${deps.plan.id}${scope}-${day}.${extension}`,
    };
  };

  mount(router, ledgerXlsx, async (_req, res) => {
    const { rows, ctx, file } = await ledger(res, 'xlsx');
    const body = await ledgerWorkbook(rows, ctx);
    res.attachment(file).type(ledgerXlsx.contentType).send(body);
  });

  mount(router, csv, async (_req, res) => {
    const { rows, ctx, file } = await ledger(res, 'csv');
    res.attachment(file).type(csv.contentType).send(ledgerCsv(rows, ctx));
  });
  return router;
}
