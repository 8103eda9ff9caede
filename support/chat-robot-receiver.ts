/**
 * Real HTTP stand-ins on loopback for the two group chat robot services, answering as they do: HTTP 200 with
 * `{"errcode":…,"errmsg":…}` in the body. The 企业微信 (WeCom) group robot at `/cgi-bin/webhook/send?key=…`
 * checks the key and the markdown message (`msgtype` markdown, `markdown.content` a non-empty string of at
 * most 4096 UTF-8 bytes); the 钉钉 (DingTalk) custom robot at `/robot/send?access_token=…` checks the token,
 * the 加签 signature (`timestamp` in ms within an hour of its clock, `sign` = base64 HMAC-SHA256 of
 * `timestamp\nsecret` keyed with the secret) and the markdown message (`markdown.title` and `markdown.text`).
 * Each check is written here from the services' documentation, independently of the project's code.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** How far DingTalk lets a signed timestamp be from its own clock. */
export const DINGTALK_WINDOW_MS = 60 * 60_000;

/** One message a robot got. */
export interface RobotMessage {
  channel: 'wecom' | 'dingtalk';
  /** The WeCom `key` or the DingTalk `access_token`. */
  robot: string;
  body: Record<string, unknown>;
  /** The `errcode` answered (0: accepted). */
  errcode: number;
  errmsg: string;
}

/** A running pair of robot services. */
export interface ChatRobotReceiver {
  /** The webhook URL of a WeCom group robot with this key (any key the test registered with `wecomKeys`). */
  wecomUrl(key: string): string;
  /** The webhook URL of a DingTalk robot with this access token (without the signature). */
  dingtalkUrl(token: string): string;
  /** Every message, in arrival order, accepted or not. */
  readonly messages: RobotMessage[];
  /** The messages answered `errcode` 0. */
  accepted(): RobotMessage[];
  /**
   * Answers the next `n` otherwise accepted messages (to `robot` only, when given: a WeCom key or a DingTalk
   * token) with this errcode (e.g. a rate limit: WeCom 45009, DingTalk 410100).
   */
  failNext(n: number, errcode: number, errmsg: string, robot?: string): void;
  close(): Promise<void>;
}

/** The robots a receiver knows: WeCom keys, DingTalk access tokens with their `SEC…` secrets. */
export interface ChatRobotOptions {
  wecomKeys: string[];
  dingtalk: Record<string, string>;
}

function readJson(raw: string): Record<string, unknown> | undefined {
  try {
    const v = JSON.parse(raw) as unknown;
    return v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

function markdownOf(body: Record<string, unknown> | undefined): Record<string, unknown> | undefined {
  const md = body?.markdown;
  return body?.msgtype === 'markdown' && md && typeof md === 'object' ? (md as Record<string, unknown>) : undefined;
}

/** The WeCom robot's verdict on a request: errcode and errmsg as the service answers them. */
function wecomVerdict(keys: Set<string>, url: URL, body: Record<string, unknown> | undefined): [number, string] {
  if (!keys.has(url.searchParams.get('key') ?? '')) return [93000, 'invalid webhook url'];
  if (!body) return [40058, 'invalid json'];
  const md = markdownOf(body);
  if (!md) return [40008, 'invalid message type'];
  const content = md.content;
  if (typeof content !== 'string' || content === '') return [44004, 'empty content'];
  if (Buffer.byteLength(content, 'utf8') > 4096) return [40058, 'markdown.content exceed max length 4096'];
  return [0, 'ok'];
}

/** Whether `sign` is DingTalk's signature of `timestamp` with `secret`. */
function dingtalkSignOk(secret: string, timestamp: string, sign: string): boolean {
  const expected = Buffer.from(createHmac('sha256', secret).update(`${timestamp}\n${secret}`).digest('base64'));
  const given = Buffer.from(sign);
  return given.length === expected.length && timingSafeEqual(given, expected);
}

/** The DingTalk robot's verdict on a request. */
function dingtalkVerdict(
  robots: Record<string, string>,
  url: URL,
  body: Record<string, unknown> | undefined,
): [number, string] {
  const secret = robots[url.searchParams.get('access_token') ?? ''];
  if (!secret) return [300001, 'token is not exist'];
  const timestamp = url.searchParams.get('timestamp') ?? '';
  const sign = url.searchParams.get('sign') ?? '';
  if (!/^\d{13}$/.test(timestamp) || Math.abs(Date.now() - Number(timestamp)) > DINGTALK_WINDOW_MS) {
    return [310000, 'invalid timestamp'];
  }
  if (!dingtalkSignOk(secret, timestamp, sign)) return [310000, 'sign not match'];
  const md = markdownOf(body);
  if (!md) return [400105, 'unsupported message type'];
  if (typeof md.title !== 'string' || md.title === '' || typeof md.text !== 'string' || md.text === '') {
    return [400105, 'markdown needs title and text'];
  }
  return [0, 'ok'];
}

/** Starts both robot services on 127.0.0.1 and a free port. Unknown paths answer 404. */
export async function startChatRobotReceiver(options: ChatRobotOptions): Promise<ChatRobotReceiver> {
  const messages: RobotMessage[] = [];
  const keys = new Set(options.wecomKeys);
  let failing: { n: number; errcode: number; errmsg: string; robot?: string } = { n: 0, errcode: 0, errmsg: '' };
  const handle = (req: IncomingMessage, res: ServerResponse): void => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const url = new URL(req.url ?? '/', 'http://robot.local');
      const channel =
        url.pathname === '/cgi-bin/webhook/send' ? 'wecom' : url.pathname === '/robot/send' ? 'dingtalk' : undefined;
      if (!channel || req.method !== 'POST') {
        res.writeHead(404).end();
        return;
      }
      const body = readJson(Buffer.concat(chunks).toString('utf8'));
      let [errcode, errmsg] =
        channel === 'wecom' ? wecomVerdict(keys, url, body) : dingtalkVerdict(options.dingtalk, url, body);
      const robot = url.searchParams.get(channel === 'wecom' ? 'key' : 'access_token') ?? '';
      if (errcode === 0 && failing.n > 0 && (failing.robot === undefined || failing.robot === robot)) {
        failing.n--;
        [errcode, errmsg] = [failing.errcode, failing.errmsg];
      }
      messages.push({
        channel,
        robot,
        body: body ?? {},
        errcode,
        errmsg,
      });
      res.writeHead(200, { 'Content-Type': 'application/json' }).end(JSON.stringify({ errcode, errmsg }));
    });
  };
  const server = createServer(handle);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    wecomUrl: (key) => `${base}/cgi-bin/webhook/send?key=${encodeURIComponent(key)}`,
    dingtalkUrl: (token) => `${base}/robot/send?access_token=${encodeURIComponent(token)}`,
    messages,
    accepted: () => messages.filter((m) => m.errcode === 0),
    failNext: (n, errcode, errmsg, robot) => {
      failing = { n, errcode, errmsg, ...(robot !== undefined ? { robot } : {}) };
    },
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
