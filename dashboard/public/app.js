// The single-page shell: header, language switch, sign-in, and a small router over the History API.
// Each page is a function that draws into a fresh container and may return a function that stops its
// timers when the user leaves it.
import {
  ApiError,
  choosePlan,
  chosenPlan,
  clearToken,
  getToken,
  listPlans,
  loadPlan,
  setToken,
  whoAmI,
} from './api.js';
import { h, replace } from './dom.js';
import { applyLang, formatTime, lang, pick, setLang, t } from './i18n.js';
import { renderBoard } from './pages/board.js';
import { renderBulletins } from './pages/bulletins.js';
import { renderInbox } from './pages/inbox.js';
import { renderTargets } from './pages/targets.js';
import { renderTask } from './pages/task.js';
import { errorBox, signInForm } from './ui.js';

const ROUTES = [
  { pattern: /^\/$/, nav: 'board', page: renderBoard },
  { pattern: /^\/tasks\/(\d+)\/?$/, nav: 'board', page: renderTask },
  { pattern: /^\/inbox\/?$/, nav: 'inbox', page: renderInbox },
  { pattern: /^\/targets\/?$/, nav: 'targets', page: renderTargets },
  { pattern: /^\/bulletins\/?$/, nav: 'bulletins', page: renderBulletins },
];

let stopPage = null;

/** Goes to `url` inside the app (no reload). */
export function navigate(url, { replaceState = false } = {}) {
  if (replaceState) history.replaceState(null, '', url);
  else history.pushState(null, '', url);
  render();
}

/** Who is signed in: name, role and department, filled in when `/api/me` (and the plan) answer. */
function identity() {
  const el = h('span', { class: 'who', 'data-testid': 'who' });
  Promise.all([whoAmI(), loadPlan().catch(() => null)]).then(
    ([me, plan]) => {
      const department = me.department && plan?.departments.find((d) => d.id === me.department);
      const parts = [me.name, t(`session.role.${me.role}`), department ? pick(department.name) : me.department];
      el.textContent = t('session.who', { name: parts.filter(Boolean).join(' · ') });
      el.title = el.textContent;
    },
    () => undefined,
  );
  return el;
}

/**
 * The plan chooser, shown when the engine runs more than one plan (`GET /api/plans`): every page then shows
 * the chosen plan (the board, a task, the inbox, the targets, the ledger). A remembered plan that is no longer
 * served falls back to the default plan.
 */
function planChooser() {
  const el = h('span', { class: 'plan-chooser' });
  listPlans().then(
    (plans) => {
      const chosen = chosenPlan();
      if (chosen && !plans.some((p) => p.id === chosen)) {
        choosePlan(null);
        render();
        return;
      }
      if (plans.length < 2) return;
      const current = chosen ?? plans[0].id;
      replace(
        el,
        h(
          'label',
          {},
          h('span', { class: 'plan-label' }, t('plan.choose')),
          h(
            'select',
            {
              'data-testid': 'plan-chooser',
              onchange: (e) => {
                choosePlan(e.target.value === plans[0].id ? null : e.target.value);
                render();
              },
            },
            plans.map((p) =>
              h(
                'option',
                { value: p.id, selected: p.id === current },
                t(p.default ? 'plan.optionDefault' : 'plan.option', { year: p.year, title: pick(p.title) }),
              ),
            ),
          ),
        ),
      );
    },
    () => undefined,
  );
  return el;
}

function header(active) {
  const navLink = (key, href) =>
    h(
      'a',
      { href, class: active === key ? 'active' : null, 'aria-current': active === key ? 'page' : null },
      t(`nav.${key}`),
    );
  return h(
    'div',
    { class: 'topbar-inner' },
    h('a', { href: '/', class: 'brand' }, h('span', { class: 'seal', 'aria-hidden': 'true' }, '督'), t('app.title')),
    h(
      'nav',
      { class: 'nav' },
      navLink('board', '/'),
      navLink('inbox', '/inbox'),
      navLink('targets', '/targets'),
      navLink('bulletins', '/bulletins'),
    ),
    h(
      'div',
      { class: 'tools' },
      getToken() ? planChooser() : null,
      getToken() ? identity() : null,
      getToken()
        ? h(
            'button',
            {
              type: 'button',
              class: 'link',
              'data-testid': 'sign-out',
              onclick: () => {
                clearToken();
                render();
              },
            },
            t('session.signOut'),
          )
        : null,
      h(
        'button',
        {
          type: 'button',
          class: 'lang',
          lang: lang() === 'zh' ? 'en' : 'zh-CN',
          'data-testid': 'lang-switch',
          onclick: () => {
            setLang(lang() === 'zh' ? 'en' : 'zh');
            render();
          },
        },
        t('lang.switch'),
      ),
    ),
  );
}

/**
 * The line a printed page carries at its top (the navigation is not printed): the plan's title and when it
 * was printed. Filled when a page is drawn and again just before printing, so the time is the printing's.
 */
function fillPrintHeader() {
  const el = document.getElementById('print-header');
  if (!el || !getToken()) return;
  loadPlan().then(
    (plan) => replace(el, t('print.header', { plan: pick(plan.title), date: formatTime(new Date().toISOString()) })),
    () => replace(el),
  );
}
window.addEventListener('beforeprint', fillPrintHeader);

function render() {
  if (stopPage) stopPage();
  stopPage = null;
  applyLang();
  document.title = t('app.title');
  const path = location.pathname;
  const route = ROUTES.find((r) => r.pattern.test(path)) ?? ROUTES[0];
  const params = route.pattern.exec(path)?.slice(1) ?? [];
  replace(document.getElementById('topbar'), header(route.nav));
  const main = document.getElementById('app');
  const root = h('div', { class: 'page' });
  replace(main, root);
  if (!getToken()) {
    root.append(signInForm(render));
    return;
  }
  const ctx = {
    root,
    params,
    query: new URLSearchParams(location.search),
    navigate,
    rerender: render,
    /**
     * Shows a failure; an unknown token sends the user back to sign in. A page drawn over since (signed out, or
     * gone elsewhere) is left alone: its late answer must not replace what the user now sees.
     */
    fail(err, plan) {
      if (!root.isConnected) return;
      if (err instanceof ApiError && err.status === 401) {
        clearToken();
        render();
        return;
      }
      replace(root, errorBox(err, plan), h('button', { type: 'button', onclick: () => render() }, t('common.retry')));
    },
  };
  fillPrintHeader();
  Promise.resolve()
    .then(() => route.page(ctx))
    .then(
      (stop) => {
        if (typeof stop === 'function') {
          if (root.isConnected) stopPage = stop;
          else stop();
        }
      },
      (err) => ctx.fail(err),
    );
}

/**
 * A wall screen can be set up once with /#token=… (the fragment never reaches the server or its logs). A
 * link with another token than the one signed in asks first: a link someone sent must not silently sign the
 * user in as someone else. A stored token the API no longer accepts is replaced without asking.
 */
async function takeTokenFromLink() {
  const fragment = /(?:^#|&)token=([^&]+)/.exec(location.hash);
  if (!fragment) return;
  history.replaceState(null, '', location.pathname + location.search);
  let offered;
  try {
    offered = decodeURIComponent(fragment[1]).trim();
  } catch {
    return;
  }
  const current = getToken();
  if (!offered || offered === current) return;
  if (current) {
    const name = await whoAmI().then(
      (me) => me.name,
      () => null,
    );
    if (name !== null && !window.confirm(t('session.replace', { name }))) return;
  }
  setToken(offered);
}

document.addEventListener('click', (event) => {
  const a = event.target instanceof Element ? event.target.closest('a[href]') : null;
  if (!a || a.target || a.hasAttribute('download') || event.defaultPrevented) return;
  if (event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
  const url = new URL(a.href, location.href);
  if (url.origin !== location.origin || url.pathname.startsWith('/api') || url.pathname.startsWith('/docs')) return;
  event.preventDefault();
  navigate(url.pathname + url.search);
});
window.addEventListener('popstate', render);
takeTokenFromLink().finally(render);
