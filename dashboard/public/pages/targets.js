// Plan targets (/targets): the core targets of the plan, each figure with its target value and the latest
// figure reported so far by a lead unit's approved sign-off (from the linked tasks' states).
import { ApiError, api, loadPlan, mapLimit } from '../api.js';
import { targetFiguresChart } from '../charts.js';
import { h, replace } from '../dom.js';
import { formatTime, pick, t } from '../i18n.js';

/** Every approved report of a figure in the given task states, latest first. */
export function reportsOf(figureId, states) {
  const reports = [];
  for (const task of states) {
    for (const m of task.milestones) {
      for (const round of m.rounds) {
        for (const s of round.signOffs) {
          if (s.decision === 'approve' && s.figures && figureId in s.figures) {
            reports.push({
              value: s.figures[figureId],
              person: s.person,
              at: s.at,
              task: task.taskNumber,
              milestone: m,
            });
          }
        }
      }
    }
  }
  return reports.sort((a, b) => b.at.localeCompare(a.at));
}

function format(value, unit) {
  return `${Number(value).toLocaleString()}${unit}`;
}

/** Draws the targets page. */
export async function renderTargets(ctx) {
  const { root } = ctx;
  replace(root, h('p', { class: 'muted' }, t('common.loading')));
  const plan = await loadPlan();
  const linked = [...new Set(plan.targets.flatMap((x) => x.figures.flatMap((f) => f.tasks)))].sort((a, b) => a - b);
  const forbidden = new Set();
  const states = (
    await mapLimit(linked, 6, async (n) => {
      try {
        return await api(`/api/tasks/${n}`);
      } catch (err) {
        if (err instanceof ApiError && (err.status === 403 || err.status === 404)) {
          forbidden.add(n);
          return null;
        }
        throw err;
      }
    })
  ).filter(Boolean);

  let total = 0;
  let reported = 0;
  let met = 0;
  /** Every figure with its latest report, for the chart above the cards. */
  const charted = [];
  const cards = plan.targets.map((target) => {
    const rows = target.figures.map((f) => {
      total += 1;
      const latest = reportsOf(f.id, states)[0];
      const ok = latest ? (f.atLeast === false ? latest.value <= f.value : latest.value >= f.value) : null;
      if (latest) reported += 1;
      if (ok) met += 1;
      const hidden = f.tasks.every((n) => forbidden.has(n));
      charted.push({ ...f, reported: latest ? latest.value : null, state: latest ? (ok ? 'met' : 'not-met') : 'none' });
      return h(
        'tr',
        { 'data-testid': 'figure', 'data-figure': f.id, 'data-state': latest ? (ok ? 'met' : 'not-met') : 'none' },
        h('td', { 'data-label': t('targets.col.figure') }, pick(f.label), h('small', { class: 'muted' }, f.population)),
        h(
          'td',
          { 'data-label': t('targets.col.target') },
          f.atLeast === false
            ? format(f.value, f.unit)
            : t('targets.atLeast', { value: Number(f.value).toLocaleString(), unit: f.unit }),
        ),
        h(
          'td',
          { 'data-label': t('targets.col.reported'), 'data-testid': 'reported' },
          latest
            ? [
                h('strong', {}, format(latest.value, f.unit)),
                h(
                  'small',
                  { class: 'muted' },
                  t('targets.reportedBy', { person: latest.person, time: formatTime(latest.at), task: latest.task }),
                ),
              ]
            : h('span', { class: 'muted' }, hidden ? t('common.forbidden') : t('targets.notReported')),
        ),
        h(
          'td',
          { 'data-label': t('targets.col.tasks') },
          f.tasks.map((n, i) => [i ? '、' : '', h('a', { href: `/tasks/${n}` }, String(n))]),
        ),
        h(
          'td',
          { 'data-label': t('targets.col.state') },
          latest
            ? h('span', { class: `chip ${ok ? 'met' : 'not-met'}` }, t(ok ? 'targets.met' : 'targets.notMet'))
            : '—',
        ),
      );
    });
    return h(
      'section',
      { class: 'card target', 'data-testid': 'target', 'data-target': target.number },
      h(
        'h2',
        {},
        h('span', { class: 'subtitle' }, t('targets.target', { number: target.number })),
        pick(target.summary),
      ),
      h('details', {}, h('summary', {}, t('targets.original')), h('p', { lang: 'zh-CN' }, target.text)),
      rows.length
        ? h(
            'table',
            { class: 'responsive' },
            h(
              'thead',
              {},
              h(
                'tr',
                {},
                ['figure', 'target', 'reported', 'tasks', 'state'].map((c) =>
                  h('th', { scope: 'col' }, t(`targets.col.${c}`)),
                ),
              ),
            ),
            h('tbody', {}, rows),
          )
        : h('p', { class: 'muted' }, t('targets.noFigures')),
    );
  });

  replace(
    root,
    h(
      'div',
      { class: 'page-head' },
      h('div', {}, h('h1', {}, t('targets.title')), h('p', { class: 'muted' }, t('targets.help'))),
      h('p', { class: 'summary', 'data-testid': 'targets-summary' }, t('targets.summary', { reported, total, met })),
    ),
    charted.length
      ? h(
          'section',
          { class: 'card chart-card', 'data-testid': 'targets-figures' },
          h('h2', {}, t('chart.targets.title')),
          h('p', { class: 'muted small' }, t('chart.targets.help')),
          targetFiguresChart(charted),
        )
      : null,
    h('div', { class: 'targets' }, cards),
  );
}
