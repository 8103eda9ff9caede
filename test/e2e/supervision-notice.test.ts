/**
 * A pending unit answers a supervision notice (督办单) from the dashboard, in Debian's Chromium against the engine
 * as `npm start` runs it. The 2016 plan started 37 days ago: every task's first milestone was due 9 days ago and
 * has reached escalation level 2, which issued one numbered notice per task. The coordinator of 高教司 (lead of
 * task 5) answers task 5's notice in its inbox; the general office then sees who answered on the task page and
 * the board's list of open notices, and the supervision office opens the task it was sent.
 */
import path from 'node:path';
import type { Page } from 'playwright-core';
import { addDays, localDate } from '../../domain/calendar';
import { PROJECT_ROOT } from '../../embedded/binaries';
import { loadPlanFile } from '../../seeds/load-plan';
import { signIn as signInAs, startBrowserStack, type Stack } from './stack';

const plan = loadPlanFile();
const RESULTS = path.join(PROJECT_ROOT, 'test-results', 'dashboard');
const today = localDate(Date.now(), plan.policy.utcOffset);

let stack: Stack;
let page: Page;
let close: (() => Promise<void>) | undefined;

beforeAll(async () => {
  ({ stack, page, close } = await startBrowserStack({
    planStartDate: addDays(today, -37),
    taskCount: plan.tasks.length,
    resultsDir: RESULTS,
  }));
}, 240_000);

afterAll(async () => {
  await close?.();
}, 60_000);

function signIn(token: string, pathname: string): Promise<void> {
  return signInAs(page, stack.baseUrl, token, pathname);
}

/** The notice card of task 5 in `within` (a section's test id). */
function task5Notice(within: string) {
  return page
    .getByTestId(within)
    .getByTestId('notice')
    .filter({ has: page.locator('a[href="/tasks/5"]') });
}

test('高教司 answers task 5’s 督办单 in its inbox; the office sees the answer on the task page and the board', async () => {
  const year = today.slice(0, 4);
  await signIn(stack.tokens.coordinator('higher-ed'), '/inbox');
  const card = task5Notice('inbox-notices');
  // The notice is numbered moments after it is issued: reload until the number is there.
  for (
    let i = 0;
    i < 20 &&
    !(
      await card
        .getByTestId('notice-number')
        .textContent()
        .catch(() => '')
    )?.startsWith('督办');
    i++
  ) {
    await page.waitForTimeout(500);
    await page.reload();
  }
  await expect(card.getByTestId('notice-number').textContent()).resolves.toMatch(new RegExp(`^督办〔${year}〕\\d+号$`));
  const number = (await card.getByTestId('notice-number').textContent())!;
  expect(await card.locator('[data-unit="higher-ed"]').getAttribute('data-answered')).toBe('no');

  // An empty answer is refused with the reason, and nothing is recorded.
  await card.getByTestId('notice-submit').click();
  await card.locator('.form-message').getByText('请填写整改措施').waitFor();

  const by = addDays(today, 14);
  await card.getByTestId('notice-action').fill('两周内完成工作方案并报办公厅');
  await card.getByTestId('notice-by').fill(by);
  await card.getByTestId('notice-submit').click();
  await card.getByText(`已答复${number}`).waitFor();
  expect(await card.locator('[data-unit="higher-ed"]').getAttribute('data-answered')).toBe('yes');
  await card.locator('[data-unit="higher-ed"]').getByText('两周内完成工作方案并报办公厅').waitFor();
  await page.screenshot({ path: path.join(RESULTS, 'notice-answered.png'), fullPage: true });

  // The general office: the task page shows who answered (the form is the units').
  await signIn(stack.tokens.office, '/tasks/5');
  const onTask = page.getByTestId('task-notices').getByTestId('notice');
  await onTask.getByTestId('notice-number').getByText(number).waitFor();
  await onTask.locator('[data-unit="higher-ed"][data-answered="yes"]').waitFor();
  expect(await onTask.getByTestId('notice-answer').count()).toBe(0);

  // The board lists the open notices: one per task, task 5's with its answer.
  await page.goto(`${stack.baseUrl}/`);
  await page.getByTestId('board-notices').waitFor();
  await task5Notice('board-notices').locator('[data-unit="higher-ed"][data-answered="yes"]').waitFor();
  expect(await page.getByTestId('board-notices').getByTestId('notice').count()).toBe(plan.tasks.length);

  // The supervision office, to whom level 2 went, opens the task of its notice.
  await signIn(stack.tokens.supervisor, '/tasks/5');
  await page.getByTestId('task-title').waitFor();
  await page.getByTestId('task-notices').getByTestId('notice').waitFor();
}, 180_000);
