/**
 * The office's closed loop (签收 and 进展报告, issue 15) in the dashboard, in Debian's Chromium against the engine as
 * `npm start` runs it: task 2 of 2016 (科技司 leads; 财务司, 督导办 and 规划司 co-own), under the 2016 policy with its
 * reporting day moved to three days from today, so that the lead's report is in its inbox as it is in the week
 * before the 28th. 财务司 signs for its part in its inbox; 督导办 disputes its part, first without a reason (refused
 * in plain words), then with one; the board shows the dispute on the task's row; the general office finds it in its
 * inbox and hands the part to 基础一司, whose inbox then asks it to sign for it, and the board's chip is gone. 科技司
 * files the month's progress report from its inbox, 财务司 adds its own on the task page, and the task page shows
 * both reports and every unit's receipt with the office's decision.
 */
import path from 'node:path';
import type { Page } from 'playwright-core';
import { addDays, localDate, periodAt } from '../../domain/calendar';
import { PROJECT_ROOT } from '../../embedded/binaries';
import { loadPlanFile } from '../../seeds/load-plan';
import { signIn as signInAs, startBrowserStack, type Stack } from './stack';

const full = loadPlanFile();
const RESULTS = path.join(PROJECT_ROOT, 'test-results', 'dashboard');
const today = localDate(Date.now(), full.policy.utcOffset);
/** The reporting day 0 to 3 days ahead (the policy allows days 1 to 28): the report is due within the week. */
const day = Math.min(28, Number(addDays(today, 3).slice(8, 10)));
/** The period the lead's report counts for. */
const period = periodAt(today, day);
const DISPUTE = '督导办负责督导，不承担平台建设';
const HANDOVER = '该项建设由基础一司承担';

let stack: Stack;
let page: Page;
let close: (() => Promise<void>) | undefined;

beforeAll(async () => {
  const plan = {
    ...full,
    tasks: full.tasks.filter((t) => t.number === 2),
    targets: [],
    policy: { ...full.policy, progress: { cadence: 'monthly', day, stalledAfterDays: 30 } },
  };
  ({ stack, page, close } = await startBrowserStack({
    planStartDate: today,
    plan,
    resultsDir: RESULTS,
  }));
}, 240_000);

afterAll(async () => {
  await close?.();
}, 60_000);

function signIn(token: string, pathname: string): Promise<void> {
  return signInAs(page, stack.baseUrl, token, pathname);
}

/** The inbox card of task 2 asking for `action` (`receipt`, `decide-dispute`, `report-progress`). */
function card(action: string) {
  return page.locator(`[data-testid=inbox-item][data-task="2"][data-action="${action}"]`);
}

/**
 * What the page says after a form was sent: its success message (or the refusal, to fail with its words), once the
 * page drawn again has its list (the inbox's items, the task page's reports).
 */
async function answer(): Promise<string> {
  const said = page.locator('[data-testid=ok], [data-testid=error]').first();
  await said.waitFor();
  await page.locator('[data-testid=inbox] h2, [data-testid=progress]').first().waitFor();
  return said.innerText();
}

/** Task 2's row on the board, as the office sees it. */
async function boardRow() {
  await signIn(stack.tokens.office, '/');
  const row = page.locator('[data-testid=task-row][data-task="2"]');
  await row.waitFor();
  return row;
}

test('财务司 signs for its part; 督导办 disputes its part and the office hands it to 基础一司', async () => {
  await signIn(stack.tokens.coordinator('finance'), '/inbox');
  const receipt = card('receipt');
  expect(await receipt.getByTestId('item-role').innerText()).toBe('签收');
  await receipt.getByRole('button', { name: '签收', exact: true }).click();
  expect(await answer()).toContain('已签收：任务 2');
  expect(await card('receipt').count()).toBe(0);

  // A dispute without its reason is refused in plain words beside the form; with one it goes to the office.
  await signIn(stack.tokens.coordinator('supervision-office'), '/inbox');
  const dispute = card('receipt');
  await dispute.getByRole('button', { name: '提出异议' }).click();
  const refusal = dispute.getByTestId('error');
  await refusal.waitFor();
  expect(await refusal.innerText()).toContain('填写的内容不符合要求');
  await dispute.getByTestId('dispute-reason').fill(DISPUTE);
  await dispute.getByRole('button', { name: '提出异议' }).click();
  expect(await answer()).toContain('已提出异议：任务 2');

  const disputed = (await boardRow()).getByTestId('disputed');
  expect(await disputed.innerText()).toBe('签收异议：督导办');
  await page.screenshot({ path: path.join(RESULTS, 'receipt-disputed-board.png'), fullPage: true });

  // The office reads which unit disputed and why, and hands the part to 基础一司.
  await signIn(stack.tokens.office, '/inbox?department=general-office');
  const decide = card('decide-dispute');
  expect(await decide.getByTestId('item-role').innerText()).toBe('签收异议');
  expect(await decide.getByTestId('dispute-note').innerText()).toBe(
    `督导办认为本节点的任务分工不属本单位职责：${DISPUTE}`,
  );
  await decide.getByTestId('dispute-decision-reason').fill(HANDOVER);
  await decide.getByTestId('dispute-to').selectOption({ label: '基础一司' });
  await page.screenshot({ path: path.join(RESULTS, 'receipt-dispute-inbox.png'), fullPage: true });
  await decide.getByRole('button', { name: '转交' }).click();
  expect(await answer()).toContain('改由基础一司承担');
  expect(await card('decide-dispute').count()).toBe(0);

  expect(await (await boardRow()).getByTestId('disputed').count()).toBe(0);

  // 基础一司 is now asked to sign for the part, and does.
  await signIn(stack.tokens.coordinator('basic-ed-1'), '/inbox');
  const handed = card('receipt');
  expect(await handed.getByTestId('item-role').innerText()).toBe('签收');
  await handed.getByRole('button', { name: '签收', exact: true }).click();
  expect(await answer()).toContain('已签收：任务 2');
}, 180_000);

test('科技司 files the month’s progress report from its inbox, 财务司 adds its own; the task page shows both', async () => {
  await signIn(stack.tokens.coordinator('science-tech'), '/inbox');
  const item = card('report-progress');
  expect(await item.getByTestId('item-role').innerText()).toBe(`进展报送（${period}）`);
  await item.getByTestId('progress-done').fill('完成平台建设工作方案初稿');
  await item.getByTestId('progress-problems').fill('经费测算未定');
  await item.getByTestId('progress-coordination').fill('需财务司明确经费渠道');
  await item.getByTestId('progress-nextSteps').fill('月底前报部审定');
  await page.screenshot({ path: path.join(RESULTS, 'receipt-progress-inbox.png'), fullPage: true });
  await item.getByRole('button', { name: '报送进展' }).click();
  expect(await answer()).toContain(`已报送任务 2 ${period} 的工作进展`);
  expect(await card('report-progress').count()).toBe(0);

  await signIn(stack.tokens.coordinator('finance'), '/tasks/2');
  const progress = page.getByTestId('progress');
  await progress.getByTestId('progress-done').fill('经费渠道已研究');
  await progress.getByRole('button', { name: '报送进展' }).click();
  expect(await answer()).toContain(`已报送任务 2 ${period} 的工作进展`);

  // Newest first: 财务司's report, then 科技司's with its four parts.
  const reports = page.getByTestId('progress-report');
  expect(await reports.locator('strong').allInnerTexts()).toEqual([
    `${period} · 财务司（配合）`,
    `${period} · 科技司（牵头）`,
  ]);
  expect(await reports.nth(1).locator('dl').innerText()).toMatch(
    /已完成工作\s+完成平台建设工作方案初稿\s+存在问题\s+经费测算未定\s+需协调事项\s+需财务司明确经费渠道\s+下一步安排\s+月底前报部审定/,
  );

  // Every unit's receipt of the work plan, the dispute's reason and the office's decision.
  const receipts = page.getByTestId('receipts').getByTestId('receipt');
  const units = await receipts.locator('td:nth-child(1)').allInnerTexts();
  const states = await receipts.locator('td:nth-child(2)').allInnerTexts();
  const rows = units.map((unit, i) => [unit, states[i]]);
  expect(rows).toEqual([
    ['科技司', '待签收'],
    ['财务司', '已签收'],
    ['督导办', '已转交'],
    ['规划司', '待签收'],
    ['基础一司', '已签收'],
  ]);
  const handedOver = page.locator('[data-testid=receipt][data-department="supervision-office"]');
  expect(await handedOver.getByTestId('dispute-reason').innerText()).toContain(DISPUTE);
  expect(await handedOver.getByTestId('receipt-settlement').innerText()).toContain(`办公厅转交基础一司：${HANDOVER}`);
  await page.screenshot({ path: path.join(RESULTS, 'receipt-progress-task.png'), fullPage: true });
}, 120_000);
