/**
 * What the fault tests share: the process stack with the webhook receiver of support/ (which can go down and
 * come back on the same port), a client that signs off the way a careful user's browser would (retrying an
 * unanswered request with the same `Idempotency-Key`), the update id the API derives from that key, and
 * reading tasks back with the notifications they decided.
 */
import { createHash } from 'node:crypto';
import {
  keyTaskWorkflowId,
  SUPERVISION_NOTICE_LEVEL,
  supervisionNoticeId,
  type KeyTaskView,
  type PlanFile,
} from '../../contracts';
import { hashToken } from '../../api/auth/tokens';
import { apiRequest, type ApiAnswer } from '../../support/api-request';
import type { DemoTokens } from '../../support/demo-tokens';
import { createProcessStack, type ProcessStack } from '../../support/process-stack';
import { startWebhookReceiver, type WebhookReceiver } from '../../support/webhook-receiver';

/** What a fault test runs against: the embedded default as processes, and the receiver of its webhooks. */
export interface FaultStack {
  stack: ProcessStack;
  receiver: WebhookReceiver;
  tokens: DemoTokens;
  /** Stops every process and the receiver, and removes the stack's folder. */
  dispose(): Promise<void>;
}

/** The secret the fault stacks' worker signs webhooks with, and their receiver checks. */
const FAULT_SECRET = 'fault-test-secret';

/**
 * Starts a webhook receiver, then the dev server, a worker posting every notification to that receiver
 * (signed), and the API, each its own process; with `plan`, worker and API load it instead of the 2016 plan.
 * `onStarted` gets the fault stack as soon as there is something to dispose of, so that a failed start is
 * cleaned up too.
 */
export async function startFaultStack(
  label: string,
  onStarted: (fault: FaultStack) => void,
  plan?: PlanFile,
): Promise<FaultStack> {
  const receiver = await startWebhookReceiver(FAULT_SECRET);
  const stack = await createProcessStack({
    label,
    plan,
    workerEnv: { WEBHOOK_URL: `${receiver.url}/hook`, WEBHOOK_SECRET: FAULT_SECRET },
  });
  const fault: FaultStack = {
    stack,
    receiver,
    get tokens() {
      return stack.tokens();
    },
    async dispose() {
      await stack.dispose();
      await receiver.close();
    },
  };
  onStarted(fault);
  await stack.startServer();
  await stack.startWorker();
  await stack.startApi();
  return fault;
}

/** The update id the API makes from an `Idempotency-Key` (see api/idempotency.ts): caller, path and key. */
export function updateIdFor(token: string, path: string, key: string): string {
  const digest = createHash('sha256')
    .update(`${hashToken(token)}\nPOST ${path}\n${key}`)
    .digest('hex');
  return `idem-${digest.slice(0, 40)}`;
}

/** A sign-off request and what finally came of it. */
export interface SignOffAttempt {
  task: number;
  milestoneId: string;
  department: string;
  token: string;
  key: string;
  decision?: 'approve' | 'reject';
  comment?: string;
  /** The work item signed (see domain/plan.ts `milestoneActs`); without it, all the unit may sign now. */
  workItem?: number;
  /** The final answer (after retries of unanswered requests); undefined while not yet sent. */
  final?: ApiAnswer;
  /** How many times it was sent. */
  tries: number;
  /** Statuses of the tries that were retried (5xx, or no answer as 0). */
  retried: number[];
}

/** The path of a sign-off. */
export function signOffPath(task: number, milestoneId: string): string {
  return `/api/tasks/${task}/milestones/${milestoneId}/sign-offs`;
}

/**
 * Sends a sign-off until it gets a definite answer (2xx or 4xx), resending the same `Idempotency-Key` after a
 * 5xx or a dropped connection, as the API documentation tells clients to, for at most `giveUpMs`.
 */
export async function signOffWithRetry(apiUrl: string, a: SignOffAttempt, giveUpMs = 120_000): Promise<void> {
  const deadline = Date.now() + giveUpMs;
  for (;;) {
    a.tries++;
    let answer: ApiAnswer;
    try {
      answer = await apiRequest(
        apiUrl,
        'POST',
        signOffPath(a.task, a.milestoneId),
        a.token,
        {
          department: a.department,
          decision: a.decision ?? 'approve',
          ...(a.comment ? { comment: a.comment } : {}),
          ...(a.workItem !== undefined ? { workItem: a.workItem } : {}),
        },
        { 'Idempotency-Key': a.key },
      );
    } catch {
      answer = { status: 0, body: undefined };
    }
    if (answer.status >= 200 && answer.status < 500) {
      a.final = answer;
      return;
    }
    a.retried.push(answer.status);
    if (Date.now() > deadline) {
      a.final = answer;
      return;
    }
    await new Promise((r) => setTimeout(r, 1_000));
  }
}

/** A task's full state through the API. @throws when the API does not answer 200. */
export async function taskView(apiUrl: string, token: string, task: number): Promise<KeyTaskView> {
  const answer = await apiRequest(apiUrl, 'GET', `/api/tasks/${task}`, token);
  if (answer.status !== 200) throw new Error(`GET /api/tasks/${task}: ${answer.status} ${JSON.stringify(answer.body)}`);
  return answer.body as KeyTaskView;
}

/** Every sign-off record of a milestone (all rounds), as the workflow holds them. */
export function signOffRecords(view: KeyTaskView, milestoneId: string) {
  return view.milestones.find((m) => m.id === milestoneId)?.rounds.flatMap((r) => r.signOffs) ?? [];
}

/**
 * The ids of every notification a task decided: those in its record, and the one each supervision notice (督办单)
 * it issued sends to the units it names (from level 2 of each escalation, `<notice id>/supervision-notice`).
 */
export function decidedNotifications(view: KeyTaskView): string[] {
  const notices = view.escalations.flatMap((e) =>
    e.levels
      .filter((l) => l.level >= SUPERVISION_NOTICE_LEVEL)
      .map(
        (l) =>
          `${supervisionNoticeId(keyTaskWorkflowId(view.planId, view.taskNumber), e.milestoneId, e.dueDate, l.level)}/supervision-notice`,
      ),
  );
  return [...view.notifications.map((n) => n.id), ...notices];
}
