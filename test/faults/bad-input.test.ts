/**
 * Fault: bad input. A fuzzer (fast-check, fixed seed) sends thousands of malformed bodies, paths, queries,
 * tokens and oversized payloads to every endpoint of the API process. No answer may be 5xx, the process
 * must stay up, and the plan's state must be the same afterwards.
 */
import fc from 'fast-check';
import { localDate } from '../../domain/calendar';
import { milestoneActs } from '../../domain/plan';
import { DEFAULT_PLAN_FILE, loadPlanFile } from '../../seeds/load-plan';
import { apiRequest } from '../../support/api-request';
import { runPool } from '../../support/pool';
import { createProcessStack, type ProcessStack } from '../../support/process-stack';
import { signOffWithRetry, taskView, type SignOffAttempt } from './support';

const RUNS = 3_000;
const SEED = 20160202;

let stack: ProcessStack;

afterAll(async () => {
  await stack?.dispose();
});

/** Keys that could make a random object a valid mutation body: left out so that every body stays invalid. */
const MEANINGFUL = new Set(['reason', 'decision', 'note', 'newDueDate', 'approve', 'startDate', 'department']);

interface FuzzRequest {
  method: string;
  path: string;
  token: string | undefined;
  contentType: string | undefined;
  body: string | undefined;
}

test('thousands of malformed requests: no 5xx, no crash, plan state unchanged', async () => {
  const plan = loadPlanFile(DEFAULT_PLAN_FILE);
  stack = await createProcessStack({ label: 'duban-fault-fuzz' });
  await stack.startServer();
  await stack.startWorker();
  const api = await stack.startApi();
  const tokens = stack.tokens();
  const startDate = localDate(Date.now(), plan.policy.utcOffset);
  expect((await apiRequest(stack.apiUrl, 'POST', '/api/plan/start', tokens.admin, { startDate })).status).toBe(200);
  // Some state to keep: task 1's items are signed by their units, all but the lead's close.
  const task1 = plan.tasks[0]!;
  for (const act of milestoneActs(plan, task1).slice(0, -1)) {
    if (act.kind !== 'sign') continue;
    const d = act.department;
    const a: SignOffAttempt = {
      task: 1,
      milestoneId: plan.schedule[0]!.id,
      department: d,
      workItem: act.workItem,
      token: tokens.coordinator(d),
      key: `k-${d}-${act.workItem}`,
      tries: 0,
      retried: [],
    };
    await signOffWithRetry(stack.apiUrl, a, 10_000);
    expect(a.final?.status).toBe(200);
  }
  const snapshot = async () =>
    Promise.all(
      plan.tasks.map(async (t) => {
        const v = await taskView(stack.apiUrl, tokens.office, t.number);
        return { milestones: v.milestones, extensions: v.extensions, cancellation: v.cancellation ?? null };
      }),
    );
  const before = await snapshot();

  const departments = plan.departments.map((d) => d.id);
  const validTokens = [
    tokens.admin,
    tokens.office,
    tokens.viewer,
    ...departments.slice(0, 5).map((d) => tokens.coordinator(d)),
  ];
  const segment = fc.oneof(
    fc.constantFrom(
      '1',
      '24',
      '25',
      '0',
      '-1',
      '1e3',
      '01',
      'NaN',
      '..',
      '%',
      '%zz',
      '%00',
      '%E4%B8',
      'work-plan',
      'q3',
    ),
    fc.constantFrom(...departments),
    fc.string({ maxLength: 30 }).map((s) => encodeURIComponent(s)),
    fc.string({ unit: 'grapheme', maxLength: 10 }).map((s) => encodeURIComponent(s)),
  );
  const pathTemplates: ((s: string[]) => string)[] = [
    () => '/api/plan',
    () => '/api/plan/start',
    () => '/api/tasks',
    (s) => `/api/tasks/${s[0]}`,
    (s) => `/api/tasks/${s[0]}/milestones/${s[1]}/sign-offs`,
    (s) => `/api/tasks/${s[0]}/milestones/${s[1]}/resubmit`,
    (s) => `/api/tasks/${s[0]}/milestones/${s[1]}/extension-requests`,
    (s) => `/api/tasks/${s[0]}/milestones/${s[1]}/extension-requests/${s[2]}/decision`,
    (s) => `/api/tasks/${s[0]}/cancel`,
    (s) => `/api/departments/${s[0]}/inbox`,
    () => '/api/escalations',
    () => '/api/notifications',
    () => '/api/extension-requests',
    () => '/api/me',
    () => '/healthz',
    () => '/openapi.json',
    () => '/docs',
    (s) => `/${s.join('/')}`,
  ];
  const query = fc.oneof(
    fc.constant(''),
    fc
      .array(
        fc.tuple(
          fc.constantFrom('department', 'status', 'section', 'pending', 'escalated', 'x', 'status[]', '__proto__'),
          fc.oneof(segment, fc.constantFrom('on_track', 'overdue', '9', '1.5', 'true', "a' OR 1=1 --", '')),
        ),
        { maxLength: 4 },
      )
      .map((pairs) => `?${pairs.map(([k, v]) => `${k}=${v}`).join('&')}`),
  );
  const jsonBody = fc
    .jsonValue({ maxDepth: 4 })
    .filter((v) => typeof v !== 'object' || v === null || Object.keys(v).every((k) => !MEANINGFUL.has(k)))
    .map((v) => JSON.stringify(v));
  const body = fc.oneof(
    { weight: 4, arbitrary: jsonBody },
    { weight: 2, arbitrary: fc.string({ maxLength: 200 }) },
    { weight: 1, arbitrary: fc.constantFrom('{', '{"a":', '[1,2', '\u0000', 'null', '"x"', '{"__proto__":{"x":1}}') },
    {
      weight: 1,
      arbitrary: fc.integer({ min: 65 * 1024, max: 2 * 1024 * 1024 }).map((n) => `{"comment":"${'x'.repeat(n)}"}`),
    },
    { weight: 1, arbitrary: fc.integer({ min: 200, max: 5_000 }).map((n) => `${'['.repeat(n)}${']'.repeat(n)}`) },
    { weight: 1, arbitrary: fc.constant(undefined) },
  );
  const token = fc.oneof(
    fc.constantFrom(...validTokens),
    fc.constant(undefined),
    fc.stringMatching(/^[\x21-\x7e]{0,80}$/),
    fc.constantFrom('dbn_', 'Bearer', 'null', `${tokens.admin}x`, tokens.admin.slice(0, -1)),
  );
  const request: fc.Arbitrary<FuzzRequest> = fc
    .record({
      method: fc.constantFrom('GET', 'POST', 'POST', 'POST', 'PUT', 'DELETE', 'PATCH'),
      template: fc.constantFrom(...pathTemplates),
      segments: fc.array(segment, { minLength: 3, maxLength: 3 }),
      query,
      token,
      contentType: fc.constantFrom('application/json', 'application/json; charset=utf-8', 'text/plain', undefined),
      body,
    })
    .map((r) => ({
      method: r.method,
      path: `${r.template(r.segments)}${r.query}`,
      token: r.token,
      contentType: r.contentType,
      body: r.method === 'GET' ? undefined : r.body,
    }));

  const samples = fc.sample(request, { numRuns: RUNS, seed: SEED });
  const run = await runPool(samples, 8, async (r) => {
    const headers: Record<string, string> = {};
    if (r.token !== undefined) headers.Authorization = `Bearer ${r.token}`;
    if (r.contentType) headers['Content-Type'] = r.contentType;
    const res = await fetch(`${stack.apiUrl}${r.path}`, { method: r.method, headers, body: r.body });
    await res.arrayBuffer();
    return res.status;
  });
  const failures = run.results
    .map((status, i) => ({ status, request: samples[i]! }))
    .filter((x) => x.status instanceof Error || x.status >= 500)
    .map((x) => ({
      status: x.status instanceof Error ? x.status.message : x.status,
      ...x.request,
      body: x.request.body?.slice(0, 200),
    }));
  expect(failures.slice(0, 5)).toEqual([]);
  const statuses = new Set(run.results.filter((s): s is number => typeof s === 'number'));
  // The fuzzer reached past authentication and validation, not only the 401 at the door.
  expect([...statuses]).toEqual(expect.arrayContaining([400, 401, 404, 413]));

  expect(api.running()).toBe(true);
  expect((await apiRequest(stack.apiUrl, 'GET', '/healthz', tokens.office)).status).toBe(200);
  expect(await snapshot()).toEqual(before);
});
