/**
 * `npm run plan -- check [FILE]`: validates a plan file (the 2016 work points when FILE is left out) and
 * prints a short summary. Exit code 0 when the plan is valid, 1 when it is not (every problem is printed
 * with its path), 2 for a usage error.
 */
import { relative } from 'node:path';
import {
  DEFAULT_PLAN_FILE,
  PlanFileNotFoundError,
  PlanValidationError,
  loadPlanFile,
  planSummary,
} from '../seeds/load-plan';
import { taskMilestones } from '../domain/plan';

const USAGE = `Usage: npm run plan -- check [FILE]

  check [FILE]   validate a plan file and print its summary
                 (FILE defaults to ${relative(process.cwd(), DEFAULT_PLAN_FILE)})`;

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
  console.error(USAGE);
  return 2;
}

process.exitCode = main(process.argv.slice(2));
