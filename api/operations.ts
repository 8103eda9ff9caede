/**
 * Every operation of the HTTP API in one table: method, path, who may call it, the zod schemas of its
 * inputs and answer. Routes validate with these very schemas and the OpenAPI document is generated from
 * this table, so the document cannot drift from what the API accepts.
 */
import type { z } from 'zod';
import {
  calendarFeedQuerySchema,
  calendarFeedRotateResponseSchema,
  cancelBodySchema,
  cancelResponseSchema,
  codecBodySchema,
  closeCollectiveBodySchema,
  coUnitBodySchema,
  departmentParamsSchema,
  designationBodySchema,
  escalationsResponseSchema,
  extensionRequestsResponseSchema,
  extensionDecisionBodySchema,
  extensionParamsSchema,
  extensionRequestBodySchema,
  extensionResponseSchema,
  healthResponseSchema,
  inboxResponseSchema,
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
  planStartResponseSchema,
  reassignmentBodySchema,
  reportBodySchema,
  resubmitBodySchema,
  signOffBodySchema,
  taskDetailResponseSchema,
  taskListQuerySchema,
  taskListResponseSchema,
  taskNumberParamsSchema,
  waiverBodySchema,
  workItemParamsSchema,
  type Role,
} from '../contracts';

/** The zod schemas a route validates: path parameters, query string and body, each optional. */
export interface InputSchemas {
  params?: z.ZodType;
  query?: z.ZodType;
  body?: z.ZodType;
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
    input: {},
    status: 200,
    response: planResponseSchema,
    errors: [],
  },
  startPlan: {
    method: 'post',
    path: '/api/plan/start',
    operationId: 'startPlan',
    summary: '启动督办 Start every key task not yet running (idempotent)',
    roles: ['admin'],
    input: { body: planStartBodySchema },
    status: 200,
    response: planStartResponseSchema,
    errors: [400, 503],
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
    errors: [400, 503],
  },
  getTask: {
    method: 'get',
    path: '/api/tasks/:number',
    operationId: 'getTask',
    summary: '任务详情 The full state of a task',
    roles: ALL,
    input: { params: taskNumberParamsSchema },
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
    input: { params: milestoneParamsSchema, body: signOffBodySchema },
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
    input: { params: milestoneParamsSchema, body: resubmitBodySchema },
    idempotent: true,
    status: 200,
    response: milestoneResponseSchema,
    errors: [400, 404, 409, 413, 503],
  },
  requestExtension: {
    method: 'post',
    path: '/api/tasks/:number/milestones/:milestoneId/extension-requests',
    operationId: 'requestExtension',
    summary: '申请延期 The lead asks for a later due date',
    roles: ['coordinator'],
    input: { params: milestoneParamsSchema, body: extensionRequestBodySchema },
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
    input: { params: extensionParamsSchema, body: extensionDecisionBodySchema },
    idempotent: true,
    status: 200,
    response: extensionResponseSchema,
    errors: [400, 404, 409, 413, 503],
  },
  cancel: {
    method: 'post',
    path: '/api/tasks/:number/cancel',
    operationId: 'cancelTask',
    summary: '撤销任务 An administrator cancels a task',
    roles: ['admin'],
    input: { params: taskNumberParamsSchema, body: cancelBodySchema },
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
    input: { params: departmentParamsSchema },
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
    input: {},
    status: 200,
    response: escalationsResponseSchema,
    errors: [503],
  },
  extensionRequests: {
    method: 'get',
    path: '/api/extension-requests',
    operationId: 'listExtensionRequests',
    summary: '待审批的延期申请 Every extension request waiting for a decision',
    roles: ['admin', ...READERS],
    input: {},
    status: 200,
    response: extensionRequestsResponseSchema,
    errors: [503],
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
    errors: [400, 503],
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
    errors: [400, 503],
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
    input: { params: milestoneItemParamsSchema, body: reportBodySchema },
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
    input: { params: milestoneItemParamsSchema, body: closeCollectiveBodySchema },
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
    input: { params: workItemParamsSchema, body: designationBodySchema },
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
    input: { params: milestoneItemParamsSchema, body: waiverBodySchema },
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
    input: { params: workItemParamsSchema, body: reassignmentBodySchema },
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
    input: { params: workItemParamsSchema, body: coUnitBodySchema },
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
    input: { params: noticeParamsSchema, body: noticeAnswerBodySchema },
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
} as const satisfies Record<string, Operation>;
