/**
 * The hardened API against a real Temporal dev server and worker: idempotency keys bound to their request
 * (422 for another body, the first answer for the same, across a restart of the API), security headers,
 * rate limits (429 with Retry-After), tokens that expire or are revoked in the file of a running API, and
 * the audit log's lines for a sign-off and for refused attempts.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { writeTokensFile, watchTokensFile } from '../../api/auth/tokens';
import { createIdempotencyStore } from '../../api/idempotency';
import { DOCS_CONTENT_SECURITY_POLICY } from '../../api/routes/docs';
import {
  KEY_TASK_WORKFLOW,
  SA_DEPARTMENTS,
  SA_PENDING,
  SA_PLAN_ID,
  SA_TASK_NUMBER,
  type KeyTaskView,
  type PlanFile,
} from '../../contracts';
import { taskUnits, taskWorkflowId } from '../../domain/plan';
import { eventually, plan2016, request, startHarness, type Harness, type Tokens } from '../../support/api-harness';
import { expectError } from '../../support/checked-request';

let h: Harness;
let dir: string;
const plan: PlanFile = plan2016({ id: 'harden-2016', tasks: [5, 6, 7, 8] });
const auth = (token: string) => ({ Authorization: `Bearer ${token}` });
const units = (n: number) => taskUnits(plan.tasks.find((t) => t.number === n)!);
let base: ReturnType<Harness['app']>;

async function state(a: { app: ReturnType<Harness['app']>['app'] }, tokens: Tokens, n: number): Promise<KeyTaskView> {
  const res = await request(a.app).get(`/api/tasks/${n}`).set(auth(tokens.office));
  expect(res.status).toBe(200);
  return res.body;
}

beforeAll(async () => {
  dir = mkdtempSync(path.join(tmpdir(), 'duban-harden-'));
  h = await startHarness();
  base = h.app(plan);
  const started = await request(base.app).post('/api/plan/start').set(auth(base.tokens.admin)).send({});
  expect(started.status).toBe(200);
}, 180_000);

afterAll(async () => {
  await h?.stop();
  rmSync(dir, { recursive: true, force: true });
});

describe('Idempotency-Key bound to its request', () => {
  test('the same key with another body answers 422 and applies nothing; with the same body, the first answer, also after a restart', async () => {
    const storeFile = path.join(dir, 'idempotency-keys.jsonl');
    const deps = () => ({ tokens: base.tokens.records, idempotency: createIdempotencyStore({ file: storeFile }) });
    const running = h.app(plan, {}, deps());
    const co = units(5).coResponsible[0]!;
    const send = (a: typeof running, body: Record<string, unknown>) =>
      request(a.app)
        .post('/api/tasks/5/milestones/work-plan/sign-offs')
        .set({ ...auth(base.tokens.coordinator(co)), 'Idempotency-Key': 'harden-key-1' })
        .send({ department: co, ...body });

    const approved = await send(running, { decision: 'approve', comment: '同意' });
    expect(approved.status).toBe(200);
    expectError(await send(running, { decision: 'reject', comment: '不同意' }), 422, 'idempotency_key_reused');

    // Key order and spacing do not make another body: the parsed body is what counts.
    const again = await request(running.app)
      .post('/api/tasks/5/milestones/work-plan/sign-offs')
      .set({ ...auth(base.tokens.coordinator(co)), 'Idempotency-Key': 'harden-key-1' })
      .set('Content-Type', 'application/json')
      .send(`{ "comment": "同意",  "decision": "approve", "department": "${co}" }`);
    expect(again.status).toBe(200);
    expect(again.body).toEqual(approved.body);

    // The API restarted on the same DATA_DIR: a new process reads the bindings back from the file.
    const restarted = h.app(plan, {}, deps());
    expectError(await send(restarted, { decision: 'reject', comment: '改主意' }), 422, 'idempotency_key_reused');
    expect((await send(restarted, { decision: 'approve', comment: '同意' })).body).toEqual(approved.body);

    const view = await state(base, base.tokens, 5);
    const milestone = view.milestones.find((m) => m.id === 'work-plan')!;
    const mine = milestone.rounds.flatMap((r) => r.signOffs).filter((s) => s.department === co);
    // One act, applied once: the unit co-owns work item 1 and leads item 3 alone, so its approval signs both,
    // recorded once per role, under the one request id; none of the refused bodies left a trace.
    expect(mine.map((s) => ({ role: s.role, workItems: s.workItems }))).toEqual([
      { role: 'co', workItems: [0] },
      { role: 'lead', workItems: [2] },
    ]);
    expect(new Set(mine.map((s) => s.requestId)).size).toBe(1);
    for (const s of mine) expect(s).toMatchObject({ decision: 'approve', comment: '同意' });
    expect(milestone.state).toBe('open');
  });

  test('a key whose request was refused applied nothing and may be sent again with a corrected body', async () => {
    const co = units(6).coResponsible[0]!;
    const post = (body: Record<string, unknown>) =>
      request(base.app)
        .post('/api/tasks/6/milestones/work-plan/sign-offs')
        .set({ ...auth(base.tokens.coordinator(co)), 'Idempotency-Key': 'harden-key-2' })
        .send({ department: co, ...body });
    expectError(await post({ decision: 'reject' }), 400, 'comment_required');
    const fixed = await post({ decision: 'reject', comment: '请补充材料' });
    expect(fixed.status).toBe(200);
    expect(fixed.body.state).toBe('returned');
    // Now bound: the first body is refused.
    expectError(await post({ decision: 'reject' }), 422, 'idempotency_key_reused');
  });
});

describe('security headers', () => {
  test('every answer carries helmet’s headers and a request id; API answers are not stored', async () => {
    const me = await request(base.app)
      .get('/api/me')
      .set({ ...auth(base.tokens.office), 'X-Request-Id': 'trace-42' });
    expect(me.status).toBe(200);
    expect(me.headers['x-request-id']).toBe('trace-42');
    expect(me.headers['cache-control']).toBe('no-store');
    expect(me.headers['x-content-type-options']).toBe('nosniff');
    expect(me.headers['x-frame-options']).toBe('SAMEORIGIN');
    expect(me.headers['content-security-policy']).toContain("default-src 'none'");
    expect(me.headers['strict-transport-security']).toMatch(/max-age=\d+/);
    expect(me.headers['x-powered-by']).toBeUndefined();

    const refused = await request(base.app).get('/api/me').set('X-Request-Id', 'not sane; {"x": 1}');
    expect(refused.status).toBe(401);
    expect(refused.headers['cache-control']).toBe('no-store');
    expect(refused.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);

    const health = await request(base.app).get('/healthz');
    expect(health.headers['x-content-type-options']).toBe('nosniff');
  });

  test('the docs page allows exactly its own inline script and style and a fetch from this server', async () => {
    const docs = await request(base.app).get('/docs');
    expect(docs.status).toBe(200);
    const csp = docs.headers['content-security-policy'] as string;
    expect(csp).toBe(DOCS_CONTENT_SECURITY_POLICY);
    expect(csp).toMatch(/script-src 'sha256-[A-Za-z0-9+/=]{44}'/);
    expect(csp).not.toContain('unsafe-inline');
    const { createHash } = await import('node:crypto');
    const script = /<script>([\s\S]*?)<\/script>/.exec(docs.text)![1]!;
    expect(csp).toContain(`'sha256-${createHash('sha256').update(script).digest('base64')}'`);
  });

  test('the dashboard keeps its own policy', async () => {
    const page = await request(base.app).get('/');
    expect(page.status).toBe(200);
    expect(page.headers['content-security-policy']).toContain("script-src 'self'");
  });
});

describe('rate limits', () => {
  test('failed authentications from one address answer 429 with Retry-After, and a valid token still gets in', async () => {
    const a = h.app(plan, {}, { rateLimits: { authFailuresPer15Min: 5 } });
    for (let i = 0; i < 5; i++) {
      expectError(
        await request(a.app)
          .get('/api/tasks')
          .set(auth(`dbn_wrong${i}`)),
        401,
        'unauthorized',
      );
    }
    const limited = await request(a.app).get('/api/tasks').set(auth('dbn_wrong-again'));
    expectError(limited, 429, 'rate_limited');
    expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
    expectError(await request(a.app).get('/api/tasks'), 429, 'rate_limited');
    expect((await request(a.app).get('/api/me').set(auth(a.tokens.office))).status).toBe(200);
  });

  test('writes are limited per token: the fourth of three a minute answers 429, another token is not slowed', async () => {
    const a = h.app(plan, {}, { rateLimits: { writesPerMinute: 3 } });
    const lead = units(7).lead;
    const resubmit = (token: string) =>
      request(a.app).post('/api/tasks/7/milestones/work-plan/resubmit').set(auth(token)).send({ note: '补充' });
    for (let i = 0; i < 3; i++) expectError(await resubmit(a.tokens.coordinator(lead)), 409, 'not_returned');
    const limited = await resubmit(a.tokens.coordinator(lead));
    expectError(limited, 429, 'rate_limited');
    expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
    // Reads are not writes, and the limit is the token's own.
    expect(
      (
        await request(a.app)
          .get('/api/tasks')
          .set(auth(a.tokens.coordinator(lead)))
      ).status,
    ).toBe(200);
    expect((await resubmit(a.tokens.coordinator(units(7).coResponsible[0]!))).status).toBe(403);
  });
});

describe('tokens that expire or are revoked', () => {
  test('an expired token answers 401 token_expired', async () => {
    const records = base.tokens.records.map((r) =>
      r.role === 'viewer' ? { ...r, expiresAt: '2020-01-01T00:00:00.000Z' } : r,
    );
    const a = h.app(plan, {}, { tokens: records });
    expectError(await request(a.app).get('/api/tasks').set(auth(base.tokens.viewer)), 401, 'token_expired');
    expect((await request(a.app).get('/api/tasks').set(auth(base.tokens.office))).status).toBe(200);
  });

  test('a token revoked in the file of a running API answers 401 from the next request, without a restart', async () => {
    const file = path.join(dir, 'tokens.json');
    writeTokensFile(file, base.tokens.records);
    const lines: string[] = [];
    const a = h.app(plan, {}, { tokens: watchTokensFile(file, plan, (l) => lines.push(l)) });
    expect((await request(a.app).get('/api/tasks').set(auth(base.tokens.viewer))).status).toBe(200);

    // Revoked as `npm run token -- revoke` does it (the file replaced whole).
    writeTokensFile(
      file,
      base.tokens.records.map((r) => (r.role === 'viewer' ? { ...r, revokedAt: new Date().toISOString() } : r)),
    );
    expectError(await request(a.app).get('/api/tasks').set(auth(base.tokens.viewer)), 401, 'token_revoked');

    // An editor that leaves a broken file: the last good tokens stay in force, and the log says so.
    writeFileSync(file, '[{"sha256": "broken"');
    expect((await request(a.app).get('/api/tasks').set(auth(base.tokens.office))).status).toBe(200);
    expectError(await request(a.app).get('/api/tasks').set(auth(base.tokens.viewer)), 401, 'token_revoked');
    expect(lines.join('\n')).toMatch(/keeping the last good tokens/);

    // Removed from the file altogether: unknown.
    writeTokensFile(
      file,
      base.tokens.records.filter((r) => r.role !== 'viewer'),
    );
    expectError(await request(a.app).get('/api/tasks').set(auth(base.tokens.viewer)), 401, 'unauthorized');
  });
});

describe('audit log', () => {
  test('a sign-off and a refused attempt each leave one JSON line with who, what, where from and the outcome', async () => {
    const file = path.join(dir, 'audit.log');
    const a = h.app(plan, {}, { tokens: base.tokens.records, audit: file });
    const co = units(8).coResponsible[0]!;
    const signed = await request(a.app)
      .post('/api/tasks/8/milestones/work-plan/sign-offs')
      .set({ ...auth(base.tokens.coordinator(co)), 'X-Request-Id': 'audit-sign-1' })
      .send({ department: co, decision: 'approve' });
    expect(signed.status).toBe(200);
    const forbidden = await request(a.app)
      .post('/api/tasks/8/cancel')
      .set({ ...auth(base.tokens.office), 'X-Request-Id': 'audit-cancel-1' })
      .send({ reason: '试试' });
    expectError(forbidden, 403, 'forbidden');
    expectError(await request(a.app).get('/api/tasks/8').set(auth('dbn_nobody')), 401, 'unauthorized');
    // A read that succeeds is not a decision: no line.
    expect((await request(a.app).get('/api/tasks/8').set(auth(base.tokens.office))).status).toBe(200);

    const entries = readFileSync(file, 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(entries).toHaveLength(3);
    const [sign, cancel, unknown] = entries;
    expect(sign).toMatchObject({
      reqId: 'audit-sign-1',
      event: 'decision',
      method: 'POST',
      operation: 'signOff',
      task: 8,
      milestone: 'work-plan',
      decision: 'approve',
      who: { name: base.tokens.nameOf(co), role: 'coordinator', department: co },
      status: 200,
    });
    expect((sign!.who as { token: string }).token).toMatch(/^[0-9a-f]{12}$/);
    expect(sign!.address).toMatch(/127\.0\.0\.1|::1/);
    expect(typeof sign!.time).toBe('string');
    expect(cancel).toMatchObject({
      reqId: 'audit-cancel-1',
      event: 'refused',
      operation: 'cancelTask',
      task: 8,
      who: { role: 'office' },
      status: 403,
      code: 'forbidden',
    });
    expect(unknown).toMatchObject({ event: 'refused', task: 8, status: 401, code: 'unauthorized' });
    expect((unknown!.who as { token: string }).token).toMatch(/^[0-9a-f]{12}$/);
    expect(unknown!.who).not.toHaveProperty('name');
  });
});

describe('a list that includes a task whose state cannot be read', () => {
  test('the inbox answers with the other tasks and names the one whose query failed', async () => {
    const broken = plan2016({ id: 'harden-broken', tasks: [9, 10] });
    const department = taskUnits(broken.tasks.find((t) => t.number === 10)!).coResponsible[0]!;
    // Task 9's workflow is on a task queue no worker polls: it never ran a workflow task, so Temporal
    // refuses to query it (as it would a task whose worker cannot answer), while visibility lists it.
    const task9 = broken.tasks.find((t) => t.number === 9)!;
    await h.env.client.workflow.start(KEY_TASK_WORKFLOW, {
      workflowId: taskWorkflowId(broken, task9),
      taskQueue: `nobody-polls-${Date.now()}`,
      args: [],
      typedSearchAttributes: [
        { key: SA_PLAN_ID, value: broken.id },
        { key: SA_TASK_NUMBER, value: 9 },
        { key: SA_DEPARTMENTS, value: [department] },
        { key: SA_PENDING, value: [department] },
      ],
    });
    const errors: string[] = [];
    const a = h.app(broken, {}, { logError: (m) => errors.push(m) });
    expect((await request(a.app).post('/api/plan/start').set(auth(a.tokens.admin)).send({})).status).toBe(200);

    const inbox = await eventually(async () => {
      const res = await request(a.app).get(`/api/departments/${department}/inbox`).set(auth(a.tokens.office));
      expect(res.status).toBe(200);
      expect(res.body.unavailable).toHaveLength(1);
      expect(res.body.items.map((i: { taskNumber: number }) => i.taskNumber)).toContain(10);
      return res.body;
    }, 60_000);
    expect(inbox.unavailable[0]).toEqual({
      taskNumber: 9,
      workflowId: taskWorkflowId(broken, task9),
      reason: { zh: expect.stringContaining('任务9'), en: expect.stringContaining('task 9') },
    });
    expect(errors.join('\n')).toContain('the state of task 9');
    await h.env.client.workflow.getHandle(taskWorkflowId(broken, task9)).terminate('test over');
  }, 90_000);
});
