/**
 * The group chat channels: a 企业微信 (WeCom) group robot and a 钉钉 (DingTalk) custom robot with 加签
 * (signed) security. Each gets the notification as a markdown message in its service's own format, with the
 * words of every other channel (`message-text.ts`): task, milestone, due date, pending units, days late and
 * the link. Both services answer HTTP 200 with `errcode` in the JSON body; `errcode` 0 is delivered, any
 * other is a failed attempt, retried unless the code says the robot's configuration is wrong (see
 * {@link PERMANENT_ROBOT_ERRCODES}).
 */
import { createHmac } from 'node:crypto';
import type { Notification } from '../contracts';
import type { RobotChannel } from './delivery-plan';
import { messageText, type TextContext } from './message-text';
import { postJson, WebhookStatusError } from './webhook';

/** The most a WeCom markdown `content` may hold, in UTF-8 bytes (the service's documented limit). */
export const WECOM_MAX_BYTES = 4096;
/** What this project sends at most as a DingTalk markdown `text`, in UTF-8 bytes (the service allows more). */
export const DINGTALK_MAX_BYTES = 4096;
/** A fact's value is cut to this many characters in a chat message (a long comment stays readable). */
const MAX_VALUE_CHARS = 300;

/**
 * The `errcode`s that mean the robot's configuration is wrong, so retrying cannot help: the delivery fails
 * at once (non-retryable) and the log says why. Every other non-zero code (rate limits such as WeCom 45009 and
 * DingTalk 410100, "system busy" -1, codes not listed) is retried under the delivery plan.
 * - WeCom: 93000 invalid webhook URL (wrong or deleted `key`), 40008 message type not supported, 40058 a
 *   parameter invalid (e.g. content too long), 44004 empty content.
 * - DingTalk: 310000 security check failed (bad `sign`, timestamp outside the hour, keyword missing, address
 *   not allowed), 300001 and 400101 no such `access_token`, 400102 robot disabled, 400106 robot does not exist,
 *   400013 group dissolved, 400105 message type not supported, 430101–430104 content refused.
 */
export const PERMANENT_ROBOT_ERRCODES: Record<RobotChannel, ReadonlySet<number>> = {
  wecom: new Set([93000, 40008, 40058, 44004]),
  dingtalk: new Set([310000, 300001, 400101, 400102, 400106, 400013, 400105, 430101, 430102, 430103, 430104]),
};

/** A robot answered with a non-zero `errcode`; `permanent` when retrying cannot help. */
export class RobotError extends Error {
  constructor(
    readonly channel: RobotChannel,
    readonly errcode: number,
    errmsg: string,
    readonly permanent: boolean,
  ) {
    super(
      `${channel === 'wecom' ? '企业微信 WeCom' : '钉钉 DingTalk'} robot answered errcode ${errcode}: ${errmsg.slice(0, 200)}` +
        (permanent ? ' (a configuration error: not retried; check the robot URL and secret in CONTACTS_FILE)' : ''),
    );
    this.name = 'RobotError';
  }
}

/** A value made inert in markdown: no links, emphasis, HTML or line breaks of its own; cut when very long. */
function chatSafe(value: string): string {
  const flat = value
    .replace(/[\r\n]+/g, ' ')
    .replace(
      /[[\]<>*`_#]/g,
      (c) => ({ '[': '［', ']': '］', '<': '＜', '>': '＞', '*': '＊', '`': '｀', _: '＿', '#': '＃' })[c]!,
    );
  return flat.length > MAX_VALUE_CHARS ? `${flat.slice(0, MAX_VALUE_CHARS)}…` : flat;
}

/** `text` cut at a character boundary so that it holds at most `max` UTF-8 bytes. */
function fitBytes(text: string, max: number): string {
  if (Buffer.byteLength(text, 'utf8') <= max) return text;
  let out = '';
  let bytes = 0;
  for (const ch of text) {
    const b = Buffer.byteLength(ch, 'utf8');
    if (bytes + b > max - 3) break;
    out += ch;
    bytes += b;
  }
  return `${out}…`;
}

/** The message's lines (headline, English line, facts) and its link line, in that service's markdown. */
function lines(n: Notification, ctx: TextContext, quote: string): { head: string[]; link: string; subject: string } {
  const t = messageText(n, ctx);
  return {
    subject: t.subject,
    head: [
      `**${chatSafe(t.subject)}**`,
      chatSafe(t.headline),
      chatSafe(t.english),
      ...t.facts.map((f) => `${quote}${f.label}：${chatSafe(f.value)}`),
    ],
    link: `[查看任务 Open the task](${encodeURI(t.link)})`,
  };
}

/** The WeCom group robot body: `{"msgtype":"markdown","markdown":{"content":…}}`, content within 4096 bytes. Pure. */
export function wecomMessage(
  n: Notification,
  ctx: TextContext,
): { msgtype: 'markdown'; markdown: { content: string } } {
  const { head, link } = lines(n, ctx, '> ');
  const content = `${fitBytes(head.join('\n'), WECOM_MAX_BYTES - Buffer.byteLength(link, 'utf8') - 1)}\n${link}`;
  return { msgtype: 'markdown', markdown: { content } };
}

/** The DingTalk robot body: `{"msgtype":"markdown","markdown":{"title":…,"text":…}}` (paragraphs apart). Pure. */
export function dingtalkMessage(
  n: Notification,
  ctx: TextContext,
): { msgtype: 'markdown'; markdown: { title: string; text: string } } {
  const { head, link, subject } = lines(n, ctx, '- ');
  // DingTalk's markdown needs an empty line between paragraphs; a list keeps the facts together.
  const body = [head[0], head[1], head[2], head.slice(3).join('\n')].join('\n\n');
  const text = `${fitBytes(body, DINGTALK_MAX_BYTES - Buffer.byteLength(link, 'utf8') - 2)}\n\n${link}`;
  return { msgtype: 'markdown', markdown: { title: fitBytes(subject, 200), text } };
}

/**
 * A DingTalk robot URL signed for `timestampMs`: `timestamp` (ms) and `sign` =
 * urlencode(base64(HMAC-SHA256(secret, timestamp + "\n" + secret))) added to its query. Pure.
 */
export function dingtalkSignedUrl(webhookUrl: string, secret: string, timestampMs: number): string {
  const sign = createHmac('sha256', secret).update(`${timestampMs}\n${secret}`, 'utf8').digest('base64');
  const url = new URL(webhookUrl);
  url.searchParams.set('timestamp', String(timestampMs));
  url.searchParams.set('sign', sign);
  return url.href;
}

/**
 * Sends a notification to a robot and checks its answer.
 * @throws RobotError for a non-zero `errcode`; WebhookStatusError for a non-2xx answer or a 2xx without an
 *   `errcode` (retried); WebhookRedirectError for a 3xx (not followed); the fetch error when there was no answer.
 */
export async function postToRobot(
  channel: RobotChannel,
  robot: { webhookUrl: string; secret?: string },
  n: Notification,
  options: TextContext & { now: () => number; timeoutMs?: number; signal?: AbortSignal },
): Promise<void> {
  const body = channel === 'wecom' ? wecomMessage(n, options) : dingtalkMessage(n, options);
  const url =
    channel === 'dingtalk' && robot.secret
      ? dingtalkSignedUrl(robot.webhookUrl, robot.secret, options.now())
      : robot.webhookUrl;
  const res = await postJson(url, JSON.stringify(body), {}, options);
  const text = await res.text().catch(() => '');
  if (res.status < 200 || res.status > 299) {
    throw Object.assign(new WebhookStatusError(res.status), { message: `robot answered HTTP ${res.status}` });
  }
  let answer: { errcode?: unknown; errmsg?: unknown } = {};
  try {
    answer = JSON.parse(text) as typeof answer;
  } catch {
    // not JSON: handled below as an answer without errcode
  }
  if (typeof answer.errcode !== 'number') {
    throw Object.assign(new WebhookStatusError(res.status), {
      message: `robot answered HTTP ${res.status} without an errcode (not the service's answer)`,
    });
  }
  if (answer.errcode !== 0) {
    const errmsg = typeof answer.errmsg === 'string' ? answer.errmsg : '';
    throw new RobotError(channel, answer.errcode, errmsg, PERMANENT_ROBOT_ERRCODES[channel].has(answer.errcode));
  }
}
