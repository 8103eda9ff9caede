/**
 * The key-task workflow's input, built by `domain/plan.ts` from an already validated plan file. Nobody
 * parses it (Temporal hands it to the workflow as the JSON the starter wrote), so it is a plain type.
 */
import type { Bilingual, DepartmentKind, EscalationRoles } from '../schemas/plan';
import type { MilestoneInput, Responsibility } from '../schemas/task-view';

/** The reminder and escalation policy of a task, with `$lead` already resolved to a department id. */
export interface ResolvedPolicy {
  /** Days before the due date on which unsigned units are reminded (0 = on the due date). */
  reminderDaysBefore: number[];
  /** Local time of day of reminders, `HH:MM` in the plan's time zone. */
  reminderTime: string;
  /** The plan's time zone as a fixed UTC offset such as `+08:00`. */
  utcOffset: string;
  /** A task whose current milestone is due within this many days is `due_soon`. */
  dueSoonDays: number;
  /** Escalation levels in order: how many days after the due time each fires, and which departments it tells. */
  escalation: { level: number; afterDays: number; notify: string[] }[];
  /**
   * Working-day plans (工作日): the holiday calendar, resolved when the task started, so that a later update of
   * the library it came from cannot change a running history. Reminders then fall on working days and days
   * late count working days. Absent: calendar days.
   */
  workingCalendar?: WorkingCalendar;
  /** Days (working days on a working-day plan) a supervision notice gives the units it names to answer. */
  answerDays?: number;
  /**
   * Rejections a milestone may have before the office must decide whether another round opens (absent in the
   * input of runs started before the round cap: their rounds are not capped).
   */
  maxRejectionsPerMilestone?: number;
  /**
   * The office's closure review (办结审核): every task's last milestone and those named are submitted by their
   * lead's approval, with evidence when required, and completed only when the office closes them.
   */
  closureReview?: { milestones: string[]; evidenceRequired: boolean };
  /** Receipt (签收): working days a unit has to sign for its part of a milestone that opened (absent: none asked). */
  receipt?: { days: number };
  /** Progress reports on a monthly cadence, due on `day`, and the days without activity that make a task stalled. */
  progress?: { cadence: 'monthly'; day: number; stalledAfterDays: number };
}

/**
 * A holiday calendar resolved to plain dates for a span of years: within `from`..`to`, a day is a working day
 * when it is in `workDays` (a weekend made a working day: 调休) or is Monday to Friday and not in `offDays`
 * (a statutory holiday on a weekday); outside the span, Monday to Friday.
 */
export interface WorkingCalendar {
  /** Which calendar it is, e.g. `cn-statutory` (China's statutory holidays and adjusted working days). */
  name: string;
  /** The first and last date (`YYYY-MM-DD`) the calendar knows. */
  from: string;
  to: string;
  /** Weekdays that are holidays, sorted. */
  offDays: string[];
  /** Saturdays and Sundays that are working days, sorted. */
  workDays: string[];
}

/** Kinds of department that act on their own: sign, lead, steward, be designated, added or handed a part. */
export const ACTING_KINDS: readonly DepartmentKind[] = ['ministry-department', 'affiliated-unit'];

/**
 * Who answers for one work item, as the plan file gives it: the lead that signs it last, the units that sign
 * it before, the collectives whose members each report on it, and the collectives whose members its lead
 * designates at run time.
 */
export interface WorkItemUnits {
  /** Signs the item last: its first unit, or the steward of an item a collective leads. */
  lead: string;
  /** Whether the lead is a steward (the item's first unit is a collective, which cannot sign). */
  steward: boolean;
  /** Units that sign before the lead, in document order (collectives excluded). */
  co: string[];
  /** Collectives of known members: each member reports on each milestone of the item. */
  collectives: { id: string; members: string[] }[];
  /** Collectives whose members the item's lead designates, from `candidates`. */
  designations: { id: string; candidates: string[] }[];
}

/** Everything a key-task workflow needs to run: the task, its milestones with due dates and its policy. */
export interface KeyTaskInput {
  planId: string;
  /** The plan's start date (`YYYY-MM-DD`), from which milestone due dates were computed. */
  startDate: string;
  task: {
    number: number;
    section: number;
    title: Bilingual;
    lead: string;
    coResponsible: string[];
    workItems: { text: string; units: string[] }[];
    responsibilities: Responsibility[];
    /**
     * Each work item's own units (absent in the input of runs started before work-item responsibility): with
     * it, a milestone is signed item by item and collectives fan out to their members.
     */
    items?: WorkItemUnits[];
    /** Ministry departments and affiliated units, which the office may add to an item or hand a part to. */
    assignable?: string[];
  };
  milestones: MilestoneInput[];
  policy: ResolvedPolicy;
  /** The plan's general office, supervision office and leadership (extension requests go to the office). */
  offices: EscalationRoles;
  /**
   * The office that decides the task's extension requests and is told of them: the general office, or the
   * supervision office for a task the general office leads. Absent in runs started before it (the general office).
   */
  extensionOffice?: string;
}
