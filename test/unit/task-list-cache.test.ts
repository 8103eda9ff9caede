/**
 * The API's task list held in memory: the first request waits for the first full load, then every answer
 * comes from memory; incremental polls ask only for rows changed since the newest change seen (less the
 * overlap) and merge them; a full reload drops what is gone; a change through the API replaces its row at
 * once and outranks a lagging load for a while; a plan start makes the next request wait for one poll, and waits
 * itself until the tasks it started are listed.
 */
import type { TaskRow, TaskRowState } from '../../contracts';
import type { LoadedTaskRows } from '../../client/task-list';
import { createTaskListCache, type TaskListCache } from '../../api/task-list-cache';

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

/** A visibility store: every row with its change time; answers full and incremental loads, counting them. */
function store(initial: Array<[TaskRow, number]>) {
  const s = {
    rows: new Map(initial.map(([r, at]) => [r.workflowId, { row: r, at }])),
    calls: [] as Array<number | undefined>,
    fail: false,
    set(r: TaskRow, at: number) {
      s.rows.set(r.workflowId, { row: r, at });
    },
    async load(changedSince?: number): Promise<LoadedTaskRows> {
      s.calls.push(changedSince);
      if (s.fail) throw new Error('Temporal unreachable');
      const picked = [...s.rows.values()].filter((e) => changedSince === undefined || e.at >= changedSince);
      const latest = picked.length ? Math.max(...picked.map((e) => e.at)) : undefined;
      return { rows: picked.map((e) => e.row).sort((a, b) => a.number - b.number), latestUpdate: latest };
    },
  };
  return s;
}

const numbers = (rows: TaskRow[]) => rows.map((r) => r.number);
let cache: TaskListCache | undefined;
afterEach(() => cache?.close());

test('the first request waits for the first full load; then every answer comes from memory, filtered there', async () => {
  const src = store([
    [row(1), 100],
    [row(2, { departments: ['c'], pendingDepartments: ['c'], status: 'escalated', escalationLevel: 2 }), 200],
  ]);
  cache = createTaskListCache((since) => src.load(since), { pollMs: 0, reloadMs: 0 });
  expect(cache.ready()).toBe(false);
  const [all, byDept, escalated] = await Promise.all([
    cache.list(),
    cache.list({ department: 'c' }),
    cache.list({ escalated: true }),
  ]);
  expect(cache.ready()).toBe(true);
  expect(src.calls).toEqual([undefined]); // one full load for all three
  expect(numbers(all)).toEqual([1, 2]);
  expect(numbers(byDept)).toEqual([2]);
  expect(numbers(escalated)).toEqual([2]);
  expect(numbers(await cache.list({ pending: 'b', status: 'on_track', section: 1 }))).toEqual([1]);
  expect(await cache.list({ extensionPending: true })).toEqual([]);
  src.fail = true; // Temporal gone: the list is still answered
  expect(numbers(await cache.list())).toEqual([1, 2]);
  expect(src.calls).toHaveLength(1);
});

test('a poll asks for rows changed since the newest change seen, less the overlap, and merges them', async () => {
  const src = store([
    [row(1), 1_000],
    [row(2), 9_000],
  ]);
  cache = createTaskListCache((since) => src.load(since), { pollMs: 0, reloadMs: 0, overlapMs: 5_000 });
  await cache.list();
  src.set(row(2, { status: 'overdue' }), 12_000);
  src.set(row(3), 12_500); // a new task
  await cache.refresh();
  expect(src.calls).toEqual([undefined, 4_000]);
  const rows = await cache.list();
  expect(rows.map((r) => [r.number, r.status])).toEqual([
    [1, 'on_track'],
    [2, 'overdue'],
    [3, 'on_track'],
  ]);
  await cache.refresh();
  expect(src.calls[2]).toBe(7_500); // from the newest change now seen
});

test('a full reload drops a task that is gone (ended or deleted outside the API); a poll cannot see that', async () => {
  const src = store([
    [row(1), 100],
    [row(2), 200],
  ]);
  cache = createTaskListCache((since) => src.load(since), { pollMs: 0, reloadMs: 0 });
  await cache.list();
  src.rows.delete('p-task-2');
  await cache.refresh();
  expect(numbers(await cache.list())).toEqual([1, 2]);
  await cache.refresh(true);
  expect(numbers(await cache.list())).toEqual([1]);
});

test('a failed first load fails the request that waited for it; a failed later poll keeps the list, reported once', async () => {
  const src = store([[row(1), 100]]);
  src.fail = true;
  const errors: string[] = [];
  cache = createTaskListCache((since) => src.load(since), {
    pollMs: 0,
    reloadMs: 0,
    onError: (message) => errors.push(message),
  });
  await expect(cache.list()).rejects.toThrow('Temporal unreachable');
  expect(cache.ready()).toBe(false);
  src.fail = false;
  expect(numbers(await cache.list())).toEqual([1]); // the next request loads again
  src.fail = true;
  await expect(cache.refresh()).rejects.toThrow('Temporal unreachable');
  await expect(cache.refresh()).rejects.toThrow('Temporal unreachable');
  expect(numbers(await cache.list())).toEqual([1]);
  expect(errors).toHaveLength(2); // the first load's failure, then the two failed polls as one run of failures…
  src.fail = false;
  await cache.refresh();
  src.fail = true;
  await expect(cache.refresh()).rejects.toThrow();
  expect(errors).toHaveLength(3); // …reported again only after a success in between
});

test('a patch replaces the row at once, without a load, and the filters see it', async () => {
  const src = store([
    [row(1), 100],
    [row(2), 100],
  ]);
  cache = createTaskListCache((since) => src.load(since), { pollMs: 0, reloadMs: 0 });
  await cache.list();
  cache.patch('p-task-1', state({ currentMilestone: 'next', nextDue: '2030-06-30' }));
  expect((await cache.list({ pending: 'b' })).map((r) => [r.number, r.currentMilestone])).toEqual([
    [1, 'next'],
    [2, 'm'],
  ]);
  cache.patch('p-task-2', state({ pendingDepartments: ['a'] }));
  expect(numbers(await cache.list({ pending: 'b' }))).toEqual([1]);
  cache.patch('p-task-99', state()); // not in the list: ignored
  expect(numbers(await cache.list())).toEqual([1, 2]);
  expect(src.calls).toHaveLength(1);
});

test('a load that lags behind a patch does not bring the old row back, until the grace period ends', async () => {
  let t = 0;
  const src = store([[row(1), 100]]); // visibility keeps answering the old row
  cache = createTaskListCache((since) => src.load(since), {
    pollMs: 0,
    reloadMs: 0,
    patchGraceMs: 10_000,
    now: () => t,
  });
  await cache.list();
  cache.patch('p-task-1', state({ pendingDepartments: ['a'] }));
  t = 6_000;
  await cache.refresh(true);
  expect((await cache.list())[0]!.pendingDepartments).toEqual(['a']);
  t = 6_000 + 10_001; // past the grace period: visibility's answer stands
  await cache.refresh(true);
  expect((await cache.list())[0]!.pendingDepartments).toEqual(['b', 'a']);
});

test('after invalidate (a plan start) the next request waits for a poll that brings the new tasks', async () => {
  const src = store([[row(1), 100]]);
  cache = createTaskListCache((since) => src.load(since), { pollMs: 0, reloadMs: 0 });
  await cache.list();
  src.set(row(2), 150);
  cache.invalidate();
  expect(numbers(await cache.list())).toEqual([1, 2]);
});

test('background polls and reloads keep the list current with no request asking', async () => {
  const src = store([[row(1), 100]]);
  cache = createTaskListCache((since) => src.load(since), { pollMs: 5, reloadMs: 0 });
  await cache.list();
  src.set(row(1, { status: 'due_soon' }), 200);
  const deadline = Date.now() + 5_000;
  while ((await cache.list())[0]!.status !== 'due_soon' && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 5));
  }
  expect((await cache.list())[0]!.status).toBe('due_soon');
  expect(src.calls.filter((c) => c !== undefined).length).toBeGreaterThan(0); // incremental, not full
  await cache.close();
  const calls = src.calls.length;
  await new Promise((r) => setTimeout(r, 30));
  expect(src.calls.length).toBe(calls); // closed: no more loads
});

test('a start waits until visibility shows the tasks it started, which are then listed; it gives up after its time', async () => {
  const src = store([[row(1), 1_000]]);
  cache = createTaskListCache((since) => src.load(since), { pollMs: 0, reloadMs: 0 });
  await cache.list();
  // Task 2 is indexed by visibility only after a few polls (as a workflow is, a moment after its start).
  let polls = 0;
  const load = src.load;
  src.load = async (since) => {
    if (++polls === 3) src.set(row(2), 2_000);
    return load(since);
  };
  await cache.holdAll(['p-task-2'], 5_000);
  expect(numbers(await cache.list())).toEqual([1, 2]);
  expect(polls).toBe(3);
  // Never indexed: it polls until its time is up, then the start answers anyway.
  await cache.holdAll(['p-task-9'], 300);
  expect(polls).toBeGreaterThan(4);
  expect(numbers(await cache.list())).toEqual([1, 2]);
});

test('the whole list’s JSON is made once per change of the list, and named by a tag that changes with it', async () => {
  const src = store([
    [row(1), 1_000],
    [row(2), 2_000],
  ]);
  cache = createTaskListCache((since) => src.load(since), { pollMs: 0, reloadMs: 0, overlapMs: 0 });
  const first = await cache.listBody();
  expect(JSON.parse(first.body.toString('utf8')).tasks.map((r: TaskRow) => r.number)).toEqual([1, 2]);
  expect(await cache.listBody()).toBe(first); // nothing changed: the same body, not serialized again
  await cache.refresh(); // a poll that brings the same rows back changes nothing either
  expect(await cache.listBody()).toBe(first);
  cache.patch('p-task-2', state({ status: 'overdue' }));
  const second = await cache.listBody();
  expect(second.tag).not.toBe(first.tag);
  expect(JSON.parse(second.body.toString('utf8')).tasks[1].status).toBe('overdue');
  // Another cache (another replica, or this one restarted) never hands out the same tag for its own list.
  const other = createTaskListCache((since) => src.load(since), { pollMs: 0, reloadMs: 0 });
  expect((await other.listBody()).tag).not.toBe(first.tag);
  await other.close();
});
