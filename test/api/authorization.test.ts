/**
 * The authorization matrix: every principal (no token, an unknown token, the administrator, the general
 * office, a read-only viewer, the supervision office, leadership and the coordinator of every department of the 2016 plan) against every endpoint, with the
 * department-dependent endpoints tried for the principal's own department and for another. The expected
 * answer is worked out here from the rules of issue 5, independently of the API's code: 401 without a
 * valid token, 403 where the role or department may not act, and otherwise anything but 401/403.
 * Requests an allowed principal sends are built so that the workflow refuses them or they change nothing
 * lasting, so the order of the walk does not matter.
 */
import { request } from '../../support/checked-request';
import { taskDepartmentIds } from '../../domain/plan';
import { plan2016, startHarness, type Harness } from '../../support/api-harness';

type Who =
  | { kind: 'none' }
  | { kind: 'unknown' }
  | { kind: 'admin' }
  | { kind: 'office' }
  | { kind: 'viewer' }
  | { kind: 'supervisor' }
  | { kind: 'leadership' }
  | { kind: 'coordinator'; department: string };

/** Who reads everything the general office reads (issue 13: the supervision office and leadership too). */
const READERS: Who['kind'][] = ['office', 'viewer', 'supervisor', 'leadership'];

interface Probe {
  name: string;
  method: 'get' | 'post';
  path: string;
  body?: object;
  /** Who may do it, by the issue's rules. */
  allowed: (who: Who) => boolean;
}

let h: Harness;
let subject: ReturnType<Harness['app']>;

// Task 5 of 2016: higher-ed leads, ideological-political co-owns.
const TASK = 5;
const LEAD = 'higher-ed';
const CO = 'ideological-political';

beforeAll(async () => {
  h = await startHarness();
  // Two principals without a valid token walk every endpoint: more failed authentications from one address than
  // the default limit allows (its own tests are in hardening.test.ts).
  subject = h.app(plan2016(), {}, { rateLimits: { authFailuresPer15Min: 1_000 } });
  const started = await request(subject.app)
    .post('/api/plan/start')
    .set('Authorization', `Bearer ${subject.tokens.admin}`)
    .send({});
  expect(started.status).toBe(200);
}, 180_000);

afterAll(async () => {
  await h?.stop();
});

function probesFor(who: Who): Probe[] {
  const own = who.kind === 'coordinator' ? who.department : LEAD;
  const responsible = [LEAD, CO];
  const isCoord = (w: Who, pred: (d: string) => boolean = () => true) => w.kind === 'coordinator' && pred(w.department);
  const base = `/api/tasks/${TASK}/milestones/work-plan`;
  const other = own === LEAD ? CO : LEAD;
  return [
    { name: 'GET /api/plan', method: 'get', path: '/api/plan', allowed: () => true },
    {
      name: 'POST /api/plan/start',
      method: 'post',
      path: '/api/plan/start',
      body: {},
      allowed: (w) => w.kind === 'admin',
    },
    {
      name: 'POST /api/plan/start-jobs',
      method: 'post',
      path: '/api/plan/start-jobs',
      body: {},
      allowed: (w) => w.kind === 'admin',
    },
    {
      name: 'GET /api/plan/start-jobs/:id',
      method: 'get',
      path: '/api/plan/start-jobs/5f0c7c52-0a4e-4b8e-9d59-2f1e7a3c9b10',
      allowed: (w) => w.kind === 'admin',
    },
    { name: 'GET /api/tasks', method: 'get', path: '/api/tasks', allowed: () => true },
    {
      name: 'GET /api/tasks?department=own',
      method: 'get',
      path: `/api/tasks?department=${own}`,
      allowed: () => true,
    },
    {
      name: 'GET /api/tasks?department=other',
      method: 'get',
      path: `/api/tasks?department=${other}`,
      allowed: (w) => w.kind !== 'coordinator',
    },
    { name: 'GET /api/export/ledger.csv', method: 'get', path: '/api/export/ledger.csv', allowed: () => true },
    {
      name: 'GET /api/export/ledger.xlsx?department=other',
      method: 'get',
      path: `/api/export/ledger.xlsx?department=${other}`,
      allowed: (w) => w.kind !== 'coordinator',
    },
    { name: 'GET /api/plans', method: 'get', path: '/api/plans', allowed: () => true },
    {
      // An empty plan file: 400 invalid_plan after the role check.
      name: 'POST /api/plans',
      method: 'post',
      path: '/api/plans',
      body: { plan: {} },
      allowed: (w) => w.kind === 'admin',
    },
    {
      // The charts' data of all tasks reads every state, as the ledger: one probe, another department's.
      name: 'GET /api/charts/league?department=other',
      method: 'get',
      path: `/api/charts/league?department=${other}`,
      allowed: (w) => w.kind !== 'coordinator',
    },
    {
      name: 'GET /api/tasks/:number',
      method: 'get',
      path: `/api/tasks/${TASK}`,
      allowed: (w) => w.kind !== 'coordinator' || responsible.includes(w.department),
    },
    {
      // A rejection without a comment: the workflow refuses it (400) or the lead must wait (409).
      name: 'sign-off for own department',
      method: 'post',
      path: `${base}/sign-offs`,
      body: { department: own, decision: 'reject' },
      allowed: (w) => isCoord(w, (d) => responsible.includes(d)),
    },
    {
      name: 'sign-off for another department',
      method: 'post',
      path: `${base}/sign-offs`,
      body: { department: other, decision: 'reject' },
      allowed: () => false,
    },
    {
      // Not returned: the workflow refuses it (409).
      name: 'resubmit',
      method: 'post',
      path: `${base}/resubmit`,
      body: { note: '说明' },
      allowed: (w) => isCoord(w, (d) => d === LEAD),
    },
    {
      // A date before the current one: the workflow refuses it (400).
      name: 'extension request',
      method: 'post',
      path: `${base}/extension-requests`,
      body: { newDueDate: '2001-01-01', reason: '理由' },
      allowed: (w) => isCoord(w, (d) => d === LEAD),
    },
    {
      // No such request: 404.
      name: 'extension decision',
      method: 'post',
      path: `${base}/extension-requests/ext-404/decision`,
      body: { approve: true },
      allowed: (w) => w.kind === 'office',
    },
    {
      // An empty message: 400 after the role check.
      name: 'chase',
      method: 'post',
      path: `${base}/chases`,
      body: { message: '' },
      allowed: (w) => w.kind === 'office',
    },
    {
      // The milestone has not reached the cap of rejections: 409 from the workflow.
      name: 'round decision',
      method: 'post',
      path: `${base}/round-decision`,
      body: { decision: 'another-round', reason: '理由' },
      allowed: (w) => w.kind === 'office',
    },
    {
      // An empty reason: 400 after the role check.
      name: 'cancel',
      method: 'post',
      path: `/api/tasks/${TASK}/cancel`,
      body: { reason: '' },
      allowed: (w) => w.kind === 'admin',
    },
    {
      name: 'inbox of own department',
      method: 'get',
      path: `/api/departments/${own}/inbox`,
      allowed: (w) => w.kind === 'coordinator' || READERS.includes(w.kind),
    },
    {
      name: 'inbox of another department',
      method: 'get',
      path: `/api/departments/${other}/inbox`,
      allowed: (w) => READERS.includes(w.kind),
    },
    {
      name: 'GET /api/escalations',
      method: 'get',
      path: '/api/escalations',
      allowed: (w) => w.kind !== 'coordinator',
    },
    {
      name: 'GET /api/extension-requests',
      method: 'get',
      path: '/api/extension-requests',
      allowed: (w) => w.kind !== 'coordinator',
    },
    {
      name: 'GET /api/notifications?department=own',
      method: 'get',
      path: `/api/notifications?department=${own}`,
      allowed: () => true,
    },
    {
      name: 'GET /api/notifications?department=other',
      method: 'get',
      path: `/api/notifications?department=${other}`,
      allowed: (w) => w.kind !== 'coordinator',
    },
    {
      name: 'codec decode',
      method: 'post',
      path: '/api/codec/decode',
      body: { payloads: [] },
      allowed: (w) => w.kind === 'admin',
    },
    // Refused after the role check, before any task's state is read (404 another plan, 400 a month not begun).
    { name: 'GET /api/scores', method: 'get', path: '/api/scores?plan=another-plan', allowed: () => true },
    {
      name: 'GET /api/bulletins/:month',
      method: 'get',
      path: '/api/bulletins/2099-01',
      allowed: (w) => w.kind !== 'coordinator',
    },
    {
      name: 'GET /api/bulletins/:month/print',
      method: 'get',
      path: '/api/bulletins/2099-01/print',
      allowed: (w) => w.kind !== 'coordinator',
    },
    // The office is refused by the API (400), having sent nothing.
    {
      name: 'POST /api/bulletins/:month/send',
      method: 'post',
      path: '/api/bulletins/2099-01/send',
      allowed: (w) => w.kind === 'office',
    },
    // No lead: the office is refused (400) and nothing starts.
    {
      name: 'POST /api/items',
      method: 'post',
      path: '/api/items',
      body: { kind: 'instruction', title: '无牵头单位', source: { by: '部长', document: '批示', date: '2016-03-01' } },
      allowed: (w) => w.kind === 'office',
    },
    {
      name: 'codec session',
      method: 'post',
      path: '/api/codec/session',
      allowed: (w) => w.kind === 'admin',
    },
    {
      name: 'codec encode',
      method: 'post',
      path: '/api/codec/encode',
      body: { payloads: [] },
      allowed: (w) => w.kind === 'admin',
    },
  ];
}

function tokenOf(who: Who): string | undefined {
  switch (who.kind) {
    case 'none':
      return undefined;
    case 'unknown':
      return 'dbn_unknown-token-for-the-matrix';
    case 'admin':
      return subject.tokens.admin;
    case 'office':
      return subject.tokens.office;
    case 'viewer':
      return subject.tokens.viewer;
    case 'supervisor':
      return subject.tokens.supervisor;
    case 'leadership':
      return subject.tokens.leadership;
    case 'coordinator':
      return subject.tokens.coordinator(who.department);
  }
}

test('every role × endpoint × department gets 401, 403 or through exactly as the rules say', async () => {
  const everyone: Who[] = [
    { kind: 'none' },
    { kind: 'unknown' },
    { kind: 'admin' },
    { kind: 'office' },
    { kind: 'viewer' },
    { kind: 'supervisor' },
    { kind: 'leadership' },
    ...subject.plan.departments.map((d) => ({ kind: 'coordinator' as const, department: d.id })),
  ];
  expect(everyone.length).toBeGreaterThan(30);
  const wrong: string[] = [];
  let walked = 0;
  for (const who of everyone) {
    const token = tokenOf(who);
    for (const probe of probesFor(who)) {
      const req = request(subject.app)[probe.method](probe.path);
      if (token) req.set('Authorization', `Bearer ${token}`);
      const res = probe.body ? await req.send(probe.body) : await req;
      walked++;
      const label = `${who.kind === 'coordinator' ? `coordinator of ${who.department}` : who.kind} → ${probe.name}`;
      const authenticated = who.kind !== 'none' && who.kind !== 'unknown';
      const ok = !authenticated
        ? res.status === 401
        : probe.allowed(who)
          ? res.status !== 401 && res.status !== 403 && res.status < 500
          : res.status === 403;
      if (!ok) wrong.push(`${label}: ${res.status} ${JSON.stringify(res.body?.error ?? res.body).slice(0, 160)}`);
      if (res.status >= 400) expect(res.body.error).toEqual(expect.objectContaining({ code: expect.any(String) }));
    }
  }
  expect(wrong).toEqual([]);
  expect(walked).toBe(everyone.length * 35);
  // About 2,600 requests one after another, several of them waiting for Temporal: more than jest's default
  // minute on a shared two-core machine.
}, 240_000);

test('the open endpoints need no token', async () => {
  for (const path of ['/healthz', '/openapi.json', '/docs']) {
    expect((await request(subject.app).get(path)).status).toBe(200);
  }
});

test('a coordinator sees only the tasks of its department', async () => {
  for (const d of subject.plan.departments) {
    const res = await request(subject.app)
      .get('/api/tasks')
      .set('Authorization', `Bearer ${subject.tokens.coordinator(d.id)}`);
    const expected = subject.plan.tasks
      // Its units, and for a province the tasks whose collective it reports for.
      .filter((t) => taskDepartmentIds(subject.plan, t).includes(d.id))
      .map((t) => t.number);
    expect({ department: d.id, tasks: res.body.tasks.map((r: { number: number }) => r.number) }).toEqual({
      department: d.id,
      tasks: expected,
    });
  }
});
