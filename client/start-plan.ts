/**
 * Starting a plan: one key-task workflow per task, idempotently. Used by `POST /api/plan/start`, by
 * `npm start`'s automatic start, by the benchmark and by tests.
 */
import { WorkflowExecutionAlreadyStartedError, type Client } from '@temporalio/client';
import { TypedSearchAttributes } from '@temporalio/common';
import {
  KEY_TASK_WORKFLOW,
  SA_DEPARTMENTS,
  SA_LEAD,
  SA_PLAN_ID,
  SA_SECTION,
  SA_TASK_NUMBER,
  SA_UPDATED_AT,
  TASK_QUEUE,
  type PlanFile,
  type Task,
  type WorkingCalendar,
} from '../contracts';
import { keyTaskInput, taskDepartmentIds, taskUnits, taskWorkflowId } from '../domain/plan';
import { resolveWorkingCalendar } from './working-calendar';

/** The outcome of starting one task. `started` is false when its workflow already existed. */
export interface StartedTask {
  number: number;
  workflowId: string;
  started: boolean;
}

/** How far a plan start has come: tasks handled so far, of which newly started and already there. */
export interface StartProgress {
  /** Tasks of the plan. */
  total: number;
  /** Tasks handled so far (`started + existing`). */
  done: number;
  /** Tasks whose workflow this start created. */
  started: number;
  /** Tasks whose workflow already existed (running, completed or cancelled). */
  existing: number;
}

/** Options of {@link startPlan}. */
export interface StartPlanOptions {
  /** The plan's start date, `YYYY-MM-DD`. */
  startDate: string;
  /** How many starts are in flight at once (default 32). */
  concurrency?: number;
  taskQueue?: string;
  /** Wraps each start call, e.g. to give each its own deadline (a thousand starts take longer than one). */
  eachCall?: <T>(call: () => Promise<T>) => Promise<T>;
  /** Called after each task is handled, with the counts so far (a progress line, a start job's state). */
  onProgress?: (progress: StartProgress) => void;
}

/**
 * Starts every task of `plan` that has no workflow yet. Starting again starts nothing new and answers the
 * same workflow IDs with `started: false`; a task once cancelled or completed is not started again.
 * @throws the first start that failed for another reason than an existing workflow (Temporal unreachable);
 * the other starters stop after their call in flight, so a start run again starts what is left.
 */
export async function startPlan(client: Client, plan: PlanFile, options: StartPlanOptions): Promise<StartedTask[]> {
  const results: StartedTask[] = new Array(plan.tasks.length);
  let next = 0;
  const call = options.eachCall ?? (<T>(fn: () => Promise<T>) => fn());
  // Resolved once, here: the tasks carry it in their input (a library update cannot change a running one).
  const calendar = resolveWorkingCalendar(plan, options.startDate);
  const progress: StartProgress = { total: plan.tasks.length, done: 0, started: 0, existing: 0 };
  const handled = (started: boolean): void => {
    progress.done++;
    if (started) progress.started++;
    else progress.existing++;
    options.onProgress?.({ ...progress });
  };
  const startOne = async (): Promise<void> => {
    for (let i = next++; i < plan.tasks.length; i = next++) {
      const task = plan.tasks[i]!;
      const workflowId = taskWorkflowId(plan, task);
      try {
        await call(() =>
          startKeyTask(client, plan, task, options.startDate, { taskQueue: options.taskQueue, calendar }),
        );
        results[i] = { number: task.number, workflowId, started: true };
      } catch (err) {
        if (!(err instanceof WorkflowExecutionAlreadyStartedError)) {
          next = plan.tasks.length; // the other starters stop after their call in flight: the start failed
          throw err;
        }
        results[i] = { number: task.number, workflowId, started: false };
      }
      handled(results[i]!.started);
    }
  };
  await Promise.all(Array.from({ length: Math.min(options.concurrency ?? 32, plan.tasks.length) }, startOne));
  return results;
}

/**
 * Starts the key-task workflow of one task as the plan gives it (or of an item beyond the plan, built in the
 * same shape), started on `startDate`, with its search attributes and, for an item, `memo`.
 * @throws WorkflowExecutionAlreadyStartedError when its workflow exists (running or closed).
 */
export async function startKeyTask(
  client: Client,
  plan: PlanFile,
  task: Task,
  startDate: string,
  {
    taskQueue,
    memo,
    calendar,
  }: {
    taskQueue?: string;
    memo?: Record<string, unknown>;
    /** The plan's working calendar when the caller resolved it already (one resolution for a whole plan). */
    calendar?: WorkingCalendar;
  } = {},
): Promise<string> {
  const workflowId = taskWorkflowId(plan, task);
  await client.workflow.start(KEY_TASK_WORKFLOW, {
    taskQueue: taskQueue ?? TASK_QUEUE,
    workflowId,
    // A working-day plan's calendar travels in the input: a later library update cannot change a running task.
    args: [keyTaskInput(plan, task, startDate, calendar ?? resolveWorkingCalendar(plan, startDate))],
    // A closed task (completed or cancelled) is not silently restarted by a second plan start.
    workflowIdReusePolicy: 'REJECT_DUPLICATE',
    typedSearchAttributes: new TypedSearchAttributes([
      { key: SA_PLAN_ID, value: plan.id },
      { key: SA_TASK_NUMBER, value: task.number },
      { key: SA_SECTION, value: task.section },
      { key: SA_LEAD, value: taskUnits(task).lead },
      // Its units and its collectives' members: a province's task list finds the tasks it reports on.
      { key: SA_DEPARTMENTS, value: taskDepartmentIds(plan, task) },
      // A new row: the API replicas' next poll for changed rows finds it before its first turn.
      { key: SA_UPDATED_AT, value: new Date() },
    ]),
    ...(memo ? { memo } : {}),
  });
  return workflowId;
}
