/**
 * `npm run plan -- start FILE` as an administrator runs it against a real Temporal dev server: a child process
 * that starts a generated plan's tasks with a progress line, and starts nothing twice.
 */
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { PROJECT_ROOT } from '../../embedded/binaries';
import { generatePlan } from '../../support/generate-plan';
import { TEST_KEYRING, codecClient } from '../../support/sealed-client';
import { createLocalEnv } from '../../support/temporal-env';
import { eventually } from '../../support/wait-for';
import { KEY_TASK_WORKFLOW, SA_PLAN_ID } from '../../contracts';

const TASKS = 40;
let env: TestWorkflowEnvironment;
let dir: string;
let planFile: string;

/** Runs `node --import tsx scripts/plan.ts start …args` on the test's server; answers its exit and output. */
function planStart(...args: string[]): Promise<{ status: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'scripts/plan.ts', 'start', ...args], {
      cwd: PROJECT_ROOT,
      env: {
        ...process.env,
        TEMPORAL_ADDRESS: env.address,
        TEMPORAL_NAMESPACE: env.namespace ?? 'default',
        PAYLOAD_KEYS: JSON.stringify(TEST_KEYRING),
        DATA_DIR: dir,
        NODE_ENV: 'development',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('exit', (status) => resolve({ status, stdout, stderr }));
  });
}

beforeAll(async () => {
  env = await createLocalEnv();
  dir = mkdtempSync(path.join(tmpdir(), 'duban-plan-start-'));
  planFile = path.join(dir, 'plan.json');
  writeFileSync(planFile, JSON.stringify(generatePlan(TASKS, 7)));
}, 120_000);

afterAll(async () => {
  await env?.teardown();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

test('starts every task with a progress line that ends at all of them, and a second start starts none', async () => {
  const first = await planStart(planFile, '--date', '2026-03-02');
  expect(first.stderr).not.toContain('✗');
  expect(first.status).toBe(0);
  expect(first.stderr).toContain(`bench-${TASKS}: ${TASKS} key tasks from 2026-03-02`);
  // Not a terminal: whole lines, the last one at every task.
  expect(first.stderr).toMatch(
    new RegExp(`启动中 starting ${TASKS}/${TASKS} \\(100%\\): ${TASKS} started, 0 already there`),
  );
  expect(first.stdout).toContain(`✓ bench-${TASKS}: ${TASKS} started, 0 already there, ${TASKS} key tasks`);

  // The workflows are there, one per task of the plan.
  const client = codecClient(env);
  await eventually(async () => {
    const { count } = await client.workflow.count(
      `WorkflowType = '${KEY_TASK_WORKFLOW}' AND ${SA_PLAN_ID.name} = 'bench-${TASKS}'`,
    );
    expect(count).toBe(TASKS);
  });

  const again = await planStart(planFile);
  expect(again.status).toBe(0);
  expect(again.stdout).toContain(`✓ bench-${TASKS}: 0 started, ${TASKS} already there, ${TASKS} key tasks`);
}, 120_000);

test('a usage error exits 2, a plan that is not there exits 1', async () => {
  expect((await planStart(planFile, '--date', 'tomorrow')).status).toBe(2);
  const missing = await planStart(path.join(dir, 'nothing.json'));
  expect(missing.status).toBe(1);
  expect(missing.stderr).toContain('✗');
}, 60_000);
