/**
 * Calls to Temporal made by the routes, each under a deadline so that an unreachable server answers 503
 * promptly instead of hanging the request while the client retries.
 */
import { WorkflowNotFoundError } from '@temporalio/common';
import type { UpdateDefinition } from '@temporalio/common';
import { getStateQuery, type Actor, type KeyTaskView, type WithTaskRow } from '../contracts';
import type { Request } from 'express';
import type { Principal } from './auth/tokens';
import type { AppContext, AppDeps } from './deps';
import { FINGERPRINT_LOCAL, updateIdOf } from './idempotency';
import { ConflictError } from './errors';

const DEFAULT_TIMEOUT_MS = 15_000;

/** Runs `fn` with a deadline on every Temporal call inside it. */
export function withDeadline<T>(deps: AppDeps, fn: () => Promise<T>): Promise<T> {
  return deps.temporalClient.connection.withDeadline(Date.now() + (deps.temporalTimeoutMs ?? DEFAULT_TIMEOUT_MS), fn);
}

/** The full state of a task's workflow. @throws WorkflowNotFoundError when it was never started. */
export function queryState(deps: AppDeps, workflowId: string): Promise<KeyTaskView> {
  return withDeadline(deps, () => deps.temporalClient.workflow.getHandle(workflowId).query(getStateQuery));
}

/**
 * Keeps the shared task list current after an accepted update: the workflow's answer carries the task's
 * row, which replaces the cached one (no visibility query needed); an answer without it (a workflow of older
 * code) drops the list instead. Answers the update's own result, without the row.
 */
function keepTaskList<Ret>(deps: AppContext, workflowId: string, answer: WithTaskRow<Ret>): Ret {
  if (answer === null || typeof answer !== 'object') {
    deps.taskList.invalidate();
    return answer;
  }
  const { taskRow, ...result } = answer;
  if (taskRow) deps.taskList.patch(workflowId, taskRow);
  else deps.taskList.invalidate();
  return result as Ret;
}

/**
 * Sends an update and waits for its result, and keeps the shared task list current (see `keepTaskList`).
 * `updateId` makes it idempotent: the same id again answers the first outcome without applying twice.
 * @throws WorkflowUpdateFailedError carrying the workflow's refusal; ConflictError (409 `task_closed`) when
 * the workflow has already closed; WorkflowNotFoundError when it was never started.
 */
export async function executeUpdate<Ret, Arg>(
  deps: AppContext,
  workflowId: string,
  update: UpdateDefinition<WithTaskRow<Ret>, [Arg]>,
  args: Arg,
  updateId: string,
): Promise<Ret> {
  const handle = deps.temporalClient.workflow.getHandle(workflowId);
  try {
    const answer = await withDeadline(deps, () => handle.executeUpdate(update, { args: [args], updateId }));
    return keepTaskList<Ret>(deps, workflowId, answer);
  } catch (err) {
    if (!(err instanceof WorkflowNotFoundError)) throw err;
    // An update to a closed workflow comes back as "not found": tell a closed task from one never started.
    const closed = await withDeadline(deps, () => handle.describe()).then(
      (d) => d.status.name !== 'RUNNING',
      (e: unknown) => {
        if (e instanceof WorkflowNotFoundError) return false;
        throw e;
      },
    );
    if (closed)
      throw new ConflictError('task_closed', {
        zh: '任务已结束，不能再办理',
        en: 'The task is closed (completed or cancelled).',
      });
    throw err;
  }
}

/** The acting principal as the workflow checks and records it: role, department, name, token hash prefix. */
export function actorOf(principal: Principal): Actor {
  return {
    role: principal.role,
    ...(principal.department ? { department: principal.department } : {}),
    person: principal.name,
    token: principal.sha256.slice(0, 12),
  };
}

/**
 * Sends `update` on behalf of the signed-in caller: the token's name is recorded as the person (never a name
 * the client sends), the caller as the `actor` the workflow's validators check, and the request's
 * `Idempotency-Key` (or a fresh id) is both the workflow's `requestId` and the Temporal update id, so a
 * retry is applied once.
 * @throws as {@link executeUpdate}; BadRequestError for a malformed `Idempotency-Key`.
 */
export function updateAs<Ret, Arg extends { person: string; requestId: string; actor?: Actor; requestHash?: string }>(
  deps: AppContext,
  req: Request,
  principal: Principal,
  workflowId: string,
  update: UpdateDefinition<WithTaskRow<Ret>, [Arg]>,
  args: Omit<Arg, 'person' | 'requestId' | 'actor' | 'requestHash'>,
): Promise<Ret> {
  const requestId = updateIdOf(req, principal);
  // With a key, the update id carries the body's fingerprint too: the same key with another body is then a new
  // update, which the workflow refuses (it holds the first fingerprint), even on a replica that never saw the key.
  const fingerprint = req.res?.locals[FINGERPRINT_LOCAL] as string | undefined;
  const requestHash = fingerprint?.slice(0, 32);
  const full = {
    ...args,
    person: principal.name,
    requestId,
    actor: actorOf(principal),
    ...(requestHash ? { requestHash } : {}),
  } as Arg;
  return executeUpdate(
    deps,
    workflowId,
    update,
    full,
    requestHash ? `${requestId}-${requestHash.slice(0, 16)}` : requestId,
  );
}
