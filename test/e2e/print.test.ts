/**
 * Printing and the ledger downloads in a real browser (Debian's Chromium, playwright-core) against the engine
 * as `npm start` runs it, with the 2016 plan started 22 days ago. The office prints the board and a task page
 * (print media: no navigation, every row, the plan and the date at the top; the PDF is A4 landscape) and
 * downloads the ledger from the board's buttons with the board's filters. PDFs and screenshots go to
 * test-results/print/.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import ExcelJS from 'exceljs';
import type { BrowserContext, Page } from 'playwright-core';
import { addDays, localDate } from '../../domain/calendar';
import { PROJECT_ROOT } from '../../embedded/binaries';
import { loadPlanFile } from '../../seeds/load-plan';
import { launchChromium, startStack, type Stack } from './stack';

const plan = loadPlanFile();
const RESULTS = path.join(PROJECT_ROOT, 'test-results', 'print');
const today = localDate(Date.now(), plan.policy.utcOffset);

let stack: Stack;
let chromium: Awaited<ReturnType<typeof launchChromium>>;
let context: BrowserContext;
let page: Page;

beforeAll(async () => {
  mkdirSync(RESULTS, { recursive: true });
  stack = await startStack({ planStartDate: addDays(today, -22), taskCount: plan.tasks.length });
  chromium = await launchChromium();
  context = chromium.context;
  page = context.pages()[0] ?? (await context.newPage());
  page.setDefaultTimeout(20_000);
  await page.goto(stack.baseUrl);
  await page.getByTestId('token-input').fill(stack.tokens.office);
  await page.getByTestId('signin').getByRole('button').click();
  await page.getByTestId('signin').waitFor({ state: 'detached' });
}, 240_000);

afterAll(async () => {
  await chromium?.close();
  await stack?.stop();
}, 60_000);

/** The page size of a PDF's first page in points, from its /MediaBox. */
function mediaBox(pdf: Buffer): number[] {
  const m = /\/MediaBox\s*\[\s*([\d.]+)\s+([\d.]+)\s+([\d.]+)\s+([\d.]+)\s*\]/.exec(pdf.toString('latin1'));
  if (!m) throw new Error('no /MediaBox in the PDF');
  return m.slice(1).map((v) => Math.round(Number(v)));
}

describe('printing', () => {
  afterEach(async () => {
    await page.emulateMedia({ media: 'screen' });
  });

  it('prints the board without navigation, with every task, the plan and the date at the top', async () => {
    await page.goto(stack.baseUrl);
    await page.getByTestId('task-row').first().waitFor();
    // On screen: navigation and filters shown, the print line not.
    expect(await page.locator('#topbar nav').isVisible()).toBe(true);
    expect(await page.getByTestId('print-header').isVisible()).toBe(false);

    await page.emulateMedia({ media: 'print' });
    expect(await page.locator('#topbar').isVisible()).toBe(false);
    expect(await page.getByTestId('filter-department').isVisible()).toBe(false);
    expect(await page.getByTestId('download-xlsx').isVisible()).toBe(false);
    const headerLine = page.getByTestId('print-header');
    expect(await headerLine.isVisible()).toBe(true);
    const text = await headerLine.textContent();
    expect(text).toContain(plan.title.zh);
    expect(text).toContain(today);
    const rows = page.getByTestId('task-row');
    expect(await rows.count()).toBe(plan.tasks.length);
    for (let i = 0; i < plan.tasks.length; i++) expect(await rows.nth(i).isVisible()).toBe(true);
    // The lights keep their words in print.
    expect(await rows.first().locator('.light').textContent()).toContain('即将到期');
    await page.screenshot({ path: path.join(RESULTS, 'board-print.png'), fullPage: true });

    const pdf = await page.pdf({ preferCSSPageSize: true, printBackground: true });
    writeFileSync(path.join(RESULTS, 'board.pdf'), pdf);
    // A4 landscape: 297 × 210 mm = 842 × 595 points.
    expect(mediaBox(pdf)).toEqual([0, 0, 842, 595]);
  });

  it('prints a task page without navigation or forms, with the plan and the date at the top', async () => {
    await page.goto(`${stack.baseUrl}/tasks/21`);
    await page.locator('.timeline').waitFor();
    await page.emulateMedia({ media: 'print' });
    expect(await page.locator('#topbar').isVisible()).toBe(false);
    expect(await page.locator('a.back').isVisible()).toBe(false);
    const text = await page.getByTestId('print-header').textContent();
    expect(text).toContain(plan.title.zh);
    expect(text).toContain(today);
    expect(await page.locator('h1').textContent()).toContain(plan.tasks.find((t) => t.number === 21)!.title.zh);
    const pdf = await page.pdf({ preferCSSPageSize: true, printBackground: true });
    expect(mediaBox(pdf)).toEqual([0, 0, 842, 595]);
  });
});

describe('the ledger buttons of the board', () => {
  it('download the workbook with the bearer token: a row per task and milestone', async () => {
    await page.goto(stack.baseUrl);
    await page.getByTestId('task-row').first().waitFor();
    const [file] = await Promise.all([page.waitForEvent('download'), page.getByTestId('download-xlsx').click()]);
    expect(file.suggestedFilename()).toBe(`ledger-${plan.id}-${today}.xlsx`);
    const saved = path.join(RESULTS, file.suggestedFilename());
    await file.saveAs(saved);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(readFileSync(saved) as unknown as ArrayBuffer);
    expect(wb.worksheets[0]!.rowCount).toBe(1 + plan.tasks.length * 5);
    expect(await page.getByTestId('download-note').textContent()).toContain(file.suggestedFilename());
  });

  it('pass the board’s department filter: the CSV holds only that department’s tasks', async () => {
    const department = 'supervision-office';
    await page.goto(`${stack.baseUrl}/?department=${department}`);
    await page.getByTestId('task-row').first().waitFor();
    const shown = await page.getByTestId('task-row').count();
    const [file] = await Promise.all([page.waitForEvent('download'), page.getByTestId('download-csv').click()]);
    expect(file.suggestedFilename()).toBe(`ledger-${plan.id}-${department}-${today}.csv`);
    const saved = path.join(RESULTS, file.suggestedFilename());
    await file.saveAs(saved);
    const csv = readFileSync(saved, 'utf8');
    expect(csv.charCodeAt(0)).toBe(0xfeff);
    const taskRows = csv.split('\r\n').filter((l) => l.includes(',任务 Task,'));
    expect(taskRows).toHaveLength(shown);
    const expected = plan.tasks.filter((t) => t.workItems.some((w) => w.units.includes(department)));
    expect(shown).toBe(expected.length);
  });
});
