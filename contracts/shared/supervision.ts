/**
 * Supervision notices (督办单): what the key-task workflow hands the notice workflow when an escalation reaches
 * level 2 or higher, the notice's record, and the messages of the notice workflow and of the plan's numbering
 * workflow. Plain types and message definitions (no zod): the workflow bundle loads this module.
 */
import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';
import type { Bilingual } from '../schemas/plan';
import type { Actor, Acted } from './update-args';

/** Workflow type name of a supervision notice (the exported function's name). */
export const SUPERVISION_NOTICE_WORKFLOW = 'supervisionNoticeWorkflow';

/** Workflow type name of the workflow that numbers a plan's supervision notices of one year. */
export const NOTICE_NUMBERS_WORKFLOW = 'noticeNumbersWorkflow';

/** The lowest escalation level that issues a supervision notice. */
export const SUPERVISION_NOTICE_LEVEL = 2;

/** Days a named unit has to answer a notice when the policy says nothing (`answerDays`). */
export const DEFAULT_ANSWER_DAYS = 5;

/**
 * The workflow id of the notice a task's escalation issues: task, milestone, the due date escalated and the
 * level. URL-safe (the API's paths carry it) and deterministic, so the same escalation never issues two notices.
 */
export function supervisionNoticeId(
  taskWorkflowId: string,
  milestoneId: string,
  dueDate: string,
  level: number,
): string {
  return `supervise-${taskWorkflowId}-${milestoneId}-${dueDate}-L${level}`;
}

/** The workflow id of the numbering workflow of a plan's notices of one year. */
export function noticeNumbersId(planId: string, year: number): string {
  return `supervise-numbers-${planId}-${year}`;
}

/** A notice's number as the office writes it: 督办〔2026〕17号. */
export function noticeNumberText(year: number, serial: number): string {
  return `督办〔${year}〕${serial}号`;
}

/** What a notice is issued with (the key-task workflow's escalation decides it). */
export interface SupervisionNoticeInput {
  /** Its workflow id ({@link supervisionNoticeId}). */
  id: string;
  planId: string;
  /** The task's workflow id. */
  taskWorkflowId: string;
  taskNumber: number;
  taskTitle: Bilingual;
  milestoneId: string;
  milestoneTitle: Bilingual;
  /** The due date (after extensions) that was missed. */
  dueDate: string;
  level: number;
  /** Days late when it was issued (working days on a working-day plan). */
  daysLate: number;
  /** The office in whose name it is issued: the supervising office of its level. */
  issuedBy: string;
  /** The units it names: those still pending on the milestone; each must answer. */
  units: string[];
  /** When it was issued (ISO) and its date in the plan's time zone. */
  issuedAt: string;
  issuedOn: string;
  /** The last day (plan time zone) to answer by. */
  answerBy: string;
  utcOffset: string;
  /** Who is told when it is past its answer date unanswered: the supervision office (and the issuer). */
  overdueTo: string[];
}

/** A named unit's answer: what it will do and by when. A later answer of the same unit replaces it. */
export interface NoticeAnswer {
  department: string;
  /** What it will do. */
  action: string;
  /** By when (`YYYY-MM-DD`). */
  by: string;
  person: string;
  at: string;
  actor?: Actor;
}

/** A notice's state: `open` while a named unit has not answered, `answered` when all have, `closed` when its escalation closed. */
export type NoticeState = 'open' | 'answered' | 'closed';

/** A supervision notice's record, as its query answers it and its memo holds it. */
export interface SupervisionNotice extends SupervisionNoticeInput {
  /** Its year and serial (null until numbered, moments after it is issued) and its number as written. */
  year: number;
  serial: number | null;
  number: string | null;
  state: NoticeState;
  /** Each named unit's latest answer. */
  answers: NoticeAnswer[];
  /** Named units that have not answered. */
  unanswered: string[];
  /** True once its answer date passed with a named unit unanswered (the supervision office was told). */
  overdue: boolean;
  closedAt?: string;
  /**
   * Why it closed: the milestone was completed, its due date extended, the task cancelled, or a notice of a
   * higher level issued for the same lateness took its place (`superseded`).
   */
  closedBy?: NoticeClosedBy;
  /** For `superseded`: the notice that took its place. */
  supersededBy?: string;
}

/** Payload of the `answerNotice` update: a named unit's answer. */
export interface AnswerNoticeArgs extends Acted {
  department: string;
  action: string;
  by: string;
  person: string;
  requestId: string;
}

/** Why a supervision notice closed. */
export type NoticeClosedBy = 'completed' | 'extended' | 'cancelled' | 'superseded';

/**
 * Payload of the `closeNotice` signal, sent by the task when the escalation that issued the notice closes, or
 * when it issues a notice of a higher level in its place (`supersededBy` names that notice).
 */
export interface CloseNoticeArgs {
  closedBy: NoticeClosedBy;
  supersededBy?: string;
}

/** Payload of the numbering workflow's `claimNumber` signal: the notice that needs a number. */
export interface ClaimNumberArgs {
  noticeId: string;
}

/** The notice's record. */
export const getNoticeQuery = defineQuery<SupervisionNotice>('getNotice');

/** A named unit answers the notice; answers the notice's record. An update: the unit learns at once if it was refused. */
export const answerNoticeUpdate = defineUpdate<SupervisionNotice, [AnswerNoticeArgs]>('answerNotice');

/** The task tells the notice that its escalation closed. */
export const closeNoticeSignal = defineSignal<[CloseNoticeArgs]>('closeNotice');

/** A notice asks the numbering workflow for its number (once per notice: a repeat keeps the first number). */
export const claimNumberSignal = defineSignal<[ClaimNumberArgs]>('claimNumber');

/** The serial given to a notice, or null before its claim was handled. */
export const numberOfQuery = defineQuery<number | null, [string]>('numberOf');

/** The memo key under which a notice keeps its {@link SupervisionNotice}. */
export const NOTICE_MEMO_KEY = 'notice';
