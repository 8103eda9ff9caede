/**
 * The plan's task list as the API serves it: one visibility query shared by every request for a moment,
 * filtered in memory. At a thousand tasks one `ListWorkflowExecutions` costs hundreds of milliseconds on the
 * dev server's SQLite store, and the board, the inbox and the escalation list all read it; one shared load a
 * second keeps them fast without a query per workflow.
 *
 * Freshness: a snapshot younger than `freshMs` is served as is; one younger than `staleMs` is served while a
 * new one loads in the background; anything older waits for a new load.
 *
 * Changes made through this API process do not wait for visibility: the workflow answers every update with
 * the task's new row, which replaces the cached one at once (`patch`), so a coordinator sees their own
 * sign-off immediately and the office's board stays served from memory while coordinators sign. A patch is
 * also laid over every load that began up to `patchGraceMs` after it, so that a visibility store lagging
 * behind the workflow cannot bring the old row back. Changes this process does not make (timers, other API
 * replicas) show after at most `staleMs` plus one load.
 */
import type { TaskRow, TaskRowState } from '../contracts';
import { matchesTaskFilters, type TaskListFilters } from '../client/task-list';

/** A shared, briefly cached task list. */
export interface TaskListCache {
  /** The rows matching `filters`, ordered by task number. Rejects when a needed load fails. */
  list(filters?: TaskListFilters): Promise<TaskRow[]>;
  /** Replaces a task's row (by workflow id) with what its workflow answered after a change made here. */
  patch(workflowId: string, row: TaskRowState): void;
  /** Forgets the snapshot: the next `list` waits for a load started after this call. */
  invalidate(): void;
}

/** Options of {@link createTaskListCache}. */
export interface TaskListCacheOptions {
  /** How long a snapshot is served without reloading (default 1,000 ms; 0 loads for every request). */
  freshMs?: number;
  /** How long a snapshot may still be served while a new one loads (default 5,000 ms). */
  staleMs?: number;
  /** How long a patch outranks what a load brings (default 10,000 ms): the visibility store's lag, bounded. */
  patchGraceMs?: number;
  now?: () => number;
}

/** Creates the cache over `load`, which answers every task of the plan (one visibility query). */
export function createTaskListCache(
  load: () => Promise<TaskRow[]>,
  { freshMs = 1_000, staleMs = 5_000, patchGraceMs = 10_000, now = Date.now }: TaskListCacheOptions = {},
): TaskListCache {
  let generation = 0;
  let snapshot: { rows: TaskRow[]; at: number } | undefined;
  let loading: { generation: number; rows: Promise<TaskRow[]> } | undefined;
  /** Rows patched lately, by workflow id, with when. */
  const patches = new Map<string, { row: TaskRowState; at: number }>();

  const withPatches = (rows: TaskRow[], since: number): TaskRow[] => {
    for (const [id, p] of patches) if (p.at < now() - patchGraceMs) patches.delete(id);
    if (patches.size === 0) return rows;
    return rows.map((r) => {
      const p = patches.get(r.workflowId);
      return p && p.at >= since - patchGraceMs ? { ...r, ...p.row } : r;
    });
  };

  const refresh = (): Promise<TaskRow[]> => {
    if (loading?.generation === generation) return loading.rows;
    const mine = generation;
    const startedAt = now();
    const rows = load().then((answer) => {
      const patched = withPatches(answer, startedAt);
      if (mine === generation) snapshot = { rows: patched, at: startedAt };
      return patched;
    });
    const entry = { generation: mine, rows };
    loading = entry;
    const clear = () => {
      if (loading === entry) loading = undefined;
    };
    rows.then(clear, clear);
    return rows;
  };

  return {
    async list(filters = {}) {
      const age = snapshot ? now() - snapshot.at : Infinity;
      let rows: TaskRow[];
      if (snapshot && age < freshMs) rows = snapshot.rows;
      else if (snapshot && age < staleMs) {
        rows = snapshot.rows;
        refresh().catch(() => undefined); // a failed background load is retried by the next request
      } else rows = await refresh();
      return rows.filter((row) => matchesTaskFilters(row, filters));
    },
    patch(workflowId, row) {
      patches.set(workflowId, { row, at: now() });
      if (snapshot) {
        const rows = snapshot.rows.map((r) => (r.workflowId === workflowId ? { ...r, ...row } : r));
        snapshot = { rows, at: snapshot.at };
      }
    },
    invalidate() {
      generation++;
      snapshot = undefined;
    },
  };
}
