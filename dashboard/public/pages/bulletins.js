// Monthly bulletins (/bulletins): the month's bulletin (通报) as the API writes it, its printable A4 page, and,
// for the general office, sending it to leadership through the notification channels.
import { api, download, loadPlan, whoAmI } from '../api.js';
import { h, randomKey, replace } from '../dom.js';
import { t } from '../i18n.js';
import { errorBox, okBox } from '../ui.js';

/** This month in the plan's time zone, `YYYY-MM`. */
function thisMonth(utcOffset) {
  const [sign, hh, mm] = /^([+-])(\d{2}):(\d{2})$/.exec(utcOffset)?.slice(1) ?? ['+', '08', '00'];
  const offset = (sign === '-' ? -1 : 1) * (Number(hh) * 60 + Number(mm)) * 60_000;
  return new Date(Date.now() + offset).toISOString().slice(0, 7);
}

/** Draws the bulletin page: a month picker, the bulletin's text, print, and (the office) send. */
export async function renderBulletins(ctx) {
  const { root } = ctx;
  replace(root, h('p', { class: 'muted' }, t('common.loading')));
  const [plan, me] = await Promise.all([loadPlan(), whoAmI()]);
  const month = ctx.query.get('month') || thisMonth(plan.policy.utcOffset);
  const picker = h('input', { type: 'month', name: 'month', value: month, 'data-testid': 'bulletin-month' });
  picker.addEventListener('change', () => picker.value && ctx.navigate(`/bulletins?month=${picker.value}`));
  const head = h(
    'div',
    { class: 'page-head' },
    h('h1', {}, t('bulletin.title')),
    h('label', { class: 'field' }, h('span', {}, t('bulletin.month')), picker),
  );
  let bulletin;
  try {
    bulletin = await api(`/api/bulletins/${month}`);
  } catch (err) {
    if (err?.status === 401) return ctx.fail(err, plan);
    replace(root, head, errorBox(err, plan));
    return;
  }
  const answer = h('div', { 'aria-live': 'polite' });
  const print = h(
    'button',
    {
      type: 'button',
      'data-testid': 'bulletin-print',
      onclick: () =>
        download(`/api/bulletins/${month}/print`, `${bulletin.title}.html`).catch((err) =>
          replace(answer, errorBox(err, plan)),
        ),
    },
    t('bulletin.print'),
  );
  let key = randomKey();
  const send =
    me.role === 'office'
      ? h(
          'button',
          {
            type: 'button',
            class: 'primary',
            'data-testid': 'bulletin-send',
            onclick: async (event) => {
              event.target.disabled = true;
              try {
                const sent = await api(`/api/bulletins/${month}/send`, { method: 'POST', idempotencyKey: key });
                replace(answer, okBox(t(sent.started ? 'bulletin.sent' : 'bulletin.sentBefore')));
              } catch (err) {
                key = randomKey();
                replace(answer, errorBox(err, plan));
              }
              event.target.disabled = false;
            },
          },
          t('bulletin.send'),
        )
      : null;
  replace(
    root,
    head,
    h(
      'article',
      { class: 'card bulletin', 'data-testid': 'bulletin' },
      h('h2', { 'data-testid': 'bulletin-title' }, bulletin.title),
      h('p', {}, bulletin.salutation),
      bulletin.paragraphs.map((p) => h('p', { 'data-testid': 'bulletin-paragraph' }, p)),
      h('p', { class: 'signature' }, bulletin.issuer, h('br'), bulletin.date),
    ),
    h('div', { class: 'actions' }, print, send),
    answer,
  );
}
