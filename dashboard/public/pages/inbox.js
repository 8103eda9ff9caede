// Coordinator (/inbox): a department's pending milestones, soonest due first, with the sign-off form
// (approve or return, comment, figures when the milestone asks the lead for them), the lead's resubmission
// and extension-request forms, and for the General Office the extension requests waiting for a decision. The
// office's closed loop: a unit's receipt (签收) of its part or its dispute, the office's decision on a dispute, and
// the lead's monthly progress report (进展报告).
// Every refusal of the API is shown in plain words beside the form that caused it.
import { DEPARTMENT_KEY, api, loadPlan, upload, whoAmI } from '../api.js';
import { h, randomKey, replace } from '../dom.js';
import { formatTime, pick, t } from '../i18n.js';
import { departmentNames, errorBox, lightBadge, okBox, unavailableBox } from '../ui.js';
import { loadNotices, noticeSection } from '../notices.js';
import { progressFields } from '../progress.js';

/** A message to show at the top after the page reloads its list (the item it was about may be gone). */
let flash = null;

/** The figures a lead reports on a milestone: the core-target figures linked to the task, if it asks for them. */
export function figuresAsked(plan, taskNumber, milestoneId) {
  const task = plan.tasks.find((x) => x.number === taskNumber);
  const m = task?.milestones.find((x) => x.id === milestoneId);
  if (!m?.reportsFigures) return [];
  return plan.targets.flatMap((target) => target.figures.filter((f) => f.tasks.includes(taskNumber)));
}

function field(label, control) {
  return h('label', { class: 'field' }, h('span', {}, label), control);
}

/** A required free-text box (a note, a reason). */
function longText(name, testId) {
  return h('textarea', { name, rows: 2, required: true, maxlength: 2000, 'data-testid': testId });
}

/** POSTs `body` to one of a milestone's actions (`sign-offs`, `resubmit`, `extension-requests`, …). */
function postToMilestone(taskNumber, milestoneId, action, body, idempotencyKey) {
  return api(`/api/tasks/${taskNumber}/milestones/${milestoneId}/${action}`, { method: 'POST', body, idempotencyKey });
}

/**
 * Makes `form` send its request under an idempotency key (a new one after a refusal): on success the page reloads with
 * `done` as the flash; on refusal `message` says why and the form can be sent again. Answers the form.
 */
function onSubmit(form, { message, plan, ctx, send, done }) {
  let key = randomKey();
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const buttons = form.querySelectorAll('button');
    buttons.forEach((b) => (b.disabled = true));
    replace(message);
    try {
      const result = await send(key, event.submitter);
      flash = okBox(done(result, event.submitter));
      ctx.rerender();
    } catch (err) {
      key = randomKey();
      if (err?.status === 401) {
        ctx.fail(err, plan);
        return;
      }
      replace(message, errorBox(err, plan));
      buttons.forEach((b) => (b.disabled = false));
    }
  });
  return form;
}

/** Whether the department closes this milestone as the task's lead (asked for the figures, may ask for more time). */
function closes(item) {
  return item.role ? item.role === 'close' : item.responsibility?.role === 'lead';
}

/**
 * The evidence (佐证材料) the lead submits with a milestone the office reviews: files (uploaded when the form is
 * sent) and a link with its title. `value()` uploads the files chosen and answers the evidence as the API takes it.
 */
function evidenceFields() {
  const files = h('input', { type: 'file', name: 'evidence-files', multiple: true, 'data-testid': 'evidence-files' });
  const url = h('input', { type: 'url', name: 'evidence-url', maxlength: 2000, 'data-testid': 'evidence-url' });
  const title = h('input', { type: 'text', name: 'evidence-title', maxlength: 200, 'data-testid': 'evidence-title' });
  const fieldset = h(
    'fieldset',
    { class: 'evidence', 'data-testid': 'evidence' },
    h('legend', {}, t('inbox.signoff.evidence')),
    field(t('inbox.signoff.evidenceFiles'), files),
    field(t('inbox.signoff.evidenceUrl'), url),
    field(t('inbox.signoff.evidenceTitle'), title),
  );
  const value = async () => {
    const stored = [];
    for (const file of files.files ?? []) stored.push({ kind: 'file', ...(await upload(file)) });
    const link = url.value.trim();
    return link ? [...stored, { kind: 'link', url: link, title: title.value.trim() || link }] : stored;
  };
  return { fieldset, value };
}

function signOffForm(item, department, plan, ctx, message) {
  const asked = closes(item) ? figuresAsked(plan, item.taskNumber, item.milestoneId) : [];
  const evidence = closes(item) && reviewed(plan, item) ? evidenceFields() : undefined;
  const comment = h('textarea', { name: 'comment', rows: 2, maxlength: 2000, 'data-testid': 'comment' });
  const inputs = asked.map((f) =>
    h('input', {
      type: 'number',
      name: f.id,
      min: 0,
      max: f.kind === 'percent' ? 100 : null,
      step: f.kind === 'percent' ? 'any' : 1,
      inputmode: 'decimal',
      'data-testid': `figure-${f.id}`,
    }),
  );
  const radio = (value, checked) =>
    h(
      'label',
      { class: `choice choice-${value}` },
      h('input', {
        type: 'radio',
        name: `decision-${item.taskNumber}-${item.milestoneId}`,
        value,
        checked,
        'data-testid': `decision-${value}`,
      }),
      t(`inbox.signoff.${value}`),
    );
  const form = h(
    'form',
    { class: 'signoff', 'data-testid': 'signoff-form' },
    h(
      'fieldset',
      { class: 'choices' },
      h('legend', {}, t('inbox.signoff.title')),
      radio('approve', true),
      radio('reject', false),
    ),
    asked.length
      ? h(
          'fieldset',
          { class: 'figures' },
          h('legend', {}, t('inbox.signoff.figures')),
          asked.map((f, i) =>
            field(`${pick(f.label)}（${t('inbox.signoff.target', { value: f.value, unit: f.unit })}）`, inputs[i]),
          ),
        )
      : null,
    field(t('inbox.signoff.comment'), comment),
    evidence ? evidence.fieldset : null,
    h('button', { type: 'submit', class: 'primary', 'data-testid': 'submit-signoff' }, t('inbox.signoff.submit')),
  );
  return onSubmit(form, {
    message,
    plan,
    ctx,
    send: async (key) => {
      const decision = form.querySelector('input[type=radio]:checked')?.value ?? 'approve';
      const body = { department, decision };
      if (item.workItem !== undefined) body.workItem = item.workItem;
      if (comment.value.trim()) body.comment = comment.value.trim();
      const figures = {};
      asked.forEach((f, i) => {
        if (inputs[i].value !== '') figures[f.id] = Number(inputs[i].value);
      });
      if (Object.keys(figures).length) body.figures = figures;
      const given = decision === 'approve' && evidence ? await evidence.value() : [];
      if (given.length) body.evidence = given;
      return postToMilestone(item.taskNumber, item.milestoneId, 'sign-offs', body, key).then(() => decision);
    },
    done: (decision) =>
      t('inbox.signoff.done', {
        task: item.taskNumber,
        milestone: pick(item.milestoneTitle),
        decision: t(`decision.${decision}`),
      }),
  });
}

function resubmitForm(item, plan, ctx, message) {
  const note = longText('note', 'resubmit-note');
  const form = h(
    'form',
    { class: 'resubmit', 'data-testid': 'resubmit-form' },
    h('p', { class: 'note' }, t('inbox.item.returned')),
    field(t('inbox.resubmit.note'), note),
    h('button', { type: 'submit', class: 'primary' }, t('inbox.resubmit.submit')),
  );
  return onSubmit(form, {
    message,
    plan,
    ctx,
    send: (key) => postToMilestone(item.taskNumber, item.milestoneId, 'resubmit', { note: note.value.trim() }, key),
    done: () => t('inbox.resubmit.done', { task: item.taskNumber, milestone: pick(item.milestoneTitle) }),
  });
}

/** Whether the office reviews the closure of the item's milestone: the plan's last milestone, or one it names. */
function reviewed(plan, item) {
  const review = plan.policy?.closureReview;
  if (!review) return false;
  // An item beyond the plan is not in the plan's list: its form offers the evidence fields.
  const milestones = plan.tasks.find((x) => x.number === item.taskNumber)?.milestones;
  if (!milestones) return true;
  return milestones.at(-1)?.id === item.milestoneId || review.milestones.includes(item.milestoneId);
}

/** The office's closure review of a submitted milestone: close it (销号), or return it to be done again. */
function closureReviewForm(item, plan, ctx, message) {
  // Not required by the browser: closing needs none; a return without one is refused by the API in its words.
  const reason = h('textarea', { name: 'reason', rows: 2, maxlength: 2000, 'data-testid': 'review-reason' });
  const form = h(
    'form',
    { class: 'decision', 'data-testid': 'closure-review-form' },
    h('p', { class: 'note' }, t('inbox.item.review')),
    field(t('inbox.review.reason'), reason),
    h('button', { type: 'submit', name: 'decision', value: 'close', class: 'primary' }, t('review.close')),
    h('button', { type: 'submit', name: 'decision', value: 'return' }, t('review.return')),
  );
  return onSubmit(form, {
    message,
    plan,
    ctx,
    send: (key, button) => {
      const decision = button?.value === 'return' ? 'return' : 'close';
      const body = { decision };
      if (reason.value.trim()) body.reason = reason.value.trim();
      return postToMilestone(item.taskNumber, item.milestoneId, 'closure-review', body, key).then(() => decision);
    },
    done: (decision) =>
      t('inbox.review.done', {
        task: item.taskNumber,
        milestone: pick(item.milestoneTitle),
        decision: t(`review.${decision}`),
      }),
  });
}

/** The general office's decision on a milestone rejected as often as the plan allows: another round, or close it. */
function roundDecisionForm(item, plan, ctx, message) {
  const reason = longText('reason', 'round-reason');
  const form = h(
    'form',
    { class: 'decision', 'data-testid': 'round-decision-form' },
    h('p', { class: 'note' }, t('inbox.item.roundLimit')),
    field(t('inbox.round.reason'), reason),
    h(
      'button',
      { type: 'submit', name: 'decision', value: 'another-round', class: 'primary' },
      t('round.another-round'),
    ),
    h('button', { type: 'submit', name: 'decision', value: 'close' }, t('round.close')),
  );
  return onSubmit(form, {
    message,
    plan,
    ctx,
    send: (key, button) => {
      const decision = button?.value === 'close' ? 'close' : 'another-round';
      const body = { decision, reason: reason.value.trim() };
      return postToMilestone(item.taskNumber, item.milestoneId, 'round-decision', body, key).then(() => decision);
    },
    done: (decision) =>
      t('inbox.round.done', {
        task: item.taskNumber,
        milestone: pick(item.milestoneTitle),
        decision: t(`round.${decision}`),
      }),
  });
}

function extensionForm(item, plan, ctx, message) {
  const date = h('input', {
    type: 'date',
    name: 'newDueDate',
    required: true,
    min: item.dueDate,
    'data-testid': 'extension-date',
  });
  const reason = longText('reason', 'extension-reason');
  const form = h(
    'form',
    { class: 'extension' },
    field(t('inbox.extension.date'), date),
    field(t('inbox.extension.reason'), reason),
    h('button', { type: 'submit' }, t('inbox.extension.submit')),
  );
  onSubmit(form, {
    message,
    plan,
    ctx,
    send: (key) =>
      postToMilestone(
        item.taskNumber,
        item.milestoneId,
        'extension-requests',
        { newDueDate: date.value, reason: reason.value.trim() },
        key,
      ),
    done: () => t('inbox.extension.done'),
  });
  return h('details', { class: 'extension-box' }, h('summary', {}, t('inbox.extension.title')), form, message);
}

/** A province's report on its part of a work item: progress, a text and the figures the milestone asks for. */
function reportForm(item, department, plan, ctx, message) {
  const asked = figuresAsked(plan, item.taskNumber, item.milestoneId);
  const status = h(
    'select',
    { name: 'status', 'data-testid': 'report-status' },
    ['done', 'in_progress', 'not_applicable'].map((s) => h('option', { value: s }, t(`report.${s}`))),
  );
  const text = longText('text', 'report-text');
  const inputs = asked.map((f) =>
    h('input', { type: 'number', name: f.id, min: 0, step: 'any', 'data-testid': `figure-${f.id}` }),
  );
  const form = h(
    'form',
    { class: 'report', 'data-testid': 'report-form' },
    h('h4', {}, t('inbox.report.title')),
    field(t('inbox.report.status'), status),
    field(t('inbox.report.text'), text),
    asked.map((f, i) => field(pick(f.label), inputs[i])),
    h('button', { type: 'submit', class: 'primary', 'data-testid': 'submit-report' }, t('inbox.report.submit')),
  );
  return onSubmit(form, {
    message,
    plan,
    ctx,
    send: (key) => {
      const body = { department, status: status.value, text: text.value.trim() };
      const figures = {};
      asked.forEach((f, i) => {
        if (inputs[i].value !== '') figures[f.id] = Number(inputs[i].value);
      });
      if (Object.keys(figures).length && status.value !== 'not_applicable') body.figures = figures;
      return postToMilestone(item.taskNumber, item.milestoneId, `work-items/${item.workItem}/reports`, body, key);
    },
    done: () =>
      t('inbox.report.done', { task: item.taskNumber, milestone: pick(item.milestoneTitle), n: item.workItem + 1 }),
  });
}

/**
 * A unit's receipt (签收) of its part of the milestone: sign for it, or dispute it (不属本单位职责) with the reason.
 * The reason is not required by the browser, since signing needs none; a dispute without one is refused by the API.
 */
function receiptForm(item, department, plan, ctx, message) {
  const reason = h('textarea', { name: 'reason', rows: 2, maxlength: 2000, 'data-testid': 'dispute-reason' });
  const form = h(
    'form',
    { class: 'loop-form', 'data-testid': 'receipt-form' },
    h('p', { class: 'note' }, t('inbox.item.receipt', { date: item.dueDate })),
    field(t('inbox.receipt.reason'), reason),
    h(
      'div',
      { class: 'buttons' },
      h(
        'button',
        { type: 'submit', name: 'decision', value: 'receive', class: 'primary', 'data-testid': 'receive' },
        t('inbox.receipt.receive'),
      ),
      h(
        'button',
        { type: 'submit', name: 'decision', value: 'dispute', 'data-testid': 'dispute' },
        t('inbox.receipt.dispute'),
      ),
    ),
  );
  return onSubmit(form, {
    message,
    plan,
    ctx,
    send: (key, button) => {
      const decision = button?.value === 'dispute' ? 'dispute' : 'receive';
      const body =
        decision === 'dispute' ? { department, decision, reason: reason.value.trim() } : { department, decision };
      return postToMilestone(item.taskNumber, item.milestoneId, 'receipts', body, key).then(() => decision);
    },
    done: (decision) =>
      t(`inbox.receipt.done.${decision}`, { task: item.taskNumber, milestone: pick(item.milestoneTitle) }),
  });
}

/** The units the office may hand a disputed part to: the plan's ministry departments and affiliated units. */
function assignableUnits(plan, except) {
  return plan.departments.filter(
    (d) => (d.kind === 'ministry-department' || d.kind === 'affiliated-unit') && d.id !== except,
  );
}

/**
 * The office's decision on a unit's dispute of its part: confirm the unit (its part stays its own), or hand the
 * part to another unit, which is then asked to sign for it. Both need a reason; a hand-over needs the unit.
 */
function disputeDecisionForm(item, plan, ctx, message) {
  const name = departmentNames(plan);
  const unit = item.dispute?.department ?? '';
  const reason = longText('reason', 'dispute-decision-reason');
  const to = h(
    'select',
    { name: 'to', 'data-testid': 'dispute-to' },
    h('option', { value: '' }, t('inbox.chooseDepartment')),
    assignableUnits(plan, unit).map((d) => h('option', { value: d.id }, pick(d.name))),
  );
  // The unit is asked for only when handing over: the browser says so before anything is sent.
  const button = (decision, attrs, label) =>
    h(
      'button',
      {
        type: 'submit',
        name: 'decision',
        value: decision,
        onclick: () => (to.required = decision === 'reassign'),
        ...attrs,
      },
      label,
    );
  const form = h(
    'form',
    { class: 'loop-form', 'data-testid': 'dispute-decision-form' },
    h(
      'p',
      { class: 'note', 'data-testid': 'dispute-note' },
      t('inbox.item.dispute', { unit: name(unit), reason: item.dispute?.reason ?? '' }),
    ),
    field(t('inbox.dispute.reason'), reason),
    field(t('inbox.dispute.to'), to),
    h(
      'div',
      { class: 'buttons' },
      button('confirm', { class: 'primary' }, t('inbox.dispute.confirm')),
      button('reassign', {}, t('inbox.dispute.reassign')),
    ),
  );
  return onSubmit(form, {
    message,
    plan,
    ctx,
    send: (key, submitter) => {
      const decision = submitter?.value === 'reassign' ? 'reassign' : 'confirm';
      const body = { decision, reason: reason.value.trim() };
      if (decision === 'reassign') body.to = to.value;
      const action = `disputes/${encodeURIComponent(unit)}/decision`;
      return postToMilestone(item.taskNumber, item.milestoneId, action, body, key).then(() => body);
    },
    done: (body) =>
      t(`inbox.dispute.done.${body.decision}`, {
        task: item.taskNumber,
        milestone: pick(item.milestoneTitle),
        unit: name(unit),
        to: body.to ? name(body.to) : '',
      }),
  });
}

/** The lead's progress report (进展报告) of the period the item asks for: the four parts of the office's template. */
function progressForm(item, department, plan, ctx, message) {
  const { fields, body } = progressFields();
  const form = h(
    'form',
    { class: 'loop-form', 'data-testid': 'progress-form' },
    h('p', { class: 'note' }, t('inbox.item.progress', { period: item.period ?? '', date: item.dueDate })),
    fields,
    h(
      'div',
      { class: 'buttons' },
      h('button', { type: 'submit', class: 'primary', 'data-testid': 'submit-progress' }, t('progress.submit')),
    ),
  );
  return onSubmit(form, {
    message,
    plan,
    ctx,
    send: (key) =>
      api(`/api/tasks/${item.taskNumber}/progress-reports`, {
        method: 'POST',
        body: body(department),
        idempotencyKey: key,
      }),
    done: (report) => t('progress.sent', { task: item.taskNumber, period: report.period }),
  });
}

/** The closed loop's inbox actions, with the key of their role line and of their read-only text. */
const LOOP_ACTIONS = {
  receipt: { role: 'inbox.item.asReceipt', readOnly: 'inbox.readOnly.receipt' },
  'decide-dispute': { role: 'inbox.item.asDispute', readOnly: 'inbox.readOnly.decideDispute' },
  'report-progress': { role: 'inbox.item.asProgress', readOnly: 'inbox.readOnly.progress' },
};

/**
 * One item waiting on the department (a milestone to sign, a receipt, a dispute, a progress report). Only the role
 * that acts on it gets the forms (the department's coordinator; the office for its decisions); the others see the
 * same card read-only, since the API would refuse them.
 */
function itemCard(item, department, plan, ctx, canAct) {
  const message = h('div', { class: 'form-message' });
  const loop = LOOP_ACTIONS[item.action];
  const isLead = !loop && closes(item);
  const role = loop
    ? t(loop.role, { period: item.period ?? '' })
    : item.role
      ? t(`inbox.item.role.${item.role}`, { n: (item.workItem ?? 0) + 1 })
      : item.action === 'decide-round'
        ? t('inbox.item.asOffice')
        : item.action === 'review-closure'
          ? t('inbox.item.asReviewer')
          : t(isLead ? 'inbox.item.asLead' : 'inbox.item.asCo');
  const form =
    item.action === 'receipt'
      ? receiptForm(item, department, plan, ctx, message)
      : item.action === 'decide-dispute'
        ? disputeDecisionForm(item, plan, ctx, message)
        : item.action === 'report-progress'
          ? progressForm(item, department, plan, ctx, message)
          : item.action === 'review-closure'
            ? closureReviewForm(item, plan, ctx, message)
            : item.action === 'decide-round'
              ? roundDecisionForm(item, plan, ctx, message)
              : item.action === 'resubmit'
                ? resubmitForm(item, plan, ctx, message)
                : item.action === 'report'
                  ? reportForm(item, department, plan, ctx, message)
                  : signOffForm(item, department, plan, ctx, message);
  return h(
    'article',
    {
      class: 'card inbox-item',
      'data-testid': 'inbox-item',
      'data-action': item.action,
      'data-task': item.taskNumber,
      'data-milestone': item.milestoneId,
      'data-item': item.workItem ?? '',
      'data-role': item.role ?? '',
      'data-unit': item.dispute?.department ?? '',
    },
    h(
      'header',
      {},
      h('h3', {}, h('a', { href: `/tasks/${item.taskNumber}` }, `${item.taskNumber}. ${pick(item.taskTitle)}`)),
      h(
        'p',
        { class: 'meta' },
        h('strong', {}, pick(item.milestoneTitle)),
        ` · ${t('inbox.item.due', { date: item.dueDate })} · ${t('inbox.item.round', { n: item.round })} · `,
        h('span', { 'data-testid': 'item-role' }, role),
        ' ',
        lightBadge(item.status),
      ),
    ),
    canAct
      ? [form, message, isLead ? extensionForm(item, plan, ctx, h('div', { class: 'form-message' })) : null]
      : h(
          'p',
          { class: 'muted small', 'data-testid': 'read-only' },
          t(
            loop
              ? loop.readOnly
              : item.action === 'review-closure'
                ? 'inbox.readOnly.review'
                : item.action === 'decide-round'
                  ? 'inbox.readOnly.decideRound'
                  : item.action === 'resubmit'
                    ? 'inbox.readOnly.resubmit'
                    : item.action === 'report'
                      ? 'inbox.readOnly.report'
                      : 'inbox.readOnly.signOff',
          ),
        ),
  );
}

/** The extension requests waiting for the office, from one API call (`GET /api/extension-requests`). */
async function pendingExtensions() {
  const { requests, unavailable } = await api('/api/extension-requests');
  const pending = requests.map((r) => ({
    task: { taskNumber: r.taskNumber, title: r.taskTitle },
    extension: r.extension,
    milestone: { id: r.milestoneId, title: r.milestoneTitle },
  }));
  return { pending, unavailable };
}

/**
 * Whether `role` decides the extension requests of task `number`: the general office, except on a task it leads
 * itself, which the supervision office decides (as the API and the workflow check).
 */
function decidesExtensions(role, plan, number) {
  const lead = plan.tasks.find((x) => x.number === number)?.lead;
  return lead === plan.roles.generalOffice ? role === 'supervisor' : role === 'office';
}

/**
 * The role that acts for an office's inbox: the general office's `office`, the supervision office's
 * `supervisor` (a milestone of a task the general office leads waits for it at the cap of rejections).
 */
function officeRoleOf(plan, department) {
  if (department === plan.roles.generalOffice) return 'office';
  if (department === plan.roles.supervisionOffice) return 'supervisor';
  return undefined;
}

/** The pending extension requests; each the signed-in role decides (`canDecide(taskNumber)`) has a form. */
function extensionDecisions(pending, plan, ctx, canDecide) {
  const name = departmentNames(plan);
  if (pending.length === 0) return h('p', { class: 'muted' }, t('inbox.extensions.empty'));
  return h(
    'div',
    { class: 'extension-list' },
    pending.map(({ task, extension: x, milestone }) => {
      const message = h('div', { class: 'form-message' });
      const comment = h('input', { type: 'text', name: 'comment', maxlength: 2000 });
      const form = h(
        'form',
        { class: 'decision' },
        field(t('inbox.extensions.comment'), comment),
        h(
          'button',
          { type: 'submit', name: 'approve', value: 'true', class: 'primary' },
          t('inbox.extensions.approve'),
        ),
        h('button', { type: 'submit', name: 'approve', value: 'false' }, t('inbox.extensions.decline')),
      );
      onSubmit(form, {
        message,
        plan,
        ctx,
        send: (key, button) => {
          const approve = button?.value === 'true';
          const body = { approve };
          if (comment.value.trim()) body.comment = comment.value.trim();
          const action = `extension-requests/${encodeURIComponent(x.id)}/decision`;
          return postToMilestone(task.taskNumber, x.milestoneId, action, body, key).then(() => approve);
        },
        done: (approve) =>
          t('inbox.extensions.done', {
            task: task.taskNumber,
            milestone: pick(milestone?.title) || x.milestoneId,
            decision: t(approve ? 'extension.approved' : 'extension.declined'),
          }),
      });
      return h(
        'article',
        { class: 'card', 'data-testid': 'extension-request', 'data-task': task.taskNumber },
        h('h3', {}, h('a', { href: `/tasks/${task.taskNumber}` }, `${task.taskNumber}. ${pick(task.title)}`)),
        h(
          'p',
          { class: 'meta' },
          h('strong', {}, pick(milestone?.title) || x.milestoneId),
          ` · ${x.previousDueDate} → ${x.newDueDate} · ${name(x.requestedBy.department)} ${x.requestedBy.person}（${formatTime(x.requestedAt)}）`,
        ),
        h('p', {}, x.reason),
        canDecide(task.taskNumber) ? [form, message] : null,
      );
    }),
  );
}

/** Draws the inbox of the chosen department. */
/**
 * The department's calendar feed (coordinator of that department, administrator): a button that asks the API
 * for a new feed URL (the old one stops working, so it asks first), then shows it with a copy button. Only
 * the new URL is ever shown: the API keeps the token's hash alone.
 */
function calendarFeedCard(department, plan, ctx) {
  const out = h('div', { class: 'calendar-feed-result' });
  const button = h('button', { type: 'button', 'data-testid': 'calendar-feed-rotate' }, t('inbox.calendar.rotate'));
  button.addEventListener('click', async () => {
    if (!window.confirm(t('inbox.calendar.confirm'))) return;
    button.disabled = true;
    replace(out);
    try {
      const { feedUrl } = await api(`/api/departments/${encodeURIComponent(department)}/calendar-feed`, {
        method: 'POST',
        body: {},
      });
      const input = h('input', { type: 'text', readonly: true, value: feedUrl, 'data-testid': 'calendar-feed-url' });
      const copy = h('button', { type: 'button', 'data-testid': 'calendar-feed-copy' }, t('inbox.calendar.copy'));
      const copied = h('span', { class: 'muted small', role: 'status' });
      copy.addEventListener('click', async () => {
        input.select();
        try {
          await navigator.clipboard.writeText(feedUrl);
          replace(copied, t('inbox.calendar.copied'));
        } catch {
          replace(copied, t('inbox.calendar.copyManually'));
        }
      });
      replace(
        out,
        field(t('inbox.calendar.url'), input),
        copy,
        copied,
        h('p', { class: 'muted small' }, t('inbox.calendar.once')),
      );
    } catch (err) {
      if (err?.status === 401) return ctx.fail(err, plan);
      replace(out, errorBox(err, plan));
    } finally {
      button.disabled = false;
    }
  });
  return h(
    'section',
    { class: 'card calendar-feed', 'data-testid': 'calendar-feed' },
    h('h2', {}, t('inbox.calendar.title')),
    h('p', { class: 'muted small' }, t('inbox.calendar.help')),
    button,
    out,
  );
}

/** Roles that read every department's inbox and the extension requests (as the general office reads). */
const READER_ROLES = ['office', 'viewer', 'supervisor', 'leadership'];

export async function renderInbox(ctx) {
  const { root } = ctx;
  replace(root, h('p', { class: 'muted' }, t('common.loading')));
  const plan = await loadPlan();
  const me = await whoAmI();
  const role = me.role;
  // A coordinator's inbox is its own department's; the office picks one.
  let department =
    role === 'coordinator' ? me.department : ctx.query.get('department') || localStorage.getItem(DEPARTMENT_KEY) || '';
  if (department && !plan.departments.some((d) => d.id === department)) department = '';
  if (department) localStorage.setItem(DEPARTMENT_KEY, department);

  const select = h(
    'select',
    { name: 'department', 'data-testid': 'inbox-department' },
    h('option', { value: '' }, t('inbox.chooseDepartment')),
    plan.departments.map((d) => h('option', { value: d.id, selected: d.id === department }, pick(d.name))),
  );
  const picker = h(
    'form',
    {
      class: 'picker',
      onsubmit: (event) => {
        event.preventDefault();
        if (!select.value) return;
        localStorage.setItem(DEPARTMENT_KEY, select.value);
        ctx.navigate('/inbox', { replaceState: true });
      },
    },
    field(t('inbox.department'), select),
    h('button', { type: 'submit', 'data-testid': 'inbox-show' }, t('inbox.show')),
  );
  select.addEventListener('change', () => picker.requestSubmit());

  const shown = flash;
  flash = null;
  const head = h(
    'div',
    { class: 'page-head' },
    h(
      'div',
      {},
      h('h1', {}, t('inbox.title')),
      h('p', { class: 'muted', 'data-testid': 'role' }, t('inbox.roleLine', { role: t(`inbox.role.${role}`) })),
    ),
    picker,
  );
  replace(root, head, shown);
  const reader = READER_ROLES.includes(role);
  if (reader) root.append(h('p', { class: 'muted small' }, t(`inbox.${role}Help`)));
  if (department && (role === 'coordinator' || role === 'admin')) root.append(calendarFeedCard(department, plan, ctx));

  if (department && role !== 'admin') {
    const list = h(
      'section',
      { class: 'inbox', 'data-testid': 'inbox' },
      h('p', { class: 'muted' }, t('common.loading')),
    );
    root.append(list);
    try {
      const { items, unavailable } = await api(`/api/departments/${encodeURIComponent(department)}/inbox`);
      replace(
        list,
        h(
          'h2',
          {},
          departmentNames(plan)(department),
          h('span', { class: 'subtitle' }, t('inbox.count', { n: items.length })),
        ),
        items.length
          ? items.map((item) =>
              itemCard(
                item,
                department,
                plan,
                ctx,
                role ===
                  (['decide-round', 'review-closure', 'decide-dispute'].includes(item.action)
                    ? officeRoleOf(plan, department)
                    : 'coordinator'),
              ),
            )
          : h('p', { class: 'card muted', 'data-testid': 'inbox-empty' }, t('inbox.empty')),
        unavailableBox(unavailable),
      );
    } catch (err) {
      if (err?.status === 401) return ctx.fail(err, plan);
      replace(list, errorBox(err, plan));
    }
    // The open supervision notices naming the department; its coordinator answers them here.
    try {
      const notices = await loadNotices(`department=${encodeURIComponent(department)}`);
      root.append(
        noticeSection(notices, {
          plan,
          ctx,
          me,
          withTask: true,
          emptyKey: 'notices.inbox.empty',
          testId: 'inbox-notices',
        }),
      );
    } catch (err) {
      if (err?.status === 401) return ctx.fail(err, plan);
      root.append(errorBox(err, plan));
    }
  }

  if (reader) {
    const box = h(
      'section',
      { class: 'extensions', 'data-testid': 'extension-requests' },
      h('h2', {}, t('inbox.extensions.title')),
      h('p', { class: 'muted' }, t('common.loading')),
    );
    root.append(box);
    try {
      const { pending, unavailable } = await pendingExtensions();
      replace(
        box,
        h('h2', {}, t('inbox.extensions.title')),
        extensionDecisions(pending, plan, ctx, (n) => decidesExtensions(role, plan, n)),
        unavailableBox(unavailable),
      );
    } catch (err) {
      replace(box, h('h2', {}, t('inbox.extensions.title')), errorBox(err, plan));
    }
  }
}
