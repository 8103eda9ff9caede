/**
 * Payloads of the key-task workflow's updates (contracts/shared/messages.ts). The API builds them from a
 * body it has already parsed and the caller's token; the workflow's synchronous validators check them
 * against its state. Each `requestId` becomes the update id, so a retried request is applied once.
 */
import type { FigureValues } from '../schemas/task-view';

/** Payload of the `signOff` update: a responsible unit approves or rejects the current milestone. */
export interface SignOffArgs {
  milestoneId: string;
  department: string;
  decision: 'approve' | 'reject';
  comment?: string;
  /** Figures the milestone asks for, by figure id. */
  figures?: FigureValues;
  person: string;
  requestId: string;
}

/** Payload of the `resubmit` update, sent by the lead after a rejection. */
export interface ResubmitArgs {
  milestoneId: string;
  department: string;
  note: string;
  person: string;
  requestId: string;
}

/** Payload of the `requestExtension` update, sent by the lead. */
export interface ExtensionRequestArgs {
  milestoneId: string;
  department: string;
  /** The due date asked for, `YYYY-MM-DD`. */
  newDueDate: string;
  reason: string;
  person: string;
  requestId: string;
}

/** Payload of the `decideExtension` update, sent by the general office. */
export interface ExtensionDecisionArgs {
  milestoneId: string;
  extensionId: string;
  approve: boolean;
  comment?: string;
  person: string;
  requestId: string;
}

/** Payload of the `cancel` update, sent by an administrator. */
export interface CancelArgs {
  reason: string;
  person: string;
  requestId: string;
}
