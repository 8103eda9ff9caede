/**
 * A plan's supervision notices (督办单) from Temporal visibility: one `ListWorkflowExecutions` query over the
 * notice workflows, each notice read from its memo (kept current by the notice itself), so the board's list of
 * open notices is one query, not one per notice.
 */
import type { Client, WorkflowExecutionInfo } from '@temporalio/client';
import {
  NOTICE_MEMO_KEY,
  SA_DEPARTMENTS,
  SA_PLAN_ID,
  SA_TASK_NUMBER,
  SUPERVISION_NOTICE_WORKFLOW,
  supervisionNoticeSchema,
  type SupervisionNotice,
} from '../contracts';
import { TaskListFilterError, keyword } from './task-list';

/** Filters of {@link listSupervisionNotices}; combined with AND. */
export interface NoticeFilters {
  /** `open`: notices still running (their escalation has not closed); `all`: closed ones too. */
  state: 'open' | 'all';
  taskNumber?: number;
  /** Notices naming this unit. */
  department?: string;
}

/**
 * The visibility query for a plan's notices with `filters`.
 * @throws TaskListFilterError for a value with characters a query could be broken by.
 */
export function noticeQuery(planId: string, filters: NoticeFilters): string {
  const parts = [
    `WorkflowType = '${SUPERVISION_NOTICE_WORKFLOW}'`,
    `${SA_PLAN_ID.name} = ${keyword(planId, 'plan id')}`,
  ];
  if (filters.state === 'open') parts.push(`ExecutionStatus = 'Running'`);
  if (filters.department) parts.push(`${SA_DEPARTMENTS.name} = ${keyword(filters.department, 'department')}`);
  if (filters.taskNumber !== undefined) {
    if (!Number.isInteger(filters.taskNumber)) throw new TaskListFilterError('task number must be an integer');
    parts.push(`${SA_TASK_NUMBER.name} = ${filters.taskNumber}`);
  }
  return parts.join(' AND ');
}

/** One execution's notice, from its memo; undefined when the memo is missing or not a notice. */
function noticeOf(info: WorkflowExecutionInfo): SupervisionNotice | undefined {
  const parsed = supervisionNoticeSchema.safeParse(info.memo?.[NOTICE_MEMO_KEY]);
  return parsed.success ? parsed.data : undefined;
}

/**
 * A plan's supervision notices, newest first (by the time they were issued, then number).
 * @throws the client's `ServiceError` when Temporal cannot be reached; TaskListFilterError for an unsafe filter.
 */
export async function listSupervisionNotices(
  client: Client,
  planId: string,
  filters: NoticeFilters,
): Promise<SupervisionNotice[]> {
  const notices: SupervisionNotice[] = [];
  for await (const info of client.workflow.list({ query: noticeQuery(planId, filters), pageSize: 1000 })) {
    const notice = noticeOf(info);
    if (notice) notices.push(notice);
  }
  return notices.sort((a, b) => b.issuedAt.localeCompare(a.issuedAt) || (b.serial ?? 0) - (a.serial ?? 0));
}
