/**
 * Calls to Temporal made by the routes, each under a deadline so that an unreachable server answers 503
 * promptly instead of hanging the request while the client retries.
 */
import { WorkflowNotFoundError } from '@temporalio/common';
import type { UpdateDefinition } from '@temporalio/common';
import { getStateQuery, type KeyTaskView } from '../contracts';
import type { Request } from 'express';
import type { Principal } from './auth/tokens';
import type { AppDeps } from './deps';
import { updateIdOf } from './idempotency';
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
 * Sends an update and waits for its result. `updateId` makes it idempotent: the same id again answers the
 * first outcome without applying twice.
 * @throws WorkflowUpdateFailedError carrying the workflow's refusal; ConflictError (409 `task_closed`) when
 * the workflow has already closed; WorkflowNotFoundError when it was never started.
 */
export async function executeUpdate<Ret, Arg>(
  deps: AppDeps,
  workflowId: string,
  update: UpdateDefinition<Ret, [Arg]>,
  args: Arg,
  updateId: string,
): Promise<Ret> {
  const handle = deps.temporalClient.workflow.getHandle(workflowId);
  try {
    return await withDeadline(deps, () => handle.executeUpdate(update, { args: [args], updateId }));
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
      throw new ConflictError('task_closed', '任务已结束，不能再办理 The task is closed (completed or cancelled).');
    throw err;
  }
}

/**
 * Sends `update` on behalf of the signed-in caller: the token's name is recorded as the person (never a name
 * the client sends) and the request's `Idempotency-Key` (or a fresh id) is both the workflow's `requestId`
 * and the Temporal update id, so a retry is applied once.
 * @throws as {@link executeUpdate}; BadRequestError for a malformed `Idempotency-Key`.
 */
export function updateAs<Ret, Arg extends { person: string; requestId: string }>(
  deps: AppDeps,
  req: Request,
  principal: Principal,
  workflowId: string,
  update: UpdateDefinition<Ret, [Arg]>,
  args: Omit<Arg, 'person' | 'requestId'>,
): Promise<Ret> {
  const requestId = updateIdOf(req, principal);
  return executeUpdate(deps, workflowId, update, { ...args, person: principal.name, requestId } as Arg, requestId);
}
