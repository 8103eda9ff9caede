// The board's office charts, apart from the board's own rows: the departments' league (sortable by any
// column the API answers) and the overdue milestones per day. Each is one API call for the chosen plan and
// the board's department filter (`GET /api/charts/league`, `GET /api/charts/overdue`).
import { api } from '../api.js';
import { departmentLeagueChart, overdueHistoryChart, sortLeague } from '../charts.js';
import { h, replace } from '../dom.js';
import { pick, t } from '../i18n.js';
import { errorBox } from '../ui.js';

/** The league's sort, kept while the page is open: a redraw, a refresh or the language switch keep it. */
const sort = { key: 'overdue', direction: 'worst' };
/** How many units the league shows until the user asks for all (the 2016 plan has 68 with the provinces). */
const LEAGUE_FIRST = 15;
const shown = { all: false };

/**
 * The office charts of one board: `element(department)` answers the cards for that filter (loaded once per
 * filter and kept, so the board's redraws do not ask again), `reload()` asks again on the board's refresh.
 */
export function boardCharts(plan, name) {
  const cards = new Map();

  function leagueCard(league) {
    const body = h('div', {});
    const draw = () => {
      const column = league.columns.find((c) => c.key === sort.key) ?? league.columns[0];
      const rows = sortLeague(league.rows, column, sort.direction);
      replace(
        body,
        h(
          'div',
          { class: 'league-sort no-print', role: 'group', 'aria-label': t('chart.league.sort') },
          h('span', { class: 'muted small' }, t('chart.league.sort')),
          league.columns.map((c) =>
            h(
              'button',
              {
                type: 'button',
                'data-testid': `league-sort-${c.key}`,
                'aria-pressed': c.key === column.key ? 'true' : 'false',
                title: pick(c.help),
                onclick: () => {
                  if (sort.key === c.key) sort.direction = sort.direction === 'worst' ? 'best' : 'worst';
                  else Object.assign(sort, { key: c.key, direction: 'worst' });
                  draw();
                },
              },
              pick(c.label),
              c.key === column.key ? ` ${sort.direction === 'worst' ? '▼' : '▲'}` : '',
            ),
          ),
          h(
            'span',
            { class: 'muted small', 'data-testid': 'league-order' },
            t(sort.direction === 'worst' ? 'chart.league.worstFirst' : 'chart.league.bestFirst'),
          ),
        ),
        rows.length
          ? departmentLeagueChart(league, shown.all ? rows : rows.slice(0, LEAGUE_FIRST), column.key, name)
          : h('p', {}, t('chart.league.empty')),
        rows.length > LEAGUE_FIRST
          ? h(
              'button',
              {
                type: 'button',
                class: 'link no-print',
                'data-testid': 'league-all',
                onclick: () => {
                  shown.all = !shown.all;
                  draw();
                },
              },
              shown.all ? t('chart.league.first', { n: LEAGUE_FIRST }) : t('chart.league.all', { n: rows.length }),
            )
          : null,
      );
    };
    draw();
    return body;
  }

  function load(department) {
    const q = department ? `?department=${encodeURIComponent(department)}` : '';
    const league = h('div', {}, h('p', { class: 'muted' }, t('common.loading')));
    const overdue = h('div', {}, h('p', { class: 'muted' }, t('common.loading')));
    api(`/api/charts/league${q}`).then(
      (answer) => replace(league, leagueCard(answer)),
      (err) => replace(league, errorBox(err, plan)),
    );
    api(`/api/charts/overdue${q}`).then(
      (answer) => replace(overdue, overdueHistoryChart(answer.days)),
      (err) => replace(overdue, errorBox(err, plan)),
    );
    return h(
      'div',
      { class: 'office-charts' },
      h(
        'section',
        { class: 'card chart-card', 'data-testid': 'league' },
        h('h2', {}, t('chart.league.title')),
        h('p', { class: 'muted small' }, t('chart.league.help')),
        league,
      ),
      h(
        'section',
        { class: 'card chart-card', 'data-testid': 'overdue-history' },
        h('h2', {}, t('chart.overdue.title')),
        h('p', { class: 'muted small' }, t('chart.overdue.help')),
        overdue,
      ),
    );
  }

  return {
    element(department = '') {
      if (!cards.has(department)) cards.set(department, load(department));
      return cards.get(department);
    },
    reload() {
      cards.clear();
    },
  };
}
