// Board (/): the 24 tasks grouped by the plan's sections, a light each, counts per light, filters by
// department, light and a search (kept in the address, so a wall screen can be set to one view), and a
// table of what each department holds up. One `GET /api/tasks` per refresh; filters work on the rows held.
// With thousands of tasks each section shows a page of rows at a time (board-scale.js).
import { api, download, loadPlan, whoAmI } from '../api.js';
import { loadNotices, noticeSection } from '../notices.js';
import { sectionProgressChart } from '../charts.js';
import { boardCharts } from './board-charts.js';
import { h, replace } from '../dom.js';
import { daysBetween, formatTime, pick, planDate, t } from '../i18n.js';
import { LIGHTS, departmentNames, errorBox, lightBadge, lightOf, milestoneTitle } from '../ui.js';
import { createSearchBox, createSectionPaging, matchesSearch, moreRowsButton } from './board-scale.js';

const REFRESH_MS = 60_000;

/** Pending sign-offs, overdue milestones and average days late per department, from the task rows. */
export function departmentLoad(rows, today) {
  const load = new Map();
  for (const row of rows) {
    if (!row.currentMilestone || row.status === 'completed' || row.status === 'cancelled') continue;
    const late = row.status === 'overdue' || row.status === 'escalated';
    const days = late && row.nextDue ? Math.max(0, daysBetween(row.nextDue, today)) : 0;
    for (const d of row.pendingDepartments) {
      const entry = load.get(d) ?? { department: d, pending: 0, overdue: 0, daysLate: 0 };
      entry.pending += 1;
      if (late) {
        entry.overdue += 1;
        entry.daysLate += days;
      }
      load.set(d, entry);
    }
  }
  return [...load.values()]
    .map((e) => ({ ...e, averageDaysLate: e.overdue ? e.daysLate / e.overdue : 0 }))
    .sort((a, b) => b.overdue - a.overdue || b.averageDaysLate - a.averageDaysLate || b.pending - a.pending);
}

function dueText(row, today) {
  if (!row.nextDue || row.status === 'completed' || row.status === 'cancelled') return '';
  const left = daysBetween(today, row.nextDue);
  if (left > 0) return t('board.dueIn', { n: left });
  if (left === 0) return t('board.dueToday');
  return t('board.late', { n: -left });
}

/**
 * The closed loop's chips of a task row (`row.loop`, on runs whose plan asks for receipt or progress reports):
 * stalled since when, the period whose progress report is missing, units past their receipt time, disputes
 * waiting for the office. Drawn from the row alone, so the board makes no request per row.
 */
function loopChips(loop, name) {
  if (!loop) return null;
  const chip = (testId, text) => h('small', { class: `chip loop ${testId}`, 'data-testid': testId }, text);
  const chips = [
    loop.stalledSince
      ? chip('stalled', t('board.loop.stalled', { date: planDate(Date.parse(loop.stalledSince)) }))
      : null,
    loop.reportMissing ? chip('report-missing', t('board.loop.reportMissing', { period: loop.reportMissing })) : null,
    loop.unreceived.length
      ? chip('unreceived', t('board.loop.unreceived', { list: loop.unreceived.map(name).join('、') }))
      : null,
    loop.disputed.length
      ? chip('disputed', t('board.loop.disputed', { list: loop.disputed.map(name).join('、') }))
      : null,
  ].filter(Boolean);
  return chips.length ? h('span', { class: 'loop-chips' }, chips) : null;
}

/** Draws the board; refreshes every minute while shown. */
export async function renderBoard(ctx) {
  const { root } = ctx;
  replace(root, h('p', { class: 'muted' }, t('common.loading')));
  const plan = await loadPlan();
  let rows = (await api('/api/tasks')).tasks;
  // The open supervision notices (督办单): a coordinator's, those naming its unit.
  let notices = await loadNotices();
  const me = await whoAmI();
  let fetchedAt = Date.now();
  const name = departmentNames(plan);
  const filters = {
    department: ctx.query.get('department') ?? '',
    light: ctx.query.get('light') ?? '',
    search: ctx.query.get('q') ?? '',
  };
  // Thousands of tasks: each section shows a page of rows, and the search filters what is held (board-scale.js).
  const paging = createSectionPaging();
  const search = createSearchBox(filters.search, (value) => setFilter('search', value));
  // The league and the overdue history: their own module (board-charts.js), their own requests.
  const officeCharts = boardCharts(plan, name);

  const downloadNote = h('span', { class: 'download-note', 'data-testid': 'download-note', role: 'status' });

  /** Downloads the ledger with the board's current filters (the API limits a coordinator to its own rows). */
  async function saveLedger(kind) {
    const q = new URLSearchParams();
    if (filters.department) q.set('department', filters.department);
    if (filters.light) q.set('light', filters.light);
    replace(downloadNote, t('board.ledger.preparing'));
    try {
      const name = await download(`/api/export/ledger.${kind}${q.size ? `?${q}` : ''}`, `ledger.${kind}`);
      replace(downloadNote, t('board.ledger.saved', { name }));
    } catch (err) {
      replace(downloadNote, errorBox(err, plan));
    }
  }

  const setFilter = (key, value) => {
    filters[key] = value;
    paging.reset();
    const q = new URLSearchParams();
    if (filters.department) q.set('department', filters.department);
    if (filters.light) q.set('light', filters.light);
    if (filters.search) q.set('q', filters.search);
    history.replaceState(null, '', `/${q.size ? `?${q}` : ''}`);
    draw();
  };

  function draw() {
    const today = planDate(Date.now());
    const searching = search.hasFocus();
    const byDept = (r) => !filters.department || r.departments.includes(filters.department);
    const shown = rows.filter(
      (r) => byDept(r) && (!filters.light || lightOf(r.status) === filters.light) && matchesSearch(r, filters.search),
    );
    const counted = rows.filter(byDept);
    const counts = Object.fromEntries(LIGHTS.map((l) => [l, counted.filter((r) => lightOf(r.status) === l).length]));

    const involved = plan.departments.filter((d) => rows.some((r) => r.departments.includes(d.id)));
    const countsBar = h(
      'div',
      { class: 'counts', 'data-testid': 'counts' },
      LIGHTS.map((light) =>
        h(
          'button',
          {
            type: 'button',
            class: `count light-${light}${filters.light === light ? ' selected' : ''}`,
            'data-testid': `count-${light}`,
            'aria-pressed': filters.light === light ? 'true' : 'false',
            onclick: () => setFilter('light', filters.light === light ? '' : light),
          },
          h('span', { class: 'dot', 'aria-hidden': 'true' }),
          h('span', { class: 'count-number' }, String(counts[light])),
          h('span', { class: 'count-label' }, t(`light.${light}`)),
        ),
      ),
    );

    const filterBar = h(
      'div',
      { class: 'filters', role: 'group', 'aria-label': t('board.filters') },
      h(
        'label',
        {},
        h('span', {}, t('board.department')),
        h(
          'select',
          { 'data-testid': 'filter-department', onchange: (e) => setFilter('department', e.target.value) },
          h('option', { value: '' }, t('common.all')),
          involved.map((d) => h('option', { value: d.id, selected: filters.department === d.id }, pick(d.name))),
        ),
      ),
      h(
        'label',
        {},
        h('span', {}, t('board.light')),
        h(
          'select',
          { 'data-testid': 'filter-light', onchange: (e) => setFilter('light', e.target.value) },
          h('option', { value: '' }, t('common.all')),
          LIGHTS.map((l) => h('option', { value: l, selected: filters.light === l }, t(`light.${l}`))),
        ),
      ),
      search.element,
      h('span', { class: 'muted shown' }, t('board.shown', { shown: shown.length, total: rows.length })),
      h(
        'span',
        { class: 'downloads no-print', role: 'group', 'aria-label': t('board.ledger') },
        ['xlsx', 'csv'].map((kind) =>
          h(
            'button',
            { type: 'button', 'data-testid': `download-${kind}`, onclick: () => void saveLedger(kind) },
            t(`board.ledger.${kind}`),
          ),
        ),
        h('button', { type: 'button', 'data-testid': 'print', onclick: () => window.print() }, t('board.print')),
      ),
      downloadNote,
    );

    const sections = plan.sections
      .map((section) => {
        const all = shown.filter((r) => r.section === section.number).sort((a, b) => a.number - b.number);
        if (all.length === 0) return null;
        const tasks = all.slice(0, paging.limit(section.number));
        return h(
          'section',
          { class: 'section card', 'data-testid': 'section', 'data-section': section.number },
          h(
            'h2',
            {},
            t('board.section', { number: section.number, numeral: section.numeral, title: pick(section.title) }),
          ),
          h(
            'table',
            { class: 'tasks responsive' },
            h(
              'thead',
              {},
              h(
                'tr',
                {},
                ['number', 'task', 'lead', 'milestone', 'due', 'light'].map((c) =>
                  h('th', { scope: 'col', class: `col-${c}` }, t(`board.col.${c}`)),
                ),
              ),
            ),
            h(
              'tbody',
              {},
              tasks.map((row) =>
                h(
                  'tr',
                  {
                    'data-testid': 'task-row',
                    'data-task': row.number,
                    'data-light': lightOf(row.status),
                    'data-milestone': row.currentMilestone ?? '',
                  },
                  h('td', { class: 'col-number', 'data-label': t('board.col.number') }, String(row.number)),
                  h(
                    'td',
                    { class: 'col-task', 'data-label': t('board.col.task') },
                    h('span', { class: 'phone-only muted' }, `${row.number}. `),
                    h('a', { href: `/tasks/${row.number}` }, pick(row.title)),
                    loopChips(row.loop, name),
                  ),
                  h('td', { class: 'col-lead', 'data-label': t('board.col.lead') }, name(row.lead)),
                  h(
                    'td',
                    { class: 'col-milestone', 'data-label': t('board.col.milestone'), 'data-testid': 'milestone' },
                    milestoneTitle(plan, row.number, row.currentMilestone),
                    (row.parts ?? []).map((p) =>
                      h(
                        'small',
                        { class: 'chip parts', 'data-testid': 'parts', 'data-item': p.workItem },
                        t('task.item.count', { reported: p.reported, total: p.total }),
                      ),
                    ),
                  ),
                  h(
                    'td',
                    { class: 'col-due', 'data-label': t('board.col.due') },
                    row.nextDue ?? '—',
                    h('small', { class: 'muted' }, dueText(row, today)),
                  ),
                  h(
                    'td',
                    { class: 'col-light', 'data-label': t('board.col.light') },
                    lightBadge(
                      row.status,
                      row.escalationLevel > 0 ? t('board.escalation', { level: row.escalationLevel }) : '',
                    ),
                  ),
                ),
              ),
            ),
          ),
          moreRowsButton(section.number, tasks.length, all.length, () => {
            paging.more(section.number);
            draw();
          }),
        );
      })
      .filter(Boolean);

    const load = departmentLoad(rows, today);
    const deptTable = h(
      'section',
      { class: 'card departments', 'data-testid': 'departments' },
      h('h2', {}, t('board.depts.title')),
      h('p', { class: 'muted small' }, t('board.depts.help')),
      load.length === 0
        ? h('p', {}, t('board.depts.empty'))
        : h(
            'table',
            { class: 'numbers' },
            h(
              'thead',
              {},
              h(
                'tr',
                {},
                ['department', 'pending', 'overdue', 'avgLate'].map((c) =>
                  h('th', { scope: 'col' }, t(`board.depts.col.${c}`)),
                ),
              ),
            ),
            h(
              'tbody',
              {},
              load.map((e) =>
                h(
                  'tr',
                  {
                    'data-testid': 'department-row',
                    'data-department': e.department,
                    class: e.overdue ? 'late' : null,
                  },
                  h(
                    'th',
                    { scope: 'row' },
                    h(
                      'button',
                      { type: 'button', class: 'link', onclick: () => setFilter('department', e.department) },
                      name(e.department),
                    ),
                  ),
                  h('td', { 'data-testid': 'pending' }, String(e.pending)),
                  h('td', { 'data-testid': 'overdue' }, String(e.overdue)),
                  h('td', {}, e.overdue ? e.averageDaysLate.toFixed(1) : '—'),
                ),
              ),
            ),
          ),
    );

    replace(
      root,
      h(
        'div',
        { class: 'page-head' },
        h('h1', {}, pick(plan.title), h('span', { class: 'subtitle' }, t('board.title'))),
        h(
          'div',
          { class: 'head-tools' },
          h(
            'span',
            { class: 'muted small', 'data-testid': 'as-of' },
            t('common.asOf', { time: formatTime(new Date(fetchedAt).toISOString()) }),
          ),
          h('button', { type: 'button', 'data-testid': 'refresh', onclick: () => void refresh() }, t('common.refresh')),
        ),
      ),
      countsBar,
      filterBar,
      h(
        'section',
        { class: 'card chart-card', 'data-testid': 'section-progress' },
        h('h2', {}, t('chart.sections.title')),
        h('p', { class: 'muted small' }, t('chart.sections.help')),
        sectionProgressChart(plan, counted),
      ),
      officeCharts.element(filters.department),
      h(
        'div',
        { class: 'board-grid' },
        h('div', { class: 'sections' }, sections.length ? sections : h('p', { class: 'card' }, t('board.empty'))),
        deptTable,
      ),
      noticeSection(notices, { plan, ctx, me, withTask: true, testId: 'board-notices' }),
    );
    search.keepFocus(searching);
  }

  async function refresh() {
    try {
      rows = (await api('/api/tasks')).tasks;
      notices = await loadNotices();
      fetchedAt = Date.now();
      officeCharts.reload();
      if (root.isConnected) draw();
    } catch (err) {
      if (root.isConnected) ctx.fail(err, plan);
    }
  }

  draw();
  const timer = setInterval(() => {
    if (document.visibilityState === 'visible') void refresh();
  }, REFRESH_MS);
  return () => clearInterval(timer);
}
