/**
 * The API's shared task list: requests within a second share one visibility load, a stale snapshot is
 * served while a new one loads, a change through the API replaces its row at once (and outranks a lagging
 * load for a while), starting tasks drops it, and filters match the visibility query.
 */
import type { TaskRow, TaskRowState } from '../../contracts';
import { createTaskListCache } from '../../api/task-list-cache';

/** The changing fields of a row, as a workflow answers them after an update. */
const state = (over: Partial<TaskRowState> = {}): TaskRowState => ({
  status: 'on_track',
  currentMilestone: 'm',
  nextDue: '2030-01-01',
  pendingDepartments: ['b', 'a'],
  escalationLevel: 0,
  extensionPending: false,
  ...over,
});

const row = (number: number, over: Partial<TaskRow> = {}): TaskRow => ({
  number,
  section: 1,
  title: { zh: `任务${number}`, en: `Task ${number}` },
  workflowId: `p-task-${number}`,
  lead: 'a',
  departments: ['a', 'b'],
  ...state(),
  ...over,
});

function source(initial: TaskRow[]) {
  const s = { rows: initial, loads: 0, load: async () => (s.loads++, s.rows) };
  return s;
}

test('requests within the fresh period share one load; filters apply in memory', async () => {
  let t = 0;
  const src = source([
    row(1),
    row(2, { departments: ['c'], pendingDepartments: ['c'], status: 'escalated', escalationLevel: 2 }),
  ]);
  const cache = createTaskListCache(src.load, { freshMs: 1000, staleMs: 5000, now: () => t });
  const [all, byDept, escalated] = await Promise.all([
    cache.list(),
    cache.list({ department: 'c' }),
    cache.list({ escalated: true }),
  ]);
  expect(src.loads).toBe(1);
  expect(all.map((r) => r.number)).toEqual([1, 2]);
  expect(byDept.map((r) => r.number)).toEqual([2]);
  expect(escalated.map((r) => r.number)).toEqual([2]);
  expect((await cache.list({ pending: 'b', status: 'on_track', section: 1 })).map((r) => r.number)).toEqual([1]);
  expect(await cache.list({ extensionPending: true })).toEqual([]);
  t = 900;
  await cache.list();
  expect(src.loads).toBe(1);
});

test('a stale snapshot is served while a new one loads; an old one is waited for', async () => {
  let t = 0;
  const src = source([row(1)]);
  const cache = createTaskListCache(src.load, { freshMs: 1000, staleMs: 5000, now: () => t });
  await cache.list();
  src.rows = [row(1), row(2)];
  t = 2000;
  expect((await cache.list()).map((r) => r.number)).toEqual([1]); // stale, refreshing behind
  await new Promise((r) => setImmediate(r));
  expect(src.loads).toBe(2);
  expect((await cache.list()).map((r) => r.number)).toEqual([1, 2]);
  src.rows = [row(3)];
  t = 2000 + 6000;
  expect((await cache.list()).map((r) => r.number)).toEqual([3]); // too old: waits
});

test('invalidate drops the snapshot, and a load begun before it does not bring it back', async () => {
  let release!: () => void;
  const src = source([row(1)]);
  const slow = () => new Promise<TaskRow[]>((resolve) => (release = () => resolve([row(1)])));
  let useSlow = false;
  const cache = createTaskListCache(() => (useSlow ? slow() : src.load()), { now: () => 0 });
  await cache.list();
  useSlow = true;
  cache.invalidate();
  const pending = cache.list();
  cache.invalidate(); // a change lands while the load is in flight
  useSlow = false;
  src.rows = [row(1), row(2)];
  const after = cache.list();
  release();
  expect((await pending).map((r) => r.number)).toEqual([1]);
  expect((await after).map((r) => r.number)).toEqual([1, 2]);
});

test('a failed load is reported to the request that waited for it', async () => {
  const cache = createTaskListCache(() => Promise.reject(new Error('Temporal unreachable')));
  await expect(cache.list()).rejects.toThrow('Temporal unreachable');
});

test('a patch replaces the row at once, without a load, and the filters see it', async () => {
  let t = 0;
  const src = source([row(1), row(2)]);
  const cache = createTaskListCache(src.load, { freshMs: 1000, staleMs: 5000, now: () => t });
  await cache.list();
  t = 500;
  cache.patch('p-task-1', state({ currentMilestone: 'next', nextDue: '2030-06-30' }));
  expect((await cache.list({ pending: 'b' })).map((r) => [r.number, r.currentMilestone])).toEqual([
    [1, 'next'],
    [2, 'm'],
  ]);
  cache.patch('p-task-2', state({ pendingDepartments: ['a'] }));
  expect((await cache.list({ pending: 'b' })).map((r) => r.number)).toEqual([1]);
  expect(src.loads).toBe(1); // the patch kept the snapshot's age: still fresh
  cache.patch('p-task-99', state()); // not in the list: ignored
  expect((await cache.list()).map((r) => r.number)).toEqual([1, 2]);
});

test('a load that lags behind a patch does not bring the old row back, until the grace period ends', async () => {
  let t = 0;
  const src = source([row(1)]); // visibility keeps answering the old row
  const cache = createTaskListCache(src.load, { freshMs: 1000, staleMs: 5000, patchGraceMs: 10_000, now: () => t });
  await cache.list();
  cache.patch('p-task-1', state({ pendingDepartments: ['a'] }));
  t = 6000; // too old: waits for a load, which still has the old row
  expect((await cache.list())[0]!.pendingDepartments).toEqual(['a']);
  expect(src.loads).toBe(2);
  t = 6000 + 10_001; // past the grace period: visibility's answer stands
  expect((await cache.list())[0]!.pendingDepartments).toEqual(['b', 'a']);
  expect(src.loads).toBe(3);
});
