/**
 * `GET /metrics` against a real dev server and worker: a plan started in 2016 has every task escalated and its
 * notices delivered. What Prometheus scrapes must say what the API's own lists say: notice deliveries by
 * channel and outcome as the notification log has them, escalations by level and overdue milestones as the
 * task list has them, and the sign-offs and requests this process answered.
 */
import type { NotificationLogEntry, TaskRow } from '../../contracts';
import { taskUnits } from '../../domain/plan';
import { eventually, plan2016, request, startHarness, type Harness } from '../../support/api-harness';

let h: Harness;
let cur: ReturnType<Harness['app']>;

const auth = (token: string) => ({ Authorization: `Bearer ${token}` });

/** The value of one sample of `/metrics`, whatever the order of its labels; undefined when absent. */
async function sample(name: string, labels: Record<string, string> = {}): Promise<number | undefined> {
  const res = await request(cur.app).get('/metrics');
  expect(res.status).toBe(200);
  const want = Object.entries(labels)
    .map(([k, v]) => `${k}="${v}"`)
    .sort();
  for (const line of res.text.split('\n')) {
    const m = /^(\w+)(?:\{([^}]*)\})? (\S+)$/.exec(line);
    if (!m || m[1] !== name) continue;
    const have = (m[2] ?? '').split(',').filter(Boolean).sort();
    if (have.join(',') === want.join(',')) return Number(m[3]);
  }
  return undefined;
}

async function notifications(): Promise<NotificationLogEntry[]> {
  const res = await request(cur.app).get('/api/notifications').set(auth(cur.tokens.office));
  expect(res.status).toBe(200);
  return res.body.notifications;
}

beforeAll(async () => {
  h = await startHarness();
  cur = h.app(plan2016({ id: 'moe-2016-metrics', tasks: [4, 10, 14] }));
  const started = await request(cur.app)
    .post('/api/plan/start')
    .set(auth(cur.tokens.admin))
    .send({ startDate: '2016-02-02' });
  expect(started.status).toBe(200);
}, 180_000);

afterAll(async () => {
  await h?.stop();
});

test('notice deliveries by channel and outcome equal the notification log', async () => {
  // Each task's first milestone is years late: one escalation notice each, delivered by the worker's channel.
  const log = await eventually(async () => {
    const entries = await notifications();
    expect(entries.length).toBeGreaterThanOrEqual(3);
    // Every notice's deliveries have ended (delivered, or undeliverable for units no channel reaches).
    expect(entries.filter((e) => e.outcome === 'pending' || e.outcome === 'retrying')).toEqual([]);
    return entries;
  });
  const expected = new Map<string, number>();
  for (const d of log.flatMap((e) => e.deliveries)) {
    const key = `${d.channel}/${d.outcome}`;
    expected.set(key, (expected.get(key) ?? 0) + 1);
  }
  expect(expected.get('recording/delivered')).toBeGreaterThanOrEqual(3);
  for (const [key, count] of expected) {
    const [channel, outcome] = key.split('/') as [string, string];
    expect([key, await sample('duban_notice_deliveries', { channel, outcome })]).toEqual([key, count]);
  }
  expect(await sample('duban_notice_deliveries', { channel: 'recording', outcome: 'pending' })).toBeUndefined();
});

test('escalations by level and overdue milestones equal the task list; sign-offs and requests are counted', async () => {
  const rows: TaskRow[] = (await request(cur.app).get('/api/tasks').set(auth(cur.tokens.office))).body.tasks;
  expect(rows).toHaveLength(3);
  const levels = new Map<number, number>();
  for (const r of rows) levels.set(r.escalationLevel, (levels.get(r.escalationLevel) ?? 0) + 1);
  expect([...levels.keys()].every((l) => l > 0)).toBe(true);
  for (const [level, count] of levels)
    expect(await sample('duban_open_escalations', { level: String(level) })).toBe(count);
  expect(await sample('duban_overdue_milestones')).toBe(3);

  const co = taskUnits(cur.plan.tasks.find((t) => t.number === 10)!).coResponsible[0]!;
  const res = await request(cur.app)
    .post('/api/tasks/10/milestones/work-plan/sign-offs')
    .set(auth(cur.tokens.coordinator(co)))
    .send({ department: co, decision: 'approve' });
  expect(res.status).toBe(200);
  expect(await sample('duban_sign_offs_total', { decision: 'approve' })).toBe(1);
  expect(await sample('duban_api_requests_total', { operation: 'signOff', status: '200' })).toBe(1);
});
