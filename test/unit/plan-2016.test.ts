/**
 * The 2016 plan file against the document it comes from: the source text is parsed here and every
 * section, key task, work item, responsible unit and core target must match it exactly.
 */
import type { PlanFile } from '../../contracts';
import {
  findDepartment,
  keyTaskInput,
  taskDepartmentIds,
  taskMilestones,
  taskUnits,
  workItemUnits,
} from '../../domain/plan';
import { parseCoreTargets, parseHeader, parseKeyTasks, readSourceText } from '../../seeds/document';
import { DEFAULT_PLAN_FILE, loadPlanFile, planSummary } from '../../seeds/load-plan';

const source = readSourceText();
const doc = parseKeyTasks(source);
const plan: PlanFile = loadPlanFile(DEFAULT_PLAN_FILE);

/** The department a name of the document stands for; fails the test when the registry does not know it. */
function resolve(name: string): string {
  const d = findDepartment(plan, name);
  if (!d) throw new Error(`unit "${name}" is not in the registry`);
  return d.id;
}

/** Part 三 of the raw text, for checks that do not go through the parser. */
const partThree = source.slice(source.indexOf('三、重点任务'));

describe('2016 plan: identity', () => {
  it('is the 2016 work points as issued by the general office on 2016-02-02', () => {
    const header = parseHeader(source);
    expect(plan.id).toBe('moe-2016-informatization');
    expect(plan.title.zh).toBe(header.title);
    expect(plan.issuer).toBe('教育部办公厅');
    expect(plan.issuer).toBe(header.issuer);
    expect(plan.documentDate).toBe('2016-02-02');
    expect(plan.documentDate).toBe(header.date);
  });

  it('counts 10 sections, 24 key tasks, 8 core targets and one work item per （责任单位：…） paragraph', () => {
    const paragraphs = partThree.match(/（责任单位：/g)?.length;
    expect(paragraphs).toBeGreaterThan(24);
    expect(planSummary(plan)).toMatchObject({
      sections: 10,
      tasks: 24,
      targets: 8,
      workItems: paragraphs,
      milestones: 24 * 4,
    });
  });
});

describe('2016 plan: sections and key tasks as written', () => {
  it('has the sections （一）…（十） with the document’s titles, each with an English title', () => {
    expect(doc.sections).toHaveLength(10);
    expect(plan.sections.map((s) => ({ number: s.number, numeral: s.numeral, title: s.title.zh }))).toEqual(
      doc.sections.map((s) => ({ number: s.number, numeral: s.numeral, title: s.title })),
    );
    for (const s of plan.sections) expect(s.title.en).toMatch(/^[A-Z][ -~]+$/);
  });

  it('has the 24 numbered key tasks with the document’s titles, in their sections', () => {
    expect(doc.tasks).toHaveLength(24);
    expect(plan.tasks.map((t) => ({ number: t.number, section: t.section, title: t.title.zh }))).toEqual(
      doc.tasks.map((t) => ({ number: t.number, section: t.section, title: t.title })),
    );
    for (const t of plan.tasks) expect(t.title.en).toMatch(/^[A-Z"][ -~]+$/);
  });

  it('has exactly the document’s work items: same text, same units in the same order', () => {
    const expected = doc.tasks.map((t) => ({
      number: t.number,
      workItems: t.workItems.map((w) => ({ text: w.text, units: w.unitNames.map(resolve) })),
    }));
    const actual = plan.tasks.map((t) => ({
      number: t.number,
      workItems: t.workItems.map((w) => ({ text: w.text, units: w.units })),
    }));
    expect(actual).toEqual(expected);
  });

  it('keeps no （责任单位：…） tail in any work item text', () => {
    for (const t of plan.tasks) for (const w of t.workItems) expect(w.text).not.toContain('责任单位');
  });
});

describe('2016 plan: department registry', () => {
  it('resolves every unit name the document uses, each to exactly one department', () => {
    const names = new Set(doc.tasks.flatMap((t) => t.workItems.flatMap((w) => w.unitNames)));
    expect(names.size).toBeGreaterThan(30);
    for (const name of names) {
      const matches = plan.departments.filter((d) => d.name.zh === name || d.aliases.includes(name));
      expect({ name, matches: matches.length }).toEqual({ name, matches: 1 });
    }
  });

  it('writes each department’s Chinese name as the document does, and every name or alias once only', () => {
    const all = plan.departments.flatMap((d) => [d.name.zh, ...d.aliases]);
    expect(new Set(all).size).toBe(all.length);
    const used = new Set(doc.tasks.flatMap((t) => t.workItems.flatMap((w) => w.unitNames)));
    const roles = new Set(Object.values(plan.roles));
    const members = new Set(plan.departments.flatMap((d) => d.members ?? []));
    for (const d of plan.departments) {
      // Every registry entry is named by the document, except ministry leadership, which only escalations reach,
      // and the provincial authorities, which the notice is addressed to (各省、自治区、直辖市教育厅（教委）…).
      if (d.kind === 'leadership') expect(roles.has(d.id)).toBe(true);
      else if (d.kind === 'local-authority') expect(members.has(d.id)).toBe(true);
      else expect({ id: d.id, inDocument: used.has(d.name.zh) }).toEqual({ id: d.id, inDocument: true });
    }
  });

  it('lists every unit a work item names', () => {
    const ids = new Set(plan.departments.map((d) => d.id));
    for (const t of plan.tasks) for (const w of t.workItems) for (const u of w.units) expect(ids).toContain(u);
  });

  it('treats 地方教育行政部门 (task 12) as the same body as 地方各级教育行政部门', () => {
    expect(resolve('地方教育行政部门')).toBe('local-authorities');
    expect(resolve('地方各级教育行政部门')).toBe('local-authorities');
    const task12 = plan.tasks.find((t) => t.number === 12)!;
    expect(task12.workItems[0]!.units).toEqual([
      'science-tech',
      'basic-ed-1',
      'basic-ed-2',
      'vocational-adult',
      'higher-ed',
      'local-authorities',
    ]);
  });

  it('marks the collectives, with who they stand for, and the escalation roles', () => {
    const byId = (id: string) => plan.departments.find((d) => d.id === id)!;
    for (const id of ['relevant-departments', 'local-authorities']) {
      expect(byId(id).kind).toBe('collective');
      expect(byId(id).description).toEqual(expect.any(String));
    }
    expect(byId('local-authorities').description).toContain('教育厅');
    // 相关业务司局: designated case by case by the item's lead, from the ministry's departments.
    expect(byId('relevant-departments')).toMatchObject({ designatedFrom: ['ministry-department'] });
    expect(byId('relevant-departments').members).toBeUndefined();
    for (const id of ['ncet', 'pep', 'ouc', 'cetv', 'neea', 'nies', 'emic'])
      expect(byId(id).kind).toBe('affiliated-unit');
    for (const id of ['science-tech', 'basic-ed-2', 'general-office', 'supervision-office']) {
      expect(byId(id).kind).toBe('ministry-department');
    }
    expect(plan.roles).toEqual({
      generalOffice: 'general-office',
      supervisionOffice: 'supervision-office',
      leadership: 'ministry-leadership',
    });
    expect(byId('general-office').name.zh).toBe('办公厅');
    expect(byId('supervision-office').name.zh).toBe('督导办');
    expect(byId('ministry-leadership')).toMatchObject({ kind: 'leadership', name: { zh: '部领导' } });
  });
});

describe('2016 plan: leads and co-responsible units', () => {
  const task = (n: number) => plan.tasks.find((t) => t.number === n)!;

  it('gives task 11’s 学生司 paragraph to the students’ department alone', () => {
    const item = task(11).workItems.find((w) => w.text.includes('高考综合改革网上录取系统'))!;
    expect(item.units).toEqual(['students']);
  });

  it('derives the lead from the first unit of the first work item and the rest in order of appearance', () => {
    expect(taskUnits(task(1))).toEqual({
      lead: 'science-tech',
      coResponsible: ['relevant-departments', 'basic-ed-2', 'ethnic-ed', 'ethnic-ed-center'],
    });
    expect(taskUnits(task(11))).toEqual({
      lead: 'emic',
      coResponsible: [
        'relevant-departments',
        'planning',
        'local-authorities',
        'students',
        'international',
        'funds-supervision',
        'neea',
      ],
    });
    // Task 17 is the collective's alone: its steward, 科技司 (which drafts the work points), leads and closes it.
    expect(taskUnits(task(17))).toEqual({ lead: 'science-tech', coResponsible: ['local-authorities'] });
    expect(taskUnits(task(21))).toEqual({ lead: 'supervision-office', coResponsible: ['science-tech'] });
    expect(taskUnits(task(23))).toEqual({
      lead: 'unesco-secretariat',
      coResponsible: ['science-tech', 'international'],
    });
  });

  it('escalates a late task to its lead and the general office, then supervision, then leadership', () => {
    expect(keyTaskInput(plan, task(5), '2016-02-02').policy.escalation).toEqual([
      { level: 1, afterDays: 0, notify: ['higher-ed', 'general-office'] },
      { level: 2, afterDays: 7, notify: ['supervision-office'] },
      { level: 3, afterDays: 14, notify: ['ministry-leadership'] },
    ]);
    // Nobody supervises itself. Task 21 (the supervision office leads; told at level 1 as the late unit): the
    // general office supervises at level 2 in its place.
    expect(keyTaskInput(plan, task(21), '2016-02-02').policy.escalation).toEqual([
      { level: 1, afterDays: 0, notify: ['supervision-office', 'general-office'] },
      { level: 2, afterDays: 7, notify: ['general-office'] },
      { level: 3, afterDays: 14, notify: ['ministry-leadership'] },
    ]);
    // Task 13 (the general office leads): the supervision office supervises at level 1 in its place.
    expect(keyTaskInput(plan, task(13), '2016-02-02').policy.escalation).toEqual([
      { level: 1, afterDays: 0, notify: ['general-office', 'supervision-office'] },
      { level: 2, afterDays: 7, notify: ['supervision-office'] },
      { level: 3, afterDays: 14, notify: ['ministry-leadership'] },
    ]);
    // The supervision office decides task 13's extension requests; the general office every other task's.
    expect(keyTaskInput(plan, task(13), '2016-02-02').extensionOffice).toBe('supervision-office');
    expect(keyTaskInput(plan, task(21), '2016-02-02').extensionOffice).toBe('general-office');
    expect(plan.policy).toMatchObject({
      reminderDaysBefore: [7, 1, 0],
      reminderTime: '09:00',
      utcOffset: '+08:00',
      dueSoonDays: 7,
    });
  });
});

describe('2016 plan: schedule', () => {
  it('started on the document date, every task is due 2016-03-01, 06-30, 09-30 and 12-31', () => {
    for (const t of plan.tasks) {
      const milestones = taskMilestones(plan, t, '2016-02-02');
      expect(milestones.map((m) => [m.id, m.title.zh, m.dueDate])).toEqual([
        ['work-plan', '工作方案', '2016-03-01'],
        ['mid-year', '年中进展', '2016-06-30'],
        ['q3', '三季度进展', '2016-09-30'],
        ['year-end', '年终完成', '2016-12-31'],
      ]);
    }
  });

  it('asks for task 2’s connectivity and multimedia figures at year end only', () => {
    const milestones = taskMilestones(
      plan,
      plan.tasks.find((t) => t.number === 2)!,
      '2016-02-02',
    );
    for (const m of milestones.slice(0, 3)) expect(m.figures).toEqual([]);
    expect(milestones[3]!.figures.map((f) => [f.id, f.kind, f.target, f.unit, f.targetNumber])).toEqual([
      ['t1-internet-access', 'percent', 95, '%', 1],
      ['t1-broadband-10m', 'percent', 60, '%', 1],
      ['t1-multimedia-urban', 'percent', 80, '%', 1],
      ['t1-multimedia-rural', 'percent', 50, '%', 1],
    ]);
  });
});

describe('2016 plan: core targets', () => {
  it('has the eight targets of part 二 word for word', () => {
    const targets = parseCoreTargets(source);
    expect(targets).toHaveLength(8);
    expect(plan.targets.map((t) => ({ number: t.number, text: t.text }))).toEqual(
      targets.map((t) => ({ number: t.number, text: t.text })),
    );
  });

  /** How the document writes a figure's value: 95%, 200万, 11200. */
  const written = (kind: string, value: number) =>
    kind === 'percent' ? `${value}%` : value >= 10_000 && value % 10_000 === 0 ? `${value / 10_000}万` : `${value}`;

  it('takes every figure’s value from its target’s own text', () => {
    for (const target of plan.targets) {
      for (const f of target.figures) {
        expect({ figure: f.id, inText: target.text.includes(written(f.kind, f.value)) }).toEqual({
          figure: f.id,
          inText: true,
        });
      }
    }
  });

  it('links the figures to the key tasks that deliver them', () => {
    const reported = (n: number) =>
      taskMilestones(
        plan,
        plan.tasks.find((t) => t.number === n)!,
        '2016-02-02',
      )
        .at(-1)!
        .figures.map((f) => f.target);
    expect(reported(3)).toEqual([2_000_000, 20_000, 80, 50]);
    expect(reported(9)).toEqual([65_000_000, 80, 50, 11_200]);
    expect(reported(10)).toEqual([25, 60_000_000, 5_000_000]);
    expect(reported(14)).toEqual([2_000_000]);
    expect(reported(15)).toEqual([800]);
    expect(reported(16)).toEqual([30, 60]);
    expect(reported(1)).toEqual([]);
    expect(plan.targets.find((t) => t.number === 5)!.figures).toEqual([]);
  });
});

describe('2016 plan: the 32 provincial-level authorities the notice is addressed to', () => {
  const byId = (id: string) => plan.departments.find((d) => d.id === id)!;
  const OFFICIAL = [
    '北京市教育委员会',
    '天津市教育委员会',
    '河北省教育厅',
    '山西省教育厅',
    '内蒙古自治区教育厅',
    '辽宁省教育厅',
    '吉林省教育厅',
    '黑龙江省教育厅',
    '上海市教育委员会',
    '江苏省教育厅',
    '浙江省教育厅',
    '安徽省教育厅',
    '福建省教育厅',
    '江西省教育厅',
    '山东省教育厅',
    '河南省教育厅',
    '湖北省教育厅',
    '湖南省教育厅',
    '广东省教育厅',
    '广西壮族自治区教育厅',
    '海南省教育厅',
    '重庆市教育委员会',
    '四川省教育厅',
    '贵州省教育厅',
    '云南省教育厅',
    '西藏自治区教育厅',
    '陕西省教育厅',
    '甘肃省教育厅',
    '青海省教育厅',
    '宁夏回族自治区教育厅',
    '新疆维吾尔自治区教育厅',
    '新疆生产建设兵团教育局',
  ];

  it('makes 地方各级教育行政部门 stand for the 32, by their official names, each a local authority', () => {
    const members = byId('local-authorities').members!;
    expect(members.map((id) => byId(id).name.zh)).toEqual(OFFICIAL);
    for (const id of members) {
      expect(id).toMatch(/^prov-[a-z-]+$/);
      expect(byId(id).kind).toBe('local-authority');
      expect(byId(id).name.en).toMatch(
        /^(Education (Department|Bureau) of|[A-Z][a-z]+ Municipal Education Commission)/,
      );
    }
    expect(byId('prov-beijing').name.zh).toBe('北京市教育委员会');
    expect(byId('prov-xpcc').name.zh).toBe('新疆生产建设兵团教育局');
  });

  it('fans out every item naming the collective, and lets a province see those tasks', () => {
    const withCollective = plan.tasks.filter((t) =>
      workItemUnits(plan, t).some((w) => w.collectives.some((c) => c.id === 'local-authorities')),
    );
    expect(withCollective.map((t) => t.number)).toEqual([3, 11, 12, 15, 16, 17, 18, 19, 20]);
    const items = plan.tasks.flatMap((t) => workItemUnits(plan, t).filter((w) => w.collectives.length > 0));
    expect(items).toHaveLength(11);
    for (const t of withCollective) expect(taskDepartmentIds(plan, t)).toContain('prov-tibet');
    expect(
      taskDepartmentIds(
        plan,
        plan.tasks.find((t) => t.number === 1)!,
      ),
    ).not.toContain('prov-tibet');
  });
});

describe('2016 plan: each work item keeps its own lead and co-units', () => {
  const task = (n: number) => plan.tasks.find((t) => t.number === n)!;
  const units = (n: number) => workItemUnits(plan, task(n));

  it('gives task 3 three items with their own leads, and the collective’s part to the provinces', () => {
    const items = units(3);
    expect(items.map((w) => [w.lead, w.co])).toEqual([
      ['basic-ed-2', ['ncet']],
      ['science-tech', ['basic-ed-2', 'ncet']],
      ['pep', []],
      ['science-tech', ['finance']],
    ]);
    expect(items[0]!.collectives).toEqual([{ id: 'local-authorities', members: expect.any(Array) }]);
    expect(items[0]!.collectives[0]!.members).toHaveLength(32);
    expect(items[2]!.collectives).toEqual([]);
  });

  it('lets 国家开放大学 and 离退休局 lead their own items of task 6', () => {
    expect(units(6).map((w) => w.lead)).toEqual(['vocational-adult', 'ouc', 'retirees']);
    expect(units(6).every((w) => w.co.length === 0)).toBe(true);
  });

  it('has 相关业务司局 designated by the item’s lead from the ministry departments (tasks 1 and 11)', () => {
    const item = units(1)[1]!;
    expect(item).toMatchObject({ lead: 'science-tech', co: [], collectives: [] });
    expect(item.designations.map((d) => d.id)).toEqual(['relevant-departments']);
    expect(item.designations[0]!.candidates).toEqual(expect.arrayContaining(['higher-ed', 'vocational-adult']));
    expect(item.designations[0]!.candidates).not.toContain('ncet');
    expect(item.designations[0]!.candidates).not.toContain('prov-beijing');
    expect(units(11)[0]!).toMatchObject({ lead: 'emic', co: [], designations: [{ id: 'relevant-departments' }] });
  });

  it('names 科技司 steward of the items the collective leads alone (tasks 15 and 17)', () => {
    expect(task(17).workItems[0]!.steward).toBe('science-tech');
    expect(units(17)).toEqual([
      { lead: 'science-tech', steward: true, co: [], collectives: [expect.anything()], designations: [] },
    ]);
    expect(units(15)[1]).toMatchObject({ lead: 'science-tech', steward: true, co: [] });
    const stewarded = plan.tasks.flatMap((t) => t.workItems.filter((w) => w.steward).map(() => t.number));
    expect(stewarded).toEqual([15, 17]);
  });
});
