// The pages' only way to the server: the public HTTP API with the user's bearer token, kept in this
// browser's localStorage. Every failure becomes an ApiError carrying the API's code and its words.

import { setPlanUtcOffset } from './i18n.js';

const TOKEN_KEY = 'duban.token';
/** The plan the user chose in the header (`GET /api/plans`); absent: the default plan. */
const PLAN_KEY = 'duban.plan';
/** The department whose inbox the user looked at last; forgotten with the token. */
export const DEPARTMENT_KEY = 'duban.department';

/**
 * A refused or failed request: `status` (0 when the server was not reached), the API's `code` and its
 * `words` `{ zh, en }` (a plain string when the failure did not come from the API).
 */
export class ApiError extends Error {
  constructor(status, code, words) {
    super(typeof words === 'string' ? words : words.en);
    this.status = status;
    this.code = code;
    this.words = words;
  }
}

/** The stored token, or null. */
export function getToken() {
  return localStorage.getItem(TOKEN_KEY);
}

/** Stores the token (trimmed) and forgets what was learnt with the previous one. */
export function setToken(token) {
  localStorage.setItem(TOKEN_KEY, token.trim());
  localStorage.removeItem(DEPARTMENT_KEY);
  identity = undefined;
}

/** Forgets the token. */
export function clearToken() {
  localStorage.removeItem(TOKEN_KEY);
  localStorage.removeItem(DEPARTMENT_KEY);
  identity = undefined;
}

/**
 * Calls the API. `body` is sent as JSON; `idempotencyKey` as `Idempotency-Key`.
 * @returns the parsed JSON answer.
 * @throws ApiError with the API's error code and words, `network` when unreachable.
 */
export async function api(path, { method = 'GET', body, idempotencyKey, token = getToken() } = {}) {
  path = withPlan(path);
  const headers = { Accept: 'application/json' };
  if (token) headers.Authorization = `Bearer ${token}`;
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  if (idempotencyKey) headers['Idempotency-Key'] = idempotencyKey;
  let res;
  try {
    res = await fetch(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  } catch (err) {
    throw new ApiError(0, 'network', String(err?.message ?? err));
  }
  let data = null;
  try {
    data = await res.json();
  } catch {
    data = null;
  }
  if (!res.ok) throw refusal(res, data);
  return data;
}

/** The ApiError of a refused answer, from its error body when it has one. */
function refusal(res, data) {
  const e = data?.error;
  return new ApiError(res.status, e?.code ?? `http_${res.status}`, e?.message ?? res.statusText);
}

/**
 * Uploads an evidence file (`POST /api/files`: its bytes, its name percent-encoded in `X-File-Name`).
 * @returns `{hash, name, size, type}` as the API stored it.
 * @throws ApiError as {@link api} does (too large, a refused type).
 */
export async function upload(file, { token = getToken() } = {}) {
  const headers = {
    Accept: 'application/json',
    'Content-Type': file.type || 'application/octet-stream',
    'X-File-Name': encodeURIComponent(file.name),
  };
  if (token) headers.Authorization = `Bearer ${token}`;
  let res;
  try {
    res = await fetch('/api/files', { method: 'POST', headers, body: file });
  } catch (err) {
    throw new ApiError(0, 'network', String(err?.message ?? err));
  }
  const data = await res.json().catch(() => null);
  if (!res.ok) throw refusal(res, data);
  return data;
}

/** The name a Content-Disposition gives: its RFC 5987 `filename*` (UTF-8, a Chinese name) first, then `filename`. */
function savedName(disposition) {
  const extended = /filename\*=UTF-8''([^;]+)/i.exec(disposition)?.[1];
  if (extended) {
    try {
      return decodeURIComponent(extended);
    } catch {
      // A malformed encoding: fall back to the plain name.
    }
  }
  return /filename="([^"]+)"/.exec(disposition)?.[1];
}

/**
 * Downloads a file the API answers (the ledger) with the bearer token, which a plain link cannot send, and
 * saves it under the name the answer gives (Content-Disposition) or `fallbackName`.
 * @throws ApiError as {@link api} does.
 */
export async function download(path, fallbackName, { token = getToken() } = {}) {
  path = withPlan(path);
  let res;
  try {
    res = await fetch(path, { headers: token ? { Authorization: `Bearer ${token}` } : {} });
  } catch (err) {
    throw new ApiError(0, 'network', String(err?.message ?? err));
  }
  if (!res.ok) throw refusal(res, await res.json().catch(() => null));
  const name = savedName(res.headers.get('Content-Disposition') ?? '') ?? fallbackName;
  const url = URL.createObjectURL(await res.blob());
  const link = document.createElement('a');
  link.href = url;
  link.download = name;
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
  return name;
}

/**
 * The plan chosen in the header, or null for the default plan. A link's `?plan=` chooses it (a wall screen
 * can be set to one plan by its address) and is remembered in this browser.
 */
export function chosenPlan() {
  const linked = new URLSearchParams(location.search).get('plan');
  if (linked) localStorage.setItem(PLAN_KEY, linked);
  return linked ?? localStorage.getItem(PLAN_KEY);
}

/** Chooses the plan every page shows (null: the default plan); the next `loadPlan` fetches it. */
export function choosePlan(id) {
  if (id) localStorage.setItem(PLAN_KEY, id);
  else localStorage.removeItem(PLAN_KEY);
  const url = new URL(location.href);
  if (url.searchParams.has('plan')) {
    url.searchParams.delete('plan');
    history.replaceState(null, '', url.pathname + url.search);
  }
  planPromise = undefined;
}

/** Paths whose answers are of one plan: they carry the chosen plan's `?plan=`. */
const PLAN_SCOPED =
  /^\/api\/(plan(\/|$|\?)|tasks|export\/|charts\/|escalations|extension-requests|departments\/[^/]+\/inbox)/;

/** `path` with the chosen plan's `plan=` added when it asks about one plan and names none itself. */
export function withPlan(path) {
  const plan = chosenPlan();
  if (!plan || !PLAN_SCOPED.test(path) || /[?&]plan=/.test(path)) return path;
  return `${path}${path.includes('?') ? '&' : '?'}plan=${encodeURIComponent(plan)}`;
}

/** Every plan the engine runs (`GET /api/plans`), the default one first. */
export function listPlans() {
  return api('/api/plans').then((answer) => answer.plans);
}

let planPromise;
/** The chosen plan (`GET /api/plan`), fetched once per page load and choice. */
export function loadPlan() {
  planPromise ??= api('/api/plan').then(
    (plan) => {
      setPlanUtcOffset(plan.policy?.utcOffset);
      return plan;
    },
    (err) => {
      planPromise = undefined;
      throw err;
    },
  );
  return planPromise;
}

let identity;
/** Who the token belongs to (`GET /api/me`): `{ role: 'coordinator' | 'office' | 'admin' | 'viewer' | 'supervisor' | 'leadership', department?, name }`. */
export function whoAmI() {
  identity ??= api('/api/me').catch((err) => {
    identity = undefined;
    throw err;
  });
  return identity;
}

/** Runs `fn` over `items` with at most `limit` at a time; answers results in order. */
export async function mapLimit(items, limit, fn) {
  const out = new Array(items.length);
  let next = 0;
  const worker = async () => {
    for (let i = next++; i < items.length; i = next++) out[i] = await fn(items[i], i);
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return out;
}
