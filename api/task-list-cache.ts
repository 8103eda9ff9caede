/**
 * The plan's task list as the API serves it: held in this replica's memory, kept current in the background,
 * never rebuilt on a request. Every request (the board, the inbox, the escalation list, the metrics) is
 * answered from memory, filtered there; only the very first request of a replica whose first load has not
 * finished waits for it (and `/healthz` answers 503 until then).
 *
 * How it stays current:
 * - **Incremental polls** every `pollMs`: one visibility query for the rows whose `DubanUpdatedAt` is at or
 *   after the newest change seen so far, minus `overlapMs` (a change indexed late by the visibility store
 *   is still caught). A few rows, whatever the number of tasks.
 * - **A full reload** every `reloadMs`: what an incremental poll cannot see (a workflow terminated or deleted
 *   from outside, a run of code older than `DubanUpdatedAt`) leaves or changes the list then.
 * - **Changes made through this replica** do not wait: the workflow answers every update with the task's new
 *   row, which replaces the held one at once (`patch`). A patch outranks what loads bring for
 *   `patchGraceMs`, so a visibility store lagging behind the workflow cannot bring the old row back.
 * - **`invalidate`** (after a plan start) polls at once, and the next request waits for that poll.
 */
import { randomUUID } from 'node:crypto';
import type { TaskRow, TaskRowState } from '../contracts';
import { matchesTaskFilters, type LoadedTaskRows, type TaskListFilters } from '../client/task-list';

/** How long `close` waits for a load in flight to end. */
const CLOSE_WAIT_MS = 2_000;
/** How long `holdAll` waits by default for the tasks a start made to be on this replica's list. */
const HOLD_WAIT_MS = 5_000;
/** Time between the polls of `holdAll`. */
const HOLD_POLL_MS = 100;

/** The task list of one replica. */
export interface TaskListCache {
  /** The rows matching `filters`, ordered by task number. Rejects only while the first load has not succeeded. */
  list(filters?: TaskListFilters): Promise<TaskRow[]>;
  /** Replaces a task's row (by workflow id) with what its workflow answered after a change made here. */
  patch(workflowId: string, row: TaskRowState): void;
  /** Polls now (new tasks were started); the next `list` waits for that poll. */
  invalidate(): void;
  /** Whether the first full load has succeeded (the replica is ready to answer from memory). */
  ready(): boolean;
  /**
   * The whole list's JSON (`{"tasks":[…]}`), serialized once per change of the list and kept until the next one,
   * with a version that names it (for an `ETag`): the unfiltered board at 10,000 rows costs its serialization
   * once, not on every request.
   */
  listBody(): Promise<{ body: Buffer; tag: string }>;
  /**
   * Polls until every one of `workflowIds` (tasks this replica has just started) is in the list, or `timeoutMs`
   * (default 5 s) has passed: visibility indexes a new workflow a moment after its start. Never rejects.
   */
  holdAll(workflowIds: readonly string[], timeoutMs?: number): Promise<void>;
  /** Runs one incremental poll now (`full`: one full reload). Resolves when its rows are in the list. */
  refresh(full?: boolean): Promise<void>;
  /** Stops the background polls and reloads, cancelling one in flight; resolves once it has ended (or after 2 s). */
  close(): Promise<void>;
}

/** Options of {@link createTaskListCache}. */
export interface TaskListCacheOptions {
  /** Time between incremental polls (default 1,000 ms; 0: no background polls, call `refresh`). */
  pollMs?: number;
  /** How far back each poll reaches behind the newest change seen (default 5,000 ms): visibility's lag, bounded. */
  overlapMs?: number;
  /** Time between full reloads (default 300,000 ms; 0: none in the background). */
  reloadMs?: number;
  /** How long a patch outranks what a load brings (default 10,000 ms). */
  patchGraceMs?: number;
  /** Where a failed background load is reported (once per run of failures). */
  onError?: (message: string, err: unknown) => void;
  now?: () => number;
}

/**
 * Creates the list over `load`, which answers the plan's task rows: all of them, or with `changedSince`
 * those changed at or after it, and gives up when `signal` aborts (on `close`). Starts loading at once.
 */
export function createTaskListCache(
  load: (changedSince: number | undefined, signal: AbortSignal) => Promise<LoadedTaskRows>,
  {
    pollMs = 1_000,
    overlapMs = 5_000,
    reloadMs = 300_000,
    patchGraceMs = 10_000,
    onError = (message, err) => console.error(message, err),
    now = Date.now,
  }: TaskListCacheOptions = {},
): TaskListCache {
  /** The held rows by workflow id, and the same ordered by task number (rebuilt after each change). */
  const rows = new Map<string, TaskRow>();
  let ordered: TaskRow[] = [];
  /** Where each workflow's row stands in `ordered`. */
  let position = new Map<string, number>();
  /** The newest `DubanUpdatedAt` seen (ms); polls start from it, less the overlap. */
  let watermark: number | undefined;
  let loaded = false;
  /** Rows patched lately, by workflow id, with when. */
  const patches = new Map<string, { row: TaskRowState; at: number }>();
  /** The load in flight (one at a time), and whether it is a full one. */
  let running: { full: boolean; done: Promise<void> } | undefined;
  /** A refresh asked for while another ran; it runs next. */
  let queued: { full: boolean; done: Promise<void>; start: () => void } | undefined;
  /** What `list` waits for after `invalidate`. */
  let awaited: Promise<void> | undefined;
  let failing = false;
  let closed = false;
  /** One controller per load in flight (a shared signal would gather a listener per call), aborted by `close`. */
  const inFlight = new Set<AbortController>();
  const timers = new Set<NodeJS.Timeout>();

  const withPatch = (row: TaskRow): TaskRow => {
    const p = patches.get(row.workflowId);
    return p ? { ...row, ...p.row } : row;
  };
  /** Bumped by every change of `ordered`; `body` is the JSON of the version it was made at. */
  let version = 0;
  /** Names this cache in the tags of its bodies, so that another replica's (or a restarted one's) never matches. */
  const instance = randomUUID().slice(0, 8);
  let body: { body: Buffer; tag: string } | undefined;
  const reorder = () => {
    version++;
    ordered = [...rows.values()].sort((a, b) => a.number - b.number);
    position = new Map(ordered.map((row, i) => [row.workflowId, i]));
  };
  /** Holds `row` for its workflow: in place when it is held already (a task's number never changes). */
  const hold = (row: TaskRow): boolean => {
    rows.set(row.workflowId, row);
    const at = position.get(row.workflowId);
    if (at === undefined) return false;
    // A poll's overlap brings rows back unchanged: only a row that differs makes the list's JSON stale.
    if (ordered[at] !== row && JSON.stringify(ordered[at]) !== JSON.stringify(row)) version++;
    ordered[at] = row;
    return true;
  };
  const expirePatches = () => {
    for (const [id, p] of patches) if (p.at < now() - patchGraceMs) patches.delete(id);
  };

  const apply = (answer: LoadedTaskRows, full: boolean, startedAt: number) => {
    expirePatches();
    if (full) rows.clear();
    let placed = !full;
    for (const row of answer.rows) placed = hold(withPatch(row)) && placed;
    if (answer.latestUpdate !== undefined && (watermark === undefined || answer.latestUpdate > watermark)) {
      watermark = answer.latestUpdate;
    }
    // Nothing carried the attribute yet (no task changed under this code): poll from when this load began.
    if (full && watermark === undefined) watermark = startedAt;
    if (full) loaded = true;
    if (!placed) reorder();
  };

  const run = (full: boolean): Promise<void> => {
    // The first load is always a full one: there is nothing to add changes to.
    const isFull = full || !loaded;
    const startedAt = now();
    const since = watermark === undefined ? undefined : watermark - overlapMs;
    const controller = new AbortController();
    inFlight.add(controller);
    const done = load(isFull ? undefined : since, controller.signal).then(
      (answer) => {
        apply(answer, isFull, startedAt);
        failing = false;
      },
      (err: unknown) => {
        if (!failing && !closed) onError('[api] task list: visibility load failed; retrying', err);
        failing = true;
        throw err;
      },
    );
    const entry = { full: isFull, done };
    running = entry;
    const next = () => {
      inFlight.delete(controller);
      if (running === entry) running = undefined;
      const q = queued;
      queued = undefined;
      q?.start();
    };
    done.then(next, next);
    return done;
  };

  const refresh = (full = false): Promise<void> => {
    if (closed) return Promise.resolve();
    if (!running) return run(full);
    // One load at a time; a refresh asked for meanwhile runs once the current one ends (a full one wins).
    if (queued) {
      queued.full ||= full;
      return queued.done;
    }
    let start!: () => void;
    const done = new Promise<void>((resolve, reject) => {
      start = () => run(entry.full).then(resolve, reject);
    });
    const entry = { full, done, start };
    queued = entry;
    return done;
  };

  const every = (ms: number, full: boolean) => {
    if (ms <= 0) return;
    const tick = () => {
      refresh(full)
        .catch(() => undefined) // reported by run(); the next tick retries
        .finally(() => {
          if (!closed) schedule();
        });
    };
    const schedule = () => {
      const timer = setTimeout(() => {
        timers.delete(timer);
        tick();
      }, ms);
      timer.unref();
      timers.add(timer);
    };
    schedule();
  };

  const first = refresh(true);
  first.catch(() => undefined); // a request waiting for it sees the failure; the polls retry
  every(pollMs, false);
  every(reloadMs, true);

  return {
    async list(filters = {}) {
      if (awaited) await awaited;
      // Before the first full load succeeded there is nothing to answer from: wait for one (or its failure).
      if (!loaded) await (running?.full ? running.done : refresh(true));
      return ordered.filter((row) => matchesTaskFilters(row, filters));
    },
    patch(workflowId, row) {
      patches.set(workflowId, { row, at: now() });
      const held = rows.get(workflowId);
      if (held) hold({ ...held, ...row });
    },
    invalidate() {
      const polled = refresh(false);
      const mine = polled.catch(() => undefined);
      awaited = mine;
      void mine.then(() => {
        if (awaited === mine) awaited = undefined;
      });
    },
    ready: () => loaded,
    async listBody() {
      const rows = await this.list();
      const tag = `${instance}-${version}`;
      if (body?.tag !== tag) body = { body: Buffer.from(JSON.stringify({ tasks: rows })), tag };
      return body;
    },
    async holdAll(workflowIds, timeoutMs = HOLD_WAIT_MS) {
      const deadline = now() + timeoutMs;
      while (!closed && !workflowIds.every((id) => rows.has(id)) && now() < deadline) {
        await refresh(false).catch(() => undefined);
        if (!workflowIds.every((id) => rows.has(id))) await new Promise((r) => setTimeout(r, HOLD_POLL_MS));
      }
    },
    refresh,
    async close() {
      closed = true;
      for (const timer of timers) clearTimeout(timer);
      for (const controller of inFlight) controller.abort();
      const loads = [running?.done, queued?.done].filter((p): p is Promise<void> => p !== undefined);
      // A call still connecting to an unreachable server ignores the abort: wait for it a moment only.
      let timer: NodeJS.Timeout | undefined;
      const bound = new Promise<void>((resolve) => (timer = setTimeout(resolve, CLOSE_WAIT_MS)));
      await Promise.race([Promise.all(loads.map((p) => p.catch(() => undefined))), bound]);
      clearTimeout(timer);
    },
  };
}
