/**
 * Importing a notice's text as a plan file (`seeds/import-notice.ts`, `npm run plan -- import`): the 2016
 * text gives back the shipped 2016 plan, another year's text gives exactly its own structure, and texts that
 * are not notices, or that name units nobody knows, are refused with the line and the reason.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { PlanFileInput } from '../../contracts';
import { DocumentLayoutError, readSourceText, SOURCE_TEXT_FILE } from '../../seeds/document';
import { TO_TRANSLATE, UnknownUnitError, editDistance, importNotice } from '../../seeds/import-notice';
import { DEFAULT_PLAN_FILE, parsePlan } from '../../seeds/load-plan';

const ROOT = join(__dirname, '..', '..');
/** The shipped 2016 plan exactly as written (no defaults applied). */
const shipped = JSON.parse(readFileSync(DEFAULT_PLAN_FILE, 'utf8')) as PlanFileInput;
const copy = <T>(x: T): T => JSON.parse(JSON.stringify(x)) as T;

/** Another year's notice, made up for the test: two sections, three tasks, an alias, a unit 2016 never named. */
const NOTICE_2027 = [
  '2027年教育数字化工作要点',
  '教育部办公厅关于印发《2027年教育数字化工作要点》的通知',
  '各省、自治区、直辖市教育厅（教委），部内各司局、各直属单位：',
  '现印发给你们，请结合实际贯彻执行。',
  '教育部办公厅',
  '2027年3月5日',
  '',
  '2027年教育数字化工作要点',
  '一、工作思路',
  '以教育数字化支撑教育强国建设。',
  '二、核心目标',
  '一是全国中小学千兆宽带接入比例达到70%。',
  '二是建成国家智慧教育平台数据中台。',
  '三、重点任务',
  '（一）夯实数字基础设施。',
  '1. 推进校园网络提速。',
  '完成中小学校园网络千兆升级改造。（责任单位：科学技术司、财务司、地方教育行政部门）',
  '2.建设教育数据中台。',
  '制定教育数据标准。（责任单位：教育管理信息中心、科技司）',
  '建成数据中台并接入省级平台。（责任单位：数字教育研究院、教育管理信息中心）',
  '（二）深化数字化应用。',
  '3. 开展人工智能教育应用试点。',
  '遴选100所试点学校。（责任单位：基础二司、数字教育研究院、地方各级教育行政部门）',
].join('\n');

describe('importing the 2016 text', () => {
  it('reproduces the shipped 2016 plan file field for field', () => {
    const { plan, notes } = importNotice(readSourceText(), { template: shipped });
    expect(plan).toEqual(shipped);
    expect(notes).toEqual([]);
  });

  it('takes sections, tasks, work items and units from the text, not from the template', () => {
    // A template whose structure is wrong everywhere: every work item replaced, sections retitled in English
    // only where the Chinese still matches. English words, figures, schedule and policy are all it can give.
    const template = copy(shipped);
    // Only a steward is not in the text (it names who closes an item the collective leads alone): the template's
    // paragraphs that have one stay.
    for (const task of template.tasks) {
      task.workItems = [{ text: '占位', units: ['general-office'] }, ...task.workItems.filter((w) => w.steward)];
    }
    template.tasks.reverse();
    const { plan } = importNotice(readSourceText(), { template });
    expect(plan).toEqual(shipped);
  });

  it('marks English it cannot take from the template instead of inventing it', () => {
    const template = copy(shipped);
    template.tasks[0]!.title.zh = '别的标题';
    const { plan, notes } = importNotice(readSourceText(), { template });
    expect(plan.tasks[0]!.title).toEqual({
      zh: '做好教育信息化统筹规划与指导',
      en: `${TO_TRANSLATE} 做好教育信息化统筹规划与指导`,
    });
    expect(notes).toEqual([`1 English text(s) marked “${TO_TRANSLATE}” to be written`]);
  });
});

describe('importing another year’s text', () => {
  it('gives exactly its structure: sections, tasks, work items, units in the document’s order', () => {
    const { plan, notes } = importNotice(NOTICE_2027, { template: shipped, newUnits: true });
    expect(() => parsePlan(plan)).not.toThrow();
    expect(plan).toMatchObject({
      id: 'moe-2027-informatization',
      title: { zh: '2027年教育数字化工作要点', en: `${TO_TRANSLATE} 2027年教育数字化工作要点` },
      documentDate: '2027-03-05',
      issuer: '教育部办公厅',
      roles: shipped.roles,
      schedule: shipped.schedule,
      policy: shipped.policy,
    });
    expect(plan.sections).toEqual([
      { number: 1, numeral: '一', title: { zh: '夯实数字基础设施', en: `${TO_TRANSLATE} 夯实数字基础设施` } },
      { number: 2, numeral: '二', title: { zh: '深化数字化应用', en: `${TO_TRANSLATE} 深化数字化应用` } },
    ]);
    expect(
      plan.tasks.map((t) => ({ number: t.number, section: t.section, title: t.title.zh, items: t.workItems })),
    ).toEqual([
      {
        number: 1,
        section: 1,
        title: '推进校园网络提速',
        // 科学技术司 and 地方教育行政部门 are aliases of 科技司 and 地方各级教育行政部门.
        items: [{ text: '完成中小学校园网络千兆升级改造。', units: ['science-tech', 'finance', 'local-authorities'] }],
      },
      {
        number: 2,
        section: 1,
        title: '建设教育数据中台',
        items: [
          { text: '制定教育数据标准。', units: ['emic', 'science-tech'] },
          { text: '建成数据中台并接入省级平台。', units: ['new-unit-1', 'emic'] },
        ],
      },
      {
        number: 3,
        section: 2,
        title: '开展人工智能教育应用试点',
        items: [{ text: '遴选100所试点学校。', units: ['basic-ed-2', 'new-unit-1', 'local-authorities'] }],
      },
    ]);
    expect(plan.targets).toEqual([
      {
        number: 1,
        text: '一是全国中小学千兆宽带接入比例达到70%。',
        summary: {
          zh: '一是全国中小学千兆宽带接入比例达到70%。',
          en: `${TO_TRANSLATE} 一是全国中小学千兆宽带接入比例达到70%。`,
        },
        figures: [],
      },
      {
        number: 2,
        text: '二是建成国家智慧教育平台数据中台。',
        summary: { zh: '二是建成国家智慧教育平台数据中台。', en: `${TO_TRANSLATE} 二是建成国家智慧教育平台数据中台。` },
        figures: [],
      },
    ]);
    // The registry holds the units the text names, the members of its collectives (the 32 provinces) and those
    // the roles and escalations need, nothing else.
    const provinces = shipped.departments.find((d) => d.id === 'local-authorities')!.members!;
    expect(provinces).toHaveLength(32);
    expect(plan.departments.map((d) => d.id)).toEqual([
      'general-office',
      'supervision-office',
      'finance',
      'basic-ed-2',
      'science-tech',
      'emic',
      'local-authorities',
      ...provinces,
      'ministry-leadership',
      'new-unit-1',
    ]);
    expect(plan.departments.at(-1)).toEqual({
      id: 'new-unit-1',
      name: { zh: '数字教育研究院', en: `${TO_TRANSLATE} 数字教育研究院` },
      kind: 'affiliated-unit',
      aliases: [],
    });
    expect(notes).toContain('new unit new-unit-1 “数字教育研究院” (kind guessed: affiliated-unit)');
  });

  it('takes the id and the start date from the flags when given', () => {
    const { plan } = importNotice(NOTICE_2027, {
      template: shipped,
      newUnits: true,
      id: 'moe-2027-digital',
      documentDate: '2027-04-01',
    });
    expect(plan.id).toBe('moe-2027-digital');
    expect(plan.documentDate).toBe('2027-04-01');
  });

  it('refuses a unit the registry does not know with its name, its line and the closest known names', () => {
    const text = NOTICE_2027.replace('数字教育研究院', '科枝司').replace('数字教育研究院', '科枝司');
    let error: unknown;
    try {
      importNotice(text, { template: shipped });
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(UnknownUnitError);
    const { units, message } = error as UnknownUnitError;
    expect(units).toHaveLength(1);
    expect(units[0]).toMatchObject({ name: '科枝司', line: 20 });
    expect(units[0]!.closest[0]).toBe('科技司 (science-tech)');
    expect(message).toContain('line 20: unknown unit “科枝司” — closest known: 科技司 (science-tech)');
  });
});

describe('a text that is not a notice', () => {
  const refusal = (text: string): DocumentLayoutError => {
    try {
      importNotice(text, { template: shipped, newUnits: true });
    } catch (err) {
      if (err instanceof DocumentLayoutError) return err;
      throw err;
    }
    throw new Error('the import was not refused');
  };

  it('has no 重点任务 part: refused on its last line', () => {
    const text = NOTICE_2027.slice(0, NOTICE_2027.indexOf('三、重点任务'));
    const err = refusal(text);
    expect(err.line).toBe(13);
    expect(err.message).toBe('line 13: no part headed “重点任务” (such as 三、重点任务) in the text');
  });

  it('has a key task without work items: refused on the task’s line', () => {
    const err = refusal(
      NOTICE_2027.replace('遴选100所试点学校。（责任单位：基础二司、数字教育研究院、地方各级教育行政部门）', ''),
    );
    expect(err.message).toBe('line 22: key task 3 has no work item ending in （责任单位：…）');
  });

  it('has an empty 责任单位 list: refused on its line', () => {
    const err = refusal(NOTICE_2027.replace('（责任单位：教育管理信息中心、科技司）', '（责任单位：）'));
    expect(err.message).toBe('line 19: the （责任单位：…） list is empty');
  });

  it('has a line that is neither heading nor work item: refused on that line', () => {
    const err = refusal(
      NOTICE_2027.replace('制定教育数据标准。（责任单位：教育管理信息中心、科技司）', '制定教育数据标准。'),
    );
    expect(err.message).toBe('line 19: neither a heading nor a paragraph ending in （责任单位：…）');
  });
});

describe('edit distance on Chinese names', () => {
  it('counts one per character changed, added or removed', () => {
    expect(editDistance('科技司', '科技司')).toBe(0);
    expect(editDistance('科枝司', '科技司')).toBe(1);
    expect(editDistance('基础教育二司', '基础二司')).toBe(2);
  });
});

describe('npm run plan -- import', () => {
  const dir = mkdtempSync(join(tmpdir(), 'duban-import-'));
  const plan = (...args: string[]) =>
    spawnSync('npx', ['tsx', 'scripts/plan.ts', ...args], { cwd: ROOT, encoding: 'utf8', timeout: 60_000 });

  it('writes a plan file that `plan check` accepts', () => {
    const notice = join(dir, 'notice-2027.txt');
    const out = join(dir, 'plan-2027.json');
    writeFileSync(notice, NOTICE_2027);
    const imported = plan('import', notice, '--out', out, '--new-units', '--template', DEFAULT_PLAN_FILE);
    expect(imported.stderr).not.toContain('✗');
    expect(imported.status).toBe(0);
    expect(imported.stdout).toContain('✓ moe-2027-informatization: 2027年教育数字化工作要点 — 2 sections, 3 key tasks');
    expect(imported.stderr).toContain('! new unit new-unit-1 “数字教育研究院”');
    const checked = plan('check', out);
    expect(checked.status).toBe(0);
    expect(checked.stdout).toMatch(/key tasks:\s+3\n/);
  });

  it('writes the 2016 plan from the 2016 text', () => {
    const out = join(dir, 'plan-2016.json');
    expect(plan('import', SOURCE_TEXT_FILE, '--out', out).status).toBe(0);
    expect(JSON.parse(readFileSync(out, 'utf8'))).toEqual(shipped);
  });

  it('refuses an unknown unit with the line and exits 1', () => {
    const notice = join(dir, 'notice-unknown.txt');
    writeFileSync(notice, NOTICE_2027);
    const r = plan('import', notice, '--out', join(dir, 'never.json'));
    expect(r.status).toBe(1);
    expect(r.stderr).toContain('line 20: unknown unit “数字教育研究院”');
  });
});
