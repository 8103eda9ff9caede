/**
 * The names a worker and its clients must agree on to meet: the task queue, the workflow type names and
 * the workflow id of a key task.
 */

/** The task queue the worker polls and every client starts workflows on. */
export const TASK_QUEUE = 'duban-key-tasks';

/** Workflow type name of the key-task workflow (the exported function's name). */
export const KEY_TASK_WORKFLOW = 'keyTaskWorkflow';

/** Workflow type name of the workflow that delivers one notification (the exported function's name). */
export const NOTIFICATION_WORKFLOW = 'notificationWorkflow';

/**
 * The workflow ID of a key task, derived from the plan id and task number so that starting the same
 * task twice finds the running workflow instead of starting a second one.
 */
export function keyTaskWorkflowId(planId: string, taskNumber: number): string {
  return `${planId}-task-${taskNumber}`;
}

/**
 * The workflow ID of an item beyond the plan (交办事项), numbered from the plan's `policy.items.firstNumber`:
 * `-item-` where a plan task has `-task-`, so that it can never be taken for one.
 */
export function itemWorkflowId(planId: string, itemNumber: number): string {
  return `${planId}-item-${itemNumber}`;
}

/** The memo key under which an item beyond the plan keeps its record (`ItemRecord`), set when it is started. */
export const ITEM_MEMO_KEY = 'item';
