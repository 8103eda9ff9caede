/**
 * The key-task workflow's input, built by `domain/plan.ts` from an already validated plan file. Nobody
 * parses it (Temporal hands it to the workflow as the JSON the starter wrote), so it is a plain type.
 */
import type { Bilingual, EscalationRoles } from '../schemas/plan';
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
  };
  milestones: MilestoneInput[];
  policy: ResolvedPolicy;
  /** The plan's general office, supervision office and leadership (extension requests go to the office). */
  offices: EscalationRoles;
}
