/**
 * The office's closure review (办结审核, 销号) in the dashboard, in Debian's Chromium against the engine as
 * `npm start` runs it: tasks 10 and 13 of 2016 under a policy that also reviews the work plan. 中央电教馆 signs
 * task 10's work plan through the API; 科技司, its lead, signs in its inbox with a PDF and a link as evidence; the general
 * office finds it in its inbox as a closure review, returns it with its reasons, and after the units have signed
 * again closes it; the task page shows the evidence and both reviews. 中央电教馆 then asks for coordination on the
 * task page, and the office records how it was settled there.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { localDate } from '../../domain/calendar';
import { PROJECT_ROOT } from '../../embedded/binaries';
import { loadPlanFile } from '../../seeds/load-plan';
import { apiRequest } from '../../support/api-request';
import { samplePdf } from '../../support/sample-files';
import { signIn as signInAs, startBrowserStack, type Stack } from './stack';

const full = loadPlanFile();
const RESULTS = path.join(PROJECT_ROOT, 'test-results', 'dashboard');
const today = localDate(Date.now(), full.policy.utcOffset);
const LINK = 'https://example.org/t10-work-plan';
const PDF = samplePdf('工作方案（印发稿）');
const signOffs = '/api/tasks/10/milestones/work-plan/sign-offs';

let stack: Stack;
let page: Page;
let close: (() => Promise<void>) | undefined;

beforeAll(async () => {
  const plan = {
    ...full,
    tasks: full.tasks.filter((t) => [10, 13].includes(t.number)),
    targets: [],
    policy: { ...full.policy, closureReview: { milestones: ['work-plan'], evidenceRequired: true } },
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

function inboxItem() {
  return page.locator('[data-testid=inbox-item][data-task="10"][data-milestone="work-plan"]');
}

async function coSigns() {
  const body = { department: 'ncet', decision: 'approve' };
  const res = await apiRequest(stack.baseUrl, 'POST', signOffs, stack.tokens.coordinator('ncet'), body);
  expect(res.status).toBe(200);
}

test('科技司 submits with a PDF and a link; the office returns it, then closes it (销号); the task page shows both reviews', async () => {
  await coSigns();
  await signIn(stack.tokens.coordinator('science-tech'), '/inbox');
  const item = inboxItem();
  // Without evidence the API's refusal is shown in plain words, and nothing is submitted.
  await item.getByTestId('decision-approve').check();
  await item.getByTestId('submit-signoff').click();
  await item.getByTestId('error').waitFor();
  expect(await item.getByTestId('error').getAttribute('data-code')).toBe('evidence_required');
  await item
    .getByTestId('evidence-files')
    .setInputFiles({ name: '工作方案.pdf', mimeType: 'application/pdf', buffer: PDF });
  await item.getByTestId('evidence-url').fill(LINK);
  await item.getByTestId('evidence-title').fill('工作方案（印发稿）');
  await item.getByTestId('submit-signoff').click();
  await page.getByTestId('ok').waitFor();

  // The office finds it in its inbox as a closure review and returns it with its reasons.
  await signIn(stack.tokens.office, '/inbox?department=general-office');
  const review = inboxItem();
  await review.getByTestId('closure-review-form').waitFor();
  await review.getByTestId('review-reason').fill('请补充经费测算');
  await review.getByRole('button', { name: '退回重办' }).click();
  const returned = page.locator('[data-testid=ok], [data-testid=error]').first();
  await returned.waitFor();
  expect(await returned.innerText()).toContain('退回重办');

  // Signed again and submitted (through the API), then closed in the inbox.
  await coSigns();
  const evidence = [{ kind: 'link', url: LINK, title: '工作方案（补充稿）' }];
  const lead = { department: 'science-tech', decision: 'approve', evidence };
  const submitted = await apiRequest(stack.baseUrl, 'POST', signOffs, stack.tokens.coordinator('science-tech'), lead);
  expect(submitted.status).toBe(200);
  await page.reload();
  await inboxItem().getByRole('button', { name: '审核通过，销号' }).click();
  const answer = page.locator('[data-testid=ok], [data-testid=error]').first();
  await answer.waitFor();
  expect(await answer.innerText()).toContain('审核通过，销号');

  await page.goto(`${stack.baseUrl}/tasks/10`);
  const milestone = page.locator('[data-testid=milestone][data-milestone="work-plan"]');
  expect(await milestone.getAttribute('data-state')).toBe('completed');
  const reviews = milestone.getByTestId('closure-review');
  expect(await reviews.evaluateAll((els) => els.map((e) => e.getAttribute('data-decision')))).toEqual([
    'return',
    'close',
  ]);
  expect(await reviews.first().innerText()).toContain('请补充经费测算');
  const links = milestone.getByTestId('evidence-list').locator('a');
  expect(await links.evaluateAll((els) => els.map((e) => [e.textContent, e.getAttribute('href')]))).toEqual([
    ['工作方案.pdf', `/api/files/${createHash('sha256').update(PDF).digest('hex')}`],
    ['工作方案（印发稿）', LINK],
    ['工作方案（补充稿）', LINK],
  ]);
  // The file downloads with the signed-in token, under its name, byte for byte.
  const [file] = await Promise.all([page.waitForEvent('download'), links.first().click()]);
  expect(file.suggestedFilename()).toBe('工作方案.pdf');
  expect(readFileSync((await file.path())!)).toEqual(PDF);
  await page.screenshot({ path: path.join(RESULTS, 'closure-review.png'), fullPage: true });
}, 120_000);

test('中央电教馆 asks for coordination on the task page; the office records the outcome there', async () => {
  await signIn(stack.tokens.coordinator('ncet'), '/tasks/10');
  await page.getByTestId('coordination-form-text').fill('与科技司就平台接口标准意见不一');
  await page.getByTestId('coordination-form-submit').click();
  await page.getByTestId('ok').waitFor();
  const item = page.locator('[data-testid=coordination][data-id="c1"]');
  expect(await item.getAttribute('data-state')).toBe('open');
  expect(await item.innerText()).toContain('与科技司就平台接口标准意见不一');

  await signIn(stack.tokens.office, '/tasks/10');
  await item.getByTestId('settle-form-text').fill('经协调，统一采用部颁接口标准');
  await item.getByTestId('settle-form-submit').click();
  await page.getByTestId('ok').waitFor();
  const settled = page.locator('[data-testid=coordination][data-id="c1"]');
  expect(await settled.getAttribute('data-state')).toBe('settled');
  expect(await settled.getByTestId('settlement').innerText()).toContain('经协调，统一采用部颁接口标准');
}, 60_000);
