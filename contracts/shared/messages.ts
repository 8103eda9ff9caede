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
import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';
import type {
  Chase,
  Coordination,
  Extension,
  KeyTaskView,
  LoopRow,
  MilestoneView,
  ProgressReport,
  TaskStatus,
} from '../schemas/task-view';
import type { NotificationDelivery } from '../schemas/notification';
import type {
  AddCoUnitArgs,
  CancelArgs,
  ChaseArgs,
  CloseCollectiveArgs,
  DesignateArgs,
  ExtensionDecisionArgs,
  ExtensionRequestArgs,
  ReassignArgs,
  ReportArgs,
  ResubmitArgs,
  RoundDecisionArgs,
  ClosureReviewArgs,
  CoordinationRequestArgs,
  CoordinationSettlementArgs,
  DisputeSettlementArgs,
  ProgressReportArgs,
  ReceiptArgs,
  SignOffArgs,
  WaiveArgs,
} from './update-args';

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
  /** Runs with work items: every department the task concerns now (designated and added units too). */
  departments?: string[];
  /** Runs with work items: each collective's count on the current milestone (地方 27/32). */
  parts?: CollectivePartCount[];
  /** Runs with receipt or progress reporting: what the office's closed loop flags (kept in the memo). */
  loop?: LoopRow;
}

/** How many members of a collective have reported on a work item of the current milestone. */
export interface CollectivePartCount {
  workItem: number;
  id: string;
  reported: number;
  total: number;
}

/** An update's answer with the task's row after the update (absent from workflows of older code). */
export type WithTaskRow<T> = T & { taskRow?: TaskRowState };

/** The full state of the task, with status and pending units derived at the last workflow time. */
export const getStateQuery = defineQuery<KeyTaskView>('getState');

/** A responsible unit approves or rejects the current milestone; answers the updated milestone. */
export const signOffUpdate = defineUpdate<WithTaskRow<MilestoneView>, [SignOffArgs]>('signOff');

/** The lead resubmits a returned milestone, which opens a new round of sign-offs. */
export const resubmitUpdate = defineUpdate<WithTaskRow<MilestoneView>, [ResubmitArgs]>('resubmit');

/**
 * The general office decides a milestone that reached the plan's cap of rejections: another round (the lead may
 * resubmit) or closed as it stands; answers the milestone.
 */
export const decideRoundUpdate = defineUpdate<WithTaskRow<MilestoneView>, [RoundDecisionArgs]>('decideRound');

/**
 * The office that reviews a submitted milestone closes it (销号: the next one opens) or returns it to be done
 * again (退回重办: a new round); answers the milestone.
 */
export const reviewClosureUpdate = defineUpdate<WithTaskRow<MilestoneView>, [ClosureReviewArgs]>('reviewClosure');

/** A unit of the task asks its office to coordinate a matter (协调事项); answers the request. */
export const requestCoordinationUpdate = defineUpdate<WithTaskRow<Coordination>, [CoordinationRequestArgs]>(
  'requestCoordination',
);

/** The task's office records how a coordination request was settled; answers the settled request. */
export const settleCoordinationUpdate = defineUpdate<WithTaskRow<Coordination>, [CoordinationSettlementArgs]>(
  'settleCoordination',
);

/** A unit signs for its part of the current milestone (签收) or disputes it; answers the milestone. */
export const receiptUpdate = defineUpdate<WithTaskRow<MilestoneView>, [ReceiptArgs]>('receipt');

/** The task's office confirms a disputing unit or hands its part to another; answers the milestone. */
export const settleDisputeUpdate = defineUpdate<WithTaskRow<MilestoneView>, [DisputeSettlementArgs]>('settleDispute');

/** The lead (or a co-unit) files its progress report for the current period (进展报告); answers the report. */
export const reportProgressUpdate = defineUpdate<WithTaskRow<ProgressReport>, [ProgressReportArgs]>('reportProgress');

/** The lead asks for a later due date; answers the pending request. */
export const requestExtensionUpdate = defineUpdate<WithTaskRow<Extension>, [ExtensionRequestArgs]>('requestExtension');

/** The general office approves or declines an extension request; answers the decided request. */
export const decideExtensionUpdate = defineUpdate<WithTaskRow<Extension>, [ExtensionDecisionArgs]>('decideExtension');

/** An administrator cancels the task; answers the final state. */
export const cancelUpdate = defineUpdate<WithTaskRow<KeyTaskView>, [CancelArgs]>('cancel');

/** A member of a collective (a province) reports on its part of a work item; answers the milestone. */
export const reportUpdate = defineUpdate<WithTaskRow<MilestoneView>, [ReportArgs]>('report');

/** The item's lead closes a collective's part early, with the count reported and a reason. */
export const closeCollectiveUpdate = defineUpdate<WithTaskRow<MilestoneView>, [CloseCollectiveArgs]>('closeCollective');

/** The item's lead designates the departments of a designated collective (相关业务司局); answers the current milestone. */
export const designateUpdate = defineUpdate<WithTaskRow<MilestoneView>, [DesignateArgs]>('designate');

/** The general office waives a unit for one milestone of an item (不适用); answers that milestone. */
export const waiveUpdate = defineUpdate<WithTaskRow<MilestoneView>, [WaiveArgs]>('waive');

/** The general office hands a unit's part of an item to another department; answers the current milestone. */
export const reassignUpdate = defineUpdate<WithTaskRow<MilestoneView>, [ReassignArgs]>('reassign');

/** The general office adds a co-unit to an item; answers the current milestone. */
export const addCoUnitUpdate = defineUpdate<WithTaskRow<MilestoneView>, [AddCoUnitArgs]>('addCoUnit');

/** The general office chases the current milestone's pending units (催办) with a message; answers the chase. */
export const chaseUpdate = defineUpdate<WithTaskRow<Chase>, [ChaseArgs]>('chase');

/**
 * Sent by a key task to a notification it started when what the notification says stopped being true (its
 * milestone completed, its task cancelled): deliveries not yet made are not made, and the log shows `obsolete`.
 * A signal, not an update: the task must not wait on a notification that may be retrying or already closed.
 */
export const withdrawNoticeSignal = defineSignal<[{ reason: 'completed' | 'cancelled' }]>('withdrawNotice');

/** The delivery state of one notification: what was sent to whom, through which channel, with what outcome. */
export const getDeliveryQuery = defineQuery<NotificationDelivery>('getDelivery');

/** The memo key under which a key task with work items keeps its collectives' counts ({@link CollectivePartCount}[]). */
export const PARTS_MEMO_KEY = 'parts';

/** The memo key under which a key task with receipt or progress reporting keeps its closed loop's flags ({@link LoopRow}). */
export const LOOP_MEMO_KEY = 'loop';

/** The memo key under which the notification workflow keeps its {@link NotificationDelivery}. */
export const DELIVERY_MEMO_KEY = 'delivery';
