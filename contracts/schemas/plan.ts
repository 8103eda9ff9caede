/**
 * The plan file: the shape every supervised plan (the 2016 work points, or any later year's) must have.
 *
 * Pure zod schemas and their inferred types; no I/O. Cross-references (units that must exist in the
 * registry, unique task numbers, ordered milestones) are checked by {@link planFileSchema}'s refinement so
 * that a bad plan is reported with the path of every problem.
 */
import { z } from 'zod';
import { ACTING_KINDS } from '../shared/key-task-input';

/** A `YYYY-MM-DD` calendar date that really exists (2016-02-30 is refused). */
export const isoDateSchema = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, 'must be a date written YYYY-MM-DD')
  .refine((s) => {
    const d = new Date(`${s}T00:00:00Z`);
    return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === s;
  }, 'is not a real calendar date');

/** A text in Chinese (the document's own words) with an English rendering. */
export const bilingualSchema = z.object({
  zh: z.string().trim().min(1, 'Chinese text must not be empty'),
  en: z.string().trim().min(1, 'English text must not be empty'),
});
/** A text in Chinese with an English rendering. */
export type Bilingual = z.infer<typeof bilingualSchema>;

/** A stable ASCII department id, such as `science-tech`. */
export const departmentIdSchema = z
  .string()
  .regex(/^[a-z][a-z0-9-]{1,47}$/, 'must be lower-case ASCII letters, digits and hyphens (2–48 characters)');

/**
 * What kind of body a department is: a ministry department (司局), a directly affiliated unit (直属单位),
 * a collective that stands for many real bodies (相关业务司局, 地方各级教育行政部门), ministry leadership, or a
 * local authority (a provincial education department: a member of a collective, which reports on its own).
 */
export const departmentKindSchema = z.enum([
  'ministry-department',
  'affiliated-unit',
  'collective',
  'leadership',
  'local-authority',
]);
/** The kind of a department of the registry. */
export type DepartmentKind = z.infer<typeof departmentKindSchema>;

/** One entry of the plan's department registry. */
export const departmentSchema = z.object({
  id: departmentIdSchema,
  /** The name exactly as the document writes it. */
  name: bilingualSchema,
  kind: departmentKindSchema,
  /** Other ways the document writes the same body (地方教育行政部门 for 地方各级教育行政部门). */
  aliases: z.array(z.string().min(1)).default([]),
  /** For a collective: who it stands for, in words. */
  description: z.string().min(1).optional(),
  /**
   * For a collective of known members (地方各级教育行政部门: the 32 provincial-level authorities): their ids. Wherever
   * a work item names the collective, its part fans out to them: each member reports on each milestone.
   */
  members: z.array(departmentIdSchema).min(1).optional(),
  /**
   * For a collective whose members are chosen case by case (相关业务司局): the kinds of department the lead of an
   * item naming it designates them from, while a milestone is open. Until then the collective blocks nothing.
   */
  designatedFrom: z.array(departmentKindSchema).min(1).optional(),
});
/** A department of the plan's registry, with its names and kind. */
export type Department = z.infer<typeof departmentSchema>;

/** Departments every plan must name, because escalations go to them. */
export const escalationRoleSchema = z.object({
  generalOffice: departmentIdSchema,
  supervisionOffice: departmentIdSchema,
  leadership: departmentIdSchema,
});
/** The departments a plan names as general office, supervision office and leadership. */
export type EscalationRoles = z.infer<typeof escalationRoleSchema>;

/** A section of the key tasks, （一） to （十） in 2016. */
export const sectionSchema = z.object({
  number: z.number().int().positive(),
  /** The Chinese numeral as written, without brackets: 一, 二, … 十. */
  numeral: z.string().min(1),
  title: bilingualSchema,
});
/** A section of the plan's key tasks, with its numeral and title. */
export type Section = z.infer<typeof sectionSchema>;

/** A paragraph of a key task, ending in （责任单位：…）. */
export const workItemSchema = z.object({
  /** The paragraph's Chinese text, without the （责任单位：…） tail. */
  text: z.string().trim().min(1, 'work item text must not be empty'),
  /** Responsible units in document order: the first leads (牵头), the rest co-own (配合). */
  units: z.array(departmentIdSchema).min(1, 'a work item needs at least one responsible unit'),
  /**
   * For an item whose first unit is a collective (task 17: 地方各级教育行政部门 alone): the ministry department or
   * affiliated unit that stewards it. It acts as the item's lead: it closes the item once the members have
   * reported (or closes their part early) and, as any lead, signs last.
   */
  steward: departmentIdSchema.optional(),
});

/** How a reported figure is checked: a share in percent (0–100) or a whole count. */
export const figureKindSchema = z.enum(['percent', 'count']);

/** One structured figure of a core target, linked to the key tasks that deliver it. */
export const targetFigureSchema = z.object({
  /** Unique within the plan, e.g. `t1-internet-access`. */
  id: z.string().regex(/^[a-z0-9][a-z0-9-]*$/, 'must be lower-case ASCII letters, digits and hyphens'),
  label: bilingualSchema,
  kind: figureKindSchema,
  /** The target value: 95 for 95%, 2000000 for 200万. */
  value: z.number().nonnegative(),
  /** The unit as the document counts it: %, 名, 堂, 个, 人, 条. */
  unit: z.string().min(1),
  /** Who or what is counted: 全国中小学, 中小学教师, … */
  population: z.string().min(1),
  /** Whether the target is a floor ("at least") — every figure in 2016 is. */
  atLeast: z.boolean().default(true),
  /** Key task numbers whose year-end milestone reports this figure. */
  tasks: z.array(z.number().int().positive()).min(1, 'a figure must be linked to at least one key task'),
});

/** A core target (核心目标) of part 二. */
export const targetSchema = z.object({
  number: z.number().int().positive(),
  /** The paragraph's Chinese text exactly as written. */
  text: z.string().min(1),
  summary: bilingualSchema,
  figures: z.array(targetFigureSchema),
});
/** A core target of the plan with its structured figures. */
export type Target = z.infer<typeof targetSchema>;

/** A checkpoint of the milestone schedule, as an offset from the plan's start date. */
export const milestoneTemplateSchema = z.object({
  /** Unique within a task, e.g. `work-plan`. */
  id: z.string().regex(/^[a-z0-9][a-z0-9-]*$/, 'must be lower-case ASCII letters, digits and hyphens'),
  title: bilingualSchema,
  /** Days after the plan's start date on which the milestone is due (0 = the start date itself). */
  offsetDays: z.number().int(),
  /** Whether the lead reports the figures of the core targets linked to the task here. */
  reportsFigures: z.boolean().default(false),
});
/** A milestone of a schedule, due a number of days after the plan starts. */
export type MilestoneTemplate = z.infer<typeof milestoneTemplateSchema>;

/** A key task (重点任务). Its lead and co-responsible units are derived from its work items. */
export const taskSchema = z.object({
  number: z.number().int().positive(),
  /** The number of the section it belongs to. */
  section: z.number().int().positive(),
  title: bilingualSchema,
  workItems: z.array(workItemSchema).min(1, 'a key task needs at least one work item'),
  /** A schedule of its own; without it the plan's default schedule applies. */
  schedule: z.array(milestoneTemplateSchema).optional(),
});
/** A key task of the plan file, with its work items and optional schedule of its own. */
export type Task = z.infer<typeof taskSchema>;

/** One escalation level: how long after the due time it fires, and who is told. */
export const escalationLevelSchema = z.object({
  level: z.number().int().min(1),
  afterDays: z.number().int().min(0),
  /** Department ids, or `$lead` for the task's lead unit. */
  notify: z.array(z.union([z.literal('$lead'), departmentIdSchema])).min(1),
});

/**
 * How departments are scored (考核计分), computed from the tasks' records and never stored: every department
 * starts at `base`; each overdue milestone costs its task's lead `overdueLead` and every other unit still
 * pending when it fell due `overdueCoUnit`; each missed progress report costs `missedProgressReport`; each
 * return by the general office costs the task's lead `officeReturn`; each milestone closed on time gives the
 * lead `onTime`. A department at or above `commendAtLeast` with no overdue milestone is commended in the
 * bulletin; one below `criticiseBelow` is criticised.
 */
export const scoringRuleSchema = z
  .object({
    base: z.number().int().min(0),
    overdueLead: z.number().int().min(0),
    overdueCoUnit: z.number().int().min(0),
    missedProgressReport: z.number().int().min(0),
    officeReturn: z.number().int().min(0),
    onTime: z.number().int().min(0),
    commendAtLeast: z.number().int(),
    criticiseBelow: z.number().int(),
  })
  .strict()
  .refine((r) => r.criticiseBelow <= r.commendAtLeast, {
    error: 'criticiseBelow must not be above commendAtLeast',
    path: ['criticiseBelow'],
  });
/** A plan's scoring rule (考核计分规则). */
export type ScoringRule = z.infer<typeof scoringRuleSchema>;

/** Urgencies of an item beyond the plan (交办事项), as the office writes them. */
export const ITEM_URGENCIES = ['特急', '急', '一般'] as const;
/** The urgency of an item beyond the plan: 特急, 急 or 一般. */
export type ItemUrgency = (typeof ITEM_URGENCIES)[number];

/**
 * How the general office's items beyond the plan (交办事项: leaders' instructions, meeting decisions) are run:
 * the task numbers they get (from `firstNumber`, above every task of the plan), the board section they are shown
 * in, and each urgency's default time limit in working days (China's statutory holidays and adjusted working
 * days counted); an urgency without one needs a deadline.
 */
export const itemsPolicySchema = z
  .object({
    firstNumber: z.number().int().positive(),
    section: sectionSchema,
    timeLimits: z.object(
      Object.fromEntries(ITEM_URGENCIES.map((u) => [u, z.number().int().positive().optional()])) as Record<
        ItemUrgency,
        z.ZodOptional<z.ZodNumber>
      >,
    ),
  })
  .strict();
/** How items beyond the plan are numbered, shown and timed. */
export type ItemsPolicy = z.infer<typeof itemsPolicySchema>;

/** Reminder and escalation policy of a plan. */
export const policySchema = z.object({
  /** Days before the due date on which unsigned units are reminded (0 = on the due date). */
  reminderDaysBefore: z.array(z.number().int().min(0)).default([7, 1, 0]),
  /** Local time of day at which reminders go out, HH:MM. */
  reminderTime: z
    .string()
    .regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'must be HH:MM')
    .default('09:00'),
  /** The plan's time zone as a fixed UTC offset: a due date ends at midnight there. */
  utcOffset: z
    .string()
    .regex(/^[+-]([01]\d|2[0-3]):[0-5]\d$/, 'must be a UTC offset such as +08:00')
    .default('+08:00'),
  /** A task whose current milestone is due within this many days is `due_soon`. */
  dueSoonDays: z.number().int().min(0).default(7),
  escalation: z.array(escalationLevelSchema).min(1),
  /**
   * Days (working days on a working-day plan) a supervision notice (督办单, issued from escalation level 2)
   * gives the units it names to answer; absent: 5.
   */
  answerDays: z.number().int().min(1).max(60).optional(),
  /**
   * Whether the policy's days are working days (工作日) of a holiday calendar: reminders then fall on working
   * days, `reminderDaysBefore` and days late count working days. `calendar` names it (`cn-statutory`: China's
   * statutory holidays and adjusted working days, 调休); `offDays` and `workDays` add days the library does not
   * know yet (a year not yet announced when the library was released). Absent: calendar days.
   */
  workingDays: z
    .object({
      calendar: z.enum(['cn-statutory']),
      offDays: z.array(isoDateSchema).default([]),
      workDays: z.array(isoDateSchema).default([]),
    })
    .optional(),
  /**
   * The office's closure review (办结审核, 销号): every task's last milestone, and the schedule's milestones named
   * here, are not completed by their lead's approval: the lead submits them (with evidence, 佐证材料, when
   * `evidenceRequired`), and the office closes them or returns them to be done again. Absent: the lead's
   * approval completes every milestone.
   */
  closureReview: z
    .object({
      milestones: z.array(z.string().min(1)).default([]),
      evidenceRequired: z.boolean().default(true),
    })
    .strict()
    .optional(),
  /**
   * Receipt (签收): when a milestone opens, each unit that signs it (every work item's lead and co-units) signs for
   * receipt within `days` working days (Monday to Friday, or the plan's working days), or disputes its part (不属本单位
   * 职责) for the office to decide. A unit not signed for is reminded on its last day and shown on the board after
   * it. Absent: no receipt is asked.
   */
  receipt: z
    .object({ days: z.number().int().min(1).max(30) })
    .strict()
    .optional(),
  /**
   * Progress reports (进展报告) on a cadence: each month's report by the task's lead is due on `day` (2016: the 28th;
   * co-units may add theirs), is reminded that morning and, when missed, chased and scored. A task with no report,
   * sign-off or other act for `stalledAfterDays` days is flagged stalled (停滞) and its lead and office told.
   * Absent: no progress reporting.
   */
  progress: z
    .object({
      cadence: z.literal('monthly'),
      day: z.number().int().min(1).max(28),
      stalledAfterDays: z.number().int().min(1).max(365),
    })
    .strict()
    .optional(),
  /** How departments are scored; a plan without one has no scores (`GET /api/scores` answers 404). */
  scoring: scoringRuleSchema.optional(),
  /** Items beyond the plan; a plan without this takes none (`POST /api/items` answers 404). */
  items: itemsPolicySchema.optional(),
  /**
   * Rejections a milestone may have before the office decides (再开一轮 another round, or 按现状办结 close as
   * is): at this count the lead can no longer resubmit by itself. Bounds every milestone's rounds, and so the
   * task's state.
   */
  maxRejectionsPerMilestone: z.number().int().min(1).max(50).default(5),
});
/** A plan's reminder and escalation policy, defaults applied. */
export type Policy = z.infer<typeof policySchema>;

/** A plan's id (`moe-2016-informatization`): its tasks' workflow ids and `DubanPlanId` are made of it. */
export const planIdSchema = z
  .string()
  .regex(/^[a-z0-9][a-z0-9-]{1,62}$/, 'must be lower-case ASCII letters, digits and hyphens');

const planShape = z.object({
  id: planIdSchema,
  title: bilingualSchema,
  /** The document's own date (2016-02-02); starting the plan on it reproduces the document's calendar. */
  documentDate: isoDateSchema,
  /** Who issued the document, as written. */
  issuer: z.string().min(1),
  departments: z.array(departmentSchema).min(1),
  roles: escalationRoleSchema,
  sections: z.array(sectionSchema).min(1),
  tasks: z.array(taskSchema).min(1),
  targets: z.array(targetSchema).default([]),
  schedule: z.array(milestoneTemplateSchema).min(1, 'the schedule needs at least one milestone'),
  policy: policySchema,
});

/**
 * A complete plan file, with every cross-reference checked: unique ids and numbers, units and roles that
 * exist in the registry, tasks in existing sections, figures linked to existing tasks, schedules whose
 * milestones are in order and not due before the plan starts, escalation levels in order.
 */
export const planFileSchema = planShape.superRefine((plan, ctx) => {
  const issue = (path: (string | number)[], message: string) => ctx.addIssue({ code: 'custom', path, message });
  const known = new Set<string>();
  plan.departments.forEach((d, i) => {
    if (known.has(d.id)) issue(['departments', i, 'id'], `duplicate department id "${d.id}"`);
    known.add(d.id);
  });
  const unknown = (id: string) => `unknown department "${id}"`;
  const kinds = new Map(plan.departments.map((d) => [d.id, d.kind]));
  plan.departments.forEach((d, i) => checkCollective(d, i, kinds, issue));
  for (const role of ['generalOffice', 'supervisionOffice', 'leadership'] as const) {
    if (!known.has(plan.roles[role])) issue(['roles', role], unknown(plan.roles[role]));
  }
  const sections = new Set<number>();
  plan.sections.forEach((s, i) => {
    if (sections.has(s.number)) issue(['sections', i, 'number'], `duplicate section number ${s.number}`);
    sections.add(s.number);
  });
  const taskNumbers = new Set<number>();
  plan.tasks.forEach((t, i) => {
    if (taskNumbers.has(t.number)) issue(['tasks', i, 'number'], `duplicate task number ${t.number}`);
    taskNumbers.add(t.number);
    if (!sections.has(t.section)) issue(['tasks', i, 'section'], `unknown section ${t.section}`);
    t.workItems.forEach((w, j) => {
      w.units.forEach((u, k) => {
        if (!known.has(u)) issue(['tasks', i, 'workItems', j, 'units', k], unknown(u));
      });
      checkSteward(w, ['tasks', i, 'workItems', j, 'steward'], kinds, issue);
    });
    if (t.schedule) checkSchedule(t.schedule, ['tasks', i, 'schedule'], issue);
  });
  checkSchedule(plan.schedule, ['schedule'], issue);
  // The closure review names milestones of the plan's schedule or of a task's own.
  const milestoneIds = new Set([plan.schedule, ...plan.tasks.map((t) => t.schedule ?? [])].flat().map((m) => m.id));
  plan.policy.closureReview?.milestones.forEach((id, k) => {
    if (!milestoneIds.has(id))
      issue(['policy', 'closureReview', 'milestones', k], `no milestone "${id}" in any schedule`);
  });
  const figureIds = new Set<string>();
  plan.targets.forEach((target, i) =>
    target.figures.forEach((f, j) => {
      if (figureIds.has(f.id)) issue(['targets', i, 'figures', j, 'id'], `duplicate figure id "${f.id}"`);
      figureIds.add(f.id);
      if (f.kind === 'percent' && f.value > 100) issue(['targets', i, 'figures', j, 'value'], 'a percent is 0–100');
      f.tasks.forEach((n, k) => {
        if (!taskNumbers.has(n)) issue(['targets', i, 'figures', j, 'tasks', k], `unknown task ${n}`);
      });
    }),
  );
  const items = plan.policy.items;
  if (items) {
    const highest = Math.max(0, ...plan.tasks.map((t) => t.number));
    if (items.firstNumber <= highest) {
      issue(['policy', 'items', 'firstNumber'], `items must be numbered above every task (the highest is ${highest})`);
    }
    if (sections.has(items.section.number)) {
      issue(['policy', 'items', 'section', 'number'], `section ${items.section.number} is one of the plan's own`);
    }
  }
  plan.policy.escalation.forEach((e, i) => {
    const prev = plan.policy.escalation[i - 1];
    if (e.level !== i + 1) issue(['policy', 'escalation', i, 'level'], `levels must be 1, 2, 3… in order`);
    if (prev && e.afterDays <= prev.afterDays) {
      issue(['policy', 'escalation', i, 'afterDays'], 'each level must come later than the one before');
    }
    e.notify.forEach((d, k) => {
      if (d !== '$lead' && !known.has(d)) issue(['policy', 'escalation', i, 'notify', k], unknown(d));
    });
  });
});
/** A validated plan file. */
export type PlanFile = z.infer<typeof planFileSchema>;
/** A plan file as written, before defaults are applied. */
export type PlanFileInput = z.input<typeof planFileSchema>;

function checkCollective(
  d: Department,
  i: number,
  kinds: Map<string, DepartmentKind>,
  issue: (path: (string | number)[], message: string) => void,
): void {
  if (d.kind !== 'collective') {
    if (d.members) issue(['departments', i, 'members'], 'only a collective has members');
    if (d.designatedFrom) issue(['departments', i, 'designatedFrom'], 'only a collective is designated');
    return;
  }
  if (!d.members === !d.designatedFrom) {
    issue(['departments', i], 'a collective names either its members or the kinds it is designated from');
  }
  const seen = new Set<string>();
  d.members?.forEach((m, k) => {
    const kind = kinds.get(m);
    if (!kind) issue(['departments', i, 'members', k], `unknown department "${m}"`);
    else if (kind === 'collective' || kind === 'leadership') {
      issue(['departments', i, 'members', k], `a member cannot be a ${kind}`);
    }
    if (seen.has(m)) issue(['departments', i, 'members', k], `duplicate member "${m}"`);
    seen.add(m);
  });
  d.designatedFrom?.forEach((kind, k) => {
    if (!ACTING_KINDS.includes(kind)) issue(['departments', i, 'designatedFrom', k], `cannot designate a ${kind}`);
  });
}

function checkSteward(
  item: z.infer<typeof workItemSchema>,
  path: (string | number)[],
  kinds: Map<string, DepartmentKind>,
  issue: (path: (string | number)[], message: string) => void,
): void {
  const ledByCollective = kinds.get(item.units[0]!) === 'collective';
  if (ledByCollective && !item.steward) {
    issue(path, 'an item led by a collective names the steward that closes it');
  } else if (!ledByCollective && item.steward) {
    issue(path, 'only an item led by a collective has a steward (its first unit leads it)');
  } else if (item.steward) {
    const kind = kinds.get(item.steward);
    if (!kind) issue(path, `unknown department "${item.steward}"`);
    else if (!ACTING_KINDS.includes(kind)) issue(path, 'a steward is a ministry department or an affiliated unit');
  }
}

function checkSchedule(
  schedule: MilestoneTemplate[],
  path: (string | number)[],
  issue: (path: (string | number)[], message: string) => void,
): void {
  const ids = new Set<string>();
  schedule.forEach((m, i) => {
    if (ids.has(m.id)) issue([...path, i, 'id'], `duplicate milestone id "${m.id}"`);
    ids.add(m.id);
    if (m.offsetDays < 0) issue([...path, i, 'offsetDays'], 'a milestone cannot be due before the plan starts');
    const prev = schedule[i - 1];
    if (prev && m.offsetDays <= prev.offsetDays) {
      issue([...path, i, 'offsetDays'], `milestones out of order: due no later than "${prev.id}"`);
    }
  });
}
