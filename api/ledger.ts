/**
 * The supervision ledger (督办台账): one row per key task and one per milestone of it, with the section,
 * units and their roles, due date, status, days late, pending units, escalation level and latest report,
 * written as an Excel workbook (`exceljs`) or as CSV (UTF-8 with a BOM, RFC 4180). Pure apart from the
 * workbook's own buffer: rows come from the tasks' states (`getState`), which the route reads.
 */
import ExcelJS from 'exceljs';
import type { Bilingual, KeyTaskView, MilestoneView, PlanFile, TaskStatus, WorkingCalendar } from '../contracts';
import { daysLate, lateFrom, localDate } from '../domain/calendar';
import { boardSections } from '../domain/plan';
import { SCORE_TERMS, SCORE_TERM_WORDS, milestoneAt, type DepartmentScore } from '../domain/scores';

/** A row's status: the task statuses, and `not_started` for a milestone that has not opened yet. */
export type LedgerStatus = TaskStatus | 'not_started';

/** The comment of the latest sign-off that carries one: who wrote it, when. */
export interface LatestReport {
  comment: string;
  department: string;
  person: string;
  /** ISO instant of the sign-off. */
  at: string;
}

/**
 * One row of the ledger: a task (its current milestone summarised), one of its milestones, or, where the task
 * has several work items, one work item on one milestone (its own lead, co-units and progress).
 */
export interface LedgerRow {
  kind: 'task' | 'milestone' | 'item';
  section: number;
  taskNumber: number;
  taskTitle: Bilingual;
  /** The milestone of a milestone row; the current milestone of a task row (null once none is current). */
  milestoneId: string | null;
  milestoneTitle: Bilingual | null;
  /** The work item (0-based) of an item row; null on task and milestone rows. */
  workItem: number | null;
  /** The work item's text as the plan writes it (item rows only). */
  workItemText: string | null;
  lead: string;
  coResponsible: string[];
  dueDate: string | null;
  /** Null only for a task whose workflow has not recorded a status yet. */
  status: LedgerStatus | null;
  stage: MilestoneView['state'] | null;
  /** Calendar days late (逾期N天): of a completed milestone when it was completed, of an open one as of now. */
  daysLate: number;
  pending: string[];
  escalationLevel: number;
  latestReport: LatestReport | null;
}

/** The latest sign-off with a comment among `milestones`' rounds (with `workItem`: of sign-offs for that item). */
function latestReport(milestones: MilestoneView[], workItem?: number): LatestReport | null {
  let latest: LatestReport | null = null;
  for (const m of milestones) {
    for (const round of m.rounds) {
      for (const s of round.signOffs) {
        if (workItem !== undefined && !s.workItems.includes(workItem)) continue;
        if (s.comment && (!latest || s.at >= latest.at)) {
          latest = { comment: s.comment, department: s.department, person: s.person, at: s.at };
        }
      }
    }
  }
  return latest;
}

/** Days late of a milestone as of the view's time: recorded when completed, counted while open. */
function milestoneDaysLate(m: MilestoneView, view: KeyTaskView, counting: DayCounting): number {
  return milestoneAt(m, counting.utcOffset, Date.parse(view.asOf), counting.calendar).daysLate;
}

/** How the ledger counts days late: in the plan's time zone, in working days on a working-day plan. */
interface DayCounting {
  utcOffset: string;
  calendar?: WorkingCalendar;
}

/** The ledger status of a milestone: its own when closed or not open yet, the task's while it is worked. */
function milestoneStatus(m: MilestoneView, view: KeyTaskView): LedgerStatus {
  if (m.state === 'completed' || m.state === 'cancelled') return m.state;
  if (m.state === 'pending') return 'not_started';
  return view.status;
}

/**
 * The ledger rows of the tasks' states, by task number: each task's row, then its milestones in order.
 * A milestone's escalation level is the highest level its latest escalation reached (0 when it never fell due).
 */
export function ledgerRows(plan: PlanFile, views: readonly KeyTaskView[], calendar?: WorkingCalendar): LedgerRow[] {
  const counting: DayCounting = { utcOffset: plan.policy.utcOffset, calendar };
  const rows: LedgerRow[] = [];
  for (const view of [...views].sort((a, b) => a.taskNumber - b.taskNumber)) {
    const base = {
      section: view.section,
      taskNumber: view.taskNumber,
      taskTitle: view.title,
      workItem: null,
      workItemText: null,
      lead: view.lead,
      coResponsible: view.coResponsible,
    };
    const texts = plan.tasks.find((t) => t.number === view.taskNumber)?.workItems.map((w) => w.text) ?? [];
    const current = view.milestones.find((m) => m.id === view.currentMilestone);
    rows.push({
      ...base,
      kind: 'task',
      milestoneId: current?.id ?? null,
      milestoneTitle: current?.title ?? null,
      dueDate: view.nextDue,
      status: view.status,
      stage: current?.state ?? null,
      daysLate: current ? milestoneDaysLate(current, view, counting) : 0,
      pending: view.pendingDepartments,
      escalationLevel: view.escalationLevel,
      latestReport: latestReport(view.milestones),
    });
    for (const m of view.milestones) {
      const escalation = view.escalations.filter((e) => e.milestoneId === m.id).at(-1);
      rows.push({
        ...base,
        kind: 'milestone',
        milestoneId: m.id,
        milestoneTitle: m.title,
        dueDate: m.dueDate,
        status: milestoneStatus(m, view),
        stage: m.state,
        daysLate: milestoneDaysLate(m, view, counting),
        pending: m.pendingDepartments,
        escalationLevel: escalation?.level ?? 0,
        latestReport: latestReport([m]),
      });
      if ((m.items?.length ?? 0) > 1) rows.push(...itemRows(m, view, texts, { ...base, escalation, counting }));
    }
  }
  return rows;
}

/**
 * The rows of a milestone's work items (a task with several): each item's own lead and co-units (designated
 * and added ones included), what it still waits for, whether it is done, its latest report. An item done
 * while the milestone is still open is late by the day its lead signed it.
 */
function itemRows(
  m: MilestoneView,
  view: KeyTaskView,
  texts: readonly string[],
  base: Pick<LedgerRow, 'section' | 'taskNumber' | 'taskTitle'> & {
    escalation: KeyTaskView['escalations'][number] | undefined;
    counting: DayCounting;
  },
): LedgerRow[] {
  const { escalation, counting, ...task } = base;
  return (m.items ?? []).map((item, i) => {
    const signedAt = m.rounds
      .at(-1)
      ?.signOffs.filter((s) => s.decision === 'approve' && s.department === item.lead && s.workItems.includes(i))
      .at(-1)?.at;
    const late =
      item.done && m.state !== 'completed'
        ? signedAt
          ? daysLate(lateFrom(m), counting.utcOffset, Date.parse(signedAt), counting.calendar)
          : 0
        : milestoneDaysLate(m, view, counting);
    const open = m.state === 'open' || m.state === 'returned';
    return {
      ...task,
      kind: 'item',
      milestoneId: m.id,
      milestoneTitle: m.title,
      workItem: i,
      workItemText: texts[i] ?? null,
      lead: item.lead,
      coResponsible: [...item.co, ...item.collectives.map((c) => c.id), ...item.awaitingDesignation],
      dueDate: m.dueDate,
      status: item.done && open ? 'completed' : milestoneStatus(m, view),
      stage: item.done && open ? 'completed' : m.state,
      daysLate: late,
      pending: item.pending,
      escalationLevel: escalation?.level ?? 0,
      latestReport: latestReport([m], i),
    };
  });
}

/** How the Row column writes each kind of row. */
const ROW_KIND_WORDS: Readonly<Record<LedgerRow['kind'], string>> = {
  task: '任务 Task',
  milestone: '节点 Milestone',
  item: '分项 Work item',
};

/** A work item's cell: its number (1-based, as the document counts) and its text, cut to a readable length. */
function workItemCell(row: LedgerRow): string {
  if (row.workItem === null) return '';
  const text = [...(row.workItemText ?? '')];
  return `分项${row.workItem + 1}：${text.length > 60 ? `${text.slice(0, 59).join('')}…` : text.join('')}`;
}

/** Words of each status, Chinese first (the board's words). */
export const LEDGER_STATUS_WORDS: Readonly<Record<LedgerStatus, Bilingual>> = {
  on_track: { zh: '正常推进', en: 'On track' },
  due_soon: { zh: '即将到期', en: 'Due soon' },
  overdue: { zh: '已逾期', en: 'Overdue' },
  escalated: { zh: '升级督办', en: 'Escalated' },
  completed: { zh: '已完成', en: 'Completed' },
  cancelled: { zh: '已撤销', en: 'Cancelled' },
  not_started: { zh: '未开始', en: 'Not started' },
};

const STAGE_WORDS: Readonly<Record<MilestoneView['state'], Bilingual>> = {
  pending: { zh: '未开始', en: 'Not open yet' },
  open: { zh: '会签中', en: 'Collecting sign-offs' },
  returned: { zh: '已退回', en: 'Returned to the lead' },
  submitted: { zh: '待办结审核', en: 'Awaiting closure review' },
  completed: { zh: '已完成', en: 'Completed' },
  cancelled: { zh: '已撤销', en: 'Cancelled' },
};

/** Fill and font colours of a status cell (the board's lights); the cell always carries the word too. */
const STATUS_COLOURS: Readonly<Record<LedgerStatus | 'none', { fill: string; font: string }>> = {
  on_track: { fill: 'FFC6EFCE', font: 'FF006100' },
  due_soon: { fill: 'FFFFEB9C', font: 'FF7A4B00' },
  overdue: { fill: 'FFFFC7CE', font: 'FF9C0006' },
  escalated: { fill: 'FF9C0006', font: 'FFFFFFFF' },
  completed: { fill: 'FFE7E6E6', font: 'FF3A3A3A' },
  cancelled: { fill: 'FFE7E6E6', font: 'FF3A3A3A' },
  not_started: { fill: 'FFFFFFFF', font: 'FF595959' },
  none: { fill: 'FFFFFFFF', font: 'FF595959' },
};

const both = (w: Bilingual) => `${w.zh} ${w.en}`;

/** How a cell writes a department (its Chinese name) and an instant (its date in the plan's time zone). */
interface CellText {
  name: (id: string) => string;
  date: (iso: string) => string;
}

/** A column of the ledger: its bilingual header, its width in Excel, and how a row's cell reads. */
interface Column {
  zh: string;
  en: string;
  width: number;
  value: (row: LedgerRow, text: CellText) => string | number;
}

/** The ledger's columns, in order; the CSV and every sheet of the workbook use them. */
const COLUMNS: readonly Column[] = [
  { zh: '部分', en: 'Section', width: 26, value: (r) => r.section },
  { zh: '任务序号', en: 'Task No.', width: 8, value: (r) => r.taskNumber },
  { zh: '重点任务', en: 'Key task', width: 36, value: (r) => r.taskTitle.zh },
  { zh: '行类别', en: 'Row', width: 10, value: (r) => ROW_KIND_WORDS[r.kind] },
  { zh: '节点', en: 'Milestone', width: 14, value: (r) => r.milestoneTitle?.zh ?? '' },
  { zh: '工作事项', en: 'Work item', width: 30, value: workItemCell },
  { zh: '牵头单位', en: 'Lead unit', width: 14, value: (r, text) => text.name(r.lead) },
  {
    zh: '配合单位',
    en: 'Co-responsible units',
    width: 30,
    value: (r, text) => r.coResponsible.map(text.name).join('、'),
  },
  { zh: '截止日期', en: 'Due date', width: 12, value: (r) => r.dueDate ?? '' },
  {
    zh: '状态',
    en: 'Status',
    width: 18,
    value: (r) => (r.status ? both(LEDGER_STATUS_WORDS[r.status]) : '状态未知 Unknown'),
  },
  { zh: '办理情况', en: 'Stage', width: 14, value: (r) => (r.stage ? STAGE_WORDS[r.stage].zh : '') },
  { zh: '逾期天数', en: 'Days late', width: 9, value: (r) => r.daysLate },
  { zh: '待签单位', en: 'Pending units', width: 26, value: (r, text) => r.pending.map(text.name).join('、') },
  { zh: '督办级别', en: 'Escalation level', width: 10, value: (r) => r.escalationLevel },
  {
    zh: '最新报告',
    en: 'Latest report',
    width: 50,
    value: (r, text) =>
      r.latestReport
        ? `${r.latestReport.comment}（${text.name(r.latestReport.department)} ${r.latestReport.person}，${text.date(r.latestReport.at)}）`
        : '',
  },
];

/** What the ledger's files need besides the rows: the plan (names, sections) and the moment it is as of. */
export interface LedgerContext {
  plan: PlanFile;
  /** Epoch milliseconds the ledger is as of (printed in the sheets' header). */
  asOf: number;
  /**
   * The departments' scores by the plan's rule as of `asOf`, over every task (whatever the filters): the
   * workbook adds them to the by-unit sheet and gives them a sheet `考核计分 Scores`. Absent: no rule.
   */
  scores?: readonly DepartmentScore[];
}

function cellText(plan: PlanFile): CellText {
  const byId = new Map(plan.departments.map((d) => [d.id, d.name.zh]));
  return {
    name: (id) => byId.get(id) ?? id,
    date: (iso) => localDate(Date.parse(iso), plan.policy.utcOffset),
  };
}

function sectionTitle(plan: PlanFile, number: number): string {
  const s = boardSections(plan).find((x) => x.number === number);
  return s ? `（${s.numeral}）${s.title.zh}` : String(number);
}

/** A row's cells in column order (the section written with its numeral and title). */
function cells(row: LedgerRow, ctx: LedgerContext, text: CellText): (string | number)[] {
  return COLUMNS.map((c, i) => (i === 0 ? sectionTitle(ctx.plan, row.section) : c.value(row, text)));
}

/** One CSV field, quoted when it holds a comma, a quote or a line break (RFC 4180). */
function csvField(value: string | number): string {
  const s = String(value);
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/**
 * The ledger as CSV: a UTF-8 byte-order mark (so that Excel reads the Chinese), one header row `中文 English`,
 * then the rows; CRLF line ends and RFC 4180 quoting.
 */
export function ledgerCsv(rows: readonly LedgerRow[], ctx: LedgerContext): string {
  const text = cellText(ctx.plan);
  const lines = [COLUMNS.map((c) => `${c.zh} ${c.en}`), ...rows.map((r) => cells(r, ctx, text))];
  return `\uFEFF${lines.map((l) => l.map(csvField).join(',')).join('\r\n')}\r\n`;
}

/** An Excel sheet name from a title: at most 31 characters, none of : \ / ? * [ ], unique in the workbook. */
function sheetName(title: string, taken: Set<string>): string {
  const base = title.replace(/[:\\/?*[\]]/g, ' ').slice(0, 31);
  let name = base;
  for (let n = 2; taken.has(name); n++) name = `${base.slice(0, 31 - String(n).length - 1)} ${n}`;
  taken.add(name);
  return name;
}

/** A4 landscape, one page wide, the header row repeated, the plan and the date in the page header. */
function setUpPage(sheet: ExcelJS.Worksheet, ctx: LedgerContext, title: string): void {
  sheet.pageSetup = {
    ...sheet.pageSetup,
    paperSize: 9,
    orientation: 'landscape',
    fitToPage: true,
    fitToWidth: 1,
    fitToHeight: 0,
    printTitlesRow: '1:1',
  };
  const asOf = localDate(ctx.asOf, ctx.plan.policy.utcOffset);
  sheet.headerFooter = {
    oddHeader: `&L${ctx.plan.title.zh} · ${title}&R截至 As of ${asOf}`,
    oddFooter: '&C&P / &N',
  };
}

function header(sheet: ExcelJS.Worksheet, columns: readonly { zh: string; en: string; width: number }[]): void {
  sheet.columns = columns.map((c) => ({ header: `${c.zh}\n${c.en}`, width: c.width }));
  const row = sheet.getRow(1);
  row.height = 32;
  row.eachCell((cell) => {
    cell.font = { bold: true };
    cell.alignment = { vertical: 'middle', wrapText: true };
    cell.fill = { type: 'pattern', pattern: 'solid', fgColor: { argb: 'FFDDEBF7' } };
    cell.border = { bottom: { style: 'thin' } };
  });
  sheet.autoFilter = { from: { row: 1, column: 1 }, to: { row: 1, column: columns.length } };
}

/** A sheet of ledger rows: frozen header row and key columns, widths, status cells coloured and worded. */
function ledgerSheet(workbook: ExcelJS.Workbook, name: string, rows: readonly LedgerRow[], ctx: LedgerContext) {
  const sheet = workbook.addWorksheet(name, { views: [{ state: 'frozen', xSplit: 3, ySplit: 1 }] });
  header(sheet, COLUMNS);
  const text = cellText(ctx.plan);
  const statusColumn = COLUMNS.findIndex((c) => c.en === 'Status') + 1;
  for (const r of rows) {
    const row = sheet.addRow(cells(r, ctx, text));
    row.alignment = { vertical: 'top', wrapText: true };
    if (r.kind === 'task') row.font = { bold: true };
    const colours = STATUS_COLOURS[r.status ?? 'none'];
    const cell = row.getCell(statusColumn);
    cell.fill = { type: 'pattern', pattern: 'solid', fgColor: { argb: colours.fill } };
    cell.font = { bold: r.kind === 'task', color: { argb: colours.font } };
  }
  setUpPage(sheet, ctx, name);
}

/** Per department: tasks led and shared, milestones waiting on it, how many of them late, the most days late. */
function departmentSheet(workbook: ExcelJS.Workbook, name: string, rows: readonly LedgerRow[], ctx: LedgerContext) {
  const sheet = workbook.addWorksheet(name, { views: [{ state: 'frozen', xSplit: 1, ySplit: 1 }] });
  header(sheet, [
    { zh: '单位', en: 'Unit', width: 22 },
    { zh: '牵头任务', en: 'Tasks led', width: 10 },
    { zh: '配合任务', en: 'Tasks shared', width: 10 },
    { zh: '待签节点', en: 'Milestones awaiting it', width: 12 },
    { zh: '其中逾期', en: 'Of which late', width: 10 },
    { zh: '最长逾期天数', en: 'Most days late', width: 12 },
    ...(ctx.scores ? [{ zh: '考核得分', en: 'Score', width: 10 }] : []),
  ]);
  const scoreOf = new Map(ctx.scores?.map((s) => [s.department, s.score]));
  const tasks = rows.filter((r) => r.kind === 'task');
  const milestones = rows.filter((r) => r.kind === 'milestone');
  for (const d of ctx.plan.departments) {
    const led = tasks.filter((r) => r.lead === d.id).length;
    const shared = tasks.filter((r) => r.coResponsible.includes(d.id)).length;
    if (led + shared === 0) continue;
    const waiting = milestones.filter((r) => r.pending.includes(d.id));
    const late = waiting.filter((r) => r.daysLate > 0);
    const score = ctx.scores ? [scoreOf.get(d.id) ?? ''] : [];
    sheet.addRow([
      d.name.zh,
      led,
      shared,
      waiting.length,
      late.length,
      Math.max(0, ...late.map((r) => r.daysLate)),
      ...score,
    ]);
  }
  setUpPage(sheet, ctx, name);
}

/** Per scored department: rank, score, standing and the points of each term of the rule. */
function scoreSheet(
  workbook: ExcelJS.Workbook,
  name: string,
  scores: readonly DepartmentScore[],
  ctx: LedgerContext,
): void {
  const sheet = workbook.addWorksheet(name, { views: [{ state: 'frozen', xSplit: 2, ySplit: 1 }] });
  header(sheet, [
    { zh: '名次', en: 'Rank', width: 6 },
    { zh: '单位', en: 'Unit', width: 22 },
    { zh: '得分', en: 'Score', width: 8 },
    { zh: '评价', en: 'Standing', width: 14 },
    ...SCORE_TERMS.map((t) => ({ zh: SCORE_TERM_WORDS[t].label.zh, en: SCORE_TERM_WORDS[t].label.en, width: 14 })),
  ]);
  const names = new Map(ctx.plan.departments.map((d) => [d.id, d.name.zh]));
  const standing = { commended: '表扬 Commended', criticised: '通报批评 Criticised', none: '' } as const;
  for (const s of scores) {
    sheet.addRow([
      s.rank,
      names.get(s.department) ?? s.department,
      s.score,
      standing[s.standing],
      ...s.breakdown.map((b) => b.points),
    ]);
  }
  setUpPage(sheet, ctx, name);
}

/**
 * The ledger as an `.xlsx` workbook: sheet 1 `督办台账 Ledger` with every row, sheet 2 `按单位汇总 By unit`
 * (one line per department), then one sheet per department with the rows of the tasks it leads or shares,
 * named by the department's Chinese name. With scores, the by-unit sheet has a column `考核得分 Score` and sheet 3 is
 * `考核计分 Scores` (rank, score, standing, points per term). Every sheet prints A4 landscape with the plan and date in its header.
 */
export async function ledgerWorkbook(rows: readonly LedgerRow[], ctx: LedgerContext): Promise<Buffer> {
  const workbook = new ExcelJS.Workbook();
  workbook.creator = '督办 duban';
  workbook.created = new Date(ctx.asOf);
  workbook.title = `${ctx.plan.title.zh} 督办台账`;
  const taken = new Set<string>();
  ledgerSheet(workbook, sheetName('督办台账 Ledger', taken), rows, ctx);
  departmentSheet(workbook, sheetName('按单位汇总 By unit', taken), rows, ctx);
  if (ctx.scores) scoreSheet(workbook, sheetName('考核计分 Scores', taken), ctx.scores, ctx);
  for (const d of ctx.plan.departments) {
    const own = rows.filter((r) => r.lead === d.id || r.coResponsible.includes(d.id));
    if (own.length > 0) ledgerSheet(workbook, sheetName(d.name.zh, taken), own, ctx);
  }
  return Buffer.from(await workbook.xlsx.writeBuffer());
}
