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
} from '../contracts';
import { keyTaskInput, taskDepartmentIds, taskUnits, taskWorkflowId } from '../domain/plan';
import { resolveWorkingCalendar } from './working-calendar';

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
  // Resolved once, here: the tasks carry it in their input (a library update cannot change a running one).
  const calendar = resolveWorkingCalendar(plan, options.startDate);
  const startOne = async (): Promise<void> => {
    for (let i = next++; i < plan.tasks.length; i = next++) {
      const task = plan.tasks[i]!;
      const workflowId = taskWorkflowId(plan, task);
      const { lead } = taskUnits(task);
      try {
        await call(() =>
          client.workflow.start(KEY_TASK_WORKFLOW, {
            taskQueue: options.taskQueue ?? TASK_QUEUE,
            workflowId,
            args: [keyTaskInput(plan, task, options.startDate, calendar)],
            // A closed task (completed or cancelled) is not silently restarted by a second plan start.
            workflowIdReusePolicy: 'REJECT_DUPLICATE',
            typedSearchAttributes: new TypedSearchAttributes([
              { key: SA_PLAN_ID, value: plan.id },
              { key: SA_TASK_NUMBER, value: task.number },
              { key: SA_SECTION, value: task.section },
              { key: SA_LEAD, value: lead },
              // Its units and its collectives' members: a province's task list finds the tasks it reports on.
              { key: SA_DEPARTMENTS, value: taskDepartmentIds(plan, task) },
              // A new row: the API replicas' next poll for changed rows finds it before its first turn.
              { key: SA_UPDATED_AT, value: new Date() },
            ]),
          }),
        );
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
