/**
 * Every operation of the HTTP API in one table: method, path, who may call it, the zod schemas of its
 * inputs and answer. Routes validate with these very schemas and the OpenAPI document is generated from
 * this table, so the document cannot drift from what the API accepts.
 */
import type { z } from 'zod';
import {
  bulletinParamsSchema,
  bulletinSchema,
  bulletinSendResponseSchema,
  calendarFeedQuerySchema,
  calendarFeedRotateResponseSchema,
  cancelBodySchema,
  cancelResponseSchema,
  chaseBodySchema,
  chaseResponseSchema,
  coordinationBodySchema,
  coordinationSchema,
  coordinationListQuerySchema,
  coordinationListResponseSchema,
  coordinationParamsSchema,
  coordinationSettlementBodySchema,
  disputeDecisionBodySchema,
  disputeParamsSchema,
  progressReportBodySchema,
  progressReportSchema,
  receiptBodySchema,
  closureReviewBodySchema,
  codecBodySchema,
  codecSessionResponseSchema,
  closeCollectiveBodySchema,
  coUnitBodySchema,
  departmentParamsSchema,
  designationBodySchema,
  escalationsResponseSchema,
  fileDownloadQuerySchema,
  fileParamsSchema,
  fileUploadHeadersSchema,
  extensionRequestsResponseSchema,
  extensionDecisionBodySchema,
  evidenceFileSchema,
  extensionParamsSchema,
  extensionRequestBodySchema,
  extensionResponseSchema,
  healthResponseSchema,
  inboxResponseSchema,
  itemBodySchema,
  itemCreatedResponseSchema,
  milestoneItemParamsSchema,
  noticeAnswerBodySchema,
  noticeListQuerySchema,
  noticeListResponseSchema,
  noticeParamsSchema,
  supervisionNoticeSchema,
  ledgerQuerySchema,
  milestoneParamsSchema,
  milestoneResponseSchema,
  notificationListQuerySchema,
  notificationLogResponseSchema,
  meResponseSchema,
  planResponseSchema,
  planStartBodySchema,
  planStartJobParamsSchema,
  planStartJobSchema,
  planStartResponseSchema,
  planQuerySchema,
  planListResponseSchema,
  planLoadBodySchema,
  planLoadResponseSchema,
  chartQuerySchema,
  leagueResponseSchema,
  overdueHistoryResponseSchema,
  reassignmentBodySchema,
  scoresQuerySchema,
  scoresResponseSchema,
  reportBodySchema,
  resubmitBodySchema,
  roundDecisionBodySchema,
  signOffBodySchema,
  taskDetailResponseSchema,
  taskListQuerySchema,
  taskListResponseSchema,
  taskNumberParamsSchema,
  waiverBodySchema,
  workItemParamsSchema,
  type Role,
} from '../contracts';

/**
 * The zod schemas a route validates: path parameters, query string, JSON body and request headers (lowercase
 * names, as Node gives them), each optional.
 */
export interface InputSchemas {
  params?: z.ZodType;
  query?: z.ZodType;
  body?: z.ZodType;
  headers?: z.ZodType;
}

/** One operation of the API. `roles` undefined means no token is needed. */
export interface Operation {
  method: 'get' | 'post';
  /** Express-style path, e.g. `/api/tasks/:number`. */
  path: string;
  operationId: string;
  summary: string;
  description?: string;
  roles?: readonly Role[];
  input: InputSchemas;
  /** Whether the `Idempotency-Key` header is honoured. */
  idempotent?: boolean;
  status: number;
  response?: z.ZodType;
  /** The error statuses the operation may answer besides 401/403 (implied by `roles`) and 500. */
  errors: readonly number[];
  /** A non-JSON answer (the docs page, the calendar feed). */
  contentType?: string;
  /**
   * A body that is not JSON but bytes of this media type (an evidence file): the app's JSON parser leaves it
   * alone and the route reads it itself; `input.body` is then unset.
   */
  requestContentType?: string;
}

const ALL: readonly Role[] = ['coordinator', 'office', 'admin', 'viewer', 'supervisor', 'leadership'];
/** Who reads everything the general office reads: the office, the supervision office, leadership, viewers. */
const READERS: readonly Role[] = ['office', 'viewer', 'supervisor', 'leadership'];

/** The API's operations by name. */
export const operations = {
  health: {
    method: 'get',
    path: '/healthz',
    operationId: 'health',
    summary: '健康检查 Health: whether Temporal can be reached',
    input: {},
    status: 200,
    response: healthResponseSchema,
    errors: [503],
  },
  openapi: {
    method: 'get',
    path: '/openapi.json',
    operationId: 'openapi',
    summary: '本文档 This OpenAPI 3.1 document',
    input: {},
    status: 200,
    errors: [],
  },
  docs: {
    method: 'get',
    path: '/docs',
    operationId: 'docs',
    summary: '接口文档页面 A page that renders this document',
    input: {},
    status: 200,
    errors: [],
    contentType: 'text/html',
  },
  me: {
    method: 'get',
    path: '/api/me',
    operationId: 'whoAmI',
    summary: '当前用户 Who the token belongs to: role, department, name',
    roles: ALL,
    input: {},
    status: 200,
    response: meResponseSchema,
    errors: [],
  },
  plan: {
    method: 'get',
    path: '/api/plan',
    operationId: 'getPlan',
    summary: '工作要点 The loaded plan: sections, tasks, departments, targets',
    roles: ALL,
    input: { query: planQuerySchema },
    status: 200,
    response: planResponseSchema,
    errors: [400, 404],
  },
  startPlan: {
    method: 'post',
    path: '/api/plan/start',
    operationId: 'startPlan',
    summary: '启动督办 Start every key task not yet running (idempotent)',
    roles: ['admin'],
    input: { query: planQuerySchema, body: planStartBodySchema },
    status: 200,
    response: planStartResponseSchema,
    errors: [400, 404, 503],
  },
  listPlans: {
    method: 'get',
    path: '/api/plans',
    operationId: 'listPlans',
    summary: '计划列表 Every plan the engine runs side by side, with its year, title and counts',
    description:
      'The default plan (`PLAN_FILE`) first, then the plans loaded with `POST /api/plans`, newest year first. ' +
      'A coordinator’s counts are of its own department’s tasks. Any other request takes `?plan=<id>`.',
    roles: ALL,
    input: {},
    status: 200,
    response: planListResponseSchema,
    errors: [503],
  },
  loadPlan: {
    method: 'post',
    path: '/api/plans',
    operationId: 'loadPlan',
    summary: '载入并启动计划 An administrator loads a plan file and starts its tasks beside the other plans',
    description:
      'Body `{plan: <the plan file’s JSON>, startDate?}` (up to 1 MB). The plan is validated by the plan schema ' +
      '(400 `invalid_plan`, every problem with its path in `details.problems`); a plan id already served or with ' +
      'tasks in Temporal is refused (409 `plan_already_started`). A start cut short is completed by ' +
      '`POST /api/plan/start?plan=<id>`.',
    roles: ['admin'],
    input: { body: planLoadBodySchema },
    status: 201,
    response: planLoadResponseSchema,
    errors: [400, 409, 413, 503],
  },
  departmentLeague: {
    method: 'get',
    path: '/api/charts/league',
    operationId: 'departmentLeague',
    summary: '单位排行 The departments’ league: pending sign-offs, overdue milestones, on-time rate, average days late',
    description:
      'One row per unit with milestones to answer for, a value per column; the columns say their words, unit and ' +
      'which way is better, so a client draws columns added later as they come. A coordinator counts its own ' +
      'department’s tasks.',
    roles: ALL,
    input: { query: chartQuerySchema },
    status: 200,
    response: leagueResponseSchema,
    errors: [400, 404, 503],
  },
  overdueHistory: {
    method: 'get',
    path: '/api/charts/overdue',
    operationId: 'overdueHistory',
    summary: '逾期节点走势 How many milestones were overdue at the end of each day, up to today',
    description:
      'Rebuilt from the milestones’ due dates (after extensions) and completion dates; from the first opened ' +
      'milestone, at most two years back. A coordinator counts its own department’s tasks.',
    roles: ALL,
    input: { query: chartQuerySchema },
    status: 200,
    response: overdueHistoryResponseSchema,
    errors: [400, 404, 503],
  },
  startPlanJob: {
    method: 'post',
    path: '/api/plan/start-jobs',
    operationId: 'startPlanJob',
    summary: '后台启动督办 Start every key task not yet running, in the background, with progress',
    description:
      'For large plans (ten thousand tasks take minutes): answers 202 at once with the job and its `Location`; ' +
      '`GET /api/plan/start-jobs/{id}` then says how many tasks are handled, started and already there. While a ' +
      'job runs, another request answers that job. The job lives in the API process that accepted it.',
    roles: ['admin'],
    input: { body: planStartBodySchema },
    status: 202,
    response: planStartJobSchema,
    errors: [400],
  },
  planStartJob: {
    method: 'get',
    path: '/api/plan/start-jobs/:id',
    operationId: 'getPlanStartJob',
    summary: '启动进度 How far a plan start job has come (its tasks once done)',
    roles: ['admin'],
    input: { params: planStartJobParamsSchema },
    status: 200,
    response: planStartJobSchema,
    errors: [400, 404],
  },
  listTasks: {
    method: 'get',
    path: '/api/tasks',
    operationId: 'listTasks',
    summary: '任务列表 One row a task, from Temporal visibility',
    description: 'A coordinator sees only the tasks its department is responsible for.',
    roles: ALL,
    input: { query: taskListQuerySchema },
    status: 200,
    response: taskListResponseSchema,
    errors: [400, 404, 503],
  },
  getTask: {
    method: 'get',
    path: '/api/tasks/:number',
    operationId: 'getTask',
    summary: '任务详情 The full state of a task',
    roles: ALL,
    input: { params: taskNumberParamsSchema, query: planQuerySchema },
    status: 200,
    response: taskDetailResponseSchema,
    errors: [400, 404, 503],
  },
  signOff: {
    method: 'post',
    path: '/api/tasks/:number/milestones/:milestoneId/sign-offs',
    operationId: 'signOff',
    summary: '签核 A responsible unit approves or rejects the current milestone',
    description: 'The coordinator of that department only. The signer recorded is the token’s person.',
    roles: ['coordinator'],
    input: { params: milestoneParamsSchema, query: planQuerySchema, body: signOffBodySchema },
    idempotent: true,
    status: 200,
    response: milestoneResponseSchema,
    errors: [400, 404, 409, 413, 503],
  },
  resubmit: {
    method: 'post',
    path: '/api/tasks/:number/milestones/:milestoneId/resubmit',
    operationId: 'resubmit',
    summary: '重新提交 The lead resubmits a returned milestone',
    roles: ['coordinator'],
    input: { params: milestoneParamsSchema, query: planQuerySchema, body: resubmitBodySchema },
    idempotent: true,
    status: 200,
    response: milestoneResponseSchema,
    errors: [400, 404, 409, 413, 503],
  },
  decideRound: {
    method: 'post',
    path: '/api/tasks/:number/milestones/:milestoneId/round-decision',
    operationId: 'decideRound',
    summary: '退回次数已满的决定 The general office decides a milestone rejected as often as the plan allows',
    description:
      'Once a milestone has been rejected `policy.maxRejectionsPerMilestone` times, the lead cannot resubmit ' +
      '(409 `round_limit_reached`) until the office decides: `another-round` lets the lead resubmit once more (a ' +
      'further rejection comes back to the office), `close` completes the milestone as it stands and opens the next.',
    roles: ['office', 'supervisor'],
    input: { params: milestoneParamsSchema, body: roundDecisionBodySchema },
    idempotent: true,
    status: 200,
    response: milestoneResponseSchema,
    errors: [400, 404, 409, 413, 503],
  },
  reviewClosure: {
    method: 'post',
    path: '/api/tasks/:number/milestones/:milestoneId/closure-review',
    operationId: 'reviewClosure',
    summary: '办结审核 The office closes a submitted milestone (销号) or returns it to be done again (退回重办)',
    description:
      'On a plan with closure review (`policy.closureReview`), the lead’s approval of a task’s last milestone, ' +
      'and of those the policy names, submits it with its evidence (`state: submitted`, waiting for the office). ' +
      '`close` completes it with the days late it was submitted with and opens the next; `return` (with reasons) ' +
      'opens a new round for all its units. The general office reviews, the supervision office on a task the ' +
      'general office leads (403 to any other). 409 `not_submitted` for a milestone not submitted.',
    roles: ['office', 'supervisor'],
    input: { params: milestoneParamsSchema, query: planQuerySchema, body: closureReviewBodySchema },
    idempotent: true,
    status: 200,
    response: milestoneResponseSchema,
    errors: [400, 403, 404, 409, 413, 503],
  },
  receipt: {
    method: 'post',
    path: '/api/tasks/:number/milestones/:milestoneId/receipts',
    operationId: 'signForReceipt',
    summary: '签收 A unit signs for its part of the current milestone, or disputes it (不属本单位职责)',
    description:
      'On a plan with a receipt time (`policy.receipt`), each unit that signs a milestone (every work item’s lead ' +
      'and co-units) signs for it within that many working days of its opening (`receive`), or disputes its part ' +
      'with its reason (`dispute`), which goes to the task’s office. A unit not signed for is reminded on its last ' +
      'day and shown on the board after it (`loop.unreceived`). Signing the milestone off signs for it too. The ' +
      'coordinator of the unit, for its own department. 409 `already_received` for a second receipt, ' +
      '`not_responsible` for a unit not asked, `receipt_not_asked` on a plan without receipt.',
    roles: ['coordinator'],
    input: { params: milestoneParamsSchema, query: planQuerySchema, body: receiptBodySchema },
    idempotent: true,
    status: 200,
    response: milestoneResponseSchema,
    errors: [400, 403, 404, 409, 413, 503],
  },
  decideDispute: {
    method: 'post',
    path: '/api/tasks/:number/milestones/:milestoneId/disputes/:department/decision',
    operationId: 'decideReceiptDispute',
    summary: '异议处理 The task’s office confirms a disputing unit or hands its part to another unit',
    description:
      '`confirm` keeps the part the unit’s own (it still signs for it); `reassign` hands its part, in every work ' +
      'item it signs, to `to` (a ministry department or affiliated unit new to those items), which is then asked to ' +
      'sign for it; the change is recorded as the office’s reassignment. The disputing unit and the new one are ' +
      'told. The general office decides, the supervision office on a task the general office leads. 409 ' +
      '`not_disputed` for a unit with no open dispute, `task_lead_required` for handing over the task’s lead.',
    roles: ['office', 'supervisor'],
    input: { params: disputeParamsSchema, query: planQuerySchema, body: disputeDecisionBodySchema },
    idempotent: true,
    status: 200,
    response: milestoneResponseSchema,
    errors: [400, 403, 404, 409, 413, 503],
  },
  reportProgress: {
    method: 'post',
    path: '/api/tasks/:number/progress-reports',
    operationId: 'reportProgress',
    summary: '报送进展 The task’s lead (or a co-unit) files its progress report for the current period',
    description:
      'On a plan with progress reporting (`policy.progress`, 2016: monthly, due on the 28th): what was done, ' +
      'problems, matters needing coordination (需协调) and next steps. The lead’s report is the one the cadence ' +
      'asks for: one missed at the end of its due day is chased, copied to the office, shown on the board ' +
      '(`loop.reportMissing`) and costs the lead in the scores. A report made after the due day counts for the ' +
      'next period. A task with no report, sign-off or other act for `policy.progress.stalledAfterDays` days is ' +
      'stalled (`loop.stalledSince`). 409 `not_task_unit` for a unit the task does not concern, ' +
      '`progress_not_asked` on a plan without progress reporting.',
    roles: ['coordinator'],
    input: { params: taskNumberParamsSchema, query: planQuerySchema, body: progressReportBodySchema },
    idempotent: true,
    status: 201,
    response: progressReportSchema,
    errors: [400, 403, 404, 409, 413, 503],
  },
  requestExtension: {
    method: 'post',
    path: '/api/tasks/:number/milestones/:milestoneId/extension-requests',
    operationId: 'requestExtension',
    summary: '申请延期 The lead asks for a later due date',
    roles: ['coordinator'],
    input: { params: milestoneParamsSchema, query: planQuerySchema, body: extensionRequestBodySchema },
    idempotent: true,
    status: 201,
    response: extensionResponseSchema,
    errors: [400, 404, 409, 413, 503],
  },
  decideExtension: {
    method: 'post',
    path: '/api/tasks/:number/milestones/:milestoneId/extension-requests/:extensionId/decision',
    operationId: 'decideExtension',
    summary: '延期审批 The general office approves or declines an extension request',
    description:
      'The general office; for a task the general office leads itself (2016: task 13), the supervision office ' +
      '(role `supervisor`) instead.',
    roles: ['office', 'supervisor'],
    input: { params: extensionParamsSchema, query: planQuerySchema, body: extensionDecisionBodySchema },
    idempotent: true,
    status: 200,
    response: extensionResponseSchema,
    errors: [400, 404, 409, 413, 503],
  },
  chase: {
    method: 'post',
    path: '/api/tasks/:number/milestones/:milestoneId/chases',
    operationId: 'chasePendingUnits',
    summary: '催办 The general office chases the units still pending on the current milestone, with a message',
    description:
      'Every unit still owing a sign-off (in any work item) or the resubmission receives the message; the chase ' +
      'is in the task’s record. At most one chase a day (plan time zone) per milestone: a second answers 409 ' +
      '`AlreadyChasedToday`.',
    roles: ['office'],
    input: { params: milestoneParamsSchema, body: chaseBodySchema },
    idempotent: true,
    status: 201,
    response: chaseResponseSchema,
    errors: [400, 404, 409, 413, 503],
  },
  requestCoordination: {
    method: 'post',
    path: '/api/tasks/:number/coordinations',
    operationId: 'requestCoordination',
    summary: '请求协调 A unit of the task asks its office to coordinate a matter (协调事项)',
    description:
      'The coordinator of a unit the task concerns, for its own department: a disagreement between units, a ' +
      'dependency on another ministry. Recorded on the task (`coordinations`) and told to the task’s office (the ' +
      'general office, or the supervision office on a task the general office leads).',
    roles: ['coordinator'],
    input: { params: taskNumberParamsSchema, query: planQuerySchema, body: coordinationBodySchema },
    idempotent: true,
    status: 201,
    response: coordinationSchema,
    errors: [400, 403, 404, 409, 413, 503],
  },
  settleCoordination: {
    method: 'post',
    path: '/api/tasks/:number/coordinations/:id/settlement',
    operationId: 'settleCoordination',
    summary: '协调办结 The task’s office records how a coordination request was settled',
    description:
      'The asker and the units the matter concerns are told the outcome. 409 `coordination_settled` for one ' +
      'settled already; 404 `unknown_coordination`.',
    roles: ['office', 'supervisor'],
    input: { params: coordinationParamsSchema, query: planQuerySchema, body: coordinationSettlementBodySchema },
    idempotent: true,
    status: 200,
    response: coordinationSchema,
    errors: [400, 403, 404, 409, 413, 503],
  },
  listCoordinations: {
    method: 'get',
    path: '/api/coordinations',
    operationId: 'listCoordinations',
    summary: '协调事项 The coordination requests of every task, open ones by default, oldest first',
    description:
      'Reads every task’s state (one query per task, as the ledger); a task it cannot read is named in `unavailable`.',
    roles: [...READERS, 'admin'],
    input: { query: coordinationListQuerySchema },
    status: 200,
    response: coordinationListResponseSchema,
    errors: [400, 503],
  },
  cancel: {
    method: 'post',
    path: '/api/tasks/:number/cancel',
    operationId: 'cancelTask',
    summary: '撤销任务 An administrator cancels a task',
    roles: ['admin'],
    input: { params: taskNumberParamsSchema, query: planQuerySchema, body: cancelBodySchema },
    idempotent: true,
    status: 200,
    response: cancelResponseSchema,
    errors: [400, 404, 409, 413, 503],
  },
  inbox: {
    method: 'get',
    path: '/api/departments/:id/inbox',
    operationId: 'departmentInbox',
    summary: '待办 Every milestone waiting on a department, soonest due first',
    description: 'That department’s coordinator, the general office, the supervision office, leadership and viewers.',
    roles: ['coordinator', ...READERS],
    input: { params: departmentParamsSchema, query: planQuerySchema },
    status: 200,
    response: inboxResponseSchema,
    errors: [400, 404, 503],
  },
  escalations: {
    method: 'get',
    path: '/api/escalations',
    operationId: 'listEscalations',
    summary: '督办升级 Every open escalation',
    roles: ['admin', ...READERS],
    input: { query: planQuerySchema },
    status: 200,
    response: escalationsResponseSchema,
    errors: [400, 404, 503],
  },
  extensionRequests: {
    method: 'get',
    path: '/api/extension-requests',
    operationId: 'listExtensionRequests',
    summary: '待审批的延期申请 Every extension request waiting for a decision',
    roles: ['admin', ...READERS],
    input: { query: planQuerySchema },
    status: 200,
    response: extensionRequestsResponseSchema,
    errors: [400, 404, 503],
  },
  notifications: {
    method: 'get',
    path: '/api/notifications',
    operationId: 'listNotifications',
    summary: '通知记录 What was sent to whom, when, through which channel, with what outcome',
    description:
      'Newest first. A coordinator sees only the notifications sent to its own department; the office, ' +
      'administrators and viewers see all.',
    roles: ALL,
    input: { query: notificationListQuerySchema },
    status: 200,
    response: notificationLogResponseSchema,
    errors: [400, 403, 503],
  },
  ledgerXlsx: {
    method: 'get',
    path: '/api/export/ledger.xlsx',
    operationId: 'exportLedgerXlsx',
    summary: '督办台账（Excel） The supervision ledger as a workbook: a row per task and milestone',
    description:
      'Sheet 1 has every row (section, task, milestone, lead and co-responsible units, due date, status, days ' +
      'late, pending units, escalation level, latest report); sheet 2 sums up per unit; then one sheet per unit. ' +
      'The board’s filters apply. A coordinator gets only its own department’s tasks.',
    roles: ALL,
    input: { query: ledgerQuerySchema },
    status: 200,
    errors: [400, 404, 503],
    contentType: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  },
  ledgerCsv: {
    method: 'get',
    path: '/api/export/ledger.csv',
    operationId: 'exportLedgerCsv',
    summary: '督办台账（CSV） The supervision ledger as CSV (UTF-8 with a BOM, RFC 4180)',
    description:
      'The rows and filters of the workbook’s first sheet. A coordinator gets only its own department’s tasks.',
    roles: ALL,
    input: { query: ledgerQuerySchema },
    status: 200,
    errors: [400, 404, 503],
    contentType: 'text/csv; charset=utf-8',
  },
  codecDecode: {
    method: 'post',
    path: '/api/codec/decode',
    operationId: 'codecDecode',
    summary: "解密载荷 The Temporal Web UI's codec endpoint: decrypts payloads of the histories (administrators)",
    description:
      "The Web UI's codec-server protocol (configure `http(s)://<api>/api/codec` as its codec endpoint, with an " +
      'administrator token): the payloads of a history, as the Web UI sends them, decrypted with the keyring. ' +
      'Payloads that are not encrypted come back as they are; one that cannot be decrypted comes back as a ' +
      "placeholder saying why. `X-Namespace`, when sent, must be the engine's namespace.",
    roles: ['admin'],
    input: { body: codecBodySchema },
    status: 200,
    response: codecBodySchema,
    errors: [400],
  },
  codecSession: {
    method: 'post',
    path: '/api/codec/session',
    operationId: 'codecSession',
    summary: '解密会话 A short-lived cookie that lets the Temporal Web UI call the codec endpoint (administrators)',
    description:
      'The Web UI cannot send a bearer token to the codec endpoint; with “include cross-origin credentials” it ' +
      'sends cookies. This sets `duban_codec` (HttpOnly, SameSite=Strict, Path=/api/codec, Secure over HTTPS, ' +
      '15 minutes), which opens `POST /api/codec/decode` only, for as long as the administrator’s token stays ' +
      'valid. The dashboard asks for it when it shows an administrator the link to the Web UI.',
    roles: ['admin'],
    input: {},
    status: 200,
    response: codecSessionResponseSchema,
    errors: [],
  },
  codecEncode: {
    method: 'post',
    path: '/api/codec/encode',
    operationId: 'codecEncode',
    summary: "加密载荷 The codec endpoint's encryption (administrators)",
    description:
      'Encrypts payloads the Web UI is about to send. They are never sealed as the API seals its own: a task ' +
      'refuses an update or signal typed into the Web UI (`not_from_api`), as one sent with the Temporal CLI.',
    roles: ['admin'],
    input: { body: codecBodySchema },
    status: 200,
    response: codecBodySchema,
    errors: [400],
  },
  reportOnItem: {
    method: 'post',
    path: '/api/tasks/:number/milestones/:milestoneId/work-items/:item/reports',
    operationId: 'reportOnWorkItem',
    summary: '地方报送 A member of a collective (a province) reports on its part of a work item',
    description: 'Done, in progress or not applicable, a text and the figures the milestone asks for.',
    roles: ['coordinator'],
    input: { params: milestoneItemParamsSchema, query: planQuerySchema, body: reportBodySchema },
    idempotent: true,
    status: 200,
    response: milestoneResponseSchema,
    errors: [400, 404, 409, 413, 503],
  },
  closeCollective: {
    method: 'post',
    path: '/api/tasks/:number/milestones/:milestoneId/work-items/:item/close',
    operationId: 'closeCollectivePart',
    summary: '结束地方报送 The item’s lead closes the members’ reports early, with the count and a reason',
    roles: ['coordinator'],
    input: { params: milestoneItemParamsSchema, query: planQuerySchema, body: closeCollectiveBodySchema },
    idempotent: true,
    status: 200,
    response: milestoneResponseSchema,
    errors: [400, 404, 409, 413, 503],
  },
  designate: {
    method: 'post',
    path: '/api/tasks/:number/work-items/:item/designations',
    operationId: 'designateDepartments',
    summary: '指定相关业务司局 The item’s lead designates the ministry departments of 相关业务司局',
    description: 'While a milestone is open; from then on they are co-units of the item.',
    roles: ['coordinator'],
    input: { params: workItemParamsSchema, query: planQuerySchema, body: designationBodySchema },
    idempotent: true,
    status: 200,
    response: milestoneResponseSchema,
    errors: [400, 404, 409, 413, 503],
  },
  waive: {
    method: 'post',
    path: '/api/tasks/:number/milestones/:milestoneId/work-items/:item/waivers',
    operationId: 'waiveUnit',
    summary: '豁免（不适用） The general office waives a unit for one milestone of a work item',
    roles: ['office'],
    input: { params: milestoneItemParamsSchema, query: planQuerySchema, body: waiverBodySchema },
    idempotent: true,
    status: 200,
    response: milestoneResponseSchema,
    errors: [400, 404, 409, 413, 503],
  },
  reassign: {
    method: 'post',
    path: '/api/tasks/:number/work-items/:item/reassignments',
    operationId: 'reassignUnit',
    summary: '转交 The general office hands a unit’s part of a work item to another department',
    roles: ['office'],
    input: { params: workItemParamsSchema, query: planQuerySchema, body: reassignmentBodySchema },
    idempotent: true,
    status: 200,
    response: milestoneResponseSchema,
    errors: [400, 404, 409, 413, 503],
  },
  addCoUnit: {
    method: 'post',
    path: '/api/tasks/:number/work-items/:item/co-units',
    operationId: 'addCoUnit',
    summary: '增加配合单位 The general office adds a co-unit to a work item',
    roles: ['office'],
    input: { params: workItemParamsSchema, query: planQuerySchema, body: coUnitBodySchema },
    idempotent: true,
    status: 200,
    response: milestoneResponseSchema,
    errors: [400, 404, 409, 413, 503],
  },
  listNotices: {
    method: 'get',
    path: '/api/supervision-notices',
    operationId: 'listSupervisionNotices',
    summary: '督办单 The supervision notices: open ones by default, newest first',
    description:
      'Each with its number (督办〔2026〕17号), the units it names, their answers, its answer date and whether ' +
      'it is overdue. A coordinator sees only the notices that name its department.',
    roles: ALL,
    input: { query: noticeListQuerySchema },
    status: 200,
    response: noticeListResponseSchema,
    errors: [400, 403, 503],
  },
  answerNotice: {
    method: 'post',
    path: '/api/supervision-notices/:id/answers',
    operationId: 'answerSupervisionNotice',
    summary: '答复督办单 A unit the notice names answers what it will do and by when',
    description:
      'The coordinator of a named unit; a later answer replaces its earlier one. Refused: a unit the notice ' +
      'does not name (403 `not_named`), an empty answer (400 `answer_required`), a date before today ' +
      '(400 `invalid_answer_date`), a closed notice (409 `notice_closed`).',
    roles: ['coordinator'],
    input: { params: noticeParamsSchema, query: planQuerySchema, body: noticeAnswerBodySchema },
    idempotent: true,
    status: 200,
    response: supervisionNoticeSchema,
    errors: [400, 404, 409, 413, 503],
  },
  calendarFeed: {
    method: 'get',
    path: '/api/departments/:id/calendar.ics',
    operationId: 'departmentCalendarFeed',
    summary: '截止日期日历 The department’s milestone deadlines as an iCalendar feed',
    description:
      'For calendar apps, which cannot send a bearer header: no token, but the department’s feed token in ' +
      '`?feed=` (401 `invalid_feed_token` when missing, wrong or rotated). One all-day event per milestone of ' +
      'every task the department is responsible for, on its due date, with its state in the summary.',
    input: { params: departmentParamsSchema, query: calendarFeedQuerySchema },
    status: 200,
    errors: [400, 401, 404, 503],
    contentType: 'text/calendar',
  },
  rotateCalendarFeed: {
    method: 'post',
    path: '/api/departments/:id/calendar-feed',
    operationId: 'rotateCalendarFeed',
    summary: '重置日历订阅 A new feed URL for the department’s calendar; the old one stops working',
    description: 'That department’s coordinator, or an administrator.',
    roles: ['coordinator', 'admin'],
    input: { params: departmentParamsSchema },
    status: 200,
    response: calendarFeedRotateResponseSchema,
    errors: [400, 404],
  },
  scores: {
    method: 'get',
    path: '/api/scores',
    operationId: 'listScores',
    summary: '考核计分 Each department’s score by the plan’s scoring rule, with its breakdown',
    description:
      'Computed from the tasks’ records as of now, never stored: per department its score, rank, standing ' +
      '(commended, criticised) and every scored event. `plan`, when given, must be the loaded plan’s id. A ' +
      'coordinator gets its own department only. 404 `no_scoring_rule` when the plan has none.',
    roles: ALL,
    input: { query: scoresQuerySchema },
    status: 200,
    response: scoresResponseSchema,
    errors: [400, 404, 503],
  },
  bulletin: {
    method: 'get',
    path: '/api/bulletins/:month',
    operationId: 'getBulletin',
    summary: '月度通报 The month’s bulletin (通报) as data and as its Chinese text',
    description:
      'Counted from the tasks’ records as of the end of the month (or now, for the month under way): tasks by ' +
      'light and by section, tasks and milestones completed in the month, milestones overdue with their units ' +
      'and days late, departments commended and criticised by the scoring rule. 400 for a month not written ' +
      '`YYYY-MM` or not begun yet.',
    roles: [...READERS, 'admin'],
    input: { params: bulletinParamsSchema },
    status: 200,
    response: bulletinSchema,
    errors: [400, 503],
  },
  bulletinPrint: {
    method: 'get',
    path: '/api/bulletins/:month/print',
    operationId: 'printBulletin',
    summary: '通报打印页 The month’s bulletin as a printable A4 page',
    roles: [...READERS, 'admin'],
    input: { params: bulletinParamsSchema },
    status: 200,
    errors: [400, 503],
    contentType: 'text/html',
  },
  sendBulletin: {
    method: 'post',
    path: '/api/bulletins/:month/send',
    operationId: 'sendBulletin',
    summary: '报送通报 The general office sends the month’s bulletin to ministry leadership',
    description:
      'Starts a notification (kind `bulletin`) to the plan’s leadership and general office through the ' +
      'notification channels, as the task notices are sent, and listed in the notification log. Once per month ' +
      'and day: sending the same month again on the same day starts nothing (`started: false`).',
    roles: ['office'],
    input: { params: bulletinParamsSchema },
    status: 200,
    response: bulletinSendResponseSchema,
    errors: [400, 503],
  },
  createItem: {
    method: 'post',
    path: '/api/items',
    operationId: 'createItem',
    summary: '交办事项 The general office puts an item beyond the annual plan under supervision',
    description:
      'A leader’s instruction (`instruction`, 领导批示件) or a meeting decision (`meeting`, 会议议定事项), with its ' +
      'source, urgency (特急, 急, 一般: without `dueDate`, the policy’s time limit in working days sets the ' +
      'deadline), lead, co-units and milestones. It runs as a key task numbered from the policy’s `firstNumber`, ' +
      'in the board’s section of items, with the same sign-offs, reminders, escalations, inboxes and ledger. ' +
      'Nothing is started when any part is refused.',
    roles: ['office'],
    input: { body: itemBodySchema },
    status: 201,
    response: itemCreatedResponseSchema,
    errors: [400, 404, 413, 503],
  },
  uploadFile: {
    method: 'post',
    path: '/api/files',
    operationId: 'uploadFile',
    summary: '上传佐证材料 Upload an evidence file; the answer names it by the SHA-256 of its bytes',
    description:
      'The body is the file’s bytes (not JSON, not a form), its name in `X-File-Name` as percent-encoded UTF-8. ' +
      'Stored by content: the same bytes again answer the same hash and store nothing more. The type is read ' +
      'from the bytes, not from `Content-Type`: PDF, OFD, Word, Excel and PowerPoint (.docx .xlsx .pptx, and ' +
      '97–2003 .doc .xls .ppt), PNG, JPEG, ZIP or plain text (UTF-8, UTF-16 with BOM, GB 18030); anything else ' +
      '415 `file_type_refused`. Over the size limit (`EVIDENCE_MAX_BYTES`, default 20 MiB) 413 `file_too_large`; ' +
      'no bytes 400 `file_empty`. A milestone’s evidence then names the file by the answer’s ' +
      '`{hash, name, size, type}`; `Location` is its download address.',
    roles: ['coordinator', 'office', 'supervisor'],
    input: { headers: fileUploadHeadersSchema },
    requestContentType: 'application/octet-stream',
    status: 201,
    response: evidenceFileSchema,
    errors: [400, 413, 415, 503],
  },
  downloadFile: {
    method: 'get',
    path: '/api/files/:hash',
    operationId: 'downloadFile',
    summary: '下载佐证材料 An evidence file’s bytes, by their SHA-256',
    description:
      'The bytes with the type read at upload, `Content-Disposition: attachment` with the name (`?name=`, else ' +
      'the name of the first upload; RFC 5987 `filename*` for non-ASCII names) and `ETag` the hash. Every ' +
      'signed-in role may download: the hash, known to those who can read the milestone that cites it, works as ' +
      'the capability. 404 `unknown_file` when nothing is stored under the hash.',
    roles: ALL,
    input: { params: fileParamsSchema, query: fileDownloadQuerySchema },
    status: 200,
    errors: [400, 404, 503],
    contentType: 'application/octet-stream',
  },
} as const satisfies Record<string, Operation>;
