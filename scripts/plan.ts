/**
 * `npm run plan -- check [FILE]`: validates a plan file (the 2016 work points when FILE is left out) and
 * prints a short summary. Exit code 0 when the plan is valid, 1 when it is not (every problem is printed
 * with its path), 2 for a usage error.
 *
 * `npm run plan -- import NOTICE.txt [--out PLAN.json] [--template PLAN.json] [--id ID] [--date YYYY-MM-DD]
 * [--new-units]`: turns a notice's text into a plan file (see `seeds/import-notice.ts`). Exit code 0 when the
 * plan was written, 1 when the text or a unit is refused (with the line and the reason), 2 for a usage error.
 *
 * `npm run plan -- start [FILE] [--date YYYY-MM-DD]`: starts every task of the plan (`PLAN_FILE` when FILE is
 * left out) that is not running yet on the configured Temporal, as `POST /api/plan/start` does, with a
 * progress line (tasks handled, started, already there, rate, time left). Exit code 0 when every task runs,
 * 1 when the plan is invalid or a start failed (starting again starts what is left), 2 for a usage error.
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
import { localDate } from '../domain/calendar';
import { ConfigError, loadConfig } from '../config/env';
import { temporalClient } from '../client/connection';
import { startPlan } from '../client/start-plan';
import { startProgressReporter } from '../client/start-progress';
import type { PlanFileInput } from '../contracts';

const USAGE = `Usage: npm run plan -- check [FILE]
       npm run plan -- start [FILE] [--date YYYY-MM-DD]
       npm run plan -- import NOTICE.txt [--out PLAN.json] [--template PLAN.json] [--id ID]
                                         [--date YYYY-MM-DD] [--new-units]

  check [FILE]   validate a plan file and print its summary
                 (FILE defaults to ${relative(process.cwd(), DEFAULT_PLAN_FILE)})
  import NOTICE  read a notice laid out like the 2016 one and write its plan file
                 (to stdout without --out); registry, roles, schedule, policy and English
                 words come from --template (default: the 2016 plan); --id and --date
                 override the plan id and the date its schedule counts from; --new-units
                 adds units the registry does not know instead of refusing them
  start [FILE]   start every task of the plan (default: PLAN_FILE) not yet running on the
                 configured Temporal, with a progress line; --date is the start date
                 (default: PLAN_START_DATE, else today in the plan's time zone)`;

/** `start`: the plan's missing workflows, started with a progress line on stderr. */
async function startCommand(args: string[]): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({ args, allowPositionals: true, options: { date: { type: 'string' } } });
  } catch (err) {
    console.error(`${(err as Error).message}\n\n${USAGE}`);
    return 2;
  }
  const { values, positionals } = parsed;
  if (positionals.length > 1 || (values.date !== undefined && !/^\d{4}-\d{2}-\d{2}$/.test(values.date))) {
    console.error(USAGE);
    return 2;
  }
  let config;
  let plan;
  try {
    config = loadConfig();
    plan = loadPlanFile(positionals[0] ?? config.PLAN_FILE);
  } catch (err) {
    if (err instanceof ConfigError || err instanceof PlanValidationError || err instanceof PlanFileNotFoundError) {
      console.error(`✗ ${err.message}`);
      return 1;
    }
    throw err;
  }
  const startDate = values.date ?? config.PLAN_START_DATE ?? localDate(Date.now(), plan.policy.utcOffset);
  const client = temporalClient(config);
  const progress = startProgressReporter(process.stderr);
  console.error(
    `${plan.id}: ${plan.tasks.length} key tasks from ${startDate} on ${config.temporalAddress} (${config.TEMPORAL_NAMESPACE})`,
  );
  try {
    const results = await startPlan(client, plan, {
      startDate,
      onProgress: progress.onProgress,
      // Each start under its own deadline: an unreachable Temporal fails in seconds, a large plan still starts.
      eachCall: (call) => client.connection.withDeadline(Date.now() + START_DEADLINE_MS, call),
    });
    progress.finish();
    const started = results.filter((r) => r.started).length;
    console.log(
      `✓ ${plan.id}: ${started} started, ${results.length - started} already there, ${results.length} key tasks`,
    );
    return 0;
  } catch (err) {
    progress.finish();
    console.error(
      `✗ the start stopped: ${err instanceof Error ? err.message : String(err)}; run it again to start the rest`,
    );
    return 1;
  } finally {
    await client.connection.close();
  }
}

/** How long one start may wait for Temporal. */
const START_DEADLINE_MS = 15_000;

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

async function main(argv: string[]): Promise<number> {
  const [command, file, ...rest] = argv;
  if (command === 'check' && rest.length === 0) return check(file ?? DEFAULT_PLAN_FILE);
  if (command === 'import') return importCommand(argv.slice(1));
  if (command === 'start') return startCommand(argv.slice(1));
  console.error(USAGE);
  return 2;
}

void main(process.argv.slice(2)).then((code) => {
  process.exitCode = code;
});
