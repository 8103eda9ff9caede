/**
 * The dashboard in a real browser (Debian's Chromium, driven by playwright-core) against the engine as
 * `npm start` runs it: embedded Temporal, worker, API, and the 2016 plan started 22 days ago, so that every
 * task's first milestone ("work plan", due 28 days after the start) is due within 7 days: all lights yellow.
 *
 * The tests run in order and share one browser and one stack: the office reads the board; a lead signing
 * too early is refused with the reason; the co-responsible unit and then the lead sign task 21's first
 * milestone through the inbox, and the board shows the task moved on (green) with the counts changed; the
 * English switch changes the whole page; a province reports on task 17 through its inbox and the office sees the
 * provinces' count (地方 1/32) and the report on the task page and the board. Screenshots go to test-results/dashboard/ and the board's to
 * docs/board.png for the README when UPDATE_README_SCREENSHOT=1.
 */
import { copyFileSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';
import { addDays, localDate } from '../../domain/calendar';
import { PROJECT_ROOT } from '../../embedded/binaries';
import { loadPlanFile } from '../../seeds/load-plan';
import { waitFor } from '../../support/wait-for';
import { launchChromium, signIn as signInAs, startStack, type Stack } from './stack';

const plan = loadPlanFile();
const RESULTS = path.join(PROJECT_ROOT, 'test-results', 'dashboard');
/** Task 21 (开展教育信息化专项督导): the supervision office leads, the science and technology department co-owns. */
const TASK = plan.tasks.find((t) => t.number === 21)!;
const LEAD = TASK.workItems[0]!.units[0]!;
const CO = TASK.workItems[0]!.units[1]!;
const nameOf = (id: string) => plan.departments.find((d) => d.id === id)!.name;

let stack: Stack;
let chromium: Awaited<ReturnType<typeof launchChromium>>;
let context: BrowserContext;
let page: Page;
let planStartDate: string;
/** Every URL the browser asked for, to prove that nothing leaves the machine. */
const requested: string[] = [];

beforeAll(async () => {
  mkdirSync(RESULTS, { recursive: true });
  planStartDate = addDays(localDate(Date.now(), plan.policy.utcOffset), -22);
  stack = await startStack({ planStartDate, taskCount: plan.tasks.length });
  chromium = await launchChromium();
  context = chromium.context;
  context.on('request', (r) => requested.push(r.url()));
  page = context.pages()[0] ?? (await context.newPage());
  page.setDefaultTimeout(20_000);
}, 240_000);

afterAll(async () => {
  await chromium?.close();
  await stack?.stop();
}, 60_000);

/** Signs in with `token` on `pathname` through the sign-in form (signing out first when needed). */
function signIn(token: string, pathname = '/'): Promise<void> {
  return signInAs(page, stack.baseUrl, token, pathname);
}

async function counts(): Promise<Record<string, number>> {
  const out: Record<string, number> = {};
  for (const light of ['green', 'yellow', 'red', 'deepred', 'grey']) {
    out[light] = Number(await page.getByTestId(`count-${light}`).locator('.count-number').textContent());
  }
  return out;
}

/** The card asking a unit to sign a milestone (its receipt of the same milestone, 签收, is a card of its own). */
function inboxItem(taskNumber: number, milestoneId: string) {
  return page.locator(
    `[data-testid=inbox-item][data-action="sign-off"][data-task="${taskNumber}"][data-milestone="${milestoneId}"]`,
  );
}

/** Opens the inbox as a coordinator of `department` and approves task 21's first milestone. */
async function approveAs(department: string, comment: string) {
  await signIn(stack.tokens.coordinator(department), '/inbox');
  expect(await page.getByTestId('inbox-department').inputValue()).toBe(department);
  const item = inboxItem(TASK.number, 'work-plan');
  await item.getByTestId('decision-approve').check();
  await item.getByTestId('comment').fill(comment);
  await item.getByTestId('submit-signoff').click();
  return item;
}

test('the office sees all 24 tasks in their 10 sections, each with its lead, milestone, due date and light', async () => {
  await signIn(stack.tokens.office);
  await page
    .getByTestId('task-row')
    .nth(plan.tasks.length - 1)
    .waitFor();

  expect(await page.getByTestId('task-row').count()).toBe(24);
  expect(await page.getByTestId('section').count()).toBe(10);
  for (const section of plan.sections) {
    const box = page.locator(`[data-testid=section][data-section="${section.number}"]`);
    expect(await box.locator('h2').textContent()).toBe(`（${section.numeral}）${section.title.zh}`);
    const shown = await box.getByTestId('task-row').evaluateAll((rows) => rows.map((r) => Number(r.dataset.task)));
    expect(shown).toEqual(plan.tasks.filter((t) => t.section === section.number).map((t) => t.number));
  }

  const row = page.locator(`[data-testid=task-row][data-task="${TASK.number}"]`);
  const text = await row.innerText();
  expect(text).toContain(TASK.title.zh);
  expect(text).toContain(nameOf(LEAD).zh);
  expect(text).toContain('工作方案');
  expect(await row.getAttribute('data-light')).toBe('yellow');
  expect(await counts()).toEqual({ green: 0, yellow: 24, red: 0, deepred: 0, grey: 0 });

  // The department filter keeps only the tasks the department answers for.
  await page.getByTestId('filter-department').selectOption(LEAD);
  const leadTasks = plan.tasks.filter((t) => t.workItems.some((w) => w.units.includes(LEAD))).map((t) => t.number);
  const filtered = await page.getByTestId('task-row').evaluateAll((rows) => rows.map((r) => Number(r.dataset.task)));
  expect(filtered).toEqual(leadTasks);
  await page.getByTestId('filter-department').selectOption('');
  expect(await page.getByTestId('task-row').count()).toBe(24);
}, 60_000);

test('a lead signing before its co-responsible unit is refused, and the page says why in plain words', async () => {
  const item = await approveAs(LEAD, '同意。');
  const error = item.getByTestId('error');
  await error.waitFor();
  expect(await error.getAttribute('data-code')).toBe('lead_signs_last');
  const message = await error.innerText();
  expect(message).toContain('牵头单位须在配合单位全部签核后签署');
  // The API's reason, with the unit still to sign named as people know it.
  expect(message).toContain(`尚待：${nameOf(CO).zh}`);
}, 60_000);

test('the co-responsible unit and then the lead sign off; the board shows the task moved on and the counts change', async () => {
  await approveAs(CO, '配合单位同意工作方案。');
  expect(await page.getByTestId('ok').innerText()).toContain(`已提交：任务 ${TASK.number}「工作方案」同意`);
  await approveAs(LEAD, '工作方案已定稿。');
  expect(await page.getByTestId('ok').innerText()).toContain(`已提交：任务 ${TASK.number}「工作方案」同意`);
  expect(await inboxItem(TASK.number, 'work-plan').count()).toBe(0);

  await signIn(stack.tokens.office);
  const row = page.locator(`[data-testid=task-row][data-task="${TASK.number}"]`);
  await waitFor(
    'the board to show task 21 on track',
    async () => {
      await page.getByTestId('refresh').click();
      await page.getByTestId('task-row').nth(23).waitFor();
      return (await row.getAttribute('data-light')) === 'green' ? true : undefined;
    },
    20_000,
  );
  expect(await row.getByTestId('milestone').innerText()).toBe('年中进展');
  expect(await counts()).toEqual({ green: 1, yellow: 23, red: 0, deepred: 0, grey: 0 });
  await page.screenshot({ path: path.join(RESULTS, 'board-full.png'), fullPage: true });
  await page.screenshot({ path: path.join(RESULTS, 'board.png') });
  // The README's picture is refreshed on request only, so a test run leaves the work tree clean.
  if (process.env.UPDATE_README_SCREENSHOT === '1') {
    copyFileSync(path.join(RESULTS, 'board.png'), path.join(PROJECT_ROOT, 'docs', 'board.png'));
  }

  // The task page records who signed, when and what they said, round by round.
  await row.getByRole('link').click();
  await page.getByTestId('task-title').waitFor();
  const first = page.locator('[data-testid=milestone][data-milestone="work-plan"]');
  expect(await first.getAttribute('data-state')).toBe('completed');
  const coSignOff = first.locator(`[data-testid=signoff][data-department="${CO}"]`);
  expect(await coSignOff.getAttribute('data-decision')).toBe('approve');
  expect(await coSignOff.innerText()).toContain('配合单位同意工作方案。');
  expect(await coSignOff.innerText()).toContain(`${nameOf(CO).zh}联络员`);
  // Who signed: the person, with the role and department of the token the API recorded.
  const coActor = coSignOff.getByTestId('actor');
  expect(await coActor.getAttribute('data-role')).toBe('coordinator');
  expect(await coActor.innerText()).toContain(`${nameOf(CO).zh}联络员`);
  expect(await coActor.innerText()).toContain(`（联络员 · ${nameOf(CO).zh}）`);
  const leadSignOff = first.locator(`[data-testid=signoff][data-department="${LEAD}"]`);
  expect(await leadSignOff.innerText()).toContain('工作方案已定稿。');
  // Only an administrator's page links to the Temporal Web UI.
  expect(await page.getByTestId('temporal-link').count()).toBe(0);
  await signIn(stack.tokens.admin, '/tasks/21');
  await page.getByTestId('task-title').waitFor();
  expect(await page.getByTestId('temporal-link').getAttribute('href')).toMatch(
    /\/namespaces\/duban\/workflows\/moe-2016-informatization-task-21$/,
  );
  await page.screenshot({ path: path.join(RESULTS, 'task-21.png'), fullPage: true });
}, 90_000);

test('a lead asks for more time, a viewer sees it read-only, the office grants it; the board shows the new due date', async () => {
  const lone = plan.tasks.find((t) => t.number === 14)!;
  const lead = lone.workItems[0]!.units[0]!;
  const due = addDays(planStartDate, 28);
  const newDue = addDays(due, 14);
  await signIn(stack.tokens.coordinator(lead), '/inbox');
  const item = inboxItem(14, 'work-plan');
  await item.locator('summary').click();
  // The current due date itself is no extension: the refusal is shown beside the form, in plain words.
  await item.getByTestId('extension-date').fill(due);
  await item.getByTestId('extension-reason').fill('同一日期。');
  await item.locator('form.extension button').click();
  const refusal = item.locator('.extension-box [data-testid=error]');
  expect(await refusal.getAttribute('data-code')).toBe('invalid_due_date');
  expect(await refusal.innerText()).toContain('申请的日期不合规');
  expect(await refusal.innerText()).toContain(due);
  await item.getByTestId('extension-date').fill(newDue);
  await item.getByTestId('extension-reason').fill('需与各地培训计划衔接。');
  await item.locator('form.extension button').click();
  expect(await page.getByTestId('ok').innerText()).toContain('延期申请已提交');

  // The wall screen's read-only token sees the same request and the lead's milestone, with nothing to press.
  await signIn(stack.tokens.viewer, `/inbox?department=${lead}`);
  expect(await page.getByTestId('role').innerText()).toContain('只读用户');
  const seen = page.locator('[data-testid=extension-request][data-task="14"]');
  expect(await seen.innerText()).toContain(`${due} → ${newDue}`);
  expect(await seen.locator('button, form').count()).toBe(0);
  const readOnly = inboxItem(14, 'work-plan');
  expect(await readOnly.getByTestId('read-only').innerText()).toContain('只读');
  expect(await readOnly.locator('button, form').count()).toBe(0);

  await signIn(stack.tokens.office, '/inbox');
  const request = page.locator('[data-testid=extension-request][data-task="14"]');
  expect(await request.innerText()).toContain(`${due} → ${newDue}`);
  await request.getByRole('button', { name: '批准', exact: true }).click();
  expect(await page.getByTestId('ok').innerText()).toContain('已批准');
  await page.getByTestId('extension-requests').getByText('目前没有待批复的延期申请').waitFor();

  await page.goto(stack.baseUrl);
  const row = page.locator('[data-testid=task-row][data-task="14"]');
  await waitFor(
    'the board to show task 14 due later',
    async () => {
      await page.getByTestId('refresh').click();
      await page.getByTestId('task-row').nth(23).waitFor();
      return (await row.innerText()).includes(newDue) ? true : undefined;
    },
    20_000,
  );
  expect(await row.getAttribute('data-light')).toBe('green');
  expect(await counts()).toEqual({ green: 2, yellow: 22, red: 0, deepred: 0, grey: 0 });

  // The task page names who asked and who granted it, with their roles.
  await page.goto(`${stack.baseUrl}/tasks/14`);
  const granted = page.locator('[data-testid=extension][data-state=approved]');
  expect(await granted.innerText()).toContain(`（联络员 · ${nameOf(lead).zh}）`);
  expect(await granted.innerText()).toContain('（办公厅）');
}, 90_000);

test('the English switch turns the pages into English and is remembered', async () => {
  await page.goto(stack.baseUrl);
  await page.getByTestId('task-row').nth(23).waitFor();
  await page.getByTestId('lang-switch').click();
  expect(await page.locator('html').getAttribute('lang')).toBe('en');
  expect(await page.locator('h1').innerText()).toContain(plan.title.en);
  expect(await page.locator('[data-testid=section][data-section="1"] h2').innerText()).toBe(
    `1. ${plan.sections[0]!.title.en}`,
  );
  expect(await page.getByTestId('count-yellow').innerText()).toContain('Due within 7 days');
  expect(await page.locator(`[data-testid=task-row][data-task="${TASK.number}"]`).innerText()).toContain(
    'Mid-year progress',
  );
  await page.reload();
  await page.getByTestId('task-row').nth(23).waitFor();
  expect(await page.getByRole('navigation').innerText()).toContain('Board');
  await page.screenshot({ path: path.join(RESULTS, 'board-en.png') });
  await page.getByTestId('lang-switch').click();
  expect(await page.locator('h1').innerText()).toContain(plan.title.zh);
}, 60_000);

test('the plan targets page lists the core targets and their figures, none reported before the year-end', async () => {
  await page.goto(`${stack.baseUrl}/targets`);
  await page
    .getByTestId('target')
    .nth(plan.targets.length - 1)
    .waitFor();
  expect(await page.getByTestId('target').count()).toBe(8);
  const figures = plan.targets.flatMap((x) => x.figures);
  expect(await page.getByTestId('figure').count()).toBe(figures.length);
  const first = page.locator(`[data-testid=figure][data-figure="${figures[0]!.id}"]`);
  expect(await first.innerText()).toContain(figures[0]!.label.zh);
  expect(await first.getByTestId('reported').innerText()).toBe('尚未填报');
  expect(await page.getByTestId('targets-summary').innerText()).toBe(
    `已填报 0 / ${figures.length} 项指标，其中达标 0 项`,
  );
}, 60_000);

test('on a phone the board and a task page fit the screen without sideways scrolling', async () => {
  await page.setViewportSize({ width: 390, height: 844 });
  try {
    await page.goto(stack.baseUrl);
    await page.getByTestId('task-row').nth(23).waitFor();
    const overflow = () => page.evaluate<number>('document.documentElement.scrollWidth - window.innerWidth');
    expect(await overflow()).toBeLessThanOrEqual(0);
    await page.screenshot({ path: path.join(RESULTS, 'board-phone.png') });
    await page.goto(`${stack.baseUrl}/tasks/${TASK.number}`);
    await page.getByTestId('task-title').waitFor();
    expect(await overflow()).toBeLessThanOrEqual(0);
  } finally {
    await page.setViewportSize({ width: 1440, height: 900 });
  }
}, 60_000);

test('the header shows who is signed in, and a link with another token asks before replacing it', async () => {
  await signIn(stack.tokens.office);
  const who = page.getByTestId('who');
  await who.filter({ hasText: '办公厅值班员' }).waitFor();
  expect(await who.innerText()).toContain('办公厅');

  const link = `${stack.baseUrl}/#token=${encodeURIComponent(stack.tokens.viewer)}`;
  const asked: string[] = [];
  page.once('dialog', (d) => {
    asked.push(d.message());
    void d.dismiss();
  });
  await page.goto('about:blank');
  await page.goto(link);
  await page.getByTestId('task-row').nth(23).waitFor();
  expect(asked).toHaveLength(1);
  expect(asked[0]).toContain('办公厅值班员');
  // Declined: still the office, and the token is gone from the address bar.
  await who.filter({ hasText: '办公厅值班员' }).waitFor();
  expect(page.url()).not.toContain('token=');

  page.once('dialog', (d) => void d.accept());
  await page.goto('about:blank');
  await page.goto(link);
  await who.filter({ hasText: '督办大屏' }).waitFor();
  expect(await page.getByTestId('who').innerText()).toContain('只读');
  await signIn(stack.tokens.office);
}, 60_000);

test('a province reports on its part through its inbox; the office sees 地方 1/32 and the province’s report', async () => {
  await signIn(stack.tokens.coordinator('prov-hainan'), '/inbox');
  const item = page.locator('[data-testid=inbox-item][data-task="17"][data-milestone="work-plan"][data-role="member"]');
  await expect(item.getByTestId('item-role').textContent()).resolves.toContain('第1项');
  await item.getByTestId('report-status').selectOption('in_progress');
  await item.getByTestId('report-text').fill('已印发本省“十三五”教育信息化工作安排');
  await item.getByTestId('submit-report').click();
  await page.locator('[data-testid=inbox-item][data-task="17"]').waitFor({ state: 'detached' });
  await page.screenshot({ path: path.join(RESULTS, 'province-inbox.png'), fullPage: true });

  await signIn(stack.tokens.office, '/tasks/17');
  const collective = page.locator('[data-testid=work-item][data-item="0"] [data-testid=collective]');
  await expect(collective.getByTestId('collective-count').textContent()).resolves.toContain('地方 1/32');
  await collective.locator('summary').click();
  const hainan = collective.locator('[data-testid=province][data-department="prov-hainan"]');
  expect(await hainan.getAttribute('data-status')).toBe('in_progress');
  await expect(hainan.textContent()).resolves.toContain('海南省教育厅');
  await expect(hainan.textContent()).resolves.toContain('推进中');
  // Who reported: the province's coordinator, with the role and department of its token.
  await expect(hainan.textContent()).resolves.toContain('（联络员 · 海南省教育厅）');
  expect(await collective.locator('[data-testid=province][data-status=none]').count()).toBe(31);
  await page.screenshot({ path: path.join(RESULTS, 'task-17-provinces.png'), fullPage: true });
  await page.goto(`${stack.baseUrl}/`);
  await waitFor(
    'the board to count the report',
    async () => {
      await page.getByTestId('refresh').click();
      const chip = page.locator('[data-testid=task-row][data-task="17"] [data-testid=parts]');
      return (await chip.textContent())?.includes('地方 1/32') ? true : undefined;
    },
    20_000,
  );
});

test('a coordinator makes a calendar feed URL on the inbox page; it serves the deadlines, and a new one retires it', async () => {
  await signIn(stack.tokens.coordinator(LEAD), '/inbox');
  const card = page.getByTestId('calendar-feed');
  await card.waitFor();
  page.once('dialog', (dialog) => void dialog.accept());
  await page.getByTestId('calendar-feed-rotate').click();
  const first = await page.getByTestId('calendar-feed-url').inputValue();
  expect(first).toMatch(new RegExp(`/api/departments/${LEAD}/calendar\\.ics\\?feed=cal_`));
  await card.screenshot({ path: path.join(RESULTS, 'inbox-calendar-feed.png') });
  const feed = await fetch(first);
  expect(feed.status).toBe(200);
  const ics = await feed.text();
  expect(ics.startsWith('BEGIN:VCALENDAR\r\n')).toBe(true);
  expect(ics.replace(/\r\n /g, '')).toContain(`任务${TASK.number}「${TASK.title.zh}」`);

  // Declining the question keeps the current URL; accepting it makes a new one and the old stops working.
  page.once('dialog', (dialog) => void dialog.dismiss());
  await page.getByTestId('calendar-feed-rotate').click();
  expect(await page.getByTestId('calendar-feed-url').inputValue()).toBe(first);
  page.once('dialog', (dialog) => void dialog.accept());
  await page.getByTestId('calendar-feed-rotate').click();
  await waitFor(
    'a new feed URL',
    async () => ((await page.getByTestId('calendar-feed-url').inputValue()) !== first ? true : undefined),
    10_000,
    100,
  );
  expect((await fetch(first)).status).toBe(401);
  expect((await fetch(await page.getByTestId('calendar-feed-url').inputValue())).status).toBe(200);
});

test('the office chases task 8’s pending units from its page; a second chase the same day is refused in plain words', async () => {
  await signIn(stack.tokens.office, '/tasks/8');
  const form = page.getByTestId('chase-form');
  expect(await form.innerText()).toContain(nameOf('language-application').zh);
  await page.getByTestId('chase-message').fill('请本周内完成会签。');
  await page.getByTestId('chase-submit').click();
  expect(await page.getByTestId('ok').innerText()).toContain('已催办');
  const line = page.getByTestId('chase');
  expect(await line.getAttribute('data-kind')).toBe('manual');
  expect(await line.innerText()).toContain('请本周内完成会签。');
  expect(await line.innerText()).toContain(nameOf('hanban').zh);
  await page.getByTestId('chase-message').fill('再催一次。');
  await page.getByTestId('chase-submit').click();
  const refusal = form.getByTestId('error');
  expect(await refusal.getAttribute('data-code')).toBe('already_chased_today');
  expect(await refusal.innerText()).toContain('今天已催办过');
  expect(await page.getByTestId('chase').count()).toBe(1);
  // A coordinator's view of the same page lists the chase and has nothing to press.
  await signIn(stack.tokens.coordinator('hanban'), '/tasks/8');
  await page.getByTestId('chases').waitFor();
  expect(await page.getByTestId('chase-form').count()).toBe(0);
}, 60_000);

test('no request of the pages left the machine', () => {
  expect(requested.length).toBeGreaterThan(0);
  const outside = requested.filter((url) => !url.startsWith(`${stack.baseUrl}/`) && !url.startsWith('data:'));
  expect(outside).toEqual([]);
});
