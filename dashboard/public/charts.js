// Charts drawn as plain SVG from the data the page already has (no library, no CDN). Every colour has its
// words beside it: a legend with the status words, and each bar segment carries its count and a tooltip.
import { lang, pick, t } from './i18n.js';

const SVG_NS = 'http://www.w3.org/2000/svg';

/** Creates an SVG element; `attrs` become attributes, children are nodes or strings (as text). */
function svg(tag, attrs = {}, ...children) {
  const el = document.createElementNS(SVG_NS, tag);
  for (const [name, value] of Object.entries(attrs)) {
    if (value !== null && value !== undefined) el.setAttribute(name, String(value));
  }
  for (const child of children.flat(Infinity)) {
    if (child === null || child === undefined || child === false) continue;
    el.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return el;
}

/**
 * The progress categories of a task, in the order the bars stack them (done first, worst last), with the
 * light whose colour they take. A task without a status yet is left out of the counts.
 */
export const PROGRESS = [
  { status: 'completed', light: 'grey' },
  { status: 'on_track', light: 'green' },
  { status: 'due_soon', light: 'yellow' },
  { status: 'overdue', light: 'red' },
  { status: 'escalated', light: 'deepred' },
  { status: 'cancelled', light: 'none' },
];

/** Tasks per section and status, from the task rows: `[{ section, total, counts: { status: n } }]`. */
export function sectionProgress(plan, rows) {
  return plan.sections.map((section) => {
    const mine = rows.filter((r) => r.section === section.number);
    const counts = Object.fromEntries(
      PROGRESS.map((p) => [p.status, mine.filter((r) => r.status === p.status).length]),
    );
    return { section, total: mine.length, counts };
  });
}

const WIDTH = 960;
const LABEL = 330;
const BAR = 500;
const ROW = 30;
const TOP = 44;

/**
 * A horizontal stacked bar per section: its tasks done, on track, due soon, overdue, escalated (and
 * cancelled, when any is), each segment with its number, the section's share done at the right, and a
 * legend of every colour with its words. Sections without tasks (after the board's filter) are left out.
 */
export function sectionProgressChart(plan, rows) {
  const data = sectionProgress(plan, rows).filter((d) => d.total > 0);
  const shown = PROGRESS.filter((p) => p.status !== 'cancelled' || data.some((d) => d.counts.cancelled > 0));
  const height = TOP + data.length * ROW + 8;
  const legend = svg(
    'g',
    { class: 'legend', 'data-testid': 'chart-legend' },
    shown.map((p, i) =>
      svg(
        'g',
        { transform: `translate(${i * 150}, 8)`, 'data-status': p.status },
        svg('rect', { width: 14, height: 14, rx: 3, class: `seg light-${p.light}` }),
        svg('text', { x: 20, y: 12, class: 'legend-word' }, t(`status.${p.status}`)),
      ),
    ),
  );
  const bars = data.map((d, i) => {
    const y = TOP + i * ROW;
    let x = LABEL;
    const title = t('board.section', {
      number: d.section.number,
      numeral: d.section.numeral,
      title: pick(d.section.title),
    });
    const summary = shown.map((p) => `${t(`status.${p.status}`)} ${d.counts[p.status]}`).join(t('chart.sep'));
    const segments = shown.map((p) => {
      const n = d.counts[p.status];
      if (n === 0) return null;
      const w = (BAR * n) / d.total;
      const seg = svg(
        'g',
        { 'data-testid': 'chart-segment', 'data-status': p.status, 'data-count': n },
        svg('rect', { x, y, width: w, height: ROW - 8, class: `seg light-${p.light}` }),
        w >= 18 ? svg('text', { x: x + w / 2, y: y + 16, class: `seg-count on-${p.light}` }, String(n)) : null,
        svg('title', {}, `${t(`status.${p.status}`)}: ${n}`),
      );
      x += w;
      return seg;
    });
    const done = d.counts.completed;
    return svg(
      'g',
      { 'data-testid': 'chart-section', 'data-section': d.section.number },
      svg('title', {}, `${title}: ${summary}`),
      svg('text', { x: LABEL - 8, y: y + 16, class: 'bar-label' }, truncate(title, lang() === 'en' ? 46 : 22)),
      segments,
      svg('text', { x: LABEL + BAR + 10, y: y + 16, class: 'bar-done' }, t('chart.done', { done, total: d.total })),
    );
  });
  return svg(
    'svg',
    {
      viewBox: `0 0 ${WIDTH} ${height}`,
      width: '100%',
      role: 'img',
      'aria-label': t('chart.sections.title'),
      class: 'chart',
      'data-testid': 'section-chart',
    },
    legend,
    bars,
  );
}

function truncate(text, max) {
  const chars = [...text];
  return chars.length > max ? `${chars.slice(0, max - 1).join('')}…` : text;
}

/** A number as a column of the league writes it: counts whole, percentages and days with one decimal. */
export function leagueValue(column, value) {
  if (value === null || value === undefined) return '—';
  if (column.unit === 'percent') return `${Number(value).toFixed(1)}%`;
  if (column.unit === 'days') return t('chart.league.days', { n: Number(value).toFixed(1) });
  return String(value);
}

/**
 * The league's rows sorted by one column: `direction` `worst` puts the units doing worst on that column first
 * (most overdue, lowest on-time rate), `best` the others; units with nothing to count (`—`) go last either way.
 */
export function sortLeague(rows, column, direction = 'worst') {
  const sign = (column.better === 'higher') === (direction === 'worst') ? 1 : -1;
  return [...rows].sort((a, b) => {
    const x = a.values[column.key];
    const y = b.values[column.key];
    if (x === null || x === undefined) return y === null || y === undefined ? 0 : 1;
    if (y === null || y === undefined) return -1;
    return sign * (x - y);
  });
}

const LEAGUE_NAME = 200;
const LEAGUE_BAR = 260;
const LEAGUE_COL = 118;
const LEAGUE_ROW = 26;
const LEAGUE_TOP = 58;

/**
 * The departments' league (`GET /api/charts/league`) as SVG: one line per unit in the given order, a bar of
 * the sorted column (its words in the legend) and every column's number beside it, the sorted one in bold.
 * Columns come from the answer, so one added later (a score) is drawn like the others. `name` gives a unit's
 * words from its id.
 */
export function departmentLeagueChart(league, rows, sortKey, name) {
  const columns = league.columns;
  const sorted = columns.find((c) => c.key === sortKey) ?? columns[0];
  const max = Math.max(1, ...rows.map((r) => Number(r.values[sorted.key] ?? 0)));
  const scale = (v) => (sorted.unit === 'percent' ? (LEAGUE_BAR * v) / 100 : (LEAGUE_BAR * v) / max);
  const width = LEAGUE_NAME + LEAGUE_BAR + 24 + columns.length * LEAGUE_COL;
  const height = LEAGUE_TOP + rows.length * LEAGUE_ROW + 8;
  const numbersX = LEAGUE_NAME + LEAGUE_BAR + 24;
  const legend = svg(
    'g',
    { class: 'legend', 'data-testid': 'league-legend' },
    svg('rect', { x: 0, y: 6, width: 14, height: 14, rx: 3, class: `league-bar better-${sorted.better}` }),
    svg(
      'text',
      { x: 20, y: 18, class: 'legend-word' },
      t('chart.league.bar', { column: pick(sorted.label), help: pick(sorted.help) }),
    ),
  );
  const heads = columns.map((c, i) =>
    svg(
      'text',
      {
        x: numbersX + i * LEAGUE_COL + LEAGUE_COL - 10,
        y: LEAGUE_TOP - 8,
        class: `col-head${c.key === sorted.key ? ' sorted' : ''}`,
        'data-column': c.key,
      },
      truncate(pick(c.label), lang() === 'en' ? 17 : 7),
      svg('title', {}, `${pick(c.label)}: ${pick(c.help)}`),
    ),
  );
  const lines = rows.map((r, i) => {
    const y = LEAGUE_TOP + i * LEAGUE_ROW;
    const value = r.values[sorted.key];
    const w = value === null || value === undefined ? 0 : Math.max(value > 0 ? 2 : 0, scale(Number(value)));
    return svg(
      'g',
      { 'data-testid': 'league-row', 'data-department': r.department, 'data-value': value ?? '' },
      svg(
        'title',
        {},
        `${name(r.department)}: ${columns.map((c) => `${pick(c.label)} ${leagueValue(c, r.values[c.key])}`).join(t('chart.sep'))}`,
      ),
      i % 2 === 0 ? svg('rect', { x: 0, y: y - 2, width, height: LEAGUE_ROW, class: 'league-stripe' }) : null,
      svg('text', { x: LEAGUE_NAME - 8, y: y + 15, class: 'bar-label' }, truncate(name(r.department), 14)),
      svg('rect', {
        x: LEAGUE_NAME,
        y: y + 3,
        width: w,
        height: LEAGUE_ROW - 10,
        class: `league-bar better-${sorted.better}`,
      }),
      columns.map((c, k) =>
        svg(
          'text',
          {
            x: numbersX + k * LEAGUE_COL + LEAGUE_COL - 10,
            y: y + 15,
            class: `num${c.key === sorted.key ? ' sorted' : ''}`,
            'data-column': c.key,
          },
          leagueValue(c, r.values[c.key]),
        ),
      ),
    );
  });
  return svg(
    'svg',
    {
      viewBox: `0 0 ${width} ${height}`,
      width: '100%',
      role: 'img',
      'aria-label': `${t('chart.league.title')}: ${t('chart.league.sortedBy', { column: pick(sorted.label) })}`,
      class: 'chart league',
      'data-testid': 'league-chart',
      'data-sorted': sorted.key,
    },
    legend,
    heads,
    lines,
  );
}

const LINE_W = 960;
const LINE_H = 220;
const LINE_LEFT = 44;
const LINE_BOTTOM = 28;
const LINE_TOP = 34;

/**
 * Overdue milestones per day (`GET /api/charts/overdue`) as an SVG area over the days, with the largest count
 * and today's at the left and right, a few dates along the bottom, a tooltip per day and the legend's words
 * beside the colour.
 */
export function overdueHistoryChart(days) {
  const max = Math.max(1, ...days.map((d) => d.overdue));
  const plotW = LINE_W - LINE_LEFT - 70;
  const plotH = LINE_H - LINE_TOP - LINE_BOTTOM;
  const x = (i) => LINE_LEFT + (days.length <= 1 ? plotW : (plotW * i) / (days.length - 1));
  const y = (v) => LINE_TOP + plotH - (plotH * v) / max;
  const points = days.map((d, i) => `${x(i).toFixed(1)},${y(d.overdue).toFixed(1)}`);
  const base = LINE_TOP + plotH;
  const area = days.length
    ? `M${x(0).toFixed(1)},${base} L${points.join(' L')} L${x(days.length - 1).toFixed(1)},${base} Z`
    : '';
  const last = days.at(-1);
  const peak = days.reduce((best, d) => (d.overdue > (best?.overdue ?? -1) ? d : best), undefined);
  const ticks = days.length ? [...new Set([0, Math.floor((days.length - 1) / 2), days.length - 1])] : [];
  const step = Math.max(1, plotW / Math.max(1, days.length));
  return svg(
    'svg',
    {
      viewBox: `0 0 ${LINE_W} ${LINE_H}`,
      width: '100%',
      role: 'img',
      'aria-label': t('chart.overdue.aria', { today: last?.overdue ?? 0, peak: peak?.overdue ?? 0 }),
      class: 'chart overdue-history',
      'data-testid': 'overdue-chart',
      'data-today': last?.overdue ?? 0,
      'data-days': days.length,
    },
    svg(
      'g',
      { class: 'legend', 'data-testid': 'overdue-legend' },
      svg('rect', { x: LINE_LEFT, y: 6, width: 14, height: 14, rx: 3, class: 'overdue-area' }),
      svg('text', { x: LINE_LEFT + 20, y: 18, class: 'legend-word' }, t('chart.overdue.legend')),
    ),
    svg('line', { x1: LINE_LEFT, y1: base, x2: LINE_LEFT + plotW, y2: base, class: 'axis' }),
    svg('line', { x1: LINE_LEFT, y1: LINE_TOP, x2: LINE_LEFT, y2: base, class: 'axis' }),
    svg('text', { x: LINE_LEFT - 6, y: LINE_TOP + 4, class: 'bar-label' }, String(max)),
    svg('text', { x: LINE_LEFT - 6, y: base, class: 'bar-label' }, '0'),
    area ? svg('path', { d: area, class: 'overdue-area' }) : null,
    points.length ? svg('polyline', { points: points.join(' '), class: 'overdue-line' }) : null,
    ticks.map((i) => svg('text', { x: x(i), y: base + 18, class: 'tick' }, days[i].date)),
    last
      ? svg(
          'text',
          { x: x(days.length - 1) + 8, y: y(last.overdue) + 4, class: 'today', 'data-testid': 'overdue-today' },
          t('chart.overdue.today', { n: last.overdue }),
        )
      : null,
    days.map((d, i) =>
      svg(
        'rect',
        { x: x(i) - step / 2, y: LINE_TOP, width: step, height: plotH, class: 'hover' },
        svg('title', {}, t('chart.overdue.point', { date: d.date, n: d.overdue })),
      ),
    ),
    days.length === 0
      ? svg('text', { x: LINE_LEFT + 10, y: LINE_TOP + plotH / 2, class: 'empty' }, t('chart.overdue.empty'))
      : null,
  );
}

/** The states of a figure on the targets chart, with the class of their colour. */
export const FIGURE_STATES = ['met', 'not-met', 'none'];

const TARGET_LABEL = 300;
const TARGET_BAR = 440;
const TARGET_ROW = 30;
const TARGET_TOP = 40;

/**
 * Each core target's figures as bars: the latest reported figure against its target (the target at the full
 * mark, drawn as a line; a figure over it runs past to at most one and a half times), coloured met, not met
 * or not reported with those words in the legend and beside every bar. `figures` are
 * `{ id, label, value, unit, atLeast, reported, state }` with `reported` null when none was.
 */
export function targetFiguresChart(figures) {
  const height = TARGET_TOP + figures.length * TARGET_ROW + 8;
  const full = TARGET_BAR / 1.5;
  const legend = svg(
    'g',
    { class: 'legend', 'data-testid': 'targets-legend' },
    FIGURE_STATES.map((s, i) =>
      svg(
        'g',
        { transform: `translate(${i * 170}, 8)`, 'data-state': s },
        svg('rect', { width: 14, height: 14, rx: 3, class: `figure-bar state-${s}` }),
        svg('text', { x: 20, y: 12, class: 'legend-word' }, t(`chart.targets.${s}`)),
      ),
    ),
    svg('line', { x1: 520, y1: 6, x2: 520, y2: 22, class: 'target-line' }),
    svg('text', { x: 528, y: 20, class: 'legend-word' }, t('chart.targets.line')),
  );
  const bars = figures.map((f, i) => {
    const y = TARGET_TOP + i * TARGET_ROW;
    const share = f.reported === null || !f.value ? 0 : f.reported / f.value;
    const w = Math.min(TARGET_BAR, full * share);
    const words = t(`chart.targets.${f.state}`);
    const text =
      f.reported === null
        ? words
        : `${Number(f.reported).toLocaleString()}${f.unit} / ${Number(f.value).toLocaleString()}${f.unit} · ${words}`;
    return svg(
      'g',
      { 'data-testid': 'target-bar', 'data-figure': f.id, 'data-state': f.state },
      svg('title', {}, `${pick(f.label)}: ${text}`),
      svg(
        'text',
        { x: TARGET_LABEL - 8, y: y + 16, class: 'bar-label' },
        truncate(pick(f.label), lang() === 'en' ? 40 : 20),
      ),
      svg('rect', { x: TARGET_LABEL, y: y + 2, width: TARGET_BAR, height: TARGET_ROW - 10, class: 'figure-track' }),
      w > 0
        ? svg('rect', {
            x: TARGET_LABEL,
            y: y + 2,
            width: w,
            height: TARGET_ROW - 10,
            class: `figure-bar state-${f.state}`,
          })
        : null,
      svg('line', {
        x1: TARGET_LABEL + full,
        y1: y - 1,
        x2: TARGET_LABEL + full,
        y2: y + TARGET_ROW - 5,
        class: 'target-line',
      }),
      svg('text', { x: TARGET_LABEL + TARGET_BAR + 10, y: y + 16, class: 'bar-done' }, text),
    );
  });
  return svg(
    'svg',
    {
      viewBox: `0 0 ${TARGET_LABEL + TARGET_BAR + 330} ${height}`,
      width: '100%',
      role: 'img',
      'aria-label': t('chart.targets.title'),
      class: 'chart targets-chart',
      'data-testid': 'targets-chart',
    },
    legend,
    bars,
  );
}
