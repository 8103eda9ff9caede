/**
 * Scores (考核计分): what each department has earned and lost by the plan's scoring rule, computed from the
 * tasks' records (their `getState` views) as of an instant, never stored. Pure: the API's scores, the ledger
 * and the bulletin all call {@link departmentScores}, so a department's score is written in one place.
 *
 * Terms and what the record gives them today:
 * - an overdue milestone (completed late, or open past its due date at the instant): its task's lead loses
 *   `overdueLead`, and every other unit whose first act on it (a sign-off either way, a member's report) came
 *   after it fell due, or has not come, loses `overdueCoUnit`;
 * - a milestone completed on time: its task's lead gains `onTime`;
 * - a return by the office's closure review (退回重办, a review `return` on the milestone): the lead loses
 *   `officeReturn`; a rejection by the lead or a co-unit is never an office return;
 * - a missed progress report (a period of the plan's cadence whose lead report was not filed by the end of its
 *   due day, recorded by the task as `progress.missed`): the lead loses `missedProgressReport`; the event's
 *   `milestoneId` is `progress` and its `period` the month missed.
 */
import type { Bilingual, KeyTaskView, MilestoneView, ScoringRule, WorkingCalendar } from '../contracts';
import { daysLate, deadlineEpoch, lateFrom, localDate } from './calendar';

/** The terms of the scoring rule, in the order the breakdown lists them. */
export const SCORE_TERMS = [
  'overdue-lead',
  'overdue-co-unit',
  'missed-progress-report',
  'office-return',
  'on-time',
] as const;
/** One term of the scoring rule. */
export type ScoreTerm = (typeof SCORE_TERMS)[number];

/** What a term is called, and whether the record can hold its events yet (the API and the bulletin say so). */
export const SCORE_TERM_WORDS: Readonly<Record<ScoreTerm, { label: Bilingual; recorded: boolean }>> = {
  'overdue-lead': { label: { zh: '牵头任务节点逾期', en: 'Overdue milestone (as lead)' }, recorded: true },
  'overdue-co-unit': { label: { zh: '配合事项逾期未办', en: 'Overdue part (as co-unit)' }, recorded: true },
  'missed-progress-report': {
    label: { zh: '未按时报送进展', en: 'Missed progress report' },
    recorded: true,
  },
  'office-return': { label: { zh: '办结审核被退回', en: 'Returned by the closure review' }, recorded: true },
  'on-time': { label: { zh: '节点按时办结', en: 'Milestone closed on time' }, recorded: true },
};

/** The points one event of a term counts under `rule` (negative for a deduction). */
export function termPoints(rule: ScoringRule, term: ScoreTerm): number {
  switch (term) {
    case 'overdue-lead':
      return -rule.overdueLead;
    case 'overdue-co-unit':
      return -rule.overdueCoUnit;
    case 'missed-progress-report':
      return -rule.missedProgressReport;
    case 'office-return':
      return -rule.officeReturn;
    case 'on-time':
      return rule.onTime;
  }
}

/** One scored event: which department, which term, on which task's milestone, how many points. */
export interface ScoreEvent {
  department: string;
  term: ScoreTerm;
  taskNumber: number;
  milestoneId: string;
  points: number;
  /** For an overdue milestone: calendar days late at completion, or at the instant when still open. */
  daysLate?: number;
  /** For a missed progress report: the period (`YYYY-MM`) missed. */
  period?: string;
}

/** A department's score with its breakdown by term and the events behind it. */
export interface DepartmentScore {
  department: string;
  score: number;
  /** 1 for the highest score; departments with the same score share a rank. */
  rank: number;
  /** Commended or criticised by the rule's thresholds, or neither. */
  standing: 'commended' | 'criticised' | 'none';
  breakdown: { term: ScoreTerm; count: number; points: number }[];
  events: ScoreEvent[];
}

/** Where a milestone stood at an instant, from its record. */
export interface MilestoneAt {
  /** Whether it had opened by then (runs that did not record the day count as opened). */
  opened: boolean;
  completed: boolean;
  /** Days late: at completion when completed by then, else at the instant (0 when not yet due). */
  daysLate: number;
}

/** A milestone's standing at `asOf` (epoch ms), in the plan's time zone. */
export function milestoneAt(
  m: MilestoneView,
  utcOffset: string,
  asOf: number,
  calendar?: WorkingCalendar,
): MilestoneAt {
  const opened = m.state !== 'pending' && (!m.openedOn || m.openedOn <= localDate(asOf, utcOffset));
  const completedAt = m.state === 'completed' && m.completedAt ? Date.parse(m.completedAt) : undefined;
  if (completedAt !== undefined && completedAt <= asOf) {
    const late = m.daysLate ?? daysLate(lateFrom(m), utcOffset, completedAt, calendar);
    return { opened: true, completed: true, daysLate: late };
  }
  // Submitted for the office's closure review by then: late by the days it was submitted with.
  const submittedAt = m.state === 'submitted' ? m.rounds.at(-1)?.closedAt : undefined;
  if (submittedAt && Date.parse(submittedAt) <= asOf && m.daysLate !== undefined) {
    return { opened: true, completed: false, daysLate: m.daysLate };
  }
  const open = opened && m.state !== 'cancelled';
  return { opened, completed: false, daysLate: open ? daysLate(lateFrom(m), utcOffset, asOf, calendar) : 0 };
}

/** When each unit first acted on a milestone (a sign-off either way, a member's report), epoch ms. */
function firstActs(m: MilestoneView): Map<string, number> {
  const first = new Map<string, number>();
  const note = (department: string, at: string) => {
    const t = Date.parse(at);
    const seen = first.get(department);
    if (seen === undefined || t < seen) first.set(department, t);
  };
  for (const round of m.rounds) for (const s of round.signOffs) note(s.department, s.at);
  for (const item of m.items ?? [])
    for (const c of item.collectives) for (const r of c.reports) note(r.department, r.at);
  return first;
}

/**
 * The units that still owed a milestone something at `instant` (epoch ms), as its record tells: every unit
 * pending now, and every unit whose first act on it came after `instant`; a unit waived before it is not
 * among them. Ordered as first seen (pending now, then by act).
 */
export function unitsPendingAt(m: MilestoneView, instant: number): string[] {
  const first = firstActs(m);
  const waived = new Map<string, number>();
  for (const item of m.items ?? []) for (const w of item.waived) waived.set(w.department, Date.parse(w.at));
  const candidates = [...new Set([...m.pendingDepartments, ...first.keys()])];
  return candidates.filter((d) => {
    const w = waived.get(d);
    if (w !== undefined && w <= instant) return false;
    const act = first.get(d);
    return act === undefined || act > instant;
  });
}

/**
 * How scores count: as of `asOf` (epoch ms), in the plan's time zone, days late in working days when the plan
 * has a working `calendar` (as its tasks count them).
 */
export interface ScoreCounting {
  asOf: number;
  utcOffset: string;
  calendar?: WorkingCalendar;
}

/** Every scored event of the tasks' records up to `asOf` (epoch ms), under `rule`. */
export function scoreEvents(
  rule: ScoringRule,
  views: readonly KeyTaskView[],
  { asOf, utcOffset, calendar }: ScoreCounting,
): ScoreEvent[] {
  const events: ScoreEvent[] = [];
  const add = (department: string, term: ScoreTerm, view: KeyTaskView, m: MilestoneView, daysLate?: number) =>
    events.push({
      department,
      term,
      taskNumber: view.taskNumber,
      milestoneId: m.id,
      points: termPoints(rule, term),
      ...(daysLate === undefined ? {} : { daysLate }),
    });
  for (const view of views) {
    for (const missed of view.progress?.missed ?? []) {
      if (deadlineEpoch(missed.dueDate, utcOffset) > asOf) continue;
      events.push({
        department: missed.department,
        term: 'missed-progress-report',
        taskNumber: view.taskNumber,
        milestoneId: 'progress',
        points: termPoints(rule, 'missed-progress-report'),
        period: missed.period,
      });
    }
    for (const m of view.milestones) {
      const at = milestoneAt(m, utcOffset, asOf, calendar);
      if (!at.opened) continue;
      for (const review of m.reviews ?? []) {
        if (review.decision === 'return' && Date.parse(review.at) <= asOf) add(view.lead, 'office-return', view, m);
      }
      if (at.daysLate > 0) {
        add(view.lead, 'overdue-lead', view, m, at.daysLate);
        const due = deadlineEpoch(lateFrom(m), utcOffset);
        for (const unit of unitsPendingAt(m, due))
          if (unit !== view.lead) add(unit, 'overdue-co-unit', view, m, at.daysLate);
      } else if (at.completed) {
        add(view.lead, 'on-time', view, m);
      }
    }
  }
  return events;
}

/**
 * Each department's score as of `asOf`: the `departments` the plan scores (events of any other unit, such as a
 * province reporting on its part, are left out), highest score first (then in the order of `departments`), with
 * rank, standing and breakdown.
 */
export function departmentScores(
  rule: ScoringRule,
  views: readonly KeyTaskView[],
  options: ScoreCounting & { departments: readonly string[] },
): DepartmentScore[] {
  const ids = [...new Set(options.departments)];
  const scored = new Set(ids);
  const events = scoreEvents(rule, views, options).filter((e) => scored.has(e.department));
  const order = new Map(ids.map((d, i) => [d, i]));
  const scores = ids.map((department) => {
    const own = events.filter((e) => e.department === department);
    const score = rule.base + own.reduce((sum, e) => sum + e.points, 0);
    const overdue = own.some((e) => e.term === 'overdue-lead' || e.term === 'overdue-co-unit');
    const standing: DepartmentScore['standing'] =
      score < rule.criticiseBelow ? 'criticised' : score >= rule.commendAtLeast && !overdue ? 'commended' : 'none';
    return {
      department,
      score,
      rank: 0,
      standing,
      breakdown: SCORE_TERMS.map((term) => {
        const count = own.filter((e) => e.term === term).length;
        return { term, count, points: count * termPoints(rule, term) || 0 };
      }),
      events: own,
    };
  });
  scores.sort((a, b) => b.score - a.score || order.get(a.department)! - order.get(b.department)!);
  scores.forEach((s, i) => (s.rank = i > 0 && scores[i - 1]!.score === s.score ? scores[i - 1]!.rank : i + 1));
  return scores;
}
