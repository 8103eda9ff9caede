/**
 * Several plans side by side, on a real Temporal dev server and worker: the mini plan is the default plan
 * (started 40 days back, so its first milestones are 10 days late), the imagined 2027 city plan is loaded and
 * started through `POST /api/plans`; then the board's list, a task, a sign-off, the ledger and the charts' data
 * are asked of each plan with `?plan=`, and the refusals (an id already started, an invalid plan file, a plan
 * nobody loaded, a role that may not load one) are checked as a client would see them.
 */
import { mkdtempSync, readFileSync, rmSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Express } from 'express';
import { closeApp } from '../../api/app';
import type { PlanFile } from '../../contracts';
import { addDays, localDate } from '../../domain/calendar';
import { loadPlanFile } from '../../seeds/load-plan';
import { eventually, mintTokens, request, startHarness, testApp, type Harness } from '../../support/api-harness';
import { miniPlan } from '../../support/mini-plan';

const fixture = (name: string) => join(__dirname, '..', 'fixtures', 'plans', name);
const cityJson = JSON.parse(readFileSync(fixture('city-2027-smart-education.plan.json'), 'utf8')) as Record<
  string,
  unknown
>;
const city = loadPlanFile(fixture('city-2027-smart-education.plan.json'));
const CITY = city.id;
const today = localDate(Date.now(), '+08:00');
const miniStart = addDays(today, -40);
const auth = (token: string) => ({ Authorization: `Bearer ${token}` });

/** Tokens for every unit of both plans (a coordinator of the city plan signs its tasks). */
const tokens = mintTokens({ ...miniPlan, departments: [...miniPlan.departments, ...city.departments] } as PlanFile);

let h: Harness;
let app: Express;
let dataDir: string;
const apps: Express[] = [];

function appWith(dir?: string): Express {
  const built = testApp(h.env, {
    plan: miniPlan,
    tokens,
    taskQueue: h.taskQueue,
    config: dir ? { DATA_DIR: dir } : {},
    taskListTiming: { pollMs: 200 },
  });
  apps.push(built);
  return built;
}

beforeAll(async () => {
  h = await startHarness();
  dataDir = mkdtempSync(join(tmpdir(), 'duban-plans-'));
  app = appWith(dataDir);
  const started = await request(app).post('/api/plan/start').set(auth(tokens.admin)).send({ startDate: miniStart });
  expect(started.status).toBe(200);
}, 240_000);

afterAll(async () => {
  await Promise.all(apps.map((a) => closeApp(a)));
  await h?.stop();
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
});

describe('GET /api/plans and POST /api/plans', () => {
  it('lists the default plan alone before another is loaded', async () => {
    const res = await request(app).get('/api/plans').set(auth(tokens.viewer));
    expect(res.status).toBe(200);
    expect(res.body.plans).toEqual([
      expect.objectContaining({ id: 'mini-plan', year: 2030, default: true, tasks: 3, sections: 1, started: 3 }),
    ]);
  });

  it('refuses a coordinator loading a plan: 403', async () => {
    const res = await request(app)
      .post('/api/plans')
      .set(auth(tokens.coordinator('alpha')))
      .send({ plan: cityJson });
    expect(res.status).toBe(403);
    expect(res.body.error.code).toBe('forbidden');
  });

  it('refuses a plan file with broken references: 400 invalid_plan with every problem and its path', async () => {
    const bad = JSON.parse(readFileSync(fixture('bad-references.plan.json'), 'utf8')) as unknown;
    const res = await request(app).post('/api/plans').set(auth(tokens.admin)).send({ plan: bad });
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('invalid_plan');
    expect(res.body.error.message.zh).toMatch(/计划文件不符合格式/);
    expect(res.body.error.details.problems.length).toBeGreaterThan(0);
    expect(res.body.error.details.problems.join('\n')).toMatch(/^tasks\[\d+\]/m);
    const plans = await request(app).get('/api/plans').set(auth(tokens.admin));
    expect(plans.body.plans).toHaveLength(1);
  });

  it('loads the 2027 plan and starts its tasks beside the 2030 one', async () => {
    const res = await request(app)
      .post('/api/plans')
      .set(auth(tokens.admin))
      .send({ plan: cityJson, startDate: today });
    expect(res.status).toBe(201);
    expect(res.body.plan).toMatchObject({ id: CITY, year: 2027, default: false, tasks: 3, workItems: 4 });
    expect(res.body.tasks).toEqual(
      [1, 2, 3].map((n) => ({ number: n, workflowId: `${CITY}-task-${n}`, started: true })),
    );
    await eventually(async () => {
      const plans = await request(app).get('/api/plans').set(auth(tokens.office));
      expect(plans.body.plans.map((p: { id: string; started: number }) => [p.id, p.started])).toEqual([
        ['mini-plan', 3],
        [CITY, 3],
      ]);
    }, 30_000);
    // Kept for a restart or another replica sharing DATA_DIR.
    expect(existsSync(join(dataDir, 'plans', `${CITY}.plan.json`))).toBe(true);
  });

  it('refuses a plan id already started: 409 plan_already_started, also for the default plan’s id', async () => {
    const again = await request(app).post('/api/plans').set(auth(tokens.admin)).send({ plan: cityJson });
    expect(again.status).toBe(409);
    expect(again.body.error).toMatchObject({
      code: 'plan_already_started',
      message: { zh: expect.stringContaining(CITY), en: expect.stringContaining(CITY) },
    });
    const mini = await request(app)
      .post('/api/plans')
      .set(auth(tokens.admin))
      .send({ plan: { ...cityJson, id: 'mini-plan' } });
    expect(mini.status).toBe(409);
  });

  it('refuses a plan whose tasks run in Temporal though this replica never loaded it: 409', async () => {
    // Another API process with its own DATA_DIR (none): it learns of the running tasks from visibility.
    const other = appWith();
    const res = await request(other).post('/api/plans').set(auth(tokens.admin)).send({ plan: cityJson });
    expect(res.status).toBe(409);
    expect(res.body.error.code).toBe('plan_already_started');
  });

  it('serves the loaded plan from DATA_DIR in a restarted API, without loading it again', async () => {
    const restarted = appWith(dataDir);
    const res = await request(restarted).get('/api/plans').set(auth(tokens.viewer));
    expect(res.body.plans.map((p: { id: string }) => p.id)).toEqual(['mini-plan', CITY]);
    const rows = await request(restarted).get(`/api/tasks?plan=${CITY}`).set(auth(tokens.viewer));
    expect(rows.status).toBe(200);
    expect(rows.body.tasks).toHaveLength(3);
  });
});

describe('two plans side by side', () => {
  it('lists each plan’s own tasks: the same numbers, different workflows and titles', async () => {
    const mini = await request(app).get('/api/tasks').set(auth(tokens.office));
    const other = await request(app).get(`/api/tasks?plan=${CITY}`).set(auth(tokens.office));
    expect(mini.body.tasks.map((t: { workflowId: string }) => t.workflowId)).toEqual([
      'mini-plan-task-1',
      'mini-plan-task-2',
      'mini-plan-task-3',
    ]);
    expect(other.body.tasks.map((t: { workflowId: string }) => t.workflowId)).toEqual([
      `${CITY}-task-1`,
      `${CITY}-task-2`,
      `${CITY}-task-3`,
    ]);
    expect(other.body.tasks[2].title).toEqual(city.tasks[2]!.title);
    // The mini plan is 10 days late, the city plan just started.
    expect(mini.body.tasks.map((t: { status: string }) => t.status)).not.toContain('on_track');
    await eventually(async () => {
      const rows = await request(app).get(`/api/tasks?plan=${CITY}`).set(auth(tokens.office));
      expect(rows.body.tasks.map((t: { status: string }) => t.status)).toEqual(['on_track', 'on_track', 'on_track']);
    }, 30_000);
    const plan = await request(app).get(`/api/plan?plan=${CITY}`).set(auth(tokens.office));
    expect(plan.body.title).toEqual(city.title);
    const task = await request(app).get(`/api/tasks/3?plan=${CITY}`).set(auth(tokens.office));
    expect(task.body).toMatchObject({ planId: CITY, workflowId: `${CITY}-task-3`, title: city.tasks[2]!.title });
  });

  it('takes a sign-off for the city plan’s task and leaves the same number of the other plan alone', async () => {
    const res = await request(app)
      .post(`/api/tasks/3/milestones/training-plan/sign-offs?plan=${CITY}`)
      .set(auth(tokens.coordinator('teacher-center')))
      .send({ department: 'teacher-center', decision: 'approve', comment: '培训方案已印发' });
    expect(res.status).toBe(200);
    expect(res.body.state).toBe('completed');
    const mini = await request(app).get('/api/tasks/3').set(auth(tokens.office));
    expect(mini.body.milestones[0].state).toBe('open');
    // A unit of the city plan is unknown to the default plan: a sign-off without ?plan= is refused.
    const wrong = await request(app)
      .post('/api/tasks/3/milestones/training-plan/sign-offs')
      .set(auth(tokens.coordinator('teacher-center')))
      .send({ department: 'teacher-center', decision: 'approve' });
    expect(wrong.status).toBe(404);
    expect(wrong.body.error.code).toBe('milestone_not_found');
  });

  it('answers 404 plan_not_found for a plan nobody loaded', async () => {
    for (const path of [
      '/api/tasks?plan=nope-2099',
      '/api/export/ledger.csv?plan=nope-2099',
      '/api/charts/league?plan=nope-2099',
    ]) {
      const res = await request(app).get(path).set(auth(tokens.office));
      expect(res.status).toBe(404);
      expect(res.body.error.code).toBe('plan_not_found');
      expect(res.body.error.message.en).toContain('nope-2099');
    }
  });

  it('writes the ledger of the chosen plan, with the board’s department filter', async () => {
    const res = await request(app).get(`/api/export/ledger.csv?plan=${CITY}`).set(auth(tokens.office));
    expect(res.status).toBe(200);
    expect(res.headers['content-disposition']).toContain(`ledger-${CITY}-`);
    const lines = (res.text as string)
      .replace(/^\uFEFF/, '')
      .trim()
      .split('\r\n')
      .slice(1);
    expect(new Set(lines.map((l) => l.split(',')[2]))).toEqual(new Set(city.tasks.map((t) => t.title.zh)));
    const own = await request(app)
      .get(`/api/export/ledger.csv?plan=${CITY}&department=teacher-center`)
      .set(auth(tokens.office));
    const ownLines = (own.text as string).trim().split('\r\n').slice(1);
    expect(new Set(ownLines.map((l) => l.split(',')[1]))).toEqual(new Set(['3']));
  });
});

describe('the charts’ data', () => {
  type League = { columns: { key: string }[]; rows: { department: string; values: Record<string, number | null> }[] };

  it('ranks the default plan’s departments: pending, overdue, on-time rate and average days late', async () => {
    // beta signs task 2 (its own) ten days late; it still owes tasks 1 and 3, both ten days late, and task 2's
    // final milestone, opened by its sign-off and not due yet.
    const signed = await request(app)
      .post('/api/tasks/2/milestones/first/sign-offs')
      .set(auth(tokens.coordinator('beta')))
      .send({ department: 'beta', decision: 'approve' });
    expect(signed.status).toBe(200);
    const res = await request(app).get('/api/charts/league').set(auth(tokens.office));
    expect(res.status).toBe(200);
    const body = res.body as League;
    expect(body.columns.map((c) => c.key)).toEqual(['pending', 'overdue', 'onTimeRate', 'averageDaysLate']);
    const beta = body.rows.find((r) => r.department === 'beta')!;
    expect(beta.values).toEqual({ pending: 3, overdue: 2, onTimeRate: 0, averageDaysLate: 10 });
    expect(body.rows.find((r) => r.department === 'gamma')!.values).toMatchObject({ pending: 1, overdue: 1 });
  });

  it('counts the city plan apart: its unit signed on time', async () => {
    const res = await request(app).get(`/api/charts/league?plan=${CITY}`).set(auth(tokens.office));
    const teacher = (res.body as League).rows.find((r) => r.department === 'teacher-center')!;
    // Its training plan signed before its due date; its training-done milestone now waits on it, not due yet.
    expect(teacher.values).toEqual({ pending: 1, overdue: 0, onTimeRate: 100, averageDaysLate: null });
    expect((res.body as League).rows.map((r) => r.department)).not.toContain('beta');
  });

  it('rebuilds the overdue milestones per day from due and completion dates', async () => {
    const res = await request(app).get('/api/charts/overdue').set(auth(tokens.viewer));
    expect(res.status).toBe(200);
    const days = res.body.days as { date: string; overdue: number }[];
    expect(days[0]!.date).toBe(miniStart);
    expect(days.at(-1)!.date).toBe(today);
    const on = (date: string) => days.find((d) => d.date === date)!.overdue;
    // The first milestones fall due 30 days after the start: none overdue on the due date, three the day after,
    // and two at the end of today (task 2's was completed today).
    expect(on(addDays(miniStart, 30))).toBe(0);
    expect(on(addDays(miniStart, 31))).toBe(3);
    expect(on(addDays(today, -1))).toBe(3);
    expect(on(today)).toBe(2);
    const other = await request(app).get(`/api/charts/overdue?plan=${CITY}`).set(auth(tokens.viewer));
    expect(other.body.days.every((d: { overdue: number }) => d.overdue === 0)).toBe(true);
  });

  it('gives a coordinator the league of its own department’s tasks only', async () => {
    const res = await request(app)
      .get('/api/charts/league')
      .set(auth(tokens.coordinator('gamma')));
    expect(res.status).toBe(200);
    // gamma answers for task 1 only: task 2's beta (signed) is not counted there.
    const beta = (res.body as League).rows.find((r) => r.department === 'beta')!;
    expect(beta.values).toMatchObject({ pending: 1, onTimeRate: 0 });
    const other = await request(app)
      .get('/api/charts/league?department=beta')
      .set(auth(tokens.coordinator('gamma')));
    expect(other.status).toBe(403);
  });
});
