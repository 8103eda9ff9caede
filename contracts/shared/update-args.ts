/**
 * Payloads of the key-task workflow's updates (contracts/shared/messages.ts). The API builds them from a
 * body it has already parsed and the caller's token; the workflow's synchronous validators check them
 * against its state. Each `requestId` becomes the update id, so a retried request is applied once.
 *
 * Every payload the API sends names its {@link Actor}, and the workflow's validators check it (an update
 * without one, or not sealed by the codec, did not come through the API and is refused). Histories recorded
 * before the actor existed have none: the handlers never read it, so their replay is unchanged.
 */
import type { Role } from '../schemas/api';
import type { Evidence, FigureValues, ReportStatus } from '../schemas/task-view';

/** Who sent a request through the API: the signed-in token's role, department and name. */
export interface Actor {
  role: Role;
  /** A coordinator's department. */
  department?: string;
  /** The token's name. */
  person: string;
  /** The first 12 hex digits of the token's SHA-256: names the token in the record without revealing it. */
  token: string;
}

/** The acting principal the API adds to every update (optional: histories older than it have none). */
export interface Acted {
  actor?: Actor;
  /**
   * With an `Idempotency-Key`: the first 32 hex digits of the request's fingerprint (operation, path and body).
   * The workflow keeps it beside the applied request id and refuses the same id with another one.
   */
  requestHash?: string;
}

/** Payload of the `signOff` update: a responsible unit approves or rejects the current milestone. */
export interface SignOffArgs extends Acted {
  milestoneId: string;
  department: string;
  decision: 'approve' | 'reject';
  comment?: string;
  /** Figures the milestone asks for, by figure id. */
  figures?: FigureValues;
  /** The work item (0-based) signed; without it, every item the unit may sign now (the task's lead: the close). */
  workItem?: number;
  /** With the lead's approval of a milestone the office reviews: files (by hash) and links. */
  evidence?: Evidence[];
  person: string;
  requestId: string;
}

/**
 * Payload of the `reviewClosure` update: the office that reviews a submitted milestone closes it (销号) or
 * returns it to be done again (退回重办, with its reasons).
 */
export interface ClosureReviewArgs extends Acted {
  milestoneId: string;
  decision: 'close' | 'return';
  reason?: string;
  person: string;
  requestId: string;
}

/** Payload of the `requestCoordination` update: a unit of the task asks its office to coordinate a matter. */
export interface CoordinationRequestArgs extends Acted {
  department: string;
  matter: string;
  /** Other units the matter concerns. */
  units?: string[];
  person: string;
  requestId: string;
}

/** Payload of the `settleCoordination` update: the task's office records how a coordination request was settled. */
export interface CoordinationSettlementArgs extends Acted {
  coordinationId: string;
  outcome: string;
  person: string;
  requestId: string;
}

/** Payload of the `receipt` update: a unit signs for its part of the current milestone (签收) or disputes it. */
export interface ReceiptArgs extends Acted {
  milestoneId: string;
  department: string;
  decision: 'receive' | 'dispute';
  /** Why the part is not the unit's (不属本单位职责): required with a dispute. */
  reason?: string;
  person: string;
  requestId: string;
}

/**
 * Payload of the `settleDispute` update: the task's office confirms a disputing unit (its part stays its own) or
 * hands its part, in every work item of the task it signs, to another unit.
 */
export interface DisputeSettlementArgs extends Acted {
  milestoneId: string;
  department: string;
  decision: 'confirm' | 'reassign';
  /** With `reassign`: the unit handed the part. */
  to?: string;
  reason: string;
  person: string;
  requestId: string;
}

/** Payload of the `reportProgress` update: the lead's (or a co-unit's) progress report for the current period. */
export interface ProgressReportArgs extends Acted {
  department: string;
  done: string;
  problems?: string;
  /** Matters needing coordination (需协调). */
  coordination?: string;
  nextSteps?: string;
  person: string;
  requestId: string;
}

/** Payload of the `resubmit` update, sent by the lead after a rejection. */
export interface ResubmitArgs extends Acted {
  milestoneId: string;
  department: string;
  note: string;
  person: string;
  requestId: string;
}

/**
 * Payload of the `decideRound` update: the general office decides a milestone rejected as often as the plan
 * allows: `another-round` lets the lead resubmit once more, `close` completes the milestone as it stands.
 */
export interface RoundDecisionArgs extends Acted {
  milestoneId: string;
  decision: 'another-round' | 'close';
  reason: string;
  person: string;
  requestId: string;
}

/** Payload of the `requestExtension` update, sent by the lead. */
export interface ExtensionRequestArgs extends Acted {
  milestoneId: string;
  department: string;
  /** The due date asked for, `YYYY-MM-DD`. */
  newDueDate: string;
  reason: string;
  person: string;
  requestId: string;
}

/** Payload of the `decideExtension` update, sent by the general office. */
export interface ExtensionDecisionArgs extends Acted {
  milestoneId: string;
  extensionId: string;
  approve: boolean;
  comment?: string;
  person: string;
  requestId: string;
}

/** Payload of the `cancel` update, sent by an administrator. */
export interface CancelArgs extends Acted {
  reason: string;
  person: string;
  requestId: string;
}

/** Payload of the `report` update: a member of a collective (a province) reports on its part of a work item. */
export interface ReportArgs extends Acted {
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
export interface CloseCollectiveArgs extends Acted {
  milestoneId: string;
  workItem: number;
  department: string;
  reason: string;
  person: string;
  requestId: string;
}

/** Payload of the `designate` update: the item's lead names the departments a designated collective stands for. */
export interface DesignateArgs extends Acted {
  workItem: number;
  department: string;
  departments: string[];
  reason: string;
  person: string;
  requestId: string;
}

/** Payload of the `waive` update: the general office waives a unit for one milestone of an item (不适用). */
export interface WaiveArgs extends Acted {
  milestoneId: string;
  workItem: number;
  unit: string;
  reason: string;
  person: string;
  requestId: string;
}

/** Payload of the `reassign` update: the general office hands a unit's part of an item to another department. */
export interface ReassignArgs extends Acted {
  workItem: number;
  from: string;
  to: string;
  reason: string;
  person: string;
  requestId: string;
}

/** Payload of the `addCoUnit` update: the general office adds a co-unit to an item. */
export interface AddCoUnitArgs extends Acted {
  workItem: number;
  unit: string;
  reason: string;
  person: string;
  requestId: string;
}

/** Payload of the `chase` update: the general office chases a milestone's pending units (催办) with a message. */
export interface ChaseArgs extends Acted {
  milestoneId: string;
  message: string;
  person: string;
  requestId: string;
}
