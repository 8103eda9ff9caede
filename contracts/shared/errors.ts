/**
 * Names of the reasons the key-task workflow refuses a request. The workflow throws an
 * `ApplicationFailure` of one of these types from an update validator, with the refusal's {@link Words}
 * as its one detail; the API maps the type to an HTTP status with {@link refusalStatus} and hands the
 * words to the user.
 */

/** A message in both languages, as every refusal and API error carries it: Chinese first, then English. */
export interface Words {
  zh: string;
  en: string;
}

/** The {@link Words} of a refusal, read from its failure's details; undefined when they are not there. */
export function refusalWords(details: readonly unknown[] | undefined | null): Words | undefined {
  const first = details?.[0] as Partial<Words> | undefined;
  return typeof first?.zh === 'string' && typeof first.en === 'string' ? { zh: first.zh, en: first.en } : undefined;
}

/** Refusals that mean "this does not exist" (HTTP 404). */
export const NOT_FOUND_REFUSALS = [
  'UnknownMilestone',
  'UnknownExtension',
  'UnknownWorkItem',
  'UnknownCoordination',
] as const;

/** Refusals that mean "the request is malformed for this milestone" (HTTP 400). */
export const INVALID_REFUSALS = [
  'CommentRequired',
  'FigureMissing',
  'FigureInvalid',
  'InvalidDueDate',
  'ReasonRequired',
  'NotMinistryDepartment',
  'NotAssignable',
  'AnswerRequired',
  'InvalidAnswerDate',
  'MessageRequired',
  'EvidenceRequired',
  'EvidenceNotAsked',
  'MatterRequired',
  'OutcomeRequired',
  'ProgressRequired',
] as const;

/** Refusals that mean "not now, not in this state" (HTTP 409). */
export const CONFLICT_REFUSALS = [
  'NotResponsible',
  'AlreadySigned',
  'NotCurrentMilestone',
  'MilestoneClosed',
  'LeadSignsLast',
  'NotReturned',
  'AwaitingResubmission',
  'NotLead',
  'ExtensionDecided',
  'ExtensionPending',
  'TaskClosed',
  'NotItemLead',
  'PartClosed',
  'NotDesignatedItem',
  'AlreadyResponsible',
  'AlreadyWaived',
  'UnitWaived',
  'TaskLeadRequired',
  'NoWorkItems',
  'NoticeClosed',
  'NothingToChase',
  'AlreadyChasedToday',
  'RoundLimitReached',
  'NotAwaitingOffice',
  'AwaitingReview',
  'NotSubmitted',
  'CoordinationSettled',
  'NotTaskUnit',
  'ReceiptNotAsked',
  'AlreadyReceived',
  'NotDisputed',
  'ProgressNotAsked',
] as const;

/**
 * Refusals that mean "not you" (HTTP 403): `NotFromApi`, a request that did not come through the API (its
 * payload not sealed by the project's codec, or without an actor: plain JSON sent with the Temporal CLI,
 * the Web UI or a raw client); `ActorNotAllowed`, a sealed request whose actor may not make it; `NotNamed`,
 * an answer to a supervision notice by a unit the notice does not name.
 */
export const FORBIDDEN_REFUSALS = ['NotFromApi', 'ActorNotAllowed', 'NotNamed'] as const;

/**
 * Refusals that mean "this request id was applied with another body" (HTTP 422): an `Idempotency-Key` reused
 * with another body on an API replica whose own store did not hold the key (see README, Idempotency).
 */
export const UNPROCESSABLE_REFUSALS = ['IdempotencyKeyReused'] as const;

/** Every refusal type name the workflow may throw. */
export type RefusalType =
  | (typeof UNPROCESSABLE_REFUSALS)[number]
  | (typeof NOT_FOUND_REFUSALS)[number]
  | (typeof INVALID_REFUSALS)[number]
  | (typeof CONFLICT_REFUSALS)[number]
  | (typeof FORBIDDEN_REFUSALS)[number];

/** The HTTP status for a refusal type, or undefined when the type is not a workflow refusal. */
export function refusalStatus(type: string | undefined | null): 400 | 403 | 404 | 409 | 422 | undefined {
  if (!type) return undefined;
  if ((UNPROCESSABLE_REFUSALS as readonly string[]).includes(type)) return 422;
  if ((FORBIDDEN_REFUSALS as readonly string[]).includes(type)) return 403;
  if ((NOT_FOUND_REFUSALS as readonly string[]).includes(type)) return 404;
  if ((INVALID_REFUSALS as readonly string[]).includes(type)) return 400;
  if ((CONFLICT_REFUSALS as readonly string[]).includes(type)) return 409;
  return undefined;
}
