// Task (/tasks/:number): the work items with their units, the milestones as a timeline with every unit's
// sign-off per round, the reminders and escalations sent, the extension requests, and a link to the
// workflow in the Temporal Web UI. One `GET /api/tasks/:number` (the workflow's own state).
import { api, loadPlan, whoAmI } from '../api.js';
import { loadNotices, noticeSection } from '../notices.js';
import { h, replace } from '../dom.js';
import { formatTime, lang, pick, t } from '../i18n.js';
import { departmentNames, lightBadge } from '../ui.js';

function table(columns, rows, attrs = {}) {
  return h(
    'table',
    { class: 'responsive', ...attrs },
    h(
      'thead',
      {},
      h(
        'tr',
        {},
        columns.map((c) => h('th', { scope: 'col' }, t(c))),
      ),
    ),
    h(
      'tbody',
      {},
      rows.map(({ cells, attrs: rowAttrs }) =>
        h(
          'tr',
          rowAttrs ?? {},
          cells.map((cell, i) => h('td', { 'data-label': t(columns[i]) }, cell)),
        ),
      ),
    ),
  );
}

function figuresText(figures, milestone) {
  if (!figures) return '';
  return Object.entries(figures)
    .map(([id, value]) => {
      const f = milestone.figures.find((x) => x.id === id);
      return f ? `${pick(f.label)} ${value}${f.unit}` : `${id} ${value}`;
    })
    .join('；');
}

function roundView(milestone, round, isLast, name) {
  const byUnit = new Map(round.signOffs.map((s) => [s.department, s]));
  const outcome = round.outcome ? t(`task.round.${round.outcome}`) : t('task.round.open');
  return h(
    'div',
    { class: 'round', 'data-testid': 'round', 'data-round': round.number },
    h('h4', {}, `${t('task.round', { n: round.number })} · ${outcome}`),
    round.resubmission
      ? h(
          'p',
          { class: 'note' },
          t('task.resubmission', {
            person: round.resubmission.person,
            time: formatTime(round.resubmission.at),
            note: round.resubmission.note,
          }),
        )
      : null,
    table(
      [
        'task.col.unit',
        'task.col.role',
        'task.col.decision',
        'task.col.person',
        'task.col.at',
        'task.col.comment',
        'task.col.figures',
      ],
      milestone.items
        ? round.signOffs.map((s) => ({
            attrs: { 'data-testid': 'signoff', 'data-department': s.department, 'data-decision': s.decision },
            cells: [
              name(s.department),
              `${t(`role.${s.role}`)} · ${s.workItems.map((i) => `#${i + 1}`).join(' ')}`,
              h('span', { class: `decision decision-${s.decision}` }, t(`decision.${s.decision}`)),
              s.person,
              formatTime(s.at),
              s.comment ?? '',
              figuresText(s.figures, milestone),
            ],
          }))
        : milestone.required.map((r) => {
            const s = byUnit.get(r.department);
            const waiting = isLast && !round.outcome && milestone.state === 'open';
            return {
              attrs: {
                'data-testid': 'signoff',
                'data-department': r.department,
                'data-decision': s?.decision ?? 'none',
              },
              cells: [
                name(r.department),
                t(`role.${r.role}`),
                s
                  ? h('span', { class: `decision decision-${s.decision}` }, t(`decision.${s.decision}`))
                  : h('span', { class: 'muted' }, waiting ? t('task.pendingSign') : t('task.notSigned')),
                s?.person ?? '',
                s ? formatTime(s.at) : '',
                s?.comment ?? '',
                figuresText(s?.figures, milestone),
              ],
            };
          }),
    ),
  );
}

function milestoneView(m, current, name) {
  const due = [t('task.due', { date: m.dueDate })];
  if (m.originalDueDate && m.originalDueDate !== m.dueDate)
    due.push(t('task.originalDue', { date: m.originalDueDate }));
  if (m.completedAt) due.push(t('task.completedAt', { time: formatTime(m.completedAt) }));
  if (m.daysLate) due.push(t('task.daysLate', { n: m.daysLate }));
  return h(
    'li',
    {
      class: `milestone state-${m.state}${m.id === current ? ' current' : ''}`,
      'data-testid': 'milestone',
      'data-milestone': m.id,
      'data-state': m.state,
    },
    h('span', { class: 'marker', 'aria-hidden': 'true' }),
    h(
      'div',
      { class: 'milestone-body' },
      h('h3', {}, pick(m.title), h('span', { class: `chip state-${m.state}` }, t(`milestone.${m.state}`))),
      h('p', { class: 'muted' }, due.join(' · ')),
      m.figures.length
        ? h('p', { class: 'small' }, t('task.figuresAsked', { list: m.figures.map((f) => pick(f.label)).join('、') }))
        : null,
      m.rounds.map((r, i) => roundView(m, r, i === m.rounds.length - 1, name)),
    ),
  );
}

function notificationDetail(n) {
  if (n.kind === 'reminder' && n.daysBefore !== undefined) return t('notify.daysBefore', { n: n.daysBefore });
  if (n.kind === 'escalation') return t('notify.level', { level: n.level ?? 1, n: n.daysLate ?? 0 });
  return n.comment ?? '';
}

/** One work item's progress on a milestone: who is waiting, who was waived, 待指定, the provinces' count and reports. */
function itemProgress(item, name) {
  const reportStatus = (c, d) => c.reports.filter((r) => r.department === d).at(-1);
  return h(
    'div',
    { class: 'item-progress small', 'data-testid': 'item-progress', 'data-done': String(item.done) },
    h('p', {}, item.done ? t('task.item.done') : t('task.item.pending', { list: item.pending.map(name).join('、') })),
    item.awaitingDesignation.map((id) =>
      h('p', { class: 'late', 'data-testid': 'awaiting-designation' }, t('task.item.awaiting', { name: name(id) })),
    ),
    item.waived.length
      ? h(
          'p',
          { 'data-testid': 'waived' },
          t('task.item.waived', { list: item.waived.map((w) => `${name(w.department)}（${w.reason}）`).join('、') }),
        )
      : null,
    item.collectives.map((c, i) => {
      const p = item.progress[i];
      return h(
        'details',
        { class: 'provinces', 'data-testid': 'collective', 'data-collective': c.id },
        h(
          'summary',
          { 'data-testid': 'collective-count' },
          t('task.item.count', { reported: p.reported, total: p.total }),
          c.closure ? ` · ${t('task.item.closed', c.closure)}` : '',
        ),
        h('h5', {}, t('task.item.provinces')),
        h(
          'ul',
          { class: 'plain' },
          c.members.map((d) => {
            const r = reportStatus(c, d);
            return h(
              'li',
              { 'data-testid': 'province', 'data-department': d, 'data-status': r?.status ?? 'none' },
              `${name(d)}：`,
              r
                ? `${t(`report.${r.status}`)} · ${r.text}（${r.person}，${formatTime(r.at)}）`
                : h('span', { class: 'muted' }, t('task.item.notReported')),
            );
          }),
        ),
      );
    }),
  );
}

/** A card of the task page: its heading, then its contents. */
function card(titleKey, ...children) {
  return h('section', { class: 'card' }, h('h2', {}, t(titleKey)), ...children);
}

/** Draws one task's page. */
export async function renderTask(ctx) {
  const { root } = ctx;
  const number = Number(ctx.params[0]);
  replace(root, h('p', { class: 'muted' }, t('common.loading')));
  const plan = await loadPlan();
  let task;
  try {
    task = await api(`/api/tasks/${number}`);
  } catch (err) {
    ctx.fail(err, plan);
    return;
  }
  const name = departmentNames(plan);
  const section = plan.sections.find((s) => s.number === task.section);
  const planTask = plan.tasks.find((x) => x.number === number);
  const milestoneName = (id) => pick(task.milestones.find((m) => m.id === id)?.title) || id;

  const head = h(
    'div',
    { class: 'page-head' },
    h(
      'div',
      {},
      h('a', { href: '/', class: 'back small' }, `← ${t('common.back')}`),
      h(
        'h1',
        { 'data-testid': 'task-title' },
        h('span', { class: 'subtitle' }, t('task.title', { number })),
        pick(task.title),
      ),
      section
        ? h('p', { class: 'muted' }, t('task.section', { numeral: section.numeral, title: pick(section.title) }))
        : null,
    ),
    h(
      'div',
      { class: 'head-tools' },
      lightBadge(task.status),
      task.temporalUiUrl
        ? h(
            'a',
            {
              href: task.temporalUiUrl,
              target: '_blank',
              rel: 'noopener noreferrer',
              class: 'button',
              'data-testid': 'temporal-link',
            },
            t('task.temporal'),
          )
        : null,
    ),
  );

  const units = h(
    'dl',
    { class: 'units card' },
    h('dt', {}, t('task.lead')),
    h('dd', {}, h('strong', {}, name(task.lead))),
    h('dt', {}, t('task.co')),
    h('dd', {}, task.coResponsible.length ? task.coResponsible.map(name).join('、') : t('common.none')),
  );

  const shown = task.milestones.find((m) => m.id === task.currentMilestone) ?? task.milestones.at(-1);
  const workItems = card(
    'task.workItems',
    lang() === 'en' ? h('p', { class: 'muted small' }, t('task.workItems.note')) : null,
    h(
      'ol',
      { class: 'work-items' },
      (planTask?.workItems ?? []).map((w, index) =>
        h(
          'li',
          { lang: 'zh-CN', 'data-testid': 'work-item', 'data-item': index },
          h('p', {}, w.text),
          h(
            'p',
            { class: 'unit-chips' },
            // An item the collective leads alone is led by its steward (task 17: 科技司).
            (w.steward ? [w.steward, ...w.units] : w.units).map((u, i) =>
              h(
                'span',
                { class: `chip${i === 0 ? ' lead' : ''}`, lang: lang() === 'en' ? 'en' : 'zh-CN' },
                name(u),
                i === 0 ? h('b', { class: 'lead-mark' }, t('task.leadMark')) : null,
              ),
            ),
          ),
          shown?.items?.[index] ? itemProgress(shown.items[index], name) : null,
        ),
      ),
    ),
  );

  const changes = card(
    'task.changes',
    task.changes?.length
      ? h(
          'ul',
          { class: 'plain', 'data-testid': 'changes' },
          task.changes.map((c) =>
            h(
              'li',
              { 'data-testid': 'change', 'data-kind': c.kind },
              t('task.change.line', {
                kind: t(`change.${c.kind}`),
                n: c.workItem + 1,
                units: c.departments.map(name).join('、'),
                person: c.person,
                time: formatTime(c.at),
                reason: c.reason,
              }),
            ),
          ),
        )
      : h('p', { class: 'muted' }, t('task.changes.empty')),
  );

  const status = [];
  if (task.cancellation) {
    status.push(
      h(
        'div',
        { class: 'alert' },
        t('task.cancelled', { ...task.cancellation, time: formatTime(task.cancellation.at) }),
      ),
    );
  } else if (task.completedAt) {
    status.push(h('div', { class: 'alert alert-ok' }, t('task.completed', { time: formatTime(task.completedAt) })));
  }

  const timeline = card(
    'task.milestones',
    h(
      'ol',
      { class: 'timeline' },
      task.milestones.map((m) => milestoneView(m, task.currentMilestone, name)),
    ),
  );

  const sent = task.notifications.filter((n) => n.kind === 'reminder' || n.kind === 'escalation');
  const notifications = card(
    'task.notifications',
    sent.length
      ? table(
          ['task.col.at', 'task.col.kind', 'task.col.milestone', 'task.col.recipients', 'task.col.detail'],
          sent.map((n) => ({
            attrs: { 'data-testid': 'notification', 'data-kind': n.kind },
            cells: [
              formatTime(n.at),
              t(`kind.${n.kind}`),
              pick(n.milestoneTitle),
              n.departments.map(name).join('、'),
              notificationDetail(n),
            ],
          })),
        )
      : h('p', { class: 'muted' }, t('task.notifications.empty')),
  );

  const escalations = card(
    'task.escalations',
    task.escalations.length
      ? h(
          'ul',
          { class: 'plain' },
          task.escalations.map((e) =>
            h(
              'li',
              { class: e.closedAt ? 'muted' : 'late' },
              `${milestoneName(e.milestoneId)} · `,
              t('task.escalation.open', { level: e.level, time: formatTime(e.openedAt), due: e.dueDate }),
              e.closedAt
                ? ` · ${t('task.escalation.closed', { time: formatTime(e.closedAt), by: t(`closedBy.${e.closedBy}`) })}`
                : '',
            ),
          ),
        )
      : h('p', { class: 'muted' }, t('task.escalations.empty')),
  );

  const extensions = card(
    'task.extensions',
    task.extensions.length
      ? table(
          ['task.col.milestone', 'task.col.requestedBy', 'task.col.dates', 'task.col.reason', 'task.col.state'],
          task.extensions.map((x) => ({
            attrs: { 'data-testid': 'extension', 'data-state': x.state },
            cells: [
              milestoneName(x.milestoneId),
              `${x.requestedBy.person}（${formatTime(x.requestedAt)}）`,
              `${x.previousDueDate} → ${x.newDueDate}`,
              x.reason,
              [
                t(`extension.${x.state}`),
                x.decision
                  ? `：${x.decision.person}，${formatTime(x.decision.at)}${x.decision.comment ? `，${x.decision.comment}` : ''}`
                  : '',
              ].join(''),
            ],
          })),
        )
      : h('p', { class: 'muted' }, t('task.extensions.empty')),
  );

  // Every supervision notice of the task, closed ones too; a named unit's coordinator answers here.
  const notices = noticeSection(await loadNotices(`taskNumber=${number}&state=all`), {
    plan,
    ctx,
    me: await whoAmI(),
    withTask: false,
    emptyKey: 'notices.task.empty',
    testId: 'task-notices',
  });

  replace(
    root,
    head,
    status,
    h('div', { class: 'task-grid' }, h('div', {}, units, workItems, changes), h('div', {}, timeline)),
    notices,
    notifications,
    escalations,
    extensions,
  );
}
