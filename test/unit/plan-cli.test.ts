/**
 * `npm run plan -- check FILE` as a user runs it: a child process, its output and its exit code.
 */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { DEFAULT_PLAN_FILE } from '../../seeds/load-plan';

const ROOT = join(__dirname, '..', '..');
const FIXTURES = join(ROOT, 'test', 'fixtures', 'plans');

/** Runs `npx tsx scripts/plan.ts …args` in the project root. */
function plan(...args: string[]): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync('npx', ['tsx', 'scripts/plan.ts', ...args], { cwd: ROOT, encoding: 'utf8', timeout: 60_000 });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('npm run plan -- check', () => {
  it('prints the 2016 plan’s summary and exits 0', () => {
    const r = plan('check', DEFAULT_PLAN_FILE);
    expect(r.stderr).not.toContain('✗');
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('moe-2016-informatization: 2016年教育信息化工作要点');
    expect(r.stdout).toMatch(/sections:\s+10\n/);
    expect(r.stdout).toMatch(/key tasks:\s+24\n/);
    expect(r.stdout).toMatch(/work items:\s+48\n/);
    expect(r.stdout).toMatch(/departments:\s+68 /);
    expect(r.stdout).toMatch(/milestones:\s+96 \(4 per task;/);
    expect(r.stdout).toContain('年终完成 2016-12-31');
    expect(r.stdout).toMatch(/core targets:\s+8 \(19 figures\)/);
  });

  it('checks another plan the same way', () => {
    const r = plan('check', join(FIXTURES, 'city-2027-smart-education.plan.json'));
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/key tasks:\s+3\n/);
    expect(r.stdout).toMatch(/milestones:\s+8 \(2–3 per task;/);
  });

  it('prints every problem of a bad plan with its path and exits 1', () => {
    const r = plan('check', join(FIXTURES, 'bad-references.plan.json'));
    expect(r.status).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain('bad-references.plan.json is not valid (5 problems)');
    expect(r.stderr).toContain('tasks[0].workItems[1].units[1]: unknown department "xyz"');
    expect(r.stderr).toContain('tasks[1].number: duplicate task number 1');
    expect(r.stderr).toContain('schedule[1].offsetDays: milestones out of order');
  });

  it('names a missing file and exits 1', () => {
    const r = plan('check', join(FIXTURES, 'no-such.plan.json'));
    expect(r.status).toBe(1);
    expect(r.stderr).toContain('no-such.plan.json cannot be read: no such file');
  });

  it('prints the usage for an unknown subcommand and exits 2', () => {
    const r = plan('frobnicate');
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('Usage: npm run plan -- check [FILE]');
  });
});
