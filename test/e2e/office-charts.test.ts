/**
 * The general office's charts and the plan chooser in a real browser (Debian's Chromium, playwright-core)
 * against the engine as `npm start` runs it: the 2016 plan started 40 days ago (every work plan 12 days
 * late), two of its tasks carried through the year for real (task 10 reports figures over its targets, task 14
 * under), and the imagined 2027 city plan loaded beside it with `POST /api/plans`. The board's league is
 * sorted by its columns, the overdue history shows what the API counts, the targets page draws each figure
 * against its target, and the chooser turns the board to the other plan. Screenshots go to
 * test-results/office-charts/, and to docs/ for the README when UPDATE_README_SCREENSHOT=1.
 */
import { copyFileSync, mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { Locator, Page } from 'playwright-core';
import { addDays, localDate } from '../../domain/calendar';
import { PROJECT_ROOT } from '../../embedded/binaries';
import { loadPlanFile } from '../../seeds/load-plan';
import { signedInBrowser, startStack, type Stack } from './stack';

const plan = loadPlanFile();
const cityFile = path.join(PROJECT_ROOT, 'test', 'fixtures', 'plans', 'city-2027-smart-education.plan.json');
const city = loadPlanFile(cityFile);
const RESULTS = path.join(PROJECT_ROOT, 'test-results', 'office-charts');
const today = localDate(Date.now(), plan.policy.utcOffset);

let stack: Stack;
let chromium: Awaited<ReturnType<typeof signedInBrowser>>['chromium'];
let page: Page;

/** Calls the API as `token`; answers the parsed body after checking the status. */
async function call(token: string, method: string, url: string, body?: unknown, status = 200): Promise<unknown> {
  const res = await fetch(`${stack.baseUrl}${url}`, {
    method,
    headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const answer = (await res.json()) as unknown;
  if (res.status !== status) throw new Error(`${method} ${url}: ${res.status} ${JSON.stringify(answer)}`);
  return answer;
}

/** Approves a milestone of the 2016 plan as the coordinator of `department`. */
function approve(task: number, milestone: string, department: string, figures?: Record<string, number>) {
  return call(stack.tokens.coordinator(department), 'POST', `/api/tasks/${task}/milestones/${milestone}/sign-offs`, {
    department,
    decision: 'approve',
    ...(figures ? { figures } : {}),
  });
}

/**
 * The lead's year-end approval (its figures and a link as evidence) and the office's closure review that closes it
 * (2016 reviews every task's last milestone).
 */
async function closeYearEnd(task: number, milestone: string, lead: string, figures: Record<string, number>) {
  const evidence = [{ kind: 'link', url: `https://example.org/task-${task}`, title: '年终总结' }];
  const path = `/api/tasks/${task}/milestones/${milestone}`;
  await call(stack.tokens.coordinator(lead), 'POST', `${path}/sign-offs`, {
    department: lead,
    decision: 'approve',
    figures,
    evidence,
  });
  await call(stack.tokens.office, 'POST', `${path}/closure-review`, { decision: 'close' });
}

/**
 * Saves a screenshot of `target` to test-results, and a picture the README shows (`readme`) to docs/ too when
 * the README's pictures are refreshed.
 */
async function shoot(target: Locator | Page, name: string, readme = true): Promise<void> {
  const file = path.join(RESULTS, name);
  await target.screenshot({ path: file });
  if (readme && process.env.UPDATE_README_SCREENSHOT === '1') {
    copyFileSync(file, path.join(PROJECT_ROOT, 'docs', name));
  }
}

beforeAll(async () => {
  mkdirSync(RESULTS, { recursive: true });
  stack = await startStack({ planStartDate: addDays(today, -40), taskCount: plan.tasks.length });
  // Task 14 (教师司 alone) and task 10 (科技司 with 国家开放大学… ncet) through their four milestones, late.
  for (const m of plan.schedule) {
    if (m.reportsFigures) {
      await closeYearEnd(14, m.id, 'teachers', { 't7-teachers-trained': 1_500_000 });
      await approve(10, m.id, 'ncet');
      const figures = {
        't4-provincial-platforms': 26,
        't4-registered-users': 61_000_000,
        't4-digital-resources': 5_000_000,
      };
      await closeYearEnd(10, m.id, 'science-tech', figures);
      continue;
    }
    await approve(14, m.id, 'teachers');
    await approve(10, m.id, 'ncet');
    await approve(10, m.id, 'science-tech');
  }
  await call(
    stack.tokens.admin,
    'POST',
    '/api/plans',
    { plan: JSON.parse(readFileSync(cityFile, 'utf8')) as unknown, startDate: addDays(today, -20) },
    201,
  );
  ({ chromium, page } = await signedInBrowser(stack, stack.tokens.office));
}, 300_000);

afterAll(async () => {
  await chromium?.close();
  await stack?.stop();
}, 60_000);

/** The league's lines as drawn: department and the sorted column's value (null for —). */
async function leagueLines(): Promise<{ department: string; value: number | null }[]> {
  const rows = await page.getByTestId('league-row').all();
  return Promise.all(
    rows.map(async (r) => {
      const v = await r.getAttribute('data-value');
      return {
        department: (await r.getAttribute('data-department'))!,
        value: v === '' || v === null ? null : Number(v),
      };
    }),
  );
}

const numbers = (lines: { value: number | null }[]) => lines.map((l) => l.value).filter((v): v is number => v !== null);
const descending = (xs: number[]) => xs.every((x, i) => i === 0 || xs[i - 1]! >= x);
const ascending = (xs: number[]) => xs.every((x, i) => i === 0 || xs[i - 1]! <= x);

describe('the departments’ league on the board', () => {
  it('ranks the units with the most overdue milestones first, with the words of its bar', async () => {
    await page.goto(stack.baseUrl);
    await page.getByTestId('league-chart').waitFor();
    expect(await page.getByTestId('league-chart').getAttribute('data-sorted')).toBe('overdue');
    // The first 15 of the 68 units (the provinces among them) until the user asks for all.
    expect(await page.getByTestId('league-row').count()).toBe(15);
    await page.getByTestId('league-all').click();
    const lines = await leagueLines();
    expect(lines.length).toBeGreaterThan(15);
    expect(descending(numbers(lines))).toBe(true);
    // The same figures as the API's.
    const api = (await call(stack.tokens.office, 'GET', '/api/charts/league')) as {
      rows: { department: string; values: Record<string, number | null> }[];
    };
    const byApi = new Map(api.rows.map((r) => [r.department, r.values.overdue]));
    for (const l of lines) expect(l.value).toBe(byApi.get(l.department));
    // 教师司 signed task 14's three later milestones before their due dates: some of its milestones were on time.
    expect(api.rows.find((r) => r.department === 'teachers')!.values.onTimeRate).toBeGreaterThan(0);
    expect(await page.getByTestId('league-legend').textContent()).toContain('逾期节点');
    await page.getByTestId('league-all').click();
    expect(await page.getByTestId('league-row').count()).toBe(15);
    await shoot(page.getByTestId('league'), 'league.png');
  });

  it('sorts by the on-time rate, worst first, then best first on a second click', async () => {
    await page.getByTestId('league-sort-onTimeRate').click();
    expect(await page.getByTestId('league-chart').getAttribute('data-sorted')).toBe('onTimeRate');
    const worst = await leagueLines();
    expect(ascending(numbers(worst))).toBe(true);
    // Units with nothing due yet (—) come last.
    const firstNull = worst.findIndex((l) => l.value === null);
    if (firstNull >= 0) expect(worst.slice(firstNull).every((l) => l.value === null)).toBe(true);
    expect(await page.getByTestId('league-order').textContent()).toBe('最差在前');
    await page.getByTestId('league-sort-onTimeRate').click();
    const best = await leagueLines();
    expect(descending(numbers(best))).toBe(true);
    expect(best[0]!.value).toBe(Math.max(...numbers(best)));
    expect(await page.getByTestId('league-order').textContent()).toBe('最好在前');
    await page.getByTestId('league-sort-averageDaysLate').click();
    expect(descending(numbers(await leagueLines()))).toBe(true);
  });

  it('speaks English after the switch, sorted as before', async () => {
    await page.getByTestId('lang-switch').click();
    await page.getByTestId('league-chart').waitFor();
    expect(await page.getByTestId('league').locator('h2').textContent()).toBe('Departments’ league');
    expect(await page.getByTestId('league-sort-averageDaysLate').textContent()).toContain('Average days late');
    expect(await page.getByTestId('league-legend').textContent()).toContain('Bar: Average days late');
    await shoot(page.getByTestId('league'), 'league-en.png', false);
    await page.getByTestId('lang-switch').click();
  });
});

describe('overdue milestones over time', () => {
  it('draws one point a day up to today, ending on the count the API gives', async () => {
    await page.goto(stack.baseUrl);
    const chart = page.getByTestId('overdue-chart');
    await chart.waitFor();
    const api = (await call(stack.tokens.office, 'GET', '/api/charts/overdue')) as {
      days: { date: string; overdue: number }[];
    };
    expect(api.days[0]!.date).toBe(addDays(today, -40));
    expect(api.days.at(-1)!.date).toBe(today);
    // 24 work plans fell due 12 days ago; tasks 10 and 14 were completed today, so 22 are left overdue now.
    expect(api.days.find((d) => d.date === addDays(today, -1))!.overdue).toBe(24);
    expect(api.days.at(-1)!.overdue).toBe(22);
    expect(await chart.getAttribute('data-days')).toBe(String(api.days.length));
    expect(await chart.getAttribute('data-today')).toBe('22');
    expect(await page.getByTestId('overdue-today').textContent()).toBe('今日 22');
    expect(await page.getByTestId('overdue-legend').textContent()).toBe('红色区域：当天逾期的节点数');
    await shoot(page.getByTestId('overdue-history'), 'overdue-history.png');
  });
});

describe('the targets page', () => {
  it('draws each figure against its target: met, not met, not reported, with the words', async () => {
    await page.goto(`${stack.baseUrl}/targets`);
    await page.getByTestId('targets-chart').waitFor();
    const figures = plan.targets.flatMap((t) => t.figures);
    const bars = page.getByTestId('target-bar');
    expect(await bars.count()).toBe(figures.length);
    const state = (id: string) =>
      page.locator(`[data-testid=target-bar][data-figure="${id}"]`).getAttribute('data-state');
    expect(await state('t4-provincial-platforms')).toBe('met');
    expect(await state('t7-teachers-trained')).toBe('not-met');
    expect(await state('t1-internet-access')).toBe('none');
    expect(
      await page.locator('[data-testid=target-bar][data-figure="t7-teachers-trained"] .bar-done').textContent(),
    ).toBe('1,500,000名 / 2,000,000名 · 未达标');
    expect(await page.getByTestId('targets-legend').locator('text').allTextContents()).toEqual([
      '已达标',
      '未达标',
      '尚未报送',
      '竖线：目标值',
    ]);
    await shoot(page.getByTestId('targets-figures'), 'targets-figures.png');
  });
});

describe('the plan chooser', () => {
  it('lists both plans and turns the board, its league and its ledger to the 2027 plan', async () => {
    await page.goto(stack.baseUrl);
    const chooser = page.getByTestId('plan-chooser');
    await chooser.waitFor();
    expect(await chooser.locator('option').allTextContents()).toEqual([
      `2016年 · ${plan.title.zh}（默认）`,
      `2027年 · ${city.title.zh}`,
    ]);
    await chooser.selectOption(city.id);
    await page.locator('h1', { hasText: city.title.zh }).waitFor();
    await page.getByTestId('task-row').first().waitFor();
    expect(await page.getByTestId('task-row').count()).toBe(city.tasks.length);
    await page.getByTestId('league-chart').waitFor();
    const units = (await leagueLines()).map((l) => l.department);
    expect(units.length).toBeGreaterThan(0);
    const known = new Set(city.departments.map((d) => d.id));
    expect(units.every((d) => known.has(d))).toBe(true);
    const [file] = await Promise.all([page.waitForEvent('download'), page.getByTestId('download-csv').click()]);
    expect(file.suggestedFilename()).toBe(`ledger-${city.id}-${today}.csv`);
    await shoot(page, 'plan-chooser.png');
  });

  it('keeps the choice on the task page, and goes back to the default plan', async () => {
    await page.goto(`${stack.baseUrl}/tasks/3`);
    await page.locator('h1', { hasText: city.tasks[2]!.title.zh }).waitFor();
    await page.getByTestId('plan-chooser').selectOption(plan.id);
    await page.locator('h1', { hasText: plan.tasks[2]!.title.zh }).waitFor();
    await page.goto(stack.baseUrl);
    await page.getByTestId('task-row').first().waitFor();
    expect(await page.getByTestId('task-row').count()).toBe(plan.tasks.length);
  });
});
