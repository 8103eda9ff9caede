/**
 * What the fault tests share: a webhook receiver that can go down and come back on the same port, a client
 * that signs off the way a careful user's browser would (retrying an unanswered request with the same
 * `Idempotency-Key`), the update id the API derives from that key, and reading tasks back.
 */
import { createHash } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { KeyTaskView, PlanFile } from '../../contracts';
import { hashToken } from '../../api/auth/tokens';
import { apiRequest, type ApiAnswer } from '../../bench/measure';
import { createProcessStack, type DemoTokens, type ProcessStack } from '../../bench/processes';
import { signatureIsValid } from '../helpers/webhook-receiver';

/** What a fault test runs against: the embedded default as processes, and the receiver of its webhooks. */
export interface FaultStack {
  stack: ProcessStack;
  receiver: FlakyReceiver;
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
  const receiver = await startFlakyReceiver(FAULT_SECRET);
  const stack = await createProcessStack({
    label,
    plan,
    workerEnv: { WEBHOOK_URL: receiver.url, WEBHOOK_SECRET: FAULT_SECRET },
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

/** A webhook receiver on loopback whose port survives {@link FlakyReceiver.down} / {@link FlakyReceiver.up}. */
export interface FlakyReceiver {
  readonly url: string;
  /** `X-Notification-Id` of every request answered 2xx, in arrival order (a re-delivery appears twice). */
  readonly accepted: string[];
  /** `X-Notification-Id` of every correctly signed request as it arrives, answered or not. */
  readonly received: string[];
  /**
   * How long to hold each answer (default 0). A request whose sender is gone by then is not answered, and
   * not counted as accepted: it never reached its sender as delivered.
   */
  holdMs: number;
  /** Stops listening: connections are refused, as when the receiving system is down. */
  down(): Promise<void>;
  /** Listens again on the same port. */
  up(): Promise<void>;
  close(): Promise<void>;
}

/** Starts a receiver that checks each request's HMAC signature with `secret` (401 when it does not match). */
export async function startFlakyReceiver(secret: string): Promise<FlakyReceiver> {
  const accepted: string[] = [];
  const received: string[] = [];
  let server: Server | undefined;
  let port = 0;
  const listen = async (): Promise<void> => {
    const s = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const raw = Buffer.concat(chunks);
        const ok = signatureIsValid(raw, req.headers['x-signature'], secret);
        const id = String(req.headers['x-notification-id']);
        if (ok) received.push(id);
        const answer = () => {
          if (req.socket.destroyed) return;
          if (ok) accepted.push(id);
          res.writeHead(ok ? 204 : 401).end();
        };
        if (receiver.holdMs > 0) setTimeout(answer, receiver.holdMs);
        else answer();
      });
    });
    await new Promise<void>((resolve, reject) => {
      s.once('error', reject);
      s.listen(port, '127.0.0.1', () => resolve());
    });
    port = (s.address() as AddressInfo).port;
    server = s;
  };
  const stop = async (): Promise<void> => {
    const s = server;
    server = undefined;
    if (!s) return;
    s.closeAllConnections();
    await new Promise<void>((resolve) => s.close(() => resolve()));
  };
  const receiver: FlakyReceiver = {
    url: '',
    accepted,
    received,
    holdMs: 0,
    down: stop,
    up: listen,
    close: stop,
  };
  await listen();
  return Object.assign(receiver, { url: `http://127.0.0.1:${port}/hook` });
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
        { department: a.department, decision: a.decision ?? 'approve', ...(a.comment ? { comment: a.comment } : {}) },
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
