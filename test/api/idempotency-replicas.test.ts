/**
 * An `Idempotency-Key` across API replicas, on a real Temporal server: two apps with the same tokens but each
 * its own key store, as two replicas with their own `DATA_DIR`. The key reused with another body on the
 * replica that never saw it answers 422 there too (the workflow holds the first request's fingerprint), and
 * nothing is applied; with the same body it answers the first result.
 */
import type { Response } from 'supertest';
import type { KeyTaskView } from '../../contracts';
import { plan2016, request, startHarness, type Harness } from '../../support/api-harness';

let h: Harness;
let first: ReturnType<Harness['app']>;
let second: ReturnType<Harness['app']>;
const auth = (token: string) => ({ Authorization: `Bearer ${token}` });

beforeAll(async () => {
  h = await startHarness();
  const plan = plan2016({ id: 'idem-replicas', tasks: [8] });
  first = h.app(plan);
  // The second replica: the same tokens file, its own idempotency store.
  second = { ...h.app(plan, {}, { tokens: first.tokens.records }), tokens: first.tokens };
  const started = await request(first.app).post('/api/plan/start').set(auth(first.tokens.admin)).send({});
  expect(started.status).toBe(200);
}, 180_000);

afterAll(async () => {
  await h?.stop();
});

function signOff(replica: typeof first, body: Record<string, unknown>): Promise<Response> {
  return request(replica.app)
    .post('/api/tasks/8/milestones/work-plan/sign-offs')
    .set({ ...auth(first.tokens.coordinator('pep')), 'Idempotency-Key': 'replica-key-1' })
    .send({ department: 'pep', ...body });
}

test('a key reused with another body on another replica answers 422 and applies nothing', async () => {
  const approved = await signOff(first, { decision: 'approve', comment: '同意' });
  expect(approved.status).toBe(200);

  const reused = await signOff(second, { decision: 'reject', comment: '不同意' });
  expect({ status: reused.status, code: reused.body?.error?.code }).toEqual({
    status: 422,
    code: 'idempotency_key_reused',
  });
  expect(reused.body.error.message.zh).toContain('幂等键');
  expect(reused.body.error.message.en).toMatch(/Idempotency-Key/);

  // The same body on the other replica is the same request: the first answer.
  const retried = await signOff(second, { decision: 'approve', comment: '同意' });
  expect(retried.status).toBe(200);
  expect(retried.body).toEqual(approved.body);

  const task = await request(first.app).get('/api/tasks/8').set(auth(first.tokens.office));
  const m = (task.body as KeyTaskView).milestones.find((x) => x.id === 'work-plan')!;
  expect(m.state).toBe('open');
  expect(m.rounds.flatMap((r) => r.signOffs).filter((s) => s.department === 'pep')).toEqual([
    expect.objectContaining({ decision: 'approve', comment: '同意' }),
  ]);
}, 60_000);
