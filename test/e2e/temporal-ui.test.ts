/**
 * The real Temporal Web UI (the one the CLI's dev server serves, as `npm start` runs it with the API's codec
 * endpoint configured) in Debian's Chromium, on task 21's history:
 *
 * - with no codec session the UI's decode call is refused (401) and the page shows no plan text;
 * - an administrator's dashboard opens a codec session (an HttpOnly, SameSite=Strict cookie for /api/codec),
 *   the UI is set to include cross-origin credentials (its Codec Server setting, kept in the browser), and the
 *   same history shows the task's input decoded, its title in Chinese;
 * - a cancellation request sent with the Temporal CLI is refused, and the task page records it.
 */
import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import type { BrowserContext, Page, Response } from 'playwright-core';
import { addDays, localDate } from '../../domain/calendar';
import { PROJECT_ROOT, temporalCliPath } from '../../embedded/binaries';
import { loadPlanFile } from '../../seeds/load-plan';
import { waitFor } from '../../support/wait-for';
import { startBrowserStack, type Stack } from './stack';

const plan = loadPlanFile();
const RESULTS = path.join(PROJECT_ROOT, 'test-results', 'temporal-ui');
const TASK = plan.tasks.find((t) => t.number === 21)!;
const WORKFLOW_ID = `${plan.id}-task-21`;
const NAMESPACE = 'duban';

let stack: Stack;
let context: BrowserContext;
let page: Page;
let close: (() => Promise<void>) | undefined;

beforeAll(async () => {
  ({ stack, context, page, close } = await startBrowserStack({
    planStartDate: addDays(localDate(Date.now(), plan.policy.utcOffset), -3),
    taskCount: plan.tasks.length,
    resultsDir: RESULTS,
  }));
}, 240_000);

afterAll(async () => {
  await close?.();
}, 60_000);

/** The answer to the Web UI's next call of the codec endpoint's decode. */
function nextDecode(): Promise<Response> {
  return page.waitForResponse(
    (r) => r.url().startsWith(`${stack.publicUrl}/api/codec/decode`) && r.request().method() === 'POST',
  );
}

/** Opens task 21's workflow in the Web UI and waits for its summary (type, input) to be shown. */
async function openHistory(): Promise<void> {
  await page.goto(`${stack.uiUrl}/namespaces/${NAMESPACE}/workflows/${WORKFLOW_ID}`);
  await page.getByText('keyTaskWorkflow').first().waitFor();
}

/** Waits until the page's text contains `text` (the UI renders the decoded payloads after their call). */
async function pageShows(text: string): Promise<void> {
  await waitFor(
    `the Web UI to show “${text}”`,
    async () => ((await page.locator('body').innerText()).includes(text) ? true : undefined),
    30_000,
  );
}

test('without a codec session the Web UI is refused the decode and shows no plan text', async () => {
  const decode = nextDecode();
  await openHistory();
  expect((await decode).status()).toBe(401);
  await pageShows('Codec Server could not connect');
  await page.screenshot({ path: path.join(RESULTS, 'ciphertext.png'), fullPage: true });
  const text = await page.locator('body').innerText();
  expect(text).toContain(WORKFLOW_ID);
  expect(text).not.toContain(TASK.title.zh);
  expect(text).not.toContain('planId');
}, 90_000);

test('with an administrator’s codec session the Web UI shows the history decoded', async () => {
  // The administrator signs in to the dashboard where the codec endpoint lives and opens the task page.
  const session = page.waitForResponse((r) => r.url() === `${stack.publicUrl}/api/codec/session`);
  await page.goto(`${stack.publicUrl}/tasks/21`);
  await page.getByTestId('token-input').fill(stack.tokens.admin);
  await page.getByTestId('signin').getByRole('button').click();
  await page.getByTestId('temporal-link').waitFor();
  expect((await session).status()).toBe(200);
  const cookie = (await context.cookies(`${stack.publicUrl}/api/codec/decode`)).find((c) => c.name === 'duban_codec');
  expect(cookie).toMatchObject({ httpOnly: true, sameSite: 'Strict', path: '/api/codec' });
  expect(await page.getByTestId('temporal-link').getAttribute('href')).toBe(
    `${stack.uiUrl}/namespaces/${NAMESPACE}/workflows/${WORKFLOW_ID}`,
  );

  // The Web UI's Codec Server setting "include cross-origin credentials", as its settings dialog keeps it.
  await page.goto(stack.uiUrl);
  const endpoint = JSON.stringify(JSON.stringify(`${stack.publicUrl}/api/codec`));
  await page.evaluate(
    `localStorage.setItem('endpoint', ${endpoint}); localStorage.setItem('includeCredentials', 'true');` +
      ` localStorage.setItem('overrideRemoteCodecConfiguration', 'true')`,
  );

  const decode = nextDecode();
  await openHistory();
  expect((await decode).status()).toBe(200);
  await pageShows(TASK.title.zh);
  await page.screenshot({ path: path.join(RESULTS, 'decoded.png'), fullPage: true });
  const text = await page.locator('body').innerText();
  expect(text).toContain(`"zh": "${TASK.title.zh}"`);
  expect(text).not.toContain('Codec Server could not connect');
}, 90_000);

test('a cancellation sent with the Temporal CLI is refused, and the task page records it', async () => {
  await promisify(execFile)(temporalCliPath(), [
    'workflow',
    'cancel',
    '--address',
    stack.temporalAddress,
    '--namespace',
    NAMESPACE,
    '--workflow-id',
    WORKFLOW_ID,
  ]);
  await page.goto(`${stack.publicUrl}/tasks/21`);
  const refused = page.getByTestId('refused-cancellation');
  await waitFor(
    'the task page to record the refused cancellation',
    async () => {
      await page.reload();
      await page.getByTestId('task-title').waitFor();
      return (await refused.count()) > 0 ? true : undefined;
    },
    30_000,
  );
  expect(await refused.innerText()).toContain('已拒绝');
  expect(await page.locator('[data-testid=milestone][data-milestone="work-plan"]').getAttribute('data-state')).toBe(
    'open',
  );
}, 90_000);
