/**
 * Message definitions of the key-task workflow, shared by the workflow (which handles them) and every
 * client (API, scripts, tests), so that neither side spells a wire name by hand.
 *
 * Like all of contracts/shared, this module loads no zod, which would otherwise be bundled into, and kept in
 * memory by, every workflow: its payload types come type-only from the schemas.
 *
 * Sign-off, resubmission, extensions and cancellation are updates, not signals, because the caller must
 * learn at once whether the workflow accepted the request, and why not when it did not.
 */
import { defineQuery, defineUpdate } from '@temporalio/workflow';
import type { Extension, KeyTaskView, MilestoneView, TaskStatus } from '../schemas/task-view';
import type { NotificationDelivery } from '../schemas/notification';
import type { CancelArgs, ExtensionDecisionArgs, ExtensionRequestArgs, ResubmitArgs, SignOffArgs } from './update-args';

/**
 * A task's row of the task list as the workflow sees it right after a change: the values its search
 * attributes take. Carried by every update's answer, so that the API keeps its task list current for its
 * own changes without waiting for a visibility query.
 */
export interface TaskRowState {
  status: TaskStatus;
  currentMilestone: string | null;
  /** Due date (plan time zone, `YYYY-MM-DD`) of the current milestone. */
  nextDue: string | null;
  pendingDepartments: string[];
  escalationLevel: number;
  extensionPending: boolean;
}

/** An update's answer with the task's row after the update (absent from workflows of older code). */
export type WithTaskRow<T> = T & { taskRow?: TaskRowState };

/** The full state of the task, with status and pending units derived at the last workflow time. */
export const getStateQuery = defineQuery<KeyTaskView>('getState');

/** A responsible unit approves or rejects the current milestone; answers the updated milestone. */
export const signOffUpdate = defineUpdate<WithTaskRow<MilestoneView>, [SignOffArgs]>('signOff');

/** The lead resubmits a returned milestone, which opens a new round of sign-offs. */
export const resubmitUpdate = defineUpdate<WithTaskRow<MilestoneView>, [ResubmitArgs]>('resubmit');

/** The lead asks for a later due date; answers the pending request. */
export const requestExtensionUpdate = defineUpdate<WithTaskRow<Extension>, [ExtensionRequestArgs]>('requestExtension');

/** The general office approves or declines an extension request; answers the decided request. */
export const decideExtensionUpdate = defineUpdate<WithTaskRow<Extension>, [ExtensionDecisionArgs]>('decideExtension');

/** An administrator cancels the task; answers the final state. */
export const cancelUpdate = defineUpdate<WithTaskRow<KeyTaskView>, [CancelArgs]>('cancel');

/** The delivery state of one notification: what was sent to whom, through which channel, with what outcome. */
export const getDeliveryQuery = defineQuery<NotificationDelivery>('getDelivery');

/** The memo key under which the notification workflow keeps its {@link NotificationDelivery}. */
export const DELIVERY_MEMO_KEY = 'delivery';
