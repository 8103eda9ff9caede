/**
 * A real HTTP receiver on loopback for webhooks: it verifies each request's Standard Webhooks signature with
 * the `standardwebhooks` library (the one receivers are told to use: it also refuses a timestamp more than
 * five minutes off, i.e. a replayed call) and the older `X-Signature` against the raw body, as a real
 * receiver must, and records it. It can answer 503 to its next requests (an outage that answers), redirect
 * them elsewhere, hold its answers (a slow receiver), and stop and start listening on the same port (an
 * outage that refuses connections). The one webhook receiver of tests.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Webhook } from 'standardwebhooks';

/** One request the receiver got. */
export interface WebhookRequest {
  path: string;
  notificationId: string | undefined;
  /** Whether `X-Signature` was the HMAC-SHA256 of the raw body with the shared secret. */
  signatureValid: boolean;
  /** Whether the `standardwebhooks` library accepted `webhook-id`, `webhook-timestamp` and `webhook-signature`. */
  standardValid: boolean;
  /** The library's refusal, e.g. `Message timestamp too old`, `No matching signature found`. */
  standardError?: string;
  /** The `webhook-id`, `webhook-timestamp` and `webhook-signature` headers as received. */
  standardHeaders: Record<string, string>;
  /** The raw body, as received (to replay it). */
  raw: string;
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
  /** `X-Notification-Id` of every correctly signed request (both signatures) as it arrived, answered or not. */
  receivedIds(): string[];
  /** Answers 503 to the next `n` requests (`Infinity`: until told otherwise with `failNext(0)`). */
  failNext(n: number): void;
  /** When set, every request is answered `307` with this `Location` (a receiver that moved). */
  redirectTo: string | undefined;
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
 * Checks the Standard Webhooks headers with the `standardwebhooks` library, keyed as the README tells
 * receivers: a `whsec_` secret as it is, any other (older) secret as its raw UTF-8 bytes.
 * @returns undefined when valid, else the library's refusal.
 */
export function standardRefusal(raw: Buffer, headers: Record<string, string>, secret: string): string | undefined {
  try {
    const wh = secret.startsWith('whsec_')
      ? new Webhook(secret)
      : new Webhook(Buffer.from(secret, 'utf8'), { format: 'raw' });
    wh.verify(raw, headers);
    return undefined;
  } catch (err) {
    return (err as Error).message;
  }
}

/**
 * Starts a receiver on 127.0.0.1 and a free port that checks signatures with `secret`: 204 when both
 * signatures are valid, 401 otherwise, 503 while told to fail, 307 while told to redirect.
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
      const standardHeaders: Record<string, string> = {};
      for (const name of ['webhook-id', 'webhook-timestamp', 'webhook-signature']) {
        const value = req.headers[name];
        if (typeof value === 'string') standardHeaders[name] = value;
      }
      const standardError = standardRefusal(raw, standardHeaders, secret);
      const standardValid = standardError === undefined;
      const redirect = receiver.redirectTo;
      const status = failing > 0 ? 503 : redirect ? 307 : signatureValid && standardValid ? 204 : 401;
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
        standardValid,
        ...(standardError !== undefined ? { standardError } : {}),
        standardHeaders,
        raw: raw.toString('utf8'),
        body,
        status: undefined,
      };
      requests.push(request);
      const answer = (): void => {
        if (req.socket.destroyed) return;
        request.status = status;
        res.writeHead(status, status === 307 && redirect ? { Location: redirect } : {}).end();
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
    receivedIds: () => requests.filter((r) => r.signatureValid && r.standardValid).map((r) => String(r.notificationId)),
    failNext: (n) => {
      failing = n;
    },
    redirectTo: undefined,
    holdMs: 0,
    down,
    up,
    close: down,
  };
  await up();
  return Object.assign(receiver, { url: `http://127.0.0.1:${port}` });
}
