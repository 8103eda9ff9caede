/**
 * The figures behind the board's charts, from the tasks' states (`getState`): the departments' league (what
 * each unit holds up and how punctually it signs) and the number of overdue milestones on each day, rebuilt
 * from the milestones' due dates and completion dates. Pure: the route reads the states.
 */
import type { KeyTaskView, LeagueColumn, LeagueRow, MilestoneView, PlanFile } from '../contracts';
import { addDays, daysBetween, daysLate, lateFrom, localDate } from '../domain/calendar';

/**
 * The league's columns. Each row's `values` has one number per key; a column added later (a department's
 * score, 考核计分) is one more entry here and one more key in the rows, and the dashboard draws it as it is.
 */
export const LEAGUE_COLUMNS: readonly LeagueColumn[] = [
  {
    key: 'pending',
    label: { zh: '待签核', en: 'Pending sign-offs' },
    help: { zh: '正在办理、等待本单位签核或报送的节点数', en: 'Open milestones waiting on the unit now' },
    unit: 'count',
    better: 'lower',
  },
  {
    key: 'overdue',
    label: { zh: '逾期节点', en: 'Overdue milestones' },
    help: { zh: '已过截止日期仍等待本单位的节点数', en: 'Milestones past their due date still waiting on the unit' },
    unit: 'count',
    better: 'lower',
  },
  {
    key: 'onTimeRate',
    label: { zh: '按时完成率', en: 'On-time rate' },
    help: {
      zh: '已到期或已签核的节点中，本单位在截止日期前签核的比例',
      en: 'Of the milestones due or signed, the share the unit signed by the due date',
    },
    unit: 'percent',
    better: 'higher',
  },
  {
    key: 'averageDaysLate',
    label: { zh: '平均逾期天数', en: 'Average days late' },
    help: {
      zh: '本单位迟签（或至今未签）的节点平均逾期天数',
      en: 'Average days late of the milestones the unit signed late or has not signed past due',
    },
    unit: 'days',
    better: 'lower',
  },
];

/** What one department's milestones add up to. */
interface Tally {
  pending: number;
  overdue: number;
  /** Milestones fallen due or signed. */
  due: number;
  onTime: number;
  lateCount: number;
  lateDays: number;
}

/** When each unit last did its part of a milestone: its approval in the latest round, or its latest report. */
function doneAt(m: MilestoneView): Map<string, string> {
  const at = new Map<string, string>();
  const set = (d: string, when: string) => {
    const seen = at.get(d);
    if (!seen || when > seen) at.set(d, when);
  };
  for (const s of m.rounds.at(-1)?.signOffs ?? []) if (s.decision === 'approve') set(s.department, s.at);
  for (const item of m.items ?? []) {
    for (const part of item.collectives) for (const r of part.reports) set(r.department, r.at);
  }
  return at;
}

/** Whether a milestone has opened (a milestone not open yet, or cancelled before, counts for nobody). */
const opened = (m: MilestoneView) => m.state !== 'pending' && !(m.state === 'cancelled' && !m.openedOn);

/**
 * The league of the departments that answer for the given tasks' milestones, as of `asOf` (epoch ms): per
 * unit its pending sign-offs, overdue milestones, on-time rate (percent, `null` when nothing fell due yet)
 * and average days late (`null` when none was late). Lateness counts as everywhere in the engine: from the
 * due date, or the day the milestone opened when that is later. Rows are in the plan registry's order.
 */
export function departmentLeague(plan: PlanFile, views: readonly KeyTaskView[], asOf: number): LeagueRow[] {
  const offset = plan.policy.utcOffset;
  const tallies = new Map<string, Tally>();
  const tally = (d: string) => {
    let t = tallies.get(d);
    if (!t) tallies.set(d, (t = { pending: 0, overdue: 0, due: 0, onTime: 0, lateCount: 0, lateDays: 0 }));
    return t;
  };
  const late = (t: Tally, days: number) => {
    t.due += 1;
    if (days === 0) t.onTime += 1;
    else {
      t.lateCount += 1;
      t.lateDays += days;
    }
  };
  for (const view of views) {
    for (const m of view.milestones) {
      if (!opened(m)) continue;
      const from = lateFrom(m);
      const live = m.state === 'open' || m.state === 'returned';
      const done = doneAt(m);
      if (live) {
        for (const d of m.pendingDepartments) {
          const t = tally(d);
          t.pending += 1;
          const days = daysLate(from, offset, asOf);
          if (days > 0) {
            t.overdue += 1;
            late(t, days);
          }
        }
      }
      for (const [d, at] of done) {
        if (live && m.pendingDepartments.includes(d)) continue; // reported once, owes again (a new round)
        late(tally(d), daysLate(from, offset, Date.parse(at)));
      }
    }
  }
  const order = new Map(plan.departments.map((d, i) => [d.id, i]));
  return [...tallies.entries()]
    .sort(([a], [b]) => (order.get(a) ?? Infinity) - (order.get(b) ?? Infinity) || a.localeCompare(b))
    .map(([department, t]) => ({
      department,
      values: {
        pending: t.pending,
        overdue: t.overdue,
        onTimeRate: t.due ? Math.round((1000 * t.onTime) / t.due) / 10 : null,
        averageDaysLate: t.lateCount ? Math.round((10 * t.lateDays) / t.lateCount) / 10 : null,
      },
    }));
}

/** The longest history drawn: two years back from today. */
const MAX_DAYS = 731;

/**
 * How many milestones were overdue at the end of each day, from the first day a milestone opened (or fell
 * due) to today (plan time zone), at most two years back. A milestone is overdue on a day after the date its
 * lateness counts from (its due date, or its opening day when later) until the day it was completed (or its
 * task cancelled), that day excluded; milestones not opened yet are not counted. Due dates are the current
 * ones (after approved extensions).
 */
export function overdueHistory(
  plan: PlanFile,
  views: readonly KeyTaskView[],
  asOf: number,
): { date: string; overdue: number }[] {
  const offset = plan.policy.utcOffset;
  const today = localDate(asOf, offset);
  const spans: { from: string; end?: string }[] = [];
  let first: string | undefined;
  for (const view of views) {
    const cancelledOn = view.cancellation ? localDate(Date.parse(view.cancellation.at), offset) : undefined;
    for (const m of view.milestones) {
      if (!opened(m)) continue;
      const start = m.openedOn && m.openedOn < m.dueDate ? m.openedOn : m.dueDate;
      if (!first || start < first) first = start;
      const end = m.completedAt ? localDate(Date.parse(m.completedAt), offset) : cancelledOn;
      spans.push({ from: lateFrom(m), end });
    }
  }
  if (!first || first > today) return [];
  if (daysBetween(first, today) >= MAX_DAYS) first = addDays(today, -(MAX_DAYS - 1));
  const length = daysBetween(first, today) + 1;
  const delta = new Array<number>(length + 1).fill(0);
  for (const { from, end } of spans) {
    // Overdue on the days after `from`, up to the day before `end` (or today).
    const a = Math.max(0, daysBetween(first, from) + 1);
    const b = end === undefined ? length : Math.min(length, daysBetween(first, end));
    if (a >= b) continue;
    delta[a]! += 1;
    delta[b]! -= 1;
  }
  const days: { date: string; overdue: number }[] = [];
  let running = 0;
  for (let i = 0; i < length; i++) {
    running += delta[i]!;
    days.push({ date: addDays(first, i), overdue: running });
  }
  return days;
}
