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
