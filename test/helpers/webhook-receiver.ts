/**
 * A real HTTP receiver on loopback for webhook tests: it verifies each request's `X-Signature` against the
 * raw body, as a real receiver must, records it, and can answer 503 to its first requests (an outage).
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One request the receiver got. */
export interface WebhookRequest {
  path: string;
  notificationId: string | undefined;
  /** Whether `X-Signature` was the HMAC-SHA256 of the raw body with the shared secret. */
  signatureValid: boolean;
  body: Record<string, unknown>;
  /** The status it answered. */
  status: number;
}

/** A running receiver. */
export interface WebhookReceiver {
  /** Base URL, e.g. `http://127.0.0.1:41234`. */
  url: string;
  requests: WebhookRequest[];
  /** Requests answered 2xx (deliveries that counted). */
  accepted(): WebhookRequest[];
  /** Answers 503 to the next `n` requests. */
  failNext(n: number): void;
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

/** Starts a receiver on 127.0.0.1 and a free port that checks signatures with `secret`. */
export async function startWebhookReceiver(secret: string): Promise<WebhookReceiver> {
  const requests: WebhookRequest[] = [];
  let failing = 0;
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const raw = Buffer.concat(chunks);
      const signatureValid = signatureIsValid(raw, req.headers['x-signature'], secret);
      const status = failing > 0 ? 503 : signatureValid ? 204 : 401;
      if (failing > 0) failing--;
      requests.push({
        path: req.url ?? '',
        notificationId: req.headers['x-notification-id'] as string | undefined,
        signatureValid,
        body: JSON.parse(raw.toString('utf8')) as Record<string, unknown>,
        status,
      });
      res.writeHead(status).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    accepted: () => requests.filter((r) => r.status >= 200 && r.status < 300),
    failNext: (n) => {
      failing = n;
    },
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
