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
} from '../contracts';
import { keyTaskInput, taskDepartmentIds, taskUnits, taskWorkflowId } from '../domain/plan';

/** The outcome of starting one task. `started` is false when its workflow already existed. */
export interface StartedTask {
  number: number;
  workflowId: string;
  started: boolean;
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
}

/**
 * Starts every task of `plan` that has no workflow yet. Starting again starts nothing new and answers the
 * same workflow IDs with `started: false`; a task once cancelled or completed is not started again.
 */
export async function startPlan(client: Client, plan: PlanFile, options: StartPlanOptions): Promise<StartedTask[]> {
  const results: StartedTask[] = new Array(plan.tasks.length);
  let next = 0;
  const call = options.eachCall ?? (<T>(fn: () => Promise<T>) => fn());
  const startOne = async (): Promise<void> => {
    for (let i = next++; i < plan.tasks.length; i = next++) {
      const task = plan.tasks[i]!;
      const workflowId = taskWorkflowId(plan, task);
      try {
        await call(() => startKeyTask(client, plan, task, options.startDate, { taskQueue: options.taskQueue }));
        results[i] = { number: task.number, workflowId, started: true };
      } catch (err) {
        if (!(err instanceof WorkflowExecutionAlreadyStartedError)) throw err;
        results[i] = { number: task.number, workflowId, started: false };
      }
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
  { taskQueue, memo }: { taskQueue?: string; memo?: Record<string, unknown> } = {},
): Promise<string> {
  const workflowId = taskWorkflowId(plan, task);
  await client.workflow.start(KEY_TASK_WORKFLOW, {
    taskQueue: taskQueue ?? TASK_QUEUE,
    workflowId,
    args: [keyTaskInput(plan, task, startDate)],
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
