/**
 * A generated plan for the benchmark: `count` key tasks on the 2016 plan's registry, sections, schedule
 * (4 milestones) and policy, each with 3 to 7 responsible units drawn from the registry by a seeded
 * generator, so that two runs measure the same plan. Validated through {@link planFileSchema}.
 */
import { planFileSchema, type PlanFile, type PlanFileInput } from '../contracts';
import { loadPlanFile, DEFAULT_PLAN_FILE } from '../seeds/load-plan';

/** A small seeded pseudo-random generator (mulberry32): the same seed gives the same plan. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * Generates a plan of `count` tasks (id `bench-<count>`). Units are drawn from the ministry departments and
 * affiliated units of the 2016 registry; the first drawn leads. Work items split the units in two so that
 * leads and co-responsible units answer for different items, as in the document.
 * @throws ZodError if the generated plan were not valid (it is checked, never trusted).
 */
export function generatePlan(count: number, seed = 2016, base: PlanFile = loadPlanFile(DEFAULT_PLAN_FILE)): PlanFile {
  const random = seededRandom(seed);
  const pool = base.departments.filter((d) => d.kind === 'ministry-department' || d.kind === 'affiliated-unit');
  const tasks: PlanFileInput['tasks'] = [];
  for (let n = 1; n <= count; n++) {
    const size = 3 + Math.floor(random() * 5);
    const units: string[] = [];
    while (units.length < size) {
      const id = pool[Math.floor(random() * pool.length)]!.id;
      if (!units.includes(id)) units.push(id);
    }
    const split = 1 + Math.floor(units.length / 2);
    const section = base.sections[(n - 1) % base.sections.length]!.number;
    tasks.push({
      number: n,
      section,
      title: { zh: `基准测试任务${n}`, en: `Benchmark task ${n}` },
      workItems: [
        { text: `基准测试任务${n}第一项工作。`, units: units.slice(0, split) },
        { text: `基准测试任务${n}第二项工作。`, units: [units[0]!, ...units.slice(split)] },
      ],
    });
  }
  return planFileSchema.parse({
    id: `bench-${count}`,
    title: { zh: `基准测试计划（${count}项任务）`, en: `Benchmark plan (${count} tasks)` },
    documentDate: base.documentDate,
    issuer: base.issuer,
    departments: base.departments,
    roles: base.roles,
    sections: base.sections,
    tasks,
    targets: [],
    schedule: base.schedule,
    // Items beyond the plan are numbered above every task: past the 2016 plan's 1001 for a large plan.
    policy: base.policy.items
      ? {
          ...base.policy,
          items: { ...base.policy.items, firstNumber: Math.max(base.policy.items.firstNumber, count + 1) },
        }
      : base.policy,
  } satisfies PlanFileInput);
}
