/**
 * The supervision ledger downloads (`GET /api/export/ledger.xlsx`, `.csv`) against a real Temporal dev server
 * and worker: three tasks of the 2016 plan started 40 days back (so their first milestone is 12 days late and
 * escalated), one of them signed off for real, then the files read back with exceljs as a spreadsheet user
 * would open them.
 */
import { Readable } from 'node:stream';
import ExcelJS from 'exceljs';
import type { Response } from 'supertest';
import { addDays, localDate } from '../../domain/calendar';
import { plan2016, request, startHarness, startPlanEscalated, type Harness } from '../../support/api-harness';

let h: Harness;
let subject: ReturnType<Harness['app']>;
const today = localDate(Date.now(), '+08:00');
const start = addDays(today, -40);
const auth = (token: string) => ({ Authorization: `Bearer ${token}` });

/** Reads a binary answer whole (supertest buffers only text by default). */
function binary(res: Response, done: (err: Error | null, body: Buffer) => void): void {
  const chunks: Buffer[] = [];
  res.on('data', (c: Buffer) => chunks.push(c));
  res.on('end', () => done(null, Buffer.concat(chunks)));
}

async function download(path: string, token: string): Promise<Response> {
  return request(subject.app).get(path).set(auth(token)).buffer(true).parse(binary);
}

async function workbook(path: string, token: string): Promise<ExcelJS.Workbook> {
  const res = await download(path, token);
  expect(res.status).toBe(200);
  expect(res.headers['content-type']).toContain('spreadsheetml');
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.load(res.body as ArrayBuffer);
  return wb;
}

/** The rows of a sheet below its header, as arrays of cell values (column 1 first). */
function rowsOf(sheet: ExcelJS.Worksheet): unknown[][] {
  const out: unknown[][] = [];
  sheet.eachRow((row, n) => {
    if (n > 1) out.push((row.values as unknown[]).slice(1));
  });
  return out;
}

/** Column positions (0-based) by English header. */
function columns(sheet: ExcelJS.Worksheet): Record<string, number> {
  const out: Record<string, number> = {};
  (sheet.getRow(1).values as unknown[]).slice(1).forEach((v, i) => (out[String(v).split('\n')[1]!] = i));
  return out;
}

beforeAll(async () => {
  h = await startHarness();
  subject = h.app(plan2016({ id: 'ledger-export', tasks: [2, 5, 12] }));
  // Levels 1 and 2 of every first milestone fall due at once; wait until the workflows have recorded them.
  await startPlanEscalated(subject, start, [2, 2, 2]);
  // A real sign-off of task 5's work plan: the co-responsible unit with a comment, then the lead with its report.
  const sign = (department: string, comment: string) =>
    request(subject.app)
      .post('/api/tasks/5/milestones/work-plan/sign-offs')
      .set(auth(subject.tokens.coordinator(department)))
      .send({ department, decision: 'approve', comment });
  expect((await sign('ideological-political', '思政司已会签')).status).toBe(200);
  const lead = await sign('higher-ed', '工作方案已印发各地');
  expect(lead.status).toBe(200);
  expect(lead.body.state).toBe('completed');
}, 240_000);

afterAll(async () => {
  await h?.stop();
});

describe('the ledger workbook', () => {
  it('has a row per task and per milestone with what happened, read back by exceljs', async () => {
    const wb = await workbook('/api/export/ledger.xlsx', subject.tokens.office);
    const sheet = wb.worksheets[0]!;
    expect(sheet.name).toBe('督办台账 Ledger');
    expect(sheet.getRow(1).getCell(1).value).toBe('部分\nSection');
    const col = columns(sheet);
    const rows = rowsOf(sheet).filter((r) => r[col['Row']!] !== '分项 Work item');
    // Three tasks, each a task row and its four milestones, in task order.
    expect(rows.map((r) => [r[col['Task No.']!], r[col['Row']!], r[col['Milestone']!]])).toEqual(
      [2, 5, 12].flatMap((n) => [
        [n, '任务 Task', n === 5 ? '年中进展' : '工作方案'],
        [n, '节点 Milestone', '工作方案'],
        [n, '节点 Milestone', '年中进展'],
        [n, '节点 Milestone', '三季度进展'],
        [n, '节点 Milestone', '年终完成'],
      ]),
    );
    const row = (task: number, milestone: string) =>
      rows.find(
        (r) => r[col['Task No.']!] === task && r[col['Milestone']!] === milestone && r[col['Row']!] !== '任务 Task',
      )!;
    const taskRow = (task: number) => rows.find((r) => r[col['Task No.']!] === task && r[col['Row']!] === '任务 Task')!;

    // Task 5's work plan: signed off today, 12 days after its due date; the lead's comment is the latest report.
    const signed = row(5, '工作方案');
    expect(signed[col['Section']!]).toBe('（三）丰富数字教育资源，推进信息化教学应用');
    expect(signed[col['Key task']!]).toBe('加强高等教育优质数字教育资源开发与应用');
    expect(signed[col['Lead unit']!]).toBe('高教司');
    expect(signed[col['Co-responsible units']!]).toBe('思政司');
    expect(signed[col['Due date']!]).toBe(addDays(start, 28));
    expect(signed[col['Status']!]).toBe('已完成 Completed');
    expect(signed[col['Stage']!]).toBe('已完成');
    expect(signed[col['Days late']!]).toBe(12);
    expect(signed[col['Pending units']!]).toBe('');
    expect(signed[col['Escalation level']!]).toBe(2);
    expect(signed[col['Latest report']!]).toBe(`工作方案已印发各地（高教司 高教司联络员，${today}）`);
    // Task 5 now works on its mid-year milestone, on track.
    expect(taskRow(5)[col['Status']!]).toBe('正常推进 On track');
    expect(taskRow(5)[col['Due date']!]).toBe(addDays(start, 149));
    expect(taskRow(5)[col['Days late']!]).toBe(0);
    expect(row(5, '年中进展')[col['Stage']!]).toBe('会签中');
    expect(row(5, '年终完成')[col['Status']!]).toBe('未开始 Not started');

    // Task 2 is still escalated: 12 days late, waiting on every unit (the lead last), no report yet.
    const late = taskRow(2);
    expect(late[col['Status']!]).toBe('升级督办 Escalated');
    expect(late[col['Days late']!]).toBe(12);
    expect(late[col['Escalation level']!]).toBe(2);
    expect(late[col['Pending units']!]).toBe('财务司、督导办、规划司、科技司');
    expect(late[col['Latest report']!]).toBe('');
  });

  it('has a row per work item and milestone of a task with several, with the item’s own units and progress', async () => {
    const wb = await workbook('/api/export/ledger.xlsx', subject.tokens.office);
    const sheet = wb.worksheets[0]!;
    const col = columns(sheet);
    const items = rowsOf(sheet).filter((r) => r[col['Row']!] === '分项 Work item');
    const of = (task: number, milestone: string) =>
      items.filter((r) => r[col['Task No.']!] === task && r[col['Milestone']!] === milestone);
    // Task 2 has one work item: no item rows; task 5 three, task 12 two, on each of the four milestones.
    expect(items.filter((r) => r[col['Task No.']!] === 2)).toEqual([]);
    expect(of(5, '工作方案').map((r) => String(r[col['Work item']!]).slice(0, 4))).toEqual([
      '分项1：',
      '分项2：',
      '分项3：',
    ]);
    expect(of(12, '年终完成')).toHaveLength(2);
    // Task 5's work plan: item 3 is 思政司's alone, signed with its comment; item 1 is 高教司's with 思政司.
    const [first, , third] = of(5, '工作方案');
    expect(String(third![col['Work item']!])).toMatch(/^分项3：继续实施“易班”推广行动计划/);
    expect(third![col['Lead unit']!]).toBe('思政司');
    expect(third![col['Co-responsible units']!]).toBe('');
    expect(third![col['Status']!]).toBe('已完成 Completed');
    expect(third![col['Latest report']!]).toBe(`思政司已会签（思政司 思政司联络员，${today}）`);
    expect(first![col['Lead unit']!]).toBe('高教司');
    expect(first![col['Co-responsible units']!]).toBe('思政司');
    expect(first![col['Latest report']!]).toBe(`工作方案已印发各地（高教司 高教司联络员，${today}）`);
    // Task 12's work plan is escalated: its second item waits on its co-unit and then its own lead, 职成司.
    const second = of(12, '工作方案')[1]!;
    expect(second[col['Lead unit']!]).toBe('职成司');
    expect(second[col['Status']!]).toBe('升级督办 Escalated');
    expect(second[col['Days late']!]).toBe(12);
    expect(String(second[col['Pending units']!]).split('、').at(-1)).toBe('职成司');
  });

  it('freezes the header, sets the widths and colours the status cell beside its word', async () => {
    const wb = await workbook('/api/export/ledger.xlsx', subject.tokens.office);
    const sheet = wb.worksheets[0]!;
    expect(sheet.views[0]).toMatchObject({ state: 'frozen', ySplit: 1 });
    const col = columns(sheet);
    expect(sheet.getColumn(col['Key task']! + 1).width).toBe(36);
    expect(sheet.getColumn(col['Latest report']! + 1).width).toBe(50);
    expect(sheet.pageSetup).toMatchObject({ orientation: 'landscape', paperSize: 9 });
    const status = (n: number) => sheet.getRow(n).getCell(col['Status']! + 1);
    const escalated = status(2); // task 2's task row
    expect(escalated.value).toBe('升级督办 Escalated');
    expect(escalated.fill).toMatchObject({ type: 'pattern', pattern: 'solid', fgColor: { argb: 'FF9C0006' } });
    const onTrack = status(2 + 5); // task 5's task row
    expect(onTrack.value).toBe('正常推进 On track');
    expect(onTrack.fill).toMatchObject({ fgColor: { argb: 'FFC6EFCE' } });
  });

  it('sums up per unit on sheet 2 and gives every unit its own sheet', async () => {
    const wb = await workbook('/api/export/ledger.xlsx', subject.tokens.viewer);
    expect(wb.worksheets[1]!.name).toBe('按单位汇总 By unit');
    const summary = rowsOf(wb.worksheets[1]!);
    // 高教司 leads task 5 and shares task 12: task 12's work plan (12 days late) and task 5's mid-year wait on it.
    // The last column is the score: 高教司 led task 5's work plan 12 days late (-5) and was still pending on task
    // 12's when it fell due (-3); 思政司 signed task 5's only today, after it fell due (-3).
    expect(summary.find((r) => r[0] === '高教司')).toEqual(['高教司', 1, 1, 2, 1, 12, 92]);
    expect(summary.find((r) => r[0] === '思政司')).toEqual(['思政司', 0, 1, 1, 0, 0, 97]);
    expect(wb.worksheets[2]!.name).toBe('考核计分 Scores');
    const scores = rowsOf(wb.worksheets[2]!);
    // Rank, unit, score, standing, then the points of each term (overdue as lead, as co-unit, missed reports,
    // office returns, on time).
    expect(scores.find((r) => r[1] === '高教司')).toEqual([
      expect.any(Number),
      '高教司',
      92,
      '通报批评 Criticised',
      -5,
      -3,
      0,
      0,
      0,
    ]);
    expect(scores.find((r) => r[1] === '思政司')).toEqual([expect.any(Number), '思政司', 97, '', 0, -3, 0, 0, 0]);
    const own = wb.getWorksheet('思政司');
    expect(own).toBeDefined();
    expect(new Set(rowsOf(own!).map((r) => r[1]))).toEqual(new Set([5]));
    expect(wb.worksheets.map((s) => s.name)).toContain('科技司');
  });

  it('gives a coordinator only its own department’s tasks', async () => {
    const wb = await workbook('/api/export/ledger.xlsx', subject.tokens.coordinator('ideological-political'));
    const rows = rowsOf(wb.worksheets[0]!);
    // Task 5: its task row, four milestones and its three work items on each.
    expect(rows).toHaveLength(5 + 12);
    expect(new Set(rows.map((r) => r[1]))).toEqual(new Set([5]));
  });

  it('applies the board’s filters: department and light', async () => {
    const byDept = rowsOf(
      (await workbook('/api/export/ledger.xlsx?department=higher-ed', subject.tokens.office)).worksheets[0]!,
    );
    expect(new Set(byDept.map((r) => r[1]))).toEqual(new Set([5, 12]));
    const escalated = rowsOf(
      (await workbook('/api/export/ledger.xlsx?light=deepred', subject.tokens.office)).worksheets[0]!,
    );
    expect(new Set(escalated.map((r) => r[1]))).toEqual(new Set([2, 12]));
  });
});

describe('the ledger as CSV', () => {
  it('starts with the UTF-8 BOM, quotes by RFC 4180 and parses into the same rows', async () => {
    const res = await download('/api/export/ledger.csv', subject.tokens.office);
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe('text/csv; charset=utf-8');
    expect(res.headers['content-disposition']).toMatch(
      /^attachment; filename="ledger-ledger-export-\d{4}-\d{2}-\d{2}\.csv"$/,
    );
    const bytes = res.body as Buffer;
    expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const text = bytes.toString('utf8').slice(1);
    expect(text.split('\r\n')[0]).toBe(
      '部分 Section,任务序号 Task No.,重点任务 Key task,行类别 Row,节点 Milestone,工作事项 Work item,' +
        '牵头单位 Lead unit,配合单位 Co-responsible units,截止日期 Due date,状态 Status,办理情况 Stage,逾期天数 Days late,' +
        '待签单位 Pending units,督办级别 Escalation level,最新报告 Latest report',
    );
    const wb = new ExcelJS.Workbook();
    const sheet = await wb.csv.read(Readable.from([text]));
    const rows = rowsOf(sheet);
    // 15 task and milestone rows, and a row per work item and milestone of task 5 (3 × 4) and task 12 (2 × 4).
    expect(rows).toHaveLength(15 + 12 + 8);
    const signed = rows.find((r) => r[1] === 5 && r[3] === '节点 Milestone' && r[4] === '工作方案')!;
    expect(signed.slice(9, 12)).toEqual(['已完成 Completed', '已完成', 12]);
  });

  it('quotes a report that holds a comma, a quote and a line break', async () => {
    const res = await request(subject.app)
      .post('/api/tasks/5/milestones/mid-year/sign-offs')
      .set(auth(subject.tokens.coordinator('ideological-political')))
      .send({ department: 'ideological-political', decision: 'approve', comment: 'done, "mostly"\nsee annex' });
    expect(res.status).toBe(200);
    const csv = (await download('/api/export/ledger.csv', subject.tokens.office)).body.toString('utf8') as string;
    expect(csv).toContain('"done, ""mostly""\nsee annex（思政司 思政司联络员，');
  });
});

describe('who may download the ledger', () => {
  it('refuses a coordinator asking for another department’s ledger: 403 with the error body', async () => {
    const res = await request(subject.app)
      .get('/api/export/ledger.xlsx?department=science-tech')
      .set(auth(subject.tokens.coordinator('ideological-political')));
    expect(res.status).toBe(403);
    expect(res.body).toEqual({
      error: {
        code: 'forbidden',
        message: { zh: '联络员只能查看本单位的任务', en: 'A coordinator sees only its own department’s tasks.' },
      },
    });
  });

  it('refuses a request without a token: 401', async () => {
    const res = await request(subject.app).get('/api/export/ledger.csv');
    expect(res.status).toBe(401);
    expect(res.body.error.code).toBeDefined();
    expect(res.body.error.message.zh).toBeTruthy();
  });

  it('refuses a light the board does not have: 400', async () => {
    const res = await request(subject.app).get('/api/export/ledger.csv?light=purple').set(auth(subject.tokens.office));
    expect(res.status).toBe(400);
    expect(res.body.error.message.en).toBeTruthy();
  });
});
