/**
 * `npm run plan -- check [FILE]`: validates a plan file (the 2016 work points when FILE is left out) and
 * prints a short summary. Exit code 0 when the plan is valid, 1 when it is not (every problem is printed
 * with its path), 2 for a usage error.
 *
 * `npm run plan -- import NOTICE.txt [--out PLAN.json] [--template PLAN.json] [--id ID] [--date YYYY-MM-DD]
 * [--new-units]`: turns a notice's text into a plan file (see `seeds/import-notice.ts`). Exit code 0 when the
 * plan was written, 1 when the text or a unit is refused (with the line and the reason), 2 for a usage error.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { relative, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { DocumentLayoutError } from '../seeds/document';
import { UnknownUnitError, importNotice } from '../seeds/import-notice';
import {
  DEFAULT_PLAN_FILE,
  PlanFileNotFoundError,
  PlanValidationError,
  loadPlanFile,
  planSummary,
} from '../seeds/load-plan';
import { taskMilestones } from '../domain/plan';
import type { PlanFileInput } from '../contracts';

const USAGE = `Usage: npm run plan -- check [FILE]
       npm run plan -- import NOTICE.txt [--out PLAN.json] [--template PLAN.json] [--id ID]
                                         [--date YYYY-MM-DD] [--new-units]

  check [FILE]   validate a plan file and print its summary
                 (FILE defaults to ${relative(process.cwd(), DEFAULT_PLAN_FILE)})
  import NOTICE  read a notice laid out like the 2016 one and write its plan file
                 (to stdout without --out); registry, roles, schedule, policy and English
                 words come from --template (default: the 2016 plan); --id and --date
                 override the plan id and the date its schedule counts from; --new-units
                 adds units the registry does not know instead of refusing them`;

function importCommand(args: string[]): number {
  let parsed;
  try {
    parsed = parseArgs({
      args,
      allowPositionals: true,
      options: {
        out: { type: 'string' },
        template: { type: 'string' },
        id: { type: 'string' },
        date: { type: 'string' },
        'new-units': { type: 'boolean' },
      },
    });
  } catch (err) {
    console.error(`${(err as Error).message}\n\n${USAGE}`);
    return 2;
  }
  const { values, positionals } = parsed;
  if (positionals.length !== 1) {
    console.error(USAGE);
    return 2;
  }
  const notice = resolve(positionals[0]!);
  let text: string;
  try {
    text = readFileSync(notice, 'utf8');
  } catch (err) {
    console.error(`✗ Notice ${notice} cannot be read: ${(err as NodeJS.ErrnoException).code ?? String(err)}`);
    return 1;
  }
  try {
    const template = loadTemplate(values.template ?? DEFAULT_PLAN_FILE);
    const { plan, notes } = importNotice(text, {
      template,
      id: values.id,
      documentDate: values.date,
      newUnits: values['new-units'] ?? false,
    });
    const json = `${JSON.stringify(plan, null, 2)}\n`;
    if (!values.out) {
      process.stdout.write(json);
    } else {
      writeFileSync(values.out, json);
      const items = plan.tasks.reduce((n, t) => n + t.workItems.length, 0);
      console.log(
        `✓ ${plan.id}: ${plan.title.zh} — ${plan.sections.length} sections, ${plan.tasks.length} key tasks, ` +
          `${items} work items, ${plan.departments.length} departments → ${values.out}`,
      );
    }
    for (const note of notes) console.error(`! ${note}`);
    return 0;
  } catch (err) {
    if (err instanceof DocumentLayoutError || err instanceof UnknownUnitError) {
      console.error(
        `✗ ${relative(process.cwd(), notice)}: ${err.message.split('\n').join(`\n✗ ${relative(process.cwd(), notice)}: `)}`,
      );
      return 1;
    }
    if (err instanceof PlanValidationError || err instanceof PlanFileNotFoundError) {
      console.error(`✗ ${err.message}`);
      return 1;
    }
    throw err;
  }
}

/** The template plan as written (defaults not applied, so that the new file carries only what the template says). */
function loadTemplate(file: string): PlanFileInput {
  loadPlanFile(file);
  return JSON.parse(readFileSync(resolve(file), 'utf8')) as PlanFileInput;
}

function check(file: string): number {
  let plan;
  try {
    plan = loadPlanFile(file);
  } catch (err) {
    if (err instanceof PlanValidationError || err instanceof PlanFileNotFoundError) {
      console.error(`✗ ${err.message}`);
      return 1;
    }
    throw err;
  }
  const s = planSummary(plan);
  const perTask = [...new Set(Object.values(s.milestonesPerTask))].sort((a, b) => a - b);
  const firstTask = plan.tasks[0]!;
  const dates = taskMilestones(plan, firstTask, plan.documentDate)
    .map((m) => `${m.title.zh} ${m.dueDate}`)
    .join('，');
  const k = s.departmentsByKind;
  console.log(
    [
      `✓ ${s.id}: ${s.title.zh} (${s.title.en}), ${plan.issuer} ${s.documentDate}`,
      `  sections:     ${s.sections}`,
      `  key tasks:    ${s.tasks}`,
      `  work items:   ${s.workItems}`,
      `  departments:  ${s.departments} (ministry departments ${k['ministry-department']}, affiliated units ${k['affiliated-unit']}, collectives ${k.collective}, leadership ${k.leadership}, local authorities ${k['local-authority']})`,
      `  milestones:   ${s.milestones} (${perTask.join('–')} per task; task ${firstTask.number} from ${s.documentDate}: ${dates})`,
      `  core targets: ${s.targets} (${s.figures} figures)`,
    ].join('\n'),
  );
  return 0;
}

function main(argv: string[]): number {
  const [command, file, ...rest] = argv;
  if (command === 'check' && rest.length === 0) return check(file ?? DEFAULT_PLAN_FILE);
  if (command === 'import') return importCommand(argv.slice(1));
  console.error(USAGE);
  return 2;
}

process.exitCode = main(process.argv.slice(2));
