/**
 * A real SMTP server on loopback (the `smtp-server` package) that keeps every message it accepts, decoded
 * enough for tests to read: envelope recipients, headers, subject, and the text and HTML parts. It can
 * refuse chosen addresses with a permanent 550, like a server that has no such mailbox, and ask for a user
 * name and password (AUTH PLAIN/LOGIN). It never offers STARTTLS: a client that requires TLS must refuse it.
 */
import { SMTPServer } from 'smtp-server';
import type { AddressInfo } from 'node:net';

/** One accepted message. */
export interface ReceivedMail {
  /** RCPT TO addresses. */
  to: string[];
  headers: Map<string, string>;
  subject: string;
  text: string;
  html: string;
}

/** A running mail sink. */
export interface MailSink {
  port: number;
  mails: ReceivedMail[];
  /** The user names that authenticated, in order (only with the `auth` option). */
  logins: string[];
  close(): Promise<void>;
}

function decodeWords(value: string): string {
  return value
    .replace(/\?=\s+=\?/g, '?==?')
    .replace(/=\?([^?]+)\?([BbQq])\?([^?]*)\?=/g, (_all, _charset: string, enc: string, data: string) =>
      enc.toUpperCase() === 'B'
        ? Buffer.from(data, 'base64').toString('utf8')
        : Buffer.from(
            data
              .replace(/_/g, ' ')
              .replace(/=([0-9A-Fa-f]{2})/g, (_m, h: string) => String.fromCharCode(parseInt(h, 16))),
            'latin1',
          ).toString('utf8'),
    );
}

function splitHeaders(raw: string): { headers: Map<string, string>; body: string } {
  const at = raw.indexOf('\r\n\r\n');
  const head = raw.slice(0, at).replace(/\r\n[ \t]+/g, ' ');
  const headers = new Map<string, string>();
  for (const line of head.split('\r\n')) {
    const colon = line.indexOf(':');
    if (colon > 0) headers.set(line.slice(0, colon).toLowerCase(), line.slice(colon + 1).trim());
  }
  return { headers, body: raw.slice(at + 4) };
}

function decodeBody(headers: Map<string, string>, body: string): string {
  const enc = (headers.get('content-transfer-encoding') ?? '').toLowerCase();
  if (enc === 'base64') return Buffer.from(body.replace(/\s+/g, ''), 'base64').toString('utf8');
  return body;
}

/** Parses a raw message into a {@link ReceivedMail} (text/HTML parts of a multipart/alternative or a single part). */
export function parseMail(raw: string, to: string[]): ReceivedMail {
  const { headers, body } = splitHeaders(raw);
  let text = '';
  let html = '';
  const boundary = /boundary="?([^";]+)"?/.exec(headers.get('content-type') ?? '')?.[1];
  const parts = boundary
    ? body
        .split(`--${boundary}`)
        .slice(1, -1)
        .map((p) => splitHeaders(p.replace(/^\r\n/, '')))
    : [{ headers, body }];
  for (const part of parts) {
    const type = part.headers.get('content-type') ?? 'text/plain';
    if (type.startsWith('text/plain')) text = decodeBody(part.headers, part.body);
    if (type.startsWith('text/html')) html = decodeBody(part.headers, part.body);
  }
  return { to, headers, subject: decodeWords(headers.get('subject') ?? ''), text, html };
}

/**
 * Starts the sink on 127.0.0.1 and a free port. `reject` addresses are refused with 550 at RCPT TO. With
 * `auth`, a client must log in with exactly that user name and password (535 otherwise) before sending.
 */
export async function startMailSink(
  options: { reject?: string[]; auth?: { user: string; pass: string } } = {},
): Promise<MailSink> {
  const mails: ReceivedMail[] = [];
  const logins: string[] = [];
  const reject = new Set((options.reject ?? []).map((a) => a.toLowerCase()));
  const auth = options.auth;
  const server = new SMTPServer({
    authOptional: !auth,
    disabledCommands: auth ? ['STARTTLS'] : ['STARTTLS', 'AUTH'],
    // Loopback only: the password may travel in clear here (a real server would require TLS first).
    allowInsecureAuth: true,
    authMethods: ['PLAIN', 'LOGIN'],
    onAuth(login, _session, callback) {
      if (auth && login.username === auth.user && login.password === auth.pass) {
        logins.push(login.username ?? '');
        callback(null, { user: login.username });
        return;
      }
      callback(Object.assign(new Error('5.7.8 Authentication credentials invalid'), { responseCode: 535 }));
    },
    logger: false,
    onRcptTo(address, _session, callback) {
      if (reject.has(address.address.toLowerCase())) {
        const err = Object.assign(new Error(`5.1.1 <${address.address}>: no such mailbox`), { responseCode: 550 });
        callback(err);
        return;
      }
      callback();
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        mails.push(
          parseMail(
            Buffer.concat(chunks).toString('utf8'),
            session.envelope.rcptTo.map((r) => r.address),
          ),
        );
        callback();
      });
    },
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const port = ((server as unknown as { server: { address(): AddressInfo } }).server.address() as AddressInfo).port;
  return { port, mails, logins, close: () => new Promise((resolve) => server.close(() => resolve())) };
}
