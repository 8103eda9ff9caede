/**
 * Message definitions of the key-task workflow, shared by the workflow (which handles them) and every
 * client (API, scripts, tests), so that neither side spells a wire name by hand.
 *
 * This module and `search-attributes.ts` are the only parts of contracts/ the workflow code imports values
 * from: neither loads zod, which would otherwise be bundled into, and kept in memory by, every workflow.
 *
 * Sign-off, resubmission, extensions and cancellation are updates, not signals, because the caller must
 * learn at once whether the workflow accepted the request, and why not when it did not.
 */
import { defineQuery, defineUpdate } from '@temporalio/workflow';
import type {
  CancelArgs,
  Extension,
  ExtensionDecisionArgs,
  ExtensionRequestArgs,
  KeyTaskView,
  MilestoneView,
  ResubmitArgs,
  SignOffArgs,
} from './key-task';
import type { NotificationDelivery } from './notification';

/** The full state of the task, with status and pending units derived at the last workflow time. */
export const getStateQuery = defineQuery<KeyTaskView>('getState');

/** A responsible unit approves or rejects the current milestone; answers the updated milestone. */
export const signOffUpdate = defineUpdate<MilestoneView, [SignOffArgs]>('signOff');

/** The lead resubmits a returned milestone, which opens a new round of sign-offs. */
export const resubmitUpdate = defineUpdate<MilestoneView, [ResubmitArgs]>('resubmit');

/** The lead asks for a later due date; answers the pending request. */
export const requestExtensionUpdate = defineUpdate<Extension, [ExtensionRequestArgs]>('requestExtension');

/** The general office approves or declines an extension request; answers the decided request. */
export const decideExtensionUpdate = defineUpdate<Extension, [ExtensionDecisionArgs]>('decideExtension');

/** An administrator cancels the task; answers the final state. */
export const cancelUpdate = defineUpdate<KeyTaskView, [CancelArgs]>('cancel');

/** The delivery state of one notification: what was sent to whom, through which channel, with what outcome. */
export const getDeliveryQuery = defineQuery<NotificationDelivery>('getDelivery');

/** The memo key under which the notification workflow keeps its {@link NotificationDelivery}. */
export const DELIVERY_MEMO_KEY = 'delivery';
