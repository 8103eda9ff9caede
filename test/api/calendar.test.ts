/**
 * A department's deadlines as a calendar feed, through the API on a real Temporal dev server and worker:
 * the feed lists exactly the milestones of the tasks the department is responsible for, on their due dates,
 * with its own state in the summary; it is valid iCalendar by strict line rules (CRLF, folding at 75 octets,
 * escaping, nesting, required properties); it takes the department's feed token, which its coordinator or
 * an administrator rotates (the old one then stops working, also on another replica sharing DATA_DIR); a
 * wrong, missing or replaced token is refused with the project's error body.
 */
import type { Express } from 'express';
import { closeApp } from '../../api/app';
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Response } from 'supertest';
import { foldIcsLine } from '../../api/calendar-ics';
import { addDays, localDate } from '../../domain/calendar';
import { taskWorkflowId } from '../../domain/plan';
import {
  mintTokens,
  plan2016,
  request,
  startHarness,
  testApp,
  type Harness,
  type Tokens,
} from '../../support/api-harness';

const DEPT = 'basic-ed-2';
const PUBLIC_URL = 'https://duban.example.org';
const plan = plan2016({ tasks: [1, 2, 3, 4, 5] });
const startDate = addDays(localDate(Date.now(), '+08:00'), -10);
const dataDir = mkdtempSync(path.join(tmpdir(), 'duban-calendar-'));
let h: Harness;
let tokens: Tokens;
let app: Express;
/** A second API replica on the same DATA_DIR. */
let replica: Express;

function build(): Express {
  return testApp(h.env, { plan, tokens, taskQueue: h.taskQueue, config: { DATA_DIR: dataDir, publicUrl: PUBLIC_URL } });
}

beforeAll(async () => {
  h = await startHarness();
  tokens = mintTokens(plan);
  app = build();
  replica = build();
  const started = await request(app)
    .post('/api/plan/start')
    .set('Authorization', `Bearer ${tokens.admin}`)
    .send({ startDate });
  expect(started.status).toBe(200);
  // In task 1 the unit leads work item 3 (co-unit 科技司) and co-owns item 4: once 科技司 has signed item 3,
  // the unit's one act signs both, and nothing more waits on it; task 3 (which it leads) still waits on it.
  const coSigned = await request(app)
    .post('/api/tasks/1/milestones/work-plan/sign-offs')
    .set('Authorization', `Bearer ${tokens.coordinator('science-tech')}`)
    .send({ department: 'science-tech', decision: 'approve', comment: '同意', workItem: 2 });
  expect(coSigned.status).toBe(200);
  const signed = await request(app)
    .post('/api/tasks/1/milestones/work-plan/sign-offs')
    .set('Authorization', `Bearer ${tokens.coordinator(DEPT)}`)
    .send({ department: DEPT, decision: 'approve', comment: '同意' });
  expect(signed.status).toBe(200);
}, 180_000);

afterAll(async () => {
  await Promise.all([app, replica].filter(Boolean).map((a) => closeApp(a)));
  await h?.stop();
});

async function rotate(token: string, department = DEPT, on: Express = app): Promise<Response> {
  return request(on).post(`/api/departments/${department}/calendar-feed`).set('Authorization', `Bearer ${token}`);
}

function feedPath(feedUrl: string): string {
  const u = new URL(feedUrl);
  return `${u.pathname}${u.search}`;
}

function expectError(res: Response, status: number, code: string): void {
  expect({ status: res.status, code: res.body?.error?.code }).toEqual({ status, code });
  expect(res.body.error.message.zh).toMatch(/[\u3400-\u9fff]/);
  expect(res.body.error.message.en).toMatch(/[A-Za-z]{3}/);
}

/** One component of a parsed calendar: its properties (name → [params, value][]) and sub-components. */
interface Component {
  name: string;
  props: Map<string, { params: string; value: string }[]>;
  children: Component[];
}

/**
 * A strict reading of RFC 5545's line rules: CRLF line ends (and a final CRLF), physical lines of at most
 * 75 octets, folded lines starting with one space, every content line `NAME[;params]:value`, BEGIN/END
 * nested and matched, TEXT escapes only `\\ \; \, \n`. Throws on the first violation.
 */
function parseIcs(text: string): Component {
  expect(text.endsWith('\r\n')).toBe(true);
  const physical = text.slice(0, -2).split('\r\n');
  for (const line of physical) {
    expect(line).not.toMatch(/[\r\n]/);
    expect(Buffer.byteLength(line, 'utf8')).toBeLessThanOrEqual(75);
  }
  const logical: string[] = [];
  for (const line of physical) {
    if (line.startsWith(' ')) logical[logical.length - 1] += line.slice(1);
    else logical.push(line);
  }
  const root: Component = { name: '', props: new Map(), children: [] };
  const stack = [root];
  for (const line of logical) {
    const m = /^([A-Z][A-Z0-9-]*)((?:;[A-Z-]+=[^;:]+)*):(.*)$/.exec(line);
    if (!m) throw new Error(`not a content line: ${line}`);
    const [, name, params, value] = m as unknown as [string, string, string, string];
    const top = stack[stack.length - 1]!;
    if (name === 'BEGIN') {
      const child: Component = { name: value, props: new Map(), children: [] };
      top.children.push(child);
      stack.push(child);
    } else if (name === 'END') {
      expect(value).toBe(top.name);
      stack.pop();
    } else {
      if (/\\[^\\;,nN]/.test(value.replace(/\\\\/g, ''))) throw new Error(`bad escape in ${line}`);
      top.props.set(name, [...(top.props.get(name) ?? []), { params, value }]);
    }
  }
  expect(stack).toHaveLength(1);
  expect(root.children.map((c) => c.name)).toEqual(['VCALENDAR']);
  return root.children[0]!;
}

const one = (c: Component, name: string): string => {
  const values = c.props.get(name) ?? [];
  expect(values).toHaveLength(1);
  return values[0]!.value;
};
const unescape = (v: string): string =>
  v.replace(/\\([\\;,nN])/g, (_m, c: string) => (c === 'n' || c === 'N' ? '\n' : c));

test('the feed lists exactly the department’s milestone deadlines, as strict iCalendar, with its own state', async () => {
  const url = (await rotate(tokens.coordinator(DEPT))).body.feedUrl as string;
  expect(url).toMatch(new RegExp(`^${PUBLIC_URL}/api/departments/${DEPT}/calendar\\.ics\\?feed=cal_[A-Za-z0-9_-]+$`));
  const res = await request(app).get(feedPath(url));
  expect(res.status).toBe(200);
  expect(res.headers['content-type']).toBe('text/calendar; charset=utf-8');
  const cal = parseIcs(res.text);
  expect(one(cal, 'VERSION')).toBe('2.0');
  expect(one(cal, 'PRODID')).toBeTruthy();
  expect(cal.children.every((c) => c.name === 'VEVENT')).toBe(true);

  // Exactly the milestones of the tasks whose work items name the department, each on its due date.
  const mine = plan.tasks.filter((t) => t.workItems.some((w) => w.units.includes(DEPT)));
  expect(mine.map((t) => t.number)).toEqual([1, 3]);
  const expected = mine.flatMap((t) =>
    plan.schedule.map((m) => ({
      uid: `${taskWorkflowId(plan, t)}.${m.id}.${DEPT}@duban.example.org`,
      date: addDays(startDate, m.offsetDays).replaceAll('-', ''),
    })),
  );
  const events = cal.children.map((e) => ({
    uid: one(e, 'UID'),
    start: e.props.get('DTSTART')![0]!,
    end: e.props.get('DTEND')![0]!,
    summary: unescape(one(e, 'SUMMARY')),
    description: unescape(one(e, 'DESCRIPTION')),
    stamp: one(e, 'DTSTAMP'),
  }));
  expect(events.map((e) => ({ uid: e.uid, date: e.start.value })).sort((a, b) => a.uid.localeCompare(b.uid))).toEqual(
    expected.sort((a, b) => a.uid.localeCompare(b.uid)),
  );
  for (const e of events) {
    expect(e.start.params).toBe(';VALUE=DATE');
    expect(e.end.params).toBe(';VALUE=DATE');
    expect(e.stamp).toMatch(/^\d{8}T\d{6}Z$/);
  }

  const event = (task: number, milestone: string) =>
    events.find((e) => e.uid.startsWith(`${taskWorkflowId(plan, { number: task })}.${milestone}.`))!;
  // Task 1's first milestone: the unit signed it; task 3's (it leads): it waits on the unit.
  expect(event(1, 'work-plan').summary).toMatch(/^【本单位已签核】任务1「.+」.+ 截止 · signed by your unit/);
  expect(event(3, 'work-plan').summary).toMatch(/^【待本单位签核】任务3「.+」.+ 截止 · awaiting your sign-off$/);
  expect(event(3, 'year-end').summary).toMatch(/^【未开始】/);
  expect(event(3, 'work-plan').description).toContain(`查看任务 Open the task: ${PUBLIC_URL}/tasks/3`);
  expect(event(3, 'work-plan').description.split('\n')).toHaveLength(6);

  // The same feed fetched again keeps every UID: calendar apps update events instead of adding copies.
  const again = parseIcs((await request(app).get(feedPath(url))).text);
  expect(again.children.map((e) => one(e, 'UID'))).toEqual(cal.children.map((e) => one(e, 'UID')));
});

test('rotation answers a new URL; the old token stops working at once, on every replica sharing DATA_DIR', async () => {
  const first = (await rotate(tokens.coordinator(DEPT))).body.feedUrl as string;
  expect((await request(replica).get(feedPath(first))).status).toBe(200);
  const rotated = await rotate(tokens.admin, DEPT, replica);
  expect(rotated.status).toBe(200);
  expect(rotated.body).toMatchObject({ department: DEPT, rotatedAt: expect.any(String) });
  const second = rotated.body.feedUrl as string;
  expect(second).not.toBe(first);
  expectError(await request(app).get(feedPath(first)), 401, 'invalid_feed_token');
  expectError(await request(replica).get(feedPath(first)), 401, 'invalid_feed_token');
  expect((await request(app).get(feedPath(second))).status).toBe(200);
  // Only the token's hash is stored.
  const stored = readdirSync(path.join(dataDir, 'calendar-feeds')).map((f) =>
    readFileSync(path.join(dataDir, 'calendar-feeds', f), 'utf8'),
  );
  const token = new URL(second).searchParams.get('feed')!;
  expect(stored.some((s) => s.includes(token))).toBe(false);
});

test('a wrong, missing or other department’s token is refused with the error body', async () => {
  const url = (await rotate(tokens.coordinator(DEPT))).body.feedUrl as string;
  const token = new URL(url).searchParams.get('feed')!;
  expectError(await request(app).get(`/api/departments/${DEPT}/calendar.ics`), 401, 'invalid_feed_token');
  expectError(
    await request(app).get(`/api/departments/${DEPT}/calendar.ics?feed=cal_wrong`),
    401,
    'invalid_feed_token',
  );
  // A department that never had a feed refuses every token, this one included.
  expectError(
    await request(app).get(`/api/departments/higher-ed/calendar.ics?feed=${token}`),
    401,
    'invalid_feed_token',
  );
  expectError(
    await request(app).get(`/api/departments/no-such-unit/calendar.ics?feed=${token}`),
    404,
    'department_not_found',
  );
  // A bearer token is not a feed token.
  expectError(
    await request(app).get(`/api/departments/${DEPT}/calendar.ics?feed=${tokens.coordinator(DEPT)}`),
    401,
    'invalid_feed_token',
  );
});

test('only the department’s coordinator and administrators may rotate its feed', async () => {
  expectError(await rotate(tokens.coordinator('higher-ed')), 403, 'forbidden');
  expectError(await rotate(tokens.office), 403, 'forbidden');
  expectError(await rotate(tokens.viewer), 403, 'forbidden');
  expectError(await request(app).post(`/api/departments/${DEPT}/calendar-feed`), 401, 'unauthorized');
  expect((await rotate(tokens.coordinator('higher-ed'), 'higher-ed')).status).toBe(200);
});

test('folding never splits a character and keeps every line within 75 octets', () => {
  const line = `SUMMARY:${'督办截止'.repeat(40)}`;
  const folded = foldIcsLine(line);
  const parts = folded.split('\r\n');
  expect(parts.length).toBeGreaterThan(1);
  for (const p of parts) expect(Buffer.byteLength(p, 'utf8')).toBeLessThanOrEqual(75);
  expect(parts.slice(1).every((p) => p.startsWith(' '))).toBe(true);
  expect(parts.map((p, i) => (i === 0 ? p : p.slice(1))).join('')).toBe(line);
});
