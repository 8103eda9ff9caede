// Supervision notices (督办单) on the board, a task's page and an inbox: each with its number, what it is about,
// the units it names and their answers, its answer date and whether it is overdue; a coordinator of a named
// unit answers it on the spot (what it will do and by when). Refusals are shown beside the form.
import { api } from './api.js';
import { h, randomKey, replace } from './dom.js';
import { formatTime, pick, t } from './i18n.js';
import { departmentNames, errorBox, okBox } from './ui.js';

/** The notices of `query` (`GET /api/supervision-notices?…`). */
export async function loadNotices(query = '') {
  return (await api(`/api/supervision-notices${query ? `?${query}` : ''}`)).notices;
}

/** The answer form of a named unit: what it will do and by when; on success the card is drawn anew. */
function answerForm(notice, me, plan, ctx, redraw) {
  const message = h('div', { class: 'form-message' });
  const action = h('textarea', { name: 'action', rows: 2, maxlength: 2000, 'data-testid': 'notice-action' });
  const by = h('input', {
    type: 'date',
    name: 'by',
    required: true,
    value: notice.answerBy,
    'data-testid': 'notice-by',
  });
  const button = h('button', { type: 'submit', class: 'primary', 'data-testid': 'notice-submit' }, t('notices.submit'));
  let key = randomKey();
  const form = h(
    'form',
    { class: 'notice-answer', 'data-testid': 'notice-answer' },
    h('label', { class: 'field' }, h('span', {}, t('notices.action')), action),
    h('label', { class: 'field' }, h('span', {}, t('notices.by')), by),
    button,
    message,
  );
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    button.disabled = true;
    replace(message);
    try {
      const answered = await api(`/api/supervision-notices/${encodeURIComponent(notice.id)}/answers`, {
        method: 'POST',
        body: { department: me.department, action: action.value, by: by.value },
        idempotencyKey: key,
      });
      redraw(answered, okBox(t('notices.done', { number: answered.number ?? '' })));
    } catch (err) {
      key = randomKey();
      if (err?.status === 401) return ctx.fail(err, plan);
      replace(message, errorBox(err, plan));
      button.disabled = false;
    }
  });
  return form;
}

/** One notice as a card; `withTask` links its task (the board, an inbox). */
export function noticeCard(notice, { plan, ctx, me, withTask }) {
  const card = h('article', {
    class: `card notice${notice.overdue ? ' late' : ''}`,
    'data-testid': 'notice',
    'data-notice': notice.id,
    'data-state': notice.state,
  });
  const draw = (n, flash) => {
    const name = departmentNames(plan);
    const answerOf = (d) => n.answers.find((a) => a.department === d);
    const mayAnswer = me?.role === 'coordinator' && n.units.includes(me.department) && n.state !== 'closed';
    replace(
      card,
      h(
        'h3',
        {},
        h('span', { 'data-testid': 'notice-number' }, n.number ?? t('notices.unnumbered')),
        ' ',
        withTask ? h('a', { href: `/tasks/${n.taskNumber}` }, `${n.taskNumber}. ${pick(n.taskTitle)}`) : null,
        ' · ',
        pick(n.milestoneTitle),
      ),
      h(
        'p',
        { class: 'meta' },
        t('notices.meta', {
          level: n.level,
          days: n.daysLate,
          due: n.dueDate,
          issuer: name(n.issuedBy),
          answerBy: n.answerBy,
          time: formatTime(n.issuedAt),
        }),
        ' · ',
        h('strong', { 'data-testid': 'notice-state' }, t(`notices.state.${n.state}`)),
        n.overdue
          ? h('span', { class: 'badge late', 'data-testid': 'notice-overdue' }, ` ${t('notices.overdue')}`)
          : null,
      ),
      h(
        'ul',
        { class: 'plain notice-units' },
        n.units.map((d) => {
          const a = answerOf(d);
          return h(
            'li',
            { 'data-testid': 'notice-unit', 'data-unit': d, 'data-answered': a ? 'yes' : 'no' },
            h('strong', {}, name(d)),
            '：',
            a
              ? t('notices.answered', { action: a.action, by: a.by, person: a.person, time: formatTime(a.at) })
              : h('span', { class: 'late' }, t('notices.unansweredUnit')),
          );
        }),
      ),
      flash ?? null,
      mayAnswer ? answerForm(n, me, plan, ctx, draw) : null,
    );
  };
  draw(notice);
  return card;
}

/** A section listing notices, or saying there are none (`emptyKey`). */
export function noticeSection(notices, { plan, ctx, me, withTask, emptyKey = 'notices.empty', testId = 'notices' }) {
  return h(
    'section',
    { class: 'notices', 'data-testid': testId },
    h('h2', {}, t('notices.title'), h('span', { class: 'subtitle' }, t('notices.count', { n: notices.length }))),
    notices.length
      ? notices.map((n) => noticeCard(n, { plan, ctx, me, withTask }))
      : h('p', { class: 'card muted' }, t(emptyKey)),
  );
}
