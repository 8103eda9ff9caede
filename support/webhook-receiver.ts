/**
 * A real HTTP receiver on loopback for webhooks: it verifies each request's `X-Signature` against the raw
 * body, as a real receiver must, and records it. It can answer 503 to its next requests (an outage that
 * answers), hold its answers (a slow receiver), and stop and start listening on the same port (an outage
 * that refuses connections). The one webhook receiver of tests.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One request the receiver got. */
export interface WebhookRequest {
  path: string;
  notificationId: string | undefined;
  /** Whether `X-Signature` was the HMAC-SHA256 of the raw body with the shared secret. */
  signatureValid: boolean;
  body: Record<string, unknown>;
  /** The status it answered; undefined while held, or when the sender had gone before the answer. */
  status: number | undefined;
}

/** A running receiver. */
export interface WebhookReceiver {
  /** Base URL, e.g. `http://127.0.0.1:41234` (append any path: it is recorded). */
  readonly url: string;
  /** Every request, in arrival order. */
  readonly requests: WebhookRequest[];
  /** Requests answered 2xx (deliveries that counted), in arrival order; a re-delivery appears twice. */
  accepted(): WebhookRequest[];
  /** `X-Notification-Id` of every request answered 2xx, in arrival order. */
  acceptedIds(): string[];
  /** `X-Notification-Id` of every correctly signed request as it arrived, answered or not. */
  receivedIds(): string[];
  /** Answers 503 to the next `n` requests (`Infinity`: until told otherwise with `failNext(0)`). */
  failNext(n: number): void;
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

/**
 * Whether an `X-Signature` header is `sha256=<hex HMAC-SHA256 of the raw body>` with `secret`, checked the
 * way a receiver would, independently of the project's own signing code.
 */
export function signatureIsValid(raw: Buffer, header: string | string[] | undefined, secret: string): boolean {
  const expected = Buffer.from(`sha256=${createHmac('sha256', secret).update(raw).digest('hex')}`);
  const given = Buffer.from(String(header ?? ''));
  return given.length === expected.length && timingSafeEqual(given, expected);
}

/**
 * Starts a receiver on 127.0.0.1 and a free port that checks signatures with `secret`: 204 for a valid
 * signature, 401 for an invalid one, 503 while told to fail.
 */
export async function startWebhookReceiver(secret: string): Promise<WebhookReceiver> {
  const requests: WebhookRequest[] = [];
  let failing = 0;
  let server: Server | undefined;
  let port = 0;
  const handle = (req: IncomingMessage, res: ServerResponse): void => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const raw = Buffer.concat(chunks);
      const signatureValid = signatureIsValid(raw, req.headers['x-signature'], secret);
      const status = failing > 0 ? 503 : signatureValid ? 204 : 401;
      if (failing > 0) failing--;
      let body: Record<string, unknown> = {};
      try {
        body = JSON.parse(raw.toString('utf8')) as Record<string, unknown>;
      } catch {
        // not JSON: recorded with an empty body
      }
      const request: WebhookRequest = {
        path: req.url ?? '',
        notificationId: req.headers['x-notification-id'] as string | undefined,
        signatureValid,
        body,
        status: undefined,
      };
      requests.push(request);
      const answer = (): void => {
        if (req.socket.destroyed) return;
        request.status = status;
        res.writeHead(status).end();
      };
      if (receiver.holdMs > 0) setTimeout(answer, receiver.holdMs);
      else answer();
    });
  };
  const up = async (): Promise<void> => {
    const s = createServer(handle);
    await new Promise<void>((resolve, reject) => {
      s.once('error', reject);
      s.listen(port, '127.0.0.1', () => resolve());
    });
    port = (s.address() as AddressInfo).port;
    server = s;
  };
  const down = async (): Promise<void> => {
    const s = server;
    server = undefined;
    if (!s) return;
    s.closeAllConnections();
    await new Promise<void>((resolve) => s.close(() => resolve()));
  };
  const accepted = (): WebhookRequest[] => requests.filter((r) => r.status !== undefined && r.status < 300);
  const receiver: WebhookReceiver = {
    url: '',
    requests,
    accepted,
    acceptedIds: () => accepted().map((r) => String(r.notificationId)),
    receivedIds: () => requests.filter((r) => r.signatureValid).map((r) => String(r.notificationId)),
    failNext: (n) => {
      failing = n;
    },
    holdMs: 0,
    down,
    up,
    close: down,
  };
  await up();
  return Object.assign(receiver, { url: `http://127.0.0.1:${port}` });
}
