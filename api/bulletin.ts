/**
 * The monthly bulletin (通报): what the tasks' records say about a month, as data and as the Chinese text the
 * general office issues (教育部办公厅关于2016年5月教育信息化重点工作推进情况的通报), and as a printable A4 page.
 * Pure: the route reads the tasks' states, the plan's supervision notices and the scores; everything here is counted from them as of the
 * bulletin's instant (the end of the month, or now for the month under way), so a past month's bulletin
 * reads the same whenever it is asked for.
 */
import { createHash } from 'node:crypto';
import {
  STATUS_LIGHT,
  type Bilingual,
  type Bulletin,
  type KeyTaskView,
  type PlanFile,
  type SupervisionNotice,
  type TaskLight,
  type TaskStatus,
  type UnavailableTask,
  type WorkingCalendar,
} from '../contracts';
import { deadlineEpoch, dueSoonEpoch, iso, lateFrom, localDate, localTimeToEpoch } from '../domain/calendar';
import { boardSections } from '../domain/plan';
import { milestoneAt, unitsPendingAt, type DepartmentScore } from '../domain/scores';

const LIGHTS: readonly TaskLight[] = ['green', 'yellow', 'red', 'deepred', 'grey'];

/** The first instant of a `YYYY-MM` month and of the next, epoch ms, in the plan's time zone. */
export function monthBounds(month: string, utcOffset: string): { start: number; end: number } {
  const first = `${month}-01`;
  const [y, m] = month.split('-').map(Number) as [number, number];
  const next = m === 12 ? `${y + 1}-01-01` : `${y}-${String(m + 1).padStart(2, '0')}-01`;
  return { start: localTimeToEpoch(first, '00:00', utcOffset), end: localTimeToEpoch(next, '00:00', utcOffset) };
}

/**
 * A task's status at instant `t` from its record, as the workflow computes it at its own time: cancelled or
 * completed by then; else its milestone current then escalated (level 2 or more open at `t`), overdue, due soon
 * or on track.
 */
export function statusAt(view: KeyTaskView, plan: PlanFile, t: number): TaskStatus {
  const { utcOffset, dueSoonDays } = plan.policy;
  if (view.cancellation && Date.parse(view.cancellation.at) <= t) return 'cancelled';
  if (view.completedAt && Date.parse(view.completedAt) <= t) return 'completed';
  const current = view.milestones.find((m) => m.state !== 'cancelled' && !milestoneAt(m, utcOffset, t).completed);
  if (!current) return view.status;
  const escalated = view.escalations.some(
    (e) =>
      e.milestoneId === current.id &&
      e.levels.some((l) => l.level >= 2 && Date.parse(l.at) <= t) &&
      !(e.closedAt && Date.parse(e.closedAt) <= t),
  );
  if (escalated) return 'escalated';
  if (t >= deadlineEpoch(lateFrom(current), utcOffset)) return 'overdue';
  if (t >= dueSoonEpoch(current.dueDate, dueSoonDays, utcOffset)) return 'due_soon';
  return 'on_track';
}

function zeroLights(): Record<TaskLight, number> {
  return { green: 0, yellow: 0, red: 0, deepred: 0, grey: 0 };
}

/** `2016-05-31` → `2016年5月31日`. */
export function chineseDate(date: string): string {
  const [y, m, d] = date.split('-').map(Number);
  return `${y}年${m}月${d}日`;
}

/** What the plan supervises, as a bulletin's title names it: 2016年教育信息化工作要点 → 教育信息化重点工作. */
function subjectOf(plan: PlanFile): string {
  const core = plan.title.zh.replace(/^\d{4}年/, '').replace(/(工作要点|工作计划|要点)$/, '');
  return `${core || plan.title.zh}重点工作`;
}

/**
 * Units as a bulletin names them: the members of a collective (the 32 provinces) by their collective, once,
 * where it stands first among them; every other unit by itself.
 */
function collapseMembers(plan: PlanFile, units: string[]): string[] {
  const collectiveOf = new Map<string, string>();
  for (const d of plan.departments) for (const m of d.members ?? []) collectiveOf.set(m, d.id);
  return [...new Set(units.map((u) => collectiveOf.get(u) ?? u))];
}

/** What {@link buildBulletin} counts from. */
export interface BulletinInput {
  plan: PlanFile;
  month: string;
  /** Now, epoch ms: a month under way is counted up to it. */
  now: number;
  views: readonly KeyTaskView[];
  /** The departments' scores as of the bulletin's instant, or undefined when the plan has no scoring rule. */
  scores?: readonly DepartmentScore[];
  /** A working-day plan's calendar, to count days late as its tasks do (client/working-calendar.ts). */
  calendar?: WorkingCalendar;
  /** The plan's supervision notices, closed ones too (those open at the bulletin's instant are listed). */
  notices: readonly SupervisionNotice[];
  unavailable: UnavailableTask[];
}

/** The instant a month's bulletin is counted as of: the last moment of the month, or `now` within it. */
export function bulletinInstant(plan: PlanFile, month: string, now: number): number {
  return Math.min(now, monthBounds(month, plan.policy.utcOffset).end - 1);
}

/** The month's bulletin from the tasks' records. */
export function buildBulletin(input: BulletinInput): Bulletin {
  const { plan, month, now, views, scores, notices, unavailable, calendar } = input;
  const offset = plan.policy.utcOffset;
  const { start, end } = monthBounds(month, offset);
  const asOf = bulletinInstant(plan, month, now);
  const date = localDate(asOf, offset);
  const byId = new Map(plan.departments.map((d) => [d.id, d]));
  const named = (department: string) => ({
    department,
    name: byId.get(department)?.name ?? { zh: department, en: department },
  });
  const sorted = [...views].sort((a, b) => a.taskNumber - b.taskNumber);

  const byLight = zeroLights();
  const sections = new Map<number, Record<TaskLight, number>>();
  for (const view of sorted) {
    const light = STATUS_LIGHT[statusAt(view, plan, asOf)];
    byLight[light]++;
    const s = sections.get(view.section) ?? zeroLights();
    s[light]++;
    sections.set(view.section, s);
  }
  const bySection = boardSections(plan)
    .filter((s) => sections.has(s.number))
    .map((s) => {
      const lights = sections.get(s.number)!;
      return {
        section: s.number,
        numeral: s.numeral,
        title: s.title,
        total: LIGHTS.reduce((n, l) => n + lights[l], 0),
        byLight: lights,
      };
    });

  const within = (at: string | undefined) => at !== undefined && Date.parse(at) >= start && Date.parse(at) < end;
  const completedTasks = sorted
    .filter((v) => within(v.completedAt) && Date.parse(v.completedAt!) <= asOf)
    .map((v) => ({
      taskNumber: v.taskNumber,
      title: v.title,
      lead: named(v.lead),
      on: localDate(Date.parse(v.completedAt!), offset),
    }));
  const completedMilestones = sorted.flatMap((v) =>
    v.milestones
      .filter((m) => m.state === 'completed' && within(m.completedAt) && Date.parse(m.completedAt!) <= asOf)
      .map((m) => ({
        taskNumber: v.taskNumber,
        milestoneId: m.id,
        milestoneTitle: m.title,
        on: localDate(Date.parse(m.completedAt!), offset),
        daysLate: milestoneAt(m, offset, asOf, calendar).daysLate,
      })),
  );
  const overdueMilestones = sorted
    .flatMap((v) =>
      v.milestones.flatMap((m) => {
        if (m.state === 'cancelled' || (v.cancellation && Date.parse(v.cancellation.at) <= asOf)) return [];
        const at = milestoneAt(m, offset, asOf, calendar);
        if (!at.opened || at.completed || at.daysLate === 0) return [];
        return [
          {
            taskNumber: v.taskNumber,
            taskTitle: v.title,
            milestoneId: m.id,
            milestoneTitle: m.title,
            dueDate: m.dueDate,
            daysLate: at.daysLate,
            lead: named(v.lead),
            pending: collapseMembers(plan, unitsPendingAt(m, asOf)).map(named),
          },
        ];
      }),
    )
    .sort((a, b) => b.daysLate - a.daysLate || a.taskNumber - b.taskNumber);

  const openNotices = notices
    .filter((n) => Date.parse(n.issuedAt) <= asOf && (n.closedAt === undefined || Date.parse(n.closedAt) > asOf))
    .sort((a, b) => (a.serial ?? Infinity) - (b.serial ?? Infinity) || a.issuedAt.localeCompare(b.issuedAt))
    .map((n) => {
      const answered = new Set(n.answers.filter((a) => Date.parse(a.at) <= asOf).map((a) => a.department));
      const unanswered = n.units.filter((u) => !answered.has(u));
      return {
        noticeId: n.id,
        number: n.number,
        taskNumber: n.taskNumber,
        taskTitle: n.taskTitle,
        milestoneTitle: n.milestoneTitle,
        level: n.level,
        daysLate: n.daysLate,
        issuedOn: n.issuedOn,
        answerBy: n.answerBy,
        units: collapseMembers(plan, n.units).map(named),
        unanswered: collapseMembers(plan, unanswered).map(named),
        overdue: unanswered.length > 0 && n.answerBy < date,
      };
    });

  const scored = scores !== undefined;
  const withScore = (s: DepartmentScore) => ({ ...named(s.department), score: s.score });
  const commended = (scores ?? []).filter((s) => s.standing === 'commended').map(withScore);
  const criticised = (scores ?? []).filter((s) => s.standing === 'criticised').map(withScore);
  const [y, m] = month.split('-').map(Number);
  const title = `${plan.issuer}关于${y}年${m}月${subjectOf(plan)}推进情况的通报`;
  const bulletin: Omit<Bulletin, 'paragraphs'> = {
    planId: plan.id,
    month,
    asOf: iso(asOf),
    monthClosed: now >= end,
    title,
    issuer: plan.issuer,
    date,
    salutation: '各司局、各单位：',
    total: sorted.length,
    byLight,
    bySection,
    completedTasks,
    completedMilestones,
    overdueMilestones,
    openNotices,
    commended,
    criticised,
    scored,
    unavailable,
  };
  return { ...bulletin, paragraphs: bulletinParagraphs(plan, bulletin) };
}

const zhList = (xs: string[]) => xs.join('、');

/** The body of the bulletin, paragraph by paragraph, in the register of an official notice. */
function bulletinParagraphs(plan: PlanFile, b: Omit<Bulletin, 'paragraphs'>): string[] {
  const cut = chineseDate(b.date);
  const p: string[] = [];
  p.push(`为及时掌握《${plan.title.zh}》各项重点任务推进情况，加强督查督办，现将截至${cut}的推进情况通报如下。`);
  p.push('一、总体情况');
  const l = b.byLight;
  p.push(
    `纳入督办的重点任务共${b.total}项。其中，已完成${l.grey}项，正常推进${l.green}项，即将到期${l.yellow}项，` +
      `已逾期${l.red}项，升级督办${l.deepred}项。`,
  );
  if (b.bySection.length > 0) {
    const parts = b.bySection.map(
      (s) =>
        `第（${s.numeral}）部分“${s.title.zh}”${s.total}项（已完成${s.byLight.grey}项、` +
        `逾期及升级督办${s.byLight.red + s.byLight.deepred}项）`,
    );
    p.push(`分部分看：${parts.join('；')}。`);
  }
  p.push('二、本月完成情况');
  const late = b.completedMilestones.filter((m) => m.daysLate > 0).length;
  const milestones =
    b.completedMilestones.length === 0
      ? '本月无办结节点。'
      : `本月共办结节点${b.completedMilestones.length}个，其中按时办结${b.completedMilestones.length - late}个，逾期办结${late}个。`;
  const tasks =
    b.completedTasks.length === 0
      ? '本月无全部完成的重点任务。'
      : `本月全部完成的重点任务${b.completedTasks.length}项：${b.completedTasks
          .map((t) => `任务${t.taskNumber}“${t.title.zh}”（牵头单位：${t.lead.name.zh}，${chineseDate(t.on)}完成）`)
          .join('；')}。`;
  p.push(`${milestones}${tasks}`);
  p.push('三、逾期情况');
  if (b.overdueMilestones.length === 0) p.push(`截至${cut}，无逾期未办结的节点。`);
  else {
    p.push(`截至${cut}，共有${b.overdueMilestones.length}个节点逾期未办结：`);
    b.overdueMilestones.forEach((m, i) =>
      p.push(
        `${i + 1}. 任务${m.taskNumber}“${m.taskTitle.zh}”的“${m.milestoneTitle.zh}”节点，截止日期${chineseDate(m.dueDate)}，` +
          `已逾期${m.daysLate}天。牵头单位：${m.lead.name.zh}；尚未办结单位：${m.pending.length > 0 ? zhList(m.pending.map((u) => u.name.zh)) : '无'}。`,
      ),
    );
  }
  p.push('四、督办单办理情况');
  if (b.openNotices.length === 0) p.push(`截至${cut}，无未办结的督办单。`);
  else {
    p.push(`截至${cut}，尚有${b.openNotices.length}件督办单未办结：`);
    b.openNotices.forEach((n, i) =>
      p.push(
        `${i + 1}. ${n.number ?? '督办单（待编号）'}，${chineseDate(n.issuedOn)}就任务${n.taskNumber}“${n.taskTitle.zh}”的` +
          `“${n.milestoneTitle.zh}”节点（逾期${n.daysLate}天）发出，督办单位：${zhList(n.units.map((u) => u.name.zh))}，` +
          `答复期限${chineseDate(n.answerBy)}。` +
          (n.unanswered.length === 0
            ? '各单位均已答复。'
            : `尚未答复单位：${zhList(n.unanswered.map((u) => u.name.zh))}${n.overdue ? '，已超过答复期限' : ''}。`),
      ),
    );
  }
  if (b.scored) {
    p.push('五、考核情况');
    const score = (xs: { name: Bilingual; score: number }[]) => zhList(xs.map((x) => `${x.name.zh}（${x.score}分）`));
    p.push(
      b.commended.length > 0
        ? `按照考核计分规则，${score(b.commended)}推进有力、按时办结，予以表扬。`
        : '按照考核计分规则，本月无予以表扬的单位。',
    );
    p.push(
      b.criticised.length > 0
        ? `${score(b.criticised)}存在节点逾期等问题，得分低于规定分值，予以通报批评。`
        : '本月无予以通报批评的单位。',
    );
  }
  p.push(
    '请各司局、各单位对照本通报，认真查找问题。逾期事项的牵头单位要会同配合单位抓紧办理，' +
      '并于下次通报前将整改情况报办公厅。',
  );
  return p;
}

const escapeHtml = (s: string) =>
  s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

/** The print page's style: A4 portrait, official-notice layout (仿宋 body, 小标宋 title). */
const STYLE = `
@page { size: A4 portrait; margin: 25mm 22mm 22mm 26mm; }
html { background: #fff; color: #000; }
body { font-family: "FangSong", "STFangsong", "仿宋", "Noto Serif CJK SC", "Source Han Serif SC", serif; font-size: 16pt; line-height: 1.75; margin: 0 auto; max-width: 162mm; }
h1 { font-family: "SimSun", "STSong", "Noto Serif CJK SC", serif; font-size: 20pt; font-weight: bold; text-align: center; line-height: 1.5; margin: 0 0 1em; }
p { margin: 0; text-indent: 2em; }
p.salutation { text-indent: 0; }
p.heading { font-family: "SimHei", "Noto Sans CJK SC", sans-serif; }
table { border-collapse: collapse; width: 100%; font-size: 11pt; line-height: 1.4; margin: 0.5em 0 1em; page-break-inside: auto; }
th, td { border: 1px solid #000; padding: 2pt 4pt; text-align: center; }
thead { display: table-header-group; }
tr { page-break-inside: avoid; }
.signature { text-align: right; margin-top: 2em; text-indent: 0; }
`;

/** The SHA-256 of the page's only style, for its content security policy. */
export const BULLETIN_STYLE_HASH = `sha256-${createHash('sha256').update(STYLE).digest('base64')}`;

const HEADINGS = new Set(['一、总体情况', '二、本月完成情况', '三、逾期情况', '四、督办单办理情况', '五、考核情况']);

/** The bulletin as a self-contained printable A4 page (no script, no outside resource). */
export function bulletinHtml(b: Bulletin): string {
  const rows = b.bySection
    .map(
      (s) =>
        `<tr><td>（${escapeHtml(s.numeral)}）${escapeHtml(s.title.zh)}</td><td>${s.total}</td>` +
        LIGHTS.map((l) => `<td>${s.byLight[l]}</td>`).join('') +
        '</tr>',
    )
    .join('');
  const table =
    `<table aria-label="分部分统计"><thead><tr><th>部分</th><th>任务数</th><th>正常推进</th><th>即将到期</th>` +
    `<th>已逾期</th><th>升级督办</th><th>已完成</th></tr></thead><tbody>${rows}` +
    `<tr><td>合计</td><td>${b.total}</td>${LIGHTS.map((l) => `<td>${b.byLight[l]}</td>`).join('')}</tr></tbody></table>`;
  const body = b.paragraphs
    .map((text) => {
      const heading = HEADINGS.has(text);
      const html = `<p${heading ? ' class="heading"' : ''}>${escapeHtml(text)}</p>`;
      return text === '二、本月完成情况' ? `${table}${html}` : html;
    })
    .join('\n');
  return `<!doctype html>
<html lang="zh-CN">
<head><meta charset="utf-8"><title>${escapeHtml(b.title)}</title><style>${STYLE}</style></head>
<body>
<h1>${escapeHtml(b.title)}</h1>
<p class="salutation">${escapeHtml(b.salutation)}</p>
${body}
<p class="signature">${escapeHtml(b.issuer)}<br>${escapeHtml(chineseDate(b.date))}</p>
</body>
</html>
`;
}
