/**
 * Payloads of the key-task workflow's updates (contracts/shared/messages.ts). The API builds them from a
 * body it has already parsed and the caller's token; the workflow's synchronous validators check them
 * against its state. Each `requestId` becomes the update id, so a retried request is applied once.
 */
import type { FigureValues, ReportStatus } from '../schemas/task-view';

/** Payload of the `signOff` update: a responsible unit approves or rejects the current milestone. */
export interface SignOffArgs {
  milestoneId: string;
  department: string;
  decision: 'approve' | 'reject';
  comment?: string;
  /** Figures the milestone asks for, by figure id. */
  figures?: FigureValues;
  /** The work item (0-based) signed; without it, every item the unit may sign now (the task's lead: the close). */
  workItem?: number;
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

/** Payload of the `report` update: a member of a collective (a province) reports on its part of a work item. */
export interface ReportArgs {
  milestoneId: string;
  workItem: number;
  department: string;
  status: ReportStatus;
  text: string;
  /** Figures the milestone asks for, by figure id (not for `not_applicable`). */
  figures?: FigureValues;
  person: string;
  requestId: string;
}

/** Payload of the `closeCollective` update: the item's lead closes the collective's part before all reported. */
export interface CloseCollectiveArgs {
  milestoneId: string;
  workItem: number;
  department: string;
  reason: string;
  person: string;
  requestId: string;
}

/** Payload of the `designate` update: the item's lead names the departments a designated collective stands for. */
export interface DesignateArgs {
  workItem: number;
  department: string;
  departments: string[];
  reason: string;
  person: string;
  requestId: string;
}

/** Payload of the `waive` update: the general office waives a unit for one milestone of an item (不适用). */
export interface WaiveArgs {
  milestoneId: string;
  workItem: number;
  unit: string;
  reason: string;
  person: string;
  requestId: string;
}

/** Payload of the `reassign` update: the general office hands a unit's part of an item to another department. */
export interface ReassignArgs {
  workItem: number;
  from: string;
  to: string;
  reason: string;
  person: string;
  requestId: string;
}

/** Payload of the `addCoUnit` update: the general office adds a co-unit to an item. */
export interface AddCoUnitArgs {
  workItem: number;
  unit: string;
  reason: string;
  person: string;
  requestId: string;
}
