/**
 * What a plan author sees when a plan is wrong (every problem with its path), and that a plan of another
 * year, with its own departments and schedule, loads and runs through the same rules as 2016.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { PlanFileInput } from '../../contracts';
import { keyTaskInput, taskMilestones } from '../../domain/plan';
import {
  DEFAULT_PLAN_FILE,
  PlanFileNotFoundError,
  PlanValidationError,
  formatPath,
  loadPlanFile,
  parsePlan,
  planSummary,
} from '../../seeds/load-plan';

const FIXTURES = join(__dirname, '..', 'fixtures', 'plans');

/** A fresh copy of the 2016 plan as written in its file, to break one thing at a time. */
function plan2016(): PlanFileInput {
  return JSON.parse(readFileSync(DEFAULT_PLAN_FILE, 'utf8')) as PlanFileInput;
}

/** The problems `parsePlan` reports for `data`; fails the test when the plan is accepted. */
function problemsOf(data: unknown): string[] {
  try {
    parsePlan(data);
  } catch (err) {
    expect(err).toBeInstanceOf(PlanValidationError);
    const e = err as PlanValidationError;
    for (const p of e.problems) expect(e.message).toContain(p);
    return e.problems;
  }
  throw new Error('the plan was accepted');
}

describe('a bad plan is refused with the path of the problem', () => {
  it('accepts the 2016 plan as written', () => {
    expect(() => parsePlan(plan2016())).not.toThrow();
  });

  it('caps a milestone at 5 rejections in 2016, and refuses a cap that is not a whole number from 1 to 50', () => {
    expect(parsePlan(plan2016()).policy.maxRejectionsPerMilestone).toBe(5);
    const data = plan2016();
    data.policy.maxRejectionsPerMilestone = 0;
    expect(problemsOf(data)).toEqual([expect.stringMatching(/^policy\.maxRejectionsPerMilestone: /)]);
    data.policy.maxRejectionsPerMilestone = 2.5;
    expect(problemsOf(data)).toEqual([expect.stringMatching(/^policy\.maxRejectionsPerMilestone: /)]);
  });

  it('asks 2016 for receipt in 2 working days and reports by the 28th, and refuses a receipt time or cadence out of range', () => {
    expect(parsePlan(plan2016()).policy).toMatchObject({
      receipt: { days: 2 },
      progress: { cadence: 'monthly', day: 28, stalledAfterDays: 30 },
    });
    const data = plan2016();
    data.policy.receipt = { days: 0 };
    data.policy.progress = { cadence: 'monthly', day: 31, stalledAfterDays: 30 };
    expect(problemsOf(data)).toEqual([
      expect.stringMatching(/^policy\.receipt\.days: /),
      expect.stringMatching(/^policy\.progress\.day: /),
    ]);
    const weekly = plan2016() as unknown as { policy: { progress: unknown } };
    weekly.policy.progress = { cadence: 'weekly', day: 5, stalledAfterDays: 30 };
    expect(problemsOf(weekly as unknown as ReturnType<typeof plan2016>)).toEqual([
      expect.stringMatching(/^policy\.progress\.cadence: /),
    ]);
  });

  it('refuses duplicate task numbers', () => {
    const data = plan2016();
    data.tasks[5]!.number = 5;
    expect(problemsOf(data)).toEqual(['tasks[5].number: duplicate task number 5']);
  });

  it('refuses items numbered among the tasks, in a section of the plan, and a scoring rule upside down', () => {
    const data = plan2016();
    data.policy.items!.firstNumber = 24;
    data.policy.items!.section.number = 3;
    data.policy.scoring!.criticiseBelow = 110;
    expect(problemsOf(data).sort()).toEqual([
      'policy.items.firstNumber: items must be numbered above every task (the highest is 24)',
      "policy.items.section.number: section 3 is one of the plan's own",
      'policy.scoring.criticiseBelow: criticiseBelow must not be above commendAtLeast',
    ]);
  });

  it('refuses a unit that is not in the registry', () => {
    const data = plan2016();
    data.tasks[3]!.workItems[0]!.units = ['vocational-adult', 'xyz'];
    expect(problemsOf(data)).toEqual(['tasks[3].workItems[0].units[1]: unknown department "xyz"']);
  });

  it('refuses a work item with no unit', () => {
    const data = plan2016();
    data.tasks[0]!.workItems[1]!.units = [];
    expect(problemsOf(data)).toEqual(['tasks[0].workItems[1].units: a work item needs at least one responsible unit']);
  });

  it('refuses milestones out of order', () => {
    const data = plan2016();
    data.schedule[2]!.offsetDays = 100;
    expect(problemsOf(data)).toEqual(['schedule[2].offsetDays: milestones out of order: due no later than "mid-year"']);
  });

  it('refuses a closure review naming a milestone no schedule has', () => {
    const data = plan2016();
    data.policy.closureReview = { milestones: ['mid-year', 'mid-yaer'], evidenceRequired: true };
    expect(problemsOf(data)).toEqual(['policy.closureReview.milestones[1]: no milestone "mid-yaer" in any schedule']);
  });

  it('refuses a milestone due before the plan starts', () => {
    const data = plan2016();
    data.schedule[0]!.offsetDays = -1;
    expect(problemsOf(data)).toEqual(['schedule[0].offsetDays: a milestone cannot be due before the plan starts']);
  });

  it('refuses an empty title', () => {
    const data = plan2016();
    data.tasks[4]!.title.zh = '  ';
    data.sections[1]!.title.en = '';
    expect(problemsOf(data)).toEqual([
      'sections[1].title.en: English text must not be empty',
      'tasks[4].title.zh: Chinese text must not be empty',
    ]);
  });

  it('refuses roles and escalations that name unknown departments', () => {
    const data = plan2016();
    data.roles.leadership = 'minister';
    data.policy.escalation[1]!.notify = ['supervision-ofice'];
    expect(problemsOf(data)).toEqual([
      'roles.leadership: unknown department "minister"',
      'policy.escalation[1].notify[0]: unknown department "supervision-ofice"',
    ]);
  });

  it('lists every problem of a plan at once', () => {
    const problems = (() => {
      try {
        loadPlanFile(join(FIXTURES, 'bad-references.plan.json'));
      } catch (err) {
        return (err as PlanValidationError).problems;
      }
      return [];
    })();
    expect(problems).toEqual([
      'tasks[0].workItems[1].units[1]: unknown department "xyz"',
      'tasks[1].number: duplicate task number 1',
      'tasks[2].schedule[0].offsetDays: a milestone cannot be due before the plan starts',
      'schedule[1].offsetDays: milestones out of order: due no later than "kick-off"',
      'targets[0].figures[1].tasks[0]: unknown task 2',
    ]);
  });

  it('writes paths the way the JSON reads', () => {
    expect(formatPath(['tasks', 3, 'workItems', 1, 'units', 0])).toBe('tasks[3].workItems[1].units[0]');
    expect(formatPath(['roles', 'generalOffice'])).toBe('roles.generalOffice');
    expect(formatPath([])).toBe('(plan)');
  });
});

describe('reading a plan file', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'duban-plan-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('says which file is missing', () => {
    const missing = join(dir, 'no-such.plan.json');
    expect(() => loadPlanFile(missing)).toThrow(PlanFileNotFoundError);
    expect(() => loadPlanFile(missing)).toThrow(`Plan file ${missing} cannot be read: no such file`);
  });

  it('says where a file stops being JSON', () => {
    const broken = join(dir, 'broken.plan.json');
    writeFileSync(broken, '{\n  "id": "x",\n  "title": { "zh": "缺了右括号" }\n');
    expect(() => loadPlanFile(broken)).toThrow(PlanValidationError);
    expect(() => loadPlanFile(broken)).toThrow(/broken\.plan\.json is not valid[\s\S]*not valid JSON.*line 4/);
  });

  it('reports the shape problems of JSON that is not a plan', () => {
    const notPlan = join(dir, 'array.plan.json');
    writeFileSync(notPlan, '[]');
    expect(() => loadPlanFile(notPlan)).toThrow(/\(plan\): /);
  });
});

describe('collectives, their members and stewards are checked', () => {
  const collective = (data: PlanFileInput, id: string) => data.departments.find((d) => d.id === id)!;

  it('refuses a collective with neither members nor a way to designate them, or with both', () => {
    const data = plan2016();
    delete collective(data, 'local-authorities').members;
    collective(data, 'relevant-departments').members = ['higher-ed'];
    expect(problemsOf(data)).toEqual([
      'departments[33]: a collective names either its members or the kinds it is designated from',
      'departments[34]: a collective names either its members or the kinds it is designated from',
    ]);
  });

  it('refuses an unknown member, a collective as a member, and a member twice', () => {
    const data = plan2016();
    collective(data, 'local-authorities').members = [
      'prov-beijing',
      'prov-atlantis',
      'relevant-departments',
      'prov-beijing',
    ];
    expect(problemsOf(data)).toEqual([
      'departments[34].members[1]: unknown department "prov-atlantis"',
      'departments[34].members[2]: a member cannot be a collective',
      'departments[34].members[3]: duplicate member "prov-beijing"',
    ]);
  });

  it('refuses members on a body that is not a collective, and designating leadership', () => {
    const data = plan2016();
    data.departments[0]!.members = ['prov-beijing'];
    collective(data, 'relevant-departments').designatedFrom = ['leadership'];
    expect(problemsOf(data)).toEqual([
      'departments[0].members: only a collective has members',
      'departments[33].designatedFrom[0]: cannot designate a leadership',
    ]);
  });

  it('asks a steward of an item a collective leads, and only of such an item', () => {
    const data = plan2016();
    delete data.tasks[16]!.workItems[0]!.steward;
    data.tasks[0]!.workItems[0]!.steward = 'higher-ed';
    data.tasks[14]!.workItems[1]!.steward = 'prov-beijing';
    expect(problemsOf(data)).toEqual([
      'tasks[0].workItems[0].steward: only an item led by a collective has a steward (its first unit leads it)',
      'tasks[14].workItems[1].steward: a steward is a ministry department or an affiliated unit',
      'tasks[16].workItems[0].steward: an item led by a collective names the steward that closes it',
    ]);
  });
});

describe('another year’s plan runs through the same rules', () => {
  const plan = loadPlanFile(join(FIXTURES, 'city-2027-smart-education.plan.json'));
  const task = (n: number) => plan.tasks.find((t) => t.number === n)!;

  it('loads with its own departments, roles and defaults applied', () => {
    expect(planSummary(plan)).toMatchObject({
      id: 'city-2027-smart-education',
      sections: 2,
      tasks: 3,
      workItems: 4,
      departments: 9,
      milestonesPerTask: { 1: 3, 2: 3, 3: 2 },
      milestones: 8,
      targets: 1,
      figures: 3,
    });
    expect(plan.departments.find((d) => d.id === 'basic-ed')!.aliases).toEqual([]);
  });

  it('derives due dates from its own schedule, and a task’s own schedule wins', () => {
    expect(taskMilestones(plan, task(1), plan.documentDate).map((m) => [m.id, m.dueDate])).toEqual([
      ['kick-off', '2027-01-29'],
      ['half-year', '2027-06-30'],
      ['year-end', '2027-12-31'],
    ]);
    const training = taskMilestones(plan, task(3), plan.documentDate);
    expect(training.map((m) => [m.id, m.dueDate])).toEqual([
      ['training-plan', '2027-02-14'],
      ['training-done', '2027-08-03'],
    ]);
    expect(training[1]!.figures.map((f) => [f.id, f.target])).toEqual([['teachers-trained', 10_000]]);
  });

  it('derives the lead, co-responsible units and escalations from its own registry', () => {
    const input = keyTaskInput(plan, task(2), '2027-03-01');
    expect(input.task.lead).toBe('basic-ed');
    expect(input.task.coResponsible).toEqual(['district-bureaus', 'it-center']);
    expect(input.milestones.map((m) => m.dueDate)).toEqual(['2027-03-15', '2027-08-14', '2028-02-14']);
    expect(input.policy.escalation).toEqual([
      { level: 1, afterDays: 1, notify: ['basic-ed', 'bureau-office'] },
      { level: 2, afterDays: 10, notify: ['inspection-office', 'bureau-leadership'] },
    ]);
  });
});
