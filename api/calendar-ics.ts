/**
 * A department's milestone deadlines as an iCalendar (RFC 5545) feed: one all-day event per milestone of
 * every task the department is responsible for, on its due date (a date of the plan's time zone, so a
 * floating `VALUE=DATE`), with the milestone's state for that department in the summary and a UID that stays
 * the same across fetches, so that calendar apps update events instead of duplicating them. Text is escaped
 * and lines are folded at 75 octets as the RFC asks. Pure.
 */
import type { Bilingual, KeyTaskView, MilestoneView } from '../contracts';

/** Escapes a TEXT value (RFC 5545 §3.3.11): backslash, semicolon, comma and line breaks. */
export function escapeIcsText(value: string): string {
  return value.replace(/[\\;,]/g, (c) => `\\${c}`).replace(/\r\n|\r|\n/g, '\\n');
}

/**
 * Folds a content line (RFC 5545 §3.1): at most 75 octets per line, continuation lines start with one
 * space, never splitting a UTF-8 character. Lines are joined with CRLF.
 */
export function foldIcsLine(line: string): string {
  const parts: string[] = [];
  let current = '';
  let octets = 0;
  for (const ch of line) {
    const n = Buffer.byteLength(ch, 'utf8');
    const limit = parts.length === 0 ? 75 : 74; // a continuation's leading space counts
    if (octets + n > limit) {
      parts.push(current);
      current = '';
      octets = 0;
    }
    current += ch;
    octets += n;
  }
  parts.push(current);
  return parts.join('\r\n ');
}

/** `YYYY-MM-DD` as an iCalendar DATE, `YYYYMMDD`. */
const icsDate = (iso: string): string => iso.replaceAll('-', '');

/** The day after an ISO date (an all-day event's exclusive end). */
function nextDay(iso: string): string {
  const d = new Date(`${iso}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + 1);
  return d.toISOString().slice(0, 10);
}

/** An instant as an iCalendar UTC DATE-TIME, `YYYYMMDDTHHMMSSZ`. */
const icsStamp = (ms: number): string =>
  new Date(ms)
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d{3}/, '');

/** Where a milestone stands for one department, in both languages, as the event's summary shows it. */
export function milestoneStanding(view: KeyTaskView, m: MilestoneView, department: string): Bilingual {
  if (view.status === 'cancelled' || m.state === 'cancelled') return { zh: '已撤销', en: 'cancelled' };
  if (m.state === 'completed') return { zh: '已完成', en: 'completed' };
  if (m.state === 'pending') return { zh: '未开始', en: 'not open yet' };
  const late = m.id === view.currentMilestone && (view.status === 'overdue' || view.status === 'escalated');
  const lateZh = late ? '已逾期·' : '';
  const lateEn = late ? 'overdue, ' : '';
  if (m.state === 'returned') {
    return m.pendingDepartments.includes(department)
      ? { zh: `${lateZh}已退回待重新提交`, en: `${lateEn}returned, awaiting your resubmission` }
      : { zh: `${lateZh}已退回`, en: `${lateEn}returned to the lead unit` };
  }
  return m.pendingDepartments.includes(department)
    ? { zh: `${lateZh}待本单位签核`, en: `${lateEn}awaiting your sign-off` }
    : { zh: `${lateZh}本单位已签核`, en: `${lateEn}signed by your unit, awaiting others` };
}

/** What {@link departmentCalendar} renders. */
export interface DepartmentCalendarInput {
  department: { id: string; name: Bilingual };
  planTitle: Bilingual;
  /** The states of the tasks the department is responsible for. */
  tasks: { workflowId: string; view: KeyTaskView }[];
  /** Names of units, for the description's pending list. */
  departmentName: (id: string) => Bilingual | undefined;
  /** Base URL of the dashboard, for each event's link. */
  publicUrl: string;
  /** The host part of the UIDs (stable per deployment). */
  uidHost: string;
  /** When the feed is rendered (DTSTAMP). */
  now: number;
}

/** The feed, as CRLF-terminated folded lines. */
export function departmentCalendar(input: DepartmentCalendarInput): string {
  const { department } = input;
  const stamp = icsStamp(input.now);
  const base = input.publicUrl.replace(/\/+$/, '');
  const names = (ids: string[]) => ids.map((id) => input.departmentName(id)?.zh ?? id).join('、') || '无';
  const lines: string[] = [
    'BEGIN:VCALENDAR',
    'VERSION:2.0',
    'PRODID:-//duban//department deadlines//ZH',
    'CALSCALE:GREGORIAN',
    'METHOD:PUBLISH',
    `X-WR-CALNAME:${escapeIcsText(`督办截止日期 · ${department.name.zh} (${department.name.en})`)}`,
    `X-WR-CALDESC:${escapeIcsText(`${input.planTitle.zh} (${input.planTitle.en})`)}`,
    'REFRESH-INTERVAL;VALUE=DURATION:PT1H',
    'X-PUBLISHED-TTL:PT1H',
  ];
  const tasks = [...input.tasks].sort((a, b) => a.view.taskNumber - b.view.taskNumber);
  for (const { workflowId, view } of tasks) {
    for (const m of view.milestones) {
      if (!m.required.some((r) => r.department === department.id)) continue;
      const standing = milestoneStanding(view, m, department.id);
      const link = `${base}/tasks/${view.taskNumber}`;
      const summary = `【${standing.zh}】任务${view.taskNumber}「${view.title.zh}」${m.title.zh} 截止 · ${standing.en}`;
      const description = [
        `任务 Task: ${view.taskNumber}. ${view.title.zh} (${view.title.en})`,
        `节点 Milestone: ${m.title.zh} (${m.title.en})`,
        `截止日期 Due date: ${m.dueDate}${m.dueDate !== m.originalDueDate ? ` (原定 originally ${m.originalDueDate})` : ''}`,
        `状态 Status: ${standing.zh} (${standing.en})`,
        `待办单位 Pending units: ${names(m.pendingDepartments)}`,
        `查看任务 Open the task: ${link}`,
      ].join('\n');
      lines.push(
        'BEGIN:VEVENT',
        `UID:${workflowId}.${m.id}.${department.id}@${input.uidHost}`,
        `DTSTAMP:${stamp}`,
        `DTSTART;VALUE=DATE:${icsDate(m.dueDate)}`,
        `DTEND;VALUE=DATE:${icsDate(nextDay(m.dueDate))}`,
        `SUMMARY:${escapeIcsText(summary)}`,
        `DESCRIPTION:${escapeIcsText(description)}`,
        `URL:${link}`,
        `STATUS:${standing.en === 'cancelled' ? 'CANCELLED' : 'CONFIRMED'}`,
        'TRANSP:TRANSPARENT',
        'END:VEVENT',
      );
    }
  }
  lines.push('END:VCALENDAR');
  return lines.map(foldIcsLine).join('\r\n') + '\r\n';
}
