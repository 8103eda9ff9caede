// Task (/tasks/:number): the work items with their units, the milestones as a timeline with every unit's
// sign-off per round, the reminders and escalations sent, the extension requests, and a link to the
// workflow in the Temporal Web UI. One `GET /api/tasks/:number` (the workflow's own state). For the General
// Office, the chase (催办) of the current milestone's pending units, with a message, and every chase so far.
// Its supervision notices (督办单), which a named unit's coordinator answers here. The office's closed loop: each
// unit's receipt (签收) of the current milestone with its dispute and the office's decision, and the progress
// reports (进展报告) with the periods missed and the stalls, and the report form for a unit of the task.
import { api, download, loadPlan, whoAmI } from '../api.js';
import { loadNotices, noticeSection } from '../notices.js';
import { h, randomKey, replace } from '../dom.js';
import { formatTime, lang, pick, t } from '../i18n.js';
import { departmentNames, errorBox, lightBadge, okBox } from '../ui.js';
import { PROGRESS_PARTS, progressFields } from '../progress.js';

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

/**
 * Who made a decision: the person, with the role and department of the token the API recorded (`actor`);
 * decisions recorded before the API named its actors show the person alone.
 */
function actorText(actor, person, name) {
  if (!actor) return person;
  const role = t(`session.role.${actor.role}`);
  return t('task.actor', {
    person: actor.person,
    role: actor.department ? `${role} · ${name(actor.department)}` : role,
  });
}

function actorCell(actor, person, name) {
  return h('span', { 'data-testid': 'actor', 'data-role': actor?.role ?? '' }, actorText(actor, person, name));
}

/** The evidence submitted in a round (佐证材料): links open in a new tab, files download by their hash. */
function evidenceView(round) {
  const items = round.signOffs.flatMap((s) => s.evidence ?? []);
  if (items.length === 0) return null;
  const links = items.map((e, i) => [
    i > 0 ? '、' : '',
    e.kind === 'link'
      ? h('a', { href: e.url, target: '_blank', rel: 'noopener noreferrer' }, e.title)
      : h(
          'a',
          {
            href: `/api/files/${e.hash}`,
            'data-file': e.hash,
            // A plain link sends no bearer token: fetch the file with it and save it under its recorded name.
            onclick: (event) => {
              event.preventDefault();
              download(`/api/files/${e.hash}?name=${encodeURIComponent(e.name)}`, e.name).catch((err) =>
                event.target.after(errorBox(err)),
              );
            },
          },
          e.name,
        ),
  ]);
  return h('p', { class: 'note', 'data-testid': 'evidence-list' }, t('task.evidence'), links);
}

/** The office's closure reviews of a milestone, oldest first. */
function reviewsView(m, name) {
  return (m.reviews ?? []).map((r) =>
    h(
      'p',
      { class: 'note', 'data-testid': 'closure-review', 'data-decision': r.decision },
      t('task.review', {
        decision: t(`review.${r.decision}`),
        person: actorText(r.actor, r.person, name),
        time: formatTime(r.at),
        reason: r.reason ?? '',
      }),
    ),
  );
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
            person: actorText(round.resubmission.actor, round.resubmission.person, name),
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
              actorCell(s.actor, s.person, name),
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
                s ? actorCell(s.actor, s.person, name) : '',
                s ? formatTime(s.at) : '',
                s?.comment ?? '',
                figuresText(s?.figures, milestone),
              ],
            };
          }),
    ),
    evidenceView(round),
    round.officeDecision
      ? h(
          'p',
          {
            class: 'note',
            'data-testid': 'office-decision',
            'data-decision': round.officeDecision.decision,
          },
          t('task.officeDecision', {
            decision: t(`round.${round.officeDecision.decision}`),
            person: actorText(round.officeDecision.actor, round.officeDecision.person, name),
            time: formatTime(round.officeDecision.at),
            reason: round.officeDecision.reason,
          }),
        )
      : null,
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
      m.awaitingOffice
        ? h(
            'p',
            { class: 'late', 'data-testid': 'awaiting-office' },
            t('task.awaitingOffice', { office: name(m.awaitingOffice) }),
          )
        : null,
      m.awaitingReview
        ? h(
            'p',
            { class: 'late', 'data-testid': 'awaiting-review' },
            t('task.awaitingReview', { office: name(m.awaitingReview) }),
          )
        : null,
      m.rounds.map((r, i) => roundView(m, r, i === m.rounds.length - 1, name)),
      reviewsView(m, name),
    ),
  );
}

function notificationDetail(n) {
  if (n.kind === 'reminder' && n.daysBefore !== undefined) return t('notify.daysBefore', { n: n.daysBefore });
  if (n.kind === 'escalation') return t('notify.level', { level: n.level ?? 1, n: n.daysLate ?? 0 });
  if (n.kind === 'receipt-reminder') return t('notify.receiptBy', { date: n.answerBy ?? n.dueDate });
  if (n.kind === 'progress-reminder' || n.kind === 'progress-missed') {
    return t('notify.period', { period: n.period ?? '', date: n.dueDate });
  }
  if (n.kind === 'stalled') return t('notify.stalled', { n: n.daysLate ?? 0 });
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
                ? `${t(`report.${r.status}`)} · ${r.text}（${actorText(r.actor, r.person, name)}，${formatTime(r.at)}）`
                : h('span', { class: 'muted' }, t('task.item.notReported')),
            );
          }),
        ),
      );
    }),
  );
}

/**
 * The office's chase (催办) form for the current milestone: its pending units, a message, the button. Sent once
 * under its idempotency key (a new one after a refusal); on success the page is drawn again with the chase.
 */
function chaseForm(task, milestone, name, plan, ctx) {
  return textForm({
    testId: 'chase-form',
    textId: 'chase-message',
    submitId: 'chase-submit',
    intro: h('p', {}, t('task.chase.pending', { list: milestone.pendingDepartments.map(name).join('、') })),
    label: t('task.chase.message'),
    submit: t('task.chase.submit'),
    path: `/api/tasks/${task.taskNumber}/milestones/${milestone.id}/chases`,
    body: (message) => ({ message }),
    done: (chase) => t('task.chase.done', { n: chase.departments.length }),
    plan,
    ctx,
  });
}

/**
 * A one-field form of the task page (a chase, a coordination request, its settlement) that posts `body(text)` to
 * `path` and draws the page again with `done`'s message (or `done(answer)`); the API's refusal is shown in its
 * words. `intro` goes above the field; `textId` and `submitId` name the field and button for tests.
 */
function textForm(options) {
  const { testId, textId = `${testId}-text`, submitId = `${testId}-submit`, intro, label, submit } = options;
  const { path, body, done, plan, ctx } = options;
  const text = h('textarea', {
    name: 'text',
    rows: 2,
    required: true,
    maxlength: 2000,
    'data-testid': textId,
  });
  const answer = h('div', { 'aria-live': 'polite' });
  const form = h(
    'form',
    { class: 'chase', 'data-testid': testId },
    intro ?? null,
    h('label', { class: 'field' }, h('span', {}, label), text),
    h('button', { type: 'submit', class: 'primary', 'data-testid': submitId }, submit),
    answer,
  );
  const send = (idempotencyKey) => api(path, { method: 'POST', body: body(text.value.trim()), idempotencyKey });
  return sendsOnSubmit(form, answer, { send, done, plan, ctx });
}

/**
 * Makes `form` send its request (`send(idempotencyKey)`) once under an idempotency key (a new one after a refusal),
 * then draw the page again with `done`'s message (or `done(answer)`); the API's refusal is shown in `answer` in its
 * words and the form can be sent again. Answers the form.
 */
function sendsOnSubmit(form, answer, { send, done, plan, ctx }) {
  let key = randomKey();
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const button = form.querySelector('button[type=submit]');
    button.disabled = true;
    replace(answer);
    try {
      const answered = await send(key);
      flash = okBox(typeof done === 'function' ? done(answered) : done);
      ctx.rerender();
    } catch (err) {
      key = randomKey();
      if (err?.status === 401) return ctx.fail(err, plan);
      replace(answer, errorBox(err, plan));
      button.disabled = false;
    }
  });
  return form;
}

/**
 * The task's coordination requests (协调事项): each with how it was settled, the office's settle form on the open
 * ones, and a coordinator's request form when its department is one of the task's.
 */
function coordinationsCard(task, me, name, plan, ctx) {
  const base = `/api/tasks/${task.taskNumber}/coordinations`;
  const office = task.lead === plan.roles.generalOffice ? 'supervisor' : 'office';
  const units = new Set([task.lead, ...task.coResponsible, ...task.milestones.flatMap((m) => m.pendingDepartments)]);
  const list = task.coordinations ?? [];
  return card(
    'task.coordinations',
    list.length
      ? h(
          'ul',
          { class: 'plain', 'data-testid': 'coordinations' },
          list.map((c) =>
            h(
              'li',
              { 'data-testid': 'coordination', 'data-id': c.id, 'data-state': c.state },
              t('task.coordination.line', { time: formatTime(c.at), unit: name(c.department), matter: c.matter }),
              c.settlement
                ? h(
                    'p',
                    { class: 'note', 'data-testid': 'settlement' },
                    t('task.coordination.settled', {
                      time: formatTime(c.settlement.at),
                      person: c.settlement.person,
                      outcome: c.settlement.outcome,
                    }),
                  )
                : me.role === office
                  ? textForm({
                      testId: 'settle-form',
                      label: t('task.coordination.outcome'),
                      submit: t('task.coordination.settle'),
                      path: `${base}/${c.id}/settlement`,
                      body: (outcome) => ({ outcome }),
                      done: t('task.coordination.settleDone', { id: c.id }),
                      plan,
                      ctx,
                    })
                  : null,
            ),
          ),
        )
      : h('p', { class: 'muted' }, t('task.coordinations.empty')),
    me.role === 'coordinator' && units.has(me.department) && task.status !== 'completed' && task.status !== 'cancelled'
      ? textForm({
          testId: 'coordination-form',
          label: t('task.coordination.matter'),
          submit: t('task.coordination.ask'),
          path: base,
          body: (matter) => ({ department: me.department, matter }),
          done: t('task.coordination.askDone'),
          plan,
          ctx,
        })
      : null,
  );
}

/** What a unit's receipt records: who signed for it or disputed it and why, and the office's decision. */
function receiptDetail(r, name) {
  const by = r.person ? { person: actorText(r.actor, r.person, name), time: formatTime(r.at) } : undefined;
  const s = r.settlement;
  return [
    by && !r.reason ? t('task.byAt', by) : null,
    by && r.reason
      ? h('span', { 'data-testid': 'dispute-reason' }, t('task.receipt.disputed', { ...by, reason: r.reason }))
      : null,
    s
      ? h(
          'p',
          { class: 'note', 'data-testid': 'receipt-settlement', 'data-decision': s.decision },
          t(`task.receipt.settled.${s.decision}`, {
            to: s.to ? name(s.to) : '',
            reason: s.reason,
            person: actorText(s.actor, s.person, name),
            time: formatTime(s.at),
          }),
        )
      : null,
  ];
}

/**
 * The receipts (签收) of a milestone (plans with a receipt time): each unit asked, its state, its last day (late
 * ones marked, as `loop.unreceived` says), a dispute's reason and the office's decision. Null without receipts.
 */
function receiptsCard(milestone, late, name) {
  const receipts = milestone?.receipts;
  if (!receipts) return null;
  const el = card(
    'task.receipts',
    h('p', { class: 'muted small' }, t('task.receipts.milestone', { milestone: pick(milestone.title) })),
    receipts.length
      ? table(
          ['task.col.unit', 'task.col.state', 'task.col.receiptDue', 'task.col.detail'],
          receipts.map((r) => {
            const overdue = r.state === 'pending' && late.includes(r.department);
            return {
              attrs: { 'data-testid': 'receipt', 'data-department': r.department, 'data-state': r.state },
              cells: [
                name(r.department),
                h(
                  'span',
                  { class: overdue ? 'late' : null },
                  t(`receipt.${r.state}`),
                  overdue ? ` · ${t('task.receipt.late')}` : null,
                ),
                r.dueDate,
                receiptDetail(r, name),
              ],
            };
          }),
          { class: 'responsive receipts' },
        )
      : h('p', { class: 'muted' }, t('task.receipts.empty')),
  );
  el.setAttribute('data-testid', 'receipts');
  return el;
}

/** A progress report: its period, unit and role, who filed it, then the parts it has. */
function progressReportView(r, name) {
  return h(
    'li',
    { 'data-testid': 'progress-report', 'data-period': r.period, 'data-department': r.department, 'data-role': r.role },
    h(
      'strong',
      {},
      t('task.progress.report', { period: r.period, unit: name(r.department), role: t(`role.${r.role}`) }),
    ),
    ' ',
    h(
      'span',
      { class: 'muted small' },
      t('task.byAt', { person: actorText(r.actor, r.person, name), time: formatTime(r.at) }),
    ),
    h(
      'dl',
      { class: 'progress-parts' },
      PROGRESS_PARTS.filter((part) => r[part]).map((part) => [
        h('dt', {}, t(`progress.part.${part}`)),
        h('dd', { 'data-part': part }, r[part]),
      ]),
    ),
  );
}

/** The progress report form of a unit of the task (the lead's counts for the period; a co-unit adds its own). */
function progressForm(task, department, name, plan, ctx) {
  const { fields, body } = progressFields();
  const answer = h('div', { 'aria-live': 'polite' });
  const form = h(
    'form',
    { class: 'chase', 'data-testid': 'progress-form' },
    h(
      'p',
      {},
      t(department === task.lead ? 'task.progress.asLead' : 'task.progress.asCo', {
        unit: name(department),
        day: task.progress.day,
      }),
    ),
    fields,
    h('button', { type: 'submit', class: 'primary', 'data-testid': 'progress-submit' }, t('progress.submit')),
    answer,
  );
  const send = (idempotencyKey) =>
    api(`/api/tasks/${task.taskNumber}/progress-reports`, { method: 'POST', body: body(department), idempotencyKey });
  const done = (report) => t('progress.sent', { task: task.taskNumber, period: report.period });
  return sendsOnSubmit(form, answer, { send, done, plan, ctx });
}

/**
 * The task's progress reporting (plans with it): the cadence, the reports newest first, the periods whose lead
 * report was missed, the stalls (停滞), and the report form for a coordinator of a unit of the task. Null without it.
 */
function progressCard(task, me, name, plan, ctx) {
  const p = task.progress;
  if (!p) return null;
  const units = new Set([task.lead, ...task.coResponsible, ...(task.departments ?? [])]);
  const active = task.status !== 'completed' && task.status !== 'cancelled';
  const el = card(
    'task.progress',
    h(
      'p',
      { class: 'muted small' },
      t('task.progress.help', { day: p.day, from: p.from, time: formatTime(p.lastActivityAt) }),
    ),
    p.stalls.length
      ? h(
          'ul',
          { class: 'plain', 'data-testid': 'stalls' },
          p.stalls.map((x) =>
            h(
              'li',
              { class: x.since === task.loop?.stalledSince ? 'late' : 'muted', 'data-testid': 'stall' },
              t('task.progress.stall', { since: formatTime(x.since), at: formatTime(x.at) }),
              x.since === task.loop?.stalledSince ? ` · ${t('task.progress.stillStalled')}` : null,
            ),
          ),
        )
      : null,
    p.missed.length
      ? h(
          'ul',
          { class: 'plain', 'data-testid': 'missed' },
          p.missed.map((x) =>
            h(
              'li',
              { class: 'late', 'data-testid': 'missed-period', 'data-period': x.period },
              t('task.progress.missed', { period: x.period, date: x.dueDate, unit: name(x.department) }),
            ),
          ),
        )
      : null,
    p.reports.length
      ? h(
          'ul',
          { class: 'plain', 'data-testid': 'progress-reports' },
          [...p.reports].reverse().map((r) => progressReportView(r, name)),
        )
      : h('p', { class: 'muted' }, t('task.progress.empty')),
    me.role === 'coordinator' && units.has(me.department) && active
      ? progressForm(task, me.department, name, plan, ctx)
      : null,
  );
  el.setAttribute('data-testid', 'progress');
  return el;
}

/** A message to show at the top after the page is drawn again (the chase just sent). */
let flash = null;

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
  let me;
  try {
    [task, me] = await Promise.all([api(`/api/tasks/${number}`), whoAmI()]);
  } catch (err) {
    ctx.fail(err, plan);
    return;
  }
  const name = departmentNames(plan);
  // An administrator's page links to the Temporal Web UI: open a codec session (a short-lived HttpOnly cookie
  // for /api/codec only) so that the Web UI, set to include credentials, shows the history decrypted.
  if (task.temporalUiUrl) api('/api/codec/session', { method: 'POST' }).catch(() => undefined);
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
                person: actorText(c.actor, c.person, name),
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
        t('task.cancelled', {
          ...task.cancellation,
          person: actorText(task.cancellation.actor, task.cancellation.person, name),
          time: formatTime(task.cancellation.at),
        }),
      ),
    );
  } else if (task.completedAt) {
    status.push(h('div', { class: 'alert alert-ok' }, t('task.completed', { time: formatTime(task.completedAt) })));
  }
  // Cancellation requests sent to Temporal itself (the CLI, the Web UI), not through the API: refused, recorded.
  for (const r of task.refusedCancellations ?? []) {
    status.push(
      h(
        'div',
        { class: 'alert', 'data-testid': 'refused-cancellation' },
        t('task.refusedCancellation', { time: formatTime(r.at) }),
      ),
    );
  }

  const timeline = card(
    'task.milestones',
    h(
      'ol',
      { class: 'timeline' },
      task.milestones.map((m) => milestoneView(m, task.currentMilestone, name)),
    ),
  );

  const current = task.milestones.find((m) => m.id === task.currentMilestone);
  const chases = card(
    'task.chases',
    me.role === 'office' && current?.pendingDepartments.length ? chaseForm(task, current, name, plan, ctx) : null,
    task.chases?.length
      ? h(
          'ul',
          { class: 'plain', 'data-testid': 'chases' },
          task.chases.map((c) =>
            h(
              'li',
              { 'data-testid': 'chase', 'data-kind': c.kind },
              c.kind === 'manual'
                ? t('task.chase.line', {
                    time: formatTime(c.at),
                    milestone: milestoneName(c.milestoneId),
                    units: c.departments.map(name).join('、'),
                    person: c.person ?? '',
                    message: c.message ?? '',
                  })
                : t('task.chase.escalation', {
                    time: formatTime(c.at),
                    milestone: milestoneName(c.milestoneId),
                    units: c.departments.map(name).join('、'),
                    level: c.level ?? '',
                    n: c.daysLate ?? 0,
                  }),
            ),
          ),
        )
      : h('p', { class: 'muted' }, t('task.chases.empty')),
  );

  const shownKinds = [
    'reminder',
    'escalation',
    'overdue',
    'chase',
    'receipt-reminder',
    'progress-reminder',
    'progress-missed',
    'stalled',
  ];
  const sent = task.notifications.filter((n) => shownKinds.includes(n.kind));
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
              `${actorText(x.requestedBy.actor, x.requestedBy.person, name)}（${formatTime(x.requestedAt)}）`,
              `${x.previousDueDate} → ${x.newDueDate}`,
              x.reason,
              [
                t(`extension.${x.state}`),
                x.decision
                  ? `：${actorText(x.decision.actor, x.decision.person, name)}，${formatTime(x.decision.at)}${x.decision.comment ? `，${x.decision.comment}` : ''}`
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
    me,
    withTask: false,
    emptyKey: 'notices.task.empty',
    testId: 'task-notices',
  });

  const shownFlash = flash;
  flash = null;
  replace(
    root,
    shownFlash,
    head,
    status,
    h('div', { class: 'task-grid' }, h('div', {}, units, workItems, changes), h('div', {}, timeline)),
    receiptsCard(shown, task.loop?.unreceived ?? [], name),
    progressCard(task, me, name, plan, ctx),
    chases,
    coordinationsCard(task, me, name, plan, ctx),
    notices,
    notifications,
    escalations,
    extensions,
  );
}
