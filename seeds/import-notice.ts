/**
 * Importing a notice: the text of a year's work points (laid out like the 2016 one, read by
 * {@link parseNotice}) becomes a plan file. Pure: it takes the text and a template plan (the registry, roles,
 * schedule, policy and any English words) and returns plan data, or throws with the line and the reason.
 *
 * Two steps, kept apart so that a change of the plan schema touches only the second:
 * 1. {@link resolveNotice} — the document's structure with every unit name resolved to a registry id, per work
 *    item, in the document's order (unknown names refused with their line and the closest known names, or added
 *    as new units);
 * 2. {@link toPlanFile} — that structure written in the plan file's shape.
 */
import type { Department, PlanFileInput } from '../contracts';
import { findDepartment } from '../domain/plan';
import { parseNotice, type DocumentHeader, type DocumentNotice, type DocumentTarget } from './document';
import { parsePlan } from './load-plan';

/** Marks an English text the importer could not take from the template: a person writes it before publishing. */
export const TO_TRANSLATE = '[to translate]';

/** What `npm run plan -- import` may override; everything else comes from the text or the template. */
export interface ImportOptions {
  /** The plan whose registry, roles, schedule, policy and English words are reused (the 2016 plan by default). */
  template: PlanFileInput;
  /** The new plan's id; by default the template's id with its year replaced by the notice's year. */
  id?: string;
  /** The plan's document date (`YYYY-MM-DD`), the day its schedule counts from; by default the notice's date. */
  documentDate?: string;
  /** Add units the registry does not know as new registry entries instead of refusing the import. */
  newUnits?: boolean;
}

/** A unit name of the text that the registry does not know, with where it stands and what it may have meant. */
export interface UnknownUnit {
  name: string;
  /** The 1-based line of the work item that names it. */
  line: number;
  /** Up to three known names (or aliases) nearest by edit distance, each with its id: `科技司 (science-tech)`. */
  closest: string[];
}

/** Thrown when the text names units the registry does not know (and `newUnits` is off); lists every one. */
export class UnknownUnitError extends Error {
  override name = 'UnknownUnitError';

  constructor(
    /** Every unknown name, at its first appearance. */
    readonly units: UnknownUnit[],
  ) {
    super(
      units
        .map(
          (u) =>
            `line ${u.line}: unknown unit “${u.name}” — closest known: ${u.closest.join('、') || '(none)'}; ` +
            'add it as an alias in the template, or import with --new-units',
        )
        .join('\n'),
    );
  }
}

/** A work item with its units resolved to registry ids, in the document's order. */
export interface ResolvedWorkItem {
  text: string;
  units: string[];
  line: number;
}

/** A key task of the notice with resolved work items. */
export interface ResolvedTask {
  number: number;
  section: number;
  title: string;
  line: number;
  workItems: ResolvedWorkItem[];
}

/** The notice with every unit resolved: what {@link toPlanFile} writes as a plan. */
export interface ResolvedNotice {
  header: DocumentHeader;
  targets: DocumentTarget[];
  sections: DocumentNotice['sections'];
  tasks: ResolvedTask[];
  /** Registry entries made for names the template did not know (only with `newUnits`), in order of first use. */
  newUnits: Department[];
}

/** Levenshtein distance counted in code points, so that each Chinese character counts one. */
export function editDistance(a: string, b: string): number {
  const x = [...a];
  const y = [...b];
  let row = Array.from({ length: y.length + 1 }, (_, j) => j);
  for (let i = 1; i <= x.length; i++) {
    const next = [i];
    for (let j = 1; j <= y.length; j++) {
      next[j] = Math.min(row[j]! + 1, next[j - 1]! + 1, row[j - 1]! + (x[i - 1] === y[j - 1] ? 0 : 1));
    }
    row = next;
  }
  return row[y.length]!;
}

/** The `count` registry names or aliases nearest to `name`, as `name (id)`, nearest first. */
export function closestNames(name: string, registry: readonly Department[], count = 3): string[] {
  const candidates = registry.flatMap((d) => [d.name.zh, ...d.aliases].map((n) => ({ n, id: d.id })));
  return candidates
    .map((c) => ({ ...c, distance: editDistance(name, c.n) }))
    .sort((p, q) => p.distance - q.distance || p.n.localeCompare(q.n))
    .slice(0, count)
    .map((c) => `${c.n} (${c.id})`);
}

/** A guess at a new unit's kind from how its name ends (司, 厅, 办, 局 are ministry departments). */
function guessKind(name: string): Department['kind'] {
  if (/(各级|相关|各地)/.test(name)) return 'collective';
  return /(司|厅|办|办公室|局)$/.test(name) ? 'ministry-department' : 'affiliated-unit';
}

/**
 * Resolves every unit name of the parsed notice against the registry, by name or alias. Unknown names are
 * collected and thrown together as {@link UnknownUnitError}, or, with `newUnits`, become registry entries
 * with generated ids (`new-unit-1`, …) and a kind guessed from the name.
 */
export function resolveNotice(doc: DocumentNotice, registry: readonly Department[], newUnits = false): ResolvedNotice {
  const added: Department[] = [];
  const unknown: UnknownUnit[] = [];
  const taken = new Set(registry.map((d) => d.id));
  const resolve = (name: string, line: number): string => {
    const found = findDepartment({ departments: [...registry, ...added] }, name);
    if (found) return found.id;
    if (!newUnits) {
      if (!unknown.some((u) => u.name === name)) unknown.push({ name, line, closest: closestNames(name, registry) });
      return '';
    }
    let n = added.length + 1;
    while (taken.has(`new-unit-${n}`)) n++;
    const kind = guessKind(name);
    const unit: Department = {
      id: `new-unit-${n}`,
      name: { zh: name, en: `${TO_TRANSLATE} ${name}` },
      kind,
      aliases: [],
      // A new collective is designated case by case by its items' leads until its members are written in.
      ...(kind === 'collective' ? { designatedFrom: ['ministry-department' as const] } : {}),
    };
    taken.add(unit.id);
    added.push(unit);
    return unit.id;
  };
  const tasks = doc.tasks.map((t) => ({
    number: t.number,
    section: t.section,
    title: t.title,
    line: t.line,
    workItems: t.workItems.map((w) => ({
      text: w.text,
      units: w.unitNames.map((u) => resolve(u, w.line)),
      line: w.line,
    })),
  }));
  if (unknown.length > 0) throw new UnknownUnitError(unknown);
  return { header: doc.header, targets: doc.targets, sections: doc.sections, tasks, newUnits: added };
}

/** The template's English for a Chinese text, when the template has the same entry with the same Chinese words. */
function english(zh: string, template: { zh: string; en: string } | undefined): { zh: string; en: string } {
  return { zh, en: template && template.zh === zh ? template.en : `${TO_TRANSLATE} ${zh}` };
}

/** The template id with its year replaced by the notice's (`moe-2016-informatization` → `moe-2027-…`). */
function defaultId(templateId: string, year: string): string {
  return /(?<!\d)\d{4}(?!\d)/.test(templateId)
    ? templateId.replace(/(?<!\d)\d{4}(?!\d)/, year)
    : `${templateId}-${year}`;
}

/**
 * Writes a resolved notice as a plan file. From the text: title, issuer, date, sections, tasks, work items
 * and their units, core targets' words. From the template: the registry entries the plan uses (every unit
 * named, plus the role and escalation units), roles, schedule and policy; English titles, a task's own
 * schedule, and a target's summary and figures where the template has the same number with the same Chinese
 * words (figures keep only links to tasks that exist). Anything else English is marked {@link TO_TRANSLATE}.
 */
export function toPlanFile(notice: ResolvedNotice, options: ImportOptions): PlanFileInput {
  const t = options.template;
  const used = new Set([
    ...notice.tasks.flatMap((task) => task.workItems.flatMap((w) => w.units)),
    ...Object.values(t.roles),
    ...t.policy.escalation.flatMap((e) => e.notify),
  ]);
  // A collective of known members brings its members (the provinces) along.
  for (const d of t.departments) if (used.has(d.id)) for (const m of d.members ?? []) used.add(m);
  const taskNumbers = new Set(notice.tasks.map((task) => task.number));
  return {
    id: options.id ?? defaultId(t.id, notice.header.date.slice(0, 4)),
    title: english(notice.header.title, t.title),
    documentDate: options.documentDate ?? notice.header.date,
    issuer: notice.header.issuer,
    departments: [...t.departments.filter((d) => used.has(d.id)), ...notice.newUnits],
    roles: t.roles,
    sections: notice.sections.map((s) => ({
      number: s.number,
      numeral: s.numeral,
      title: english(s.title, t.sections.find((x) => x.number === s.number)?.title),
    })),
    tasks: notice.tasks.map((task) => {
      const same = t.tasks.find((x) => x.number === task.number && x.title.zh === task.title);
      return {
        number: task.number,
        section: task.section,
        title: english(task.title, same?.title),
        workItems: task.workItems.map((w) => {
          // The steward of an item a collective leads comes from the template's same paragraph.
          const steward = same?.workItems.find((x) => x.text === w.text)?.steward;
          return { text: w.text, units: w.units, ...(steward ? { steward } : {}) };
        }),
        ...(same?.schedule ? { schedule: same.schedule } : {}),
      };
    }),
    targets: notice.targets.map((target) => {
      const same = t.targets?.find((x) => x.number === target.number && x.text === target.text);
      if (!same)
        return { number: target.number, text: target.text, summary: english(target.text, undefined), figures: [] };
      const figures = same.figures
        .map((f) => ({ ...f, tasks: f.tasks.filter((n) => taskNumbers.has(n)) }))
        .filter((f) => f.tasks.length > 0);
      return { ...same, figures };
    }),
    schedule: t.schedule,
    policy: t.policy,
  };
}

/** What {@link importNotice} returns: the plan data as it is written to the file, and what a person should do next. */
export interface ImportResult {
  plan: PlanFileInput;
  /** English texts marked {@link TO_TRANSLATE}, and new units whose kind was guessed. */
  notes: string[];
}

/**
 * Imports a notice's text: parse ({@link parseNotice}), resolve units ({@link resolveNotice}), write the
 * plan ({@link toPlanFile}) and validate it as `npm run plan -- check` does. Throws `DocumentLayoutError`
 * (line and reason), {@link UnknownUnitError} (every unknown unit with its line and closest names) or
 * `PlanValidationError` (a template or an override that makes the plan invalid).
 */
export function importNotice(source: string, options: ImportOptions): ImportResult {
  const template = parsePlan(options.template, 'template');
  const notice = resolveNotice(parseNotice(source), template.departments, options.newUnits);
  const plan = toPlanFile(notice, options);
  parsePlan(plan, 'imported');
  const pending = JSON.stringify(plan).split(TO_TRANSLATE).length - 1;
  const notes = [
    ...(pending > 0 ? [`${pending} English text(s) marked “${TO_TRANSLATE}” to be written`] : []),
    ...notice.newUnits.map((u) => `new unit ${u.id} “${u.name.zh}” (kind guessed: ${u.kind})`),
  ];
  return { plan, notes };
}
