// Pieces the pages share: the traffic light, department names, the sign-in form and error boxes.
import { ApiError, api, setToken } from './api.js';
import { h } from './dom.js';
import { has, lang, pick, t } from './i18n.js';

/** The light of each task status. */
export const STATUS_LIGHT = {
  on_track: 'green',
  due_soon: 'yellow',
  overdue: 'red',
  escalated: 'deepred',
  completed: 'grey',
  cancelled: 'grey',
};

/** The lights in the order the board counts them. */
export const LIGHTS = ['green', 'yellow', 'red', 'deepred', 'grey'];

/** The light of a status; `none` for a task that has not recorded one yet. */
export function lightOf(status) {
  return STATUS_LIGHT[status] ?? 'none';
}

/** A coloured dot with its meaning as text beside it (colour is never the only signal). */
export function lightBadge(status, extra) {
  const light = lightOf(status);
  return h(
    'span',
    { class: `light light-${light}`, 'data-light': light },
    h('span', { class: 'dot', 'aria-hidden': 'true' }),
    status ? t(`status.${status}`) : t('light.none'),
    extra ? ` · ${extra}` : null,
  );
}

/** Looks up department names by id. */
export function departmentNames(plan) {
  const byId = new Map(plan.departments.map((d) => [d.id, d]));
  return (id) => (byId.has(id) ? pick(byId.get(id).name) : id);
}

/** Replaces department ids inside an API message with their names. */
export function humanize(message, plan) {
  const name = departmentNames(plan);
  const ids = new Set(plan.departments.map((d) => d.id));
  return message.replace(/[a-z][a-z0-9]*(?:-[a-z0-9]+)+|[a-z]{2,}/g, (word) => (ids.has(word) ? name(word) : word));
}

/** A box that says in plain words why something failed: a heading for the error code, then the API's reason. */
export function errorBox(err, plan) {
  const code = err instanceof ApiError ? err.code : 'unknown';
  const heading = has(`error.${code}`) ? t(`error.${code}`) : t('error.unknown');
  let detail = err instanceof ApiError && code !== 'network' ? pick(err.words) : '';
  if (plan && detail) detail = humanize(detail, plan);
  return h(
    'div',
    { class: 'alert alert-error', role: 'alert', 'data-testid': 'error', 'data-code': code },
    h('strong', {}, heading),
    detail && detail !== heading ? h('span', {}, `${lang() === 'en' ? ': ' : '：'}${detail}`) : null,
  );
}

/**
 * The tasks a list left out because their state could not be read (`unavailable` of the API's answer), each
 * with its reason and a link to its page; null when there are none.
 */
export function unavailableBox(unavailable) {
  if (!unavailable?.length) return null;
  return h(
    'div',
    { class: 'alert', role: 'status', 'data-testid': 'unavailable' },
    h('strong', {}, t('unavailable.title')),
    h(
      'ul',
      {},
      unavailable.map((u) =>
        h(
          'li',
          { 'data-task': String(u.taskNumber) },
          h('a', { href: `/tasks/${u.taskNumber}` }, t('unavailable.task', { n: u.taskNumber })),
          `${lang() === 'en' ? ': ' : '：'}${pick(u.reason)}`,
        ),
      ),
    ),
  );
}

/** A success message. */
export function okBox(text) {
  return h('div', { class: 'alert alert-ok', role: 'status', 'data-testid': 'ok' }, text);
}

/**
 * The sign-in form: checks the token against the API (`GET /api/plan`) before keeping it, then calls
 * `onDone`. An unknown token is refused on the spot with the reason.
 */
export function signInForm(onDone) {
  const input = h('input', {
    type: 'password',
    name: 'token',
    autocomplete: 'current-password',
    required: true,
    spellcheck: 'false',
    'data-testid': 'token-input',
  });
  const message = h('div', { class: 'form-message' });
  const form = h(
    'form',
    {
      class: 'card signin',
      'data-testid': 'signin',
      onsubmit: async (event) => {
        event.preventDefault();
        const token = input.value.trim();
        if (!token) return;
        message.replaceChildren();
        try {
          await api('/api/plan', { token });
          setToken(token);
          onDone();
        } catch (err) {
          message.replaceChildren(
            err instanceof ApiError && err.status === 401
              ? h('div', { class: 'alert alert-error', role: 'alert' }, t('signin.bad'))
              : errorBox(err),
          );
        }
      },
    },
    h('h2', {}, t('signin.title')),
    h('p', { class: 'muted' }, t('signin.help')),
    h('label', {}, h('span', {}, t('signin.token')), input),
    h('button', { type: 'submit', class: 'primary' }, t('signin.submit')),
    message,
  );
  return form;
}

const taskIndexes = new WeakMap();

/** The plan's tasks by number, built once per plan (a board of ten thousand rows looks each one up). */
function tasksByNumber(plan) {
  let index = taskIndexes.get(plan);
  if (!index) taskIndexes.set(plan, (index = new Map(plan.tasks.map((task) => [task.number, task]))));
  return index;
}

/** The title of a milestone of a plan task, by id. */
export function milestoneTitle(plan, taskNumber, milestoneId) {
  if (!milestoneId) return t('board.noMilestone');
  const task = tasksByNumber(plan).get(taskNumber);
  const m = task?.milestones.find((x) => x.id === milestoneId);
  return m ? pick(m.title) : milestoneId;
}
