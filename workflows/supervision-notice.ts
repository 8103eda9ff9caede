/**
 * Supervision notices (督办单). One workflow per notice, started by the key-task workflow when an escalation
 * reaches level 2 or higher (and abandoned by it, like a notification), and one numbering workflow per plan and
 * year that gives the notices their serials.
 *
 * **Why a numbering workflow.** Numbers must be unique and without gaps across the plan's tasks, whose
 * escalations fall due in parallel. A workflow handles its signals one at a time and keeps its counter in its
 * history, so two notices can never draw the same serial, a serial is drawn only by a notice that exists (gapless),
 * and a notice claiming again (a retried activity, a replayed notice) gets the serial it drew the first time. A
 * counter in a search attribute or a visibility count would race; the notice's own id cannot be a serial.
 */
import {
  condition,
  continueAsNew,
  log,
  proxyActivities,
  setHandler,
  upsertMemo,
  workflowInfo,
} from '@temporalio/workflow';
import { WorkflowExecutionAlreadyStartedError } from '@temporalio/common';
import type { Activities } from '../activities';
import type { Notification, SupervisionNotice, SupervisionNoticeInput, AnswerNoticeArgs } from '../contracts';
import {
  answerNoticeUpdate,
  claimNumberSignal,
  closeNoticeSignal,
  getNoticeQuery,
  isSealed,
  noticeNumberText,
  numberOfQuery,
  NOTICE_MEMO_KEY,
  type Actor,
} from '../contracts/shared';
import { deadlineEpoch, iso, localDate } from '../domain/calendar';
import { refuse, requireActor } from './key-task/requests';
import { startNotification } from './notification';

const { claimNoticeNumber } = proxyActivities<Activities>({
  startToCloseTimeout: '1 minute',
  retry: { initialInterval: '1 second', maximumInterval: '1 minute' },
});

/** The notice's record with the units still to answer derived. */
function withUnanswered(n: SupervisionNotice): SupervisionNotice {
  const answered = new Set(n.answers.map((a) => a.department));
  return { ...n, unanswered: n.units.filter((u) => !answered.has(u)) };
}

/**
 * Checks an answer: through the API by the coordinator of the unit, a unit the notice names, an open notice, a
 * text, and a date not before today.
 */
export function checkAnswer(notice: SupervisionNotice, args: AnswerNoticeArgs, now: number): void {
  requireActor(args, (a: Actor) => a.role === 'coordinator' && a.department === args.department, {
    zh: `代表 ${args.department} 答复督办单`,
    en: `answer the supervision notice for ${args.department}`,
  });
  if (notice.state === 'closed') {
    refuse(
      'NoticeClosed',
      `${notice.number ?? '督办单'}已办结，不再接受答复`,
      `supervision notice ${notice.number ?? notice.id} is closed and takes no more answers`,
    );
  }
  if (!notice.units.includes(args.department)) {
    refuse(
      'NotNamed',
      `${notice.number ?? '督办单'}未列 ${args.department}，该单位无需答复`,
      `supervision notice ${notice.number ?? notice.id} does not name ${args.department}`,
    );
  }
  if (!args.action.trim()) refuse('AnswerRequired', '请填写整改措施', 'an answer needs what the unit will do');
  const today = localDate(now, notice.utcOffset);
  if (!/^\d{4}-\d{2}-\d{2}$/.test(args.by) || args.by < today) {
    refuse(
      'InvalidAnswerDate',
      `完成日期须不早于今天 ${today}`,
      `the date it will be done by must not be before today, ${today}`,
    );
  }
}

/**
 * One supervision notice: numbered, sent to the units it names, answered by them, shown as overdue and told to the
 * supervision office when its answer date passes with a unit unanswered, closed when its escalation closes.
 */
export async function supervisionNoticeWorkflow(input: SupervisionNoticeInput): Promise<SupervisionNotice> {
  let notice: SupervisionNotice = withUnanswered({
    ...input,
    year: Number(input.issuedOn.slice(0, 4)),
    serial: null,
    number: null,
    state: 'open',
    answers: [],
    unanswered: [],
    overdue: false,
  });
  const publish = () => upsertMemo({ [NOTICE_MEMO_KEY]: notice });
  setHandler(getNoticeQuery, () => notice);
  setHandler(
    answerNoticeUpdate,
    (args) => {
      const answer = {
        department: args.department,
        action: args.action.trim(),
        by: args.by,
        person: args.person,
        at: iso(Date.now()),
        ...(args.actor ? { actor: args.actor } : {}),
      };
      notice = withUnanswered({
        ...notice,
        answers: [...notice.answers.filter((a) => a.department !== args.department), answer],
      });
      if (notice.state === 'open' && notice.unanswered.length === 0) notice = { ...notice, state: 'answered' };
      publish();
      return notice;
    },
    { validator: (args) => checkAnswer(notice, args, Date.now()) },
  );
  setHandler(closeNoticeSignal, (args) => {
    // Only the task, through the project's codec, closes a notice: a signal typed into the CLI is ignored.
    if (!isSealed(args)) return log.warn('closeNotice ignored: not sealed by the duban codec');
    if (notice.state === 'closed') return;
    const superseded = args.supersededBy ? { supersededBy: args.supersededBy } : {};
    notice = { ...notice, state: 'closed', closedAt: iso(Date.now()), closedBy: args.closedBy, ...superseded };
    publish();
  });
  publish();

  const serial = await claimNoticeNumber({ planId: input.planId, year: notice.year, noticeId: input.id });
  notice = { ...notice, serial, number: noticeNumberText(notice.year, serial) };
  publish();
  await tell('supervision-notice', input.units, notice);

  const answerDeadline = deadlineEpoch(input.answerBy, input.utcOffset);
  const settled = await condition(() => notice.state !== 'open', Math.max(1, answerDeadline - Date.now()));
  if (!settled) {
    notice = { ...notice, overdue: true };
    publish();
    await tell('supervision-overdue', input.overdueTo, notice);
  }
  await condition(() => notice.state === 'closed');
  return notice;
}

/** Starts the delivery of one notification about the notice (its id is the notice's and the kind's: sent once). */
async function tell(
  kind: 'supervision-notice' | 'supervision-overdue',
  to: string[],
  notice: SupervisionNotice,
): Promise<void> {
  const n: Notification = {
    id: `${notice.id}/${kind}`,
    kind,
    planId: notice.planId,
    workflowId: notice.taskWorkflowId,
    taskNumber: notice.taskNumber,
    taskTitle: notice.taskTitle,
    milestoneId: notice.milestoneId,
    milestoneTitle: notice.milestoneTitle,
    departments: [...new Set(to)],
    pendingDepartments: notice.unanswered,
    dueDate: notice.dueDate,
    at: iso(Date.now()),
    level: notice.level,
    daysLate: notice.daysLate,
    noticeNumber: notice.number ?? undefined,
    answerBy: notice.answerBy,
  };
  try {
    await startNotification(n);
  } catch (err) {
    if (!(err instanceof WorkflowExecutionAlreadyStartedError)) throw err;
  }
}

/** The numbering workflow's state: the next serial and the serial of every notice numbered this year. */
export interface NoticeNumbers {
  next: number;
  given: Record<string, number>;
}

/**
 * Numbers a plan's supervision notices of one year, 1, 2, 3 … in the order their claims arrive. Runs for as long
 * as the plan does (continuing as new with its counter when its history grows long).
 */
export async function noticeNumbersWorkflow(carried?: NoticeNumbers): Promise<never> {
  const state: NoticeNumbers = carried ?? { next: 1, given: {} };
  let claims = 0;
  setHandler(claimNumberSignal, (args) => {
    // Only a notice, through the project's codec, claims: a signal typed into the CLI would leave a gap.
    if (!isSealed(args)) return log.warn('claimNumber ignored: not sealed by the duban codec');
    if (state.given[args.noticeId] !== undefined) return;
    state.given[args.noticeId] = state.next++;
    claims++;
  });
  setHandler(numberOfQuery, (noticeId) => state.given[noticeId] ?? null);
  for (;;) {
    const seen = claims;
    await condition(() => claims !== seen || workflowInfo().continueAsNewSuggested);
    if (workflowInfo().continueAsNewSuggested) await continueAsNew<typeof noticeNumbersWorkflow>(state);
  }
}
