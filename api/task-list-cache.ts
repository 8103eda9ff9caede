/**
 * The plan's task list as the API serves it: one visibility query shared by every request for a moment,
 * filtered in memory. At a thousand tasks one `ListWorkflowExecutions` costs hundreds of milliseconds on the
 * dev server's SQLite store, and the board, the inbox and the escalation list all read it; one shared load a
 * second keeps them fast without a query per workflow.
 *
 * Freshness: a snapshot younger than `freshMs` is served as is; one younger than `staleMs` is served while a
 * new one loads in the background; anything older waits for a new load. Every change made through this API
 * process drops the snapshot, so a coordinator sees their own sign-off at once (as fast as visibility does).
 */
import type { TaskRow } from '../contracts';
import { matchesTaskFilters, type TaskListFilters } from '../client/task-list';

/** A shared, briefly cached task list. */
export interface TaskListCache {
  /** The rows matching `filters`, ordered by task number. Rejects when a needed load fails. */
  list(filters?: TaskListFilters): Promise<TaskRow[]>;
  /** Forgets the snapshot: the next `list` waits for a load started after this call. */
  invalidate(): void;
}

/** Options of {@link createTaskListCache}. */
export interface TaskListCacheOptions {
  /** How long a snapshot is served without reloading (default 1,000 ms; 0 loads for every request). */
  freshMs?: number;
  /** How long a snapshot may still be served while a new one loads (default 5,000 ms). */
  staleMs?: number;
  now?: () => number;
}

/** Creates the cache over `load`, which answers every task of the plan (one visibility query). */
export function createTaskListCache(
  load: () => Promise<TaskRow[]>,
  { freshMs = 1_000, staleMs = 5_000, now = Date.now }: TaskListCacheOptions = {},
): TaskListCache {
  let generation = 0;
  let snapshot: { rows: TaskRow[]; at: number } | undefined;
  let loading: { generation: number; rows: Promise<TaskRow[]> } | undefined;

  const refresh = (): Promise<TaskRow[]> => {
    if (loading?.generation === generation) return loading.rows;
    const mine = generation;
    const startedAt = now();
    const rows = load().then((answer) => {
      if (mine === generation) snapshot = { rows: answer, at: startedAt };
      return answer;
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
    invalidate() {
      generation++;
      snapshot = undefined;
    },
  };
}
