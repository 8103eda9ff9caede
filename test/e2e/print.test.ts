/**
 * Printing and the ledger downloads in a real browser (Debian's Chromium, playwright-core) against the engine
 * as `npm start` runs it, with the 2016 plan started 22 days ago. The office prints the board and a task page
 * (print media: no navigation, every row, the plan and the date at the top; the PDF is A4 landscape) and
 * downloads the ledger from the board's buttons with the board's filters. Then two tasks are signed off for
 * real and the board's progress chart shows them, with words beside every colour, in both languages. PDFs and
 * screenshots go to test-results/print/; the chart's to docs/section-progress.png for the README when
 * UPDATE_README_SCREENSHOT=1.
 */
import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import ExcelJS from 'exceljs';
import type { Page } from 'playwright-core';
import { addDays, localDate } from '../../domain/calendar';
import { PROJECT_ROOT } from '../../embedded/binaries';
import { loadPlanFile } from '../../seeds/load-plan';
import { signIn, signedInBrowser, startStack, type Stack } from './stack';

const plan = loadPlanFile();
const RESULTS = path.join(PROJECT_ROOT, 'test-results', 'print');
const today = localDate(Date.now(), plan.policy.utcOffset);

let stack: Stack;
let chromium: Awaited<ReturnType<typeof signedInBrowser>>['chromium'];
let page: Page;

beforeAll(async () => {
  mkdirSync(RESULTS, { recursive: true });
  stack = await startStack({ planStartDate: addDays(today, -22), taskCount: plan.tasks.length });
  ({ chromium, page } = await signedInBrowser(stack, stack.tokens.office));
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

describe('the month’s bulletin', () => {
  it('prints on A4 portrait in Chromium, in the register of an official notice', async () => {
    const month = today.slice(0, 7);
    const json = (await (
      await fetch(`${stack.baseUrl}/api/bulletins/${month}`, {
        headers: { Authorization: `Bearer ${stack.tokens.office}` },
      })
    ).json()) as { title: string; total: number };
    expect(json.total).toBe(plan.tasks.length);
    const bulletin = await chromium.context.newPage();
    try {
      await bulletin.setExtraHTTPHeaders({ Authorization: `Bearer ${stack.tokens.office}` });
      const res = await bulletin.goto(`${stack.baseUrl}/api/bulletins/${month}/print`);
      expect(res?.status()).toBe(200);
      expect(await bulletin.locator('h1').textContent()).toBe(json.title);
      expect(json.title).toMatch(/^教育部办公厅关于\d{4}年\d{1,2}月教育信息化重点工作推进情况的通报$/);
      // The page's own style applies (its content security policy allows exactly it): the title is centred.
      expect(
        await bulletin.locator('h1').evaluate((h) => h.ownerDocument.defaultView!.getComputedStyle(h).textAlign),
      ).toBe('center');
      expect(await bulletin.locator('p.salutation').textContent()).toBe('各司局、各单位：');
      expect(await bulletin.locator('table tbody tr').last().textContent()).toContain(`合计${plan.tasks.length}`);
      expect(await bulletin.locator('p.signature').textContent()).toContain('教育部办公厅');
      await bulletin.emulateMedia({ media: 'print' });
      const pdf = await bulletin.pdf({ preferCSSPageSize: true, printBackground: true });
      writeFileSync(path.join(RESULTS, `bulletin-${month}.pdf`), pdf);
      // A4 portrait: 210 × 297 mm = 595 × 842 points.
      expect(mediaBox(pdf)).toEqual([0, 0, 595, 842]);
    } finally {
      await bulletin.close();
    }
  });
});

describe('the bulletin page of the dashboard', () => {
  it('shows the month’s bulletin; the office sends it to leadership once a day; leadership reads it, cannot send', async () => {
    await signIn(page, stack.baseUrl, stack.tokens.office, '/bulletins');
    const title = page.getByTestId('bulletin-title');
    await title.waitFor();
    expect(await title.textContent()).toMatch(/^教育部办公厅关于\d{4}年\d{1,2}月教育信息化重点工作推进情况的通报$/);
    const paragraphs = await page.getByTestId('bulletin-paragraph').allTextContents();
    expect(paragraphs).toEqual(expect.arrayContaining(['一、总体情况', '四、督办单办理情况']));
    await page.getByTestId('bulletin-send').click();
    await page.getByTestId('ok').getByText('已通过通知渠道发送部领导和办公厅').waitFor();
    await page.getByTestId('bulletin-send').click();
    await page.getByTestId('ok').getByText('未重复发送').waitFor();

    await signIn(page, stack.baseUrl, stack.tokens.leadership, '/bulletins');
    await title.waitFor();
    expect(await page.getByTestId('bulletin-send').count()).toBe(0);
    await signIn(page, stack.baseUrl, stack.tokens.office);
  });
});

describe('the ledger buttons of the board', () => {
  it('download the workbook with the bearer token: a row per task, milestone and work item', async () => {
    await page.goto(stack.baseUrl);
    await page.getByTestId('task-row').first().waitFor();
    const [file] = await Promise.all([page.waitForEvent('download'), page.getByTestId('download-xlsx').click()]);
    expect(file.suggestedFilename()).toBe(`ledger-${plan.id}-${today}.xlsx`);
    const saved = path.join(RESULTS, file.suggestedFilename());
    await file.saveAs(saved);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(readFileSync(saved) as unknown as ArrayBuffer);
    // The header, each task and its four milestones, and a task with several work items a row per item and milestone.
    const itemRows = plan.tasks.reduce((n, t) => n + (t.workItems.length > 1 ? t.workItems.length * 4 : 0), 0);
    expect(wb.worksheets[0]!.rowCount).toBe(1 + plan.tasks.length * 5 + itemRows);
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

/** Approves a milestone through the API as the coordinator of `department` (`extra` joins the body). */
async function approve(
  task: number,
  milestone: string,
  department: string,
  figures?: Record<string, number>,
  extra: Record<string, unknown> = {},
): Promise<void> {
  const res = await fetch(`${stack.baseUrl}/api/tasks/${task}/milestones/${milestone}/sign-offs`, {
    method: 'POST',
    headers: { Authorization: `Bearer ${stack.tokens.coordinator(department)}`, 'Content-Type': 'application/json' },
    body: JSON.stringify({ department, decision: 'approve', ...(figures ? { figures } : {}), ...extra }),
  });
  expect({ status: res.status, body: res.status === 200 ? null : await res.text() }).toEqual({
    status: 200,
    body: null,
  });
}

/** The office closes a milestone its lead submitted for closure review (2016: every task's last). */
async function closeReviewed(task: number, milestone: string): Promise<void> {
  const res = await fetch(`${stack.baseUrl}/api/tasks/${task}/milestones/${milestone}/closure-review`, {
    method: 'POST',
    headers: { Authorization: `Bearer ${stack.tokens.office}`, 'Content-Type': 'application/json' },
    body: JSON.stringify({ decision: 'close' }),
  });
  expect(res.status).toBe(200);
}

describe('the progress chart of the board', () => {
  beforeAll(async () => {
    // Task 4 (section 三, one unit) moves on to its mid-year milestone; task 14 (section 七, one unit) is completed.
    await approve(4, 'work-plan', 'vocational-adult');
    // Its year-end sign-off reports core target 7's figure (teachers trained in informatization).
    // The year-end goes to the office's closure review with its evidence, and the office closes it.
    for (const m of plan.schedule) {
      if (m.id !== 'year-end') {
        await approve(14, m.id, 'teachers');
        continue;
      }
      const evidence = [{ kind: 'link', url: 'https://example.org/t14', title: '年终总结' }];
      await approve(14, m.id, 'teachers', { 't7-teachers-trained': 1_000_000 }, { evidence });
      await closeReviewed(14, m.id);
    }
  });

  const segments = async (section: number) => {
    const out: Record<string, number> = {};
    const bar = page.locator(`[data-testid=chart-section][data-section="${section}"]`);
    for (const seg of await bar.getByTestId('chart-segment').all()) {
      out[(await seg.getAttribute('data-status'))!] = Number(await seg.getAttribute('data-count'));
    }
    return out;
  };

  it('shows per section the tasks done, on track and due soon, each colour with its words', async () => {
    await page.goto(stack.baseUrl);
    const chart = page.getByTestId('section-chart');
    await chart.waitFor();
    expect(await page.getByTestId('chart-section').count()).toBe(plan.sections.length);
    expect(await segments(3)).toEqual({ on_track: 1, due_soon: 5 });
    expect(await segments(7)).toEqual({ completed: 1, due_soon: 1 });
    expect(await segments(1)).toEqual({ due_soon: 1 });
    const bar7 = page.locator('[data-testid=chart-section][data-section="7"]');
    expect(await bar7.locator('.bar-done').textContent()).toBe('已完成 1/2');
    // Every segment shows its number; the legend puts the words beside every colour.
    expect(await bar7.locator('.seg-count').allTextContents()).toEqual(['1', '1']);
    const legend = await page.getByTestId('chart-legend').locator('text').allTextContents();
    expect(legend).toEqual(['已完成', '正常推进', '即将到期', '已逾期', '升级督办']);
    const card = page.getByTestId('section-progress');
    await card.screenshot({ path: path.join(RESULTS, 'section-progress.png') });
    if (process.env.UPDATE_README_SCREENSHOT === '1') {
      copyFileSync(path.join(RESULTS, 'section-progress.png'), path.join(PROJECT_ROOT, 'docs', 'section-progress.png'));
    }
  });

  it('speaks English after the switch', async () => {
    await page.getByTestId('lang-switch').click();
    await page.getByTestId('section-chart').waitFor();
    expect(await page.getByTestId('section-progress').locator('h2').textContent()).toBe('Progress by section');
    const legend = await page.getByTestId('chart-legend').locator('text').allTextContents();
    expect(legend).toEqual(['Completed', 'On track', 'Due soon', 'Overdue', 'Escalated']);
    expect(await page.locator('[data-testid=chart-section][data-section="7"] .bar-done').textContent()).toBe(
      '1/2 done',
    );
    await page.getByTestId('section-progress').screenshot({ path: path.join(RESULTS, 'section-progress-en.png') });
    await page.getByTestId('lang-switch').click();
  });

  it('follows the board’s department filter', async () => {
    await page.goto(`${stack.baseUrl}/?department=teachers`);
    await page.getByTestId('section-chart').waitFor();
    // Section 七 has tasks 14 (教师司 alone) and 15 (not 教师司's): only the completed one counts.
    const involved = plan.tasks.filter((t) => t.section === 7 && t.workItems.some((w) => w.units.includes('teachers')));
    expect(involved.map((t) => t.number)).toEqual([14]);
    expect(await segments(7)).toEqual({ completed: 1 });
    expect(await page.getByTestId('chart-section').count()).toBeLessThan(plan.sections.length);
    expect(await page.locator('[data-testid=chart-section][data-section="1"]').count()).toBe(0);
  });
});
