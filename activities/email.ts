/**
 * The e-mail channel: a notification rendered as plain text and HTML (Chinese, with an English line) and
 * sent over SMTP with nodemailer, one message per recipient department. Its `Message-ID` is derived from
 * the notification id and the department, so a re-delivery after a lost acknowledgement carries the same
 * id and mail clients show it once.
 */
import { createHash } from 'node:crypto';
import type { Transporter } from 'nodemailer';
import type { Notification } from '../contracts';
import { messageText, type TextContext } from './message-text';

/** What the e-mail channel needs: a nodemailer transport and the sender address. */
export interface EmailChannelConfig {
  transport: Transporter;
  /** `SMTP_FROM`, e.g. `督办系统 <duban@moe.gov.cn>`. */
  from: string;
}

/** A rendered e-mail. */
export interface RenderedEmail {
  subject: string;
  text: string;
  html: string;
  messageId: string;
}

/** The stable `Message-ID` of a notification's e-mail to a department, e.g. `<3f2a…@duban.example.org>`. */
export function emailMessageId(notificationId: string, department: string, publicUrl: string): string {
  const hash = createHash('sha256').update(`${notificationId}\n${department}`).digest('hex').slice(0, 40);
  let host = 'duban.local';
  try {
    host = new URL(publicUrl).hostname || host;
  } catch {
    // keep the default host
  }
  return `<${hash}@${host}>`;
}

const escapeHtml = (s: string): string =>
  s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

/** Renders the e-mail a department receives for a notification. Pure; never throws. */
export function renderEmail(n: Notification, department: string, ctx: TextContext): RenderedEmail {
  const t = messageText(n, ctx);
  const text = [
    t.headline,
    t.english,
    '',
    ...t.facts.map((f) => `${f.label}: ${f.value}`),
    '',
    `查看任务 Open the task: ${t.link}`,
    '',
    `通知编号 Notification id: ${n.id}`,
    '本邮件由督办系统自动发送，请勿直接回复。 Sent automatically by duban; please do not reply.',
  ].join('\n');
  const rows = t.facts
    .map((f) => `<tr><th align="left">${escapeHtml(f.label)}</th><td>${escapeHtml(f.value)}</td></tr>`)
    .join('');
  const html =
    `<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><title>${escapeHtml(t.subject)}</title></head>` +
    `<body><p><strong>${escapeHtml(t.headline)}</strong></p><p lang="en">${escapeHtml(t.english)}</p>` +
    `<table cellpadding="4">${rows}</table>` +
    `<p><a href="${escapeHtml(t.link)}">查看任务 Open the task</a></p>` +
    `<p style="color:#888">通知编号 Notification id: ${escapeHtml(n.id)}</p></body></html>`;
  return { subject: t.subject, text, html, messageId: emailMessageId(n.id, department, ctx.publicUrl) };
}

/** An SMTP error that retrying cannot fix (the server refused the address or the message for good). */
export class PermanentEmailError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PermanentEmailError';
  }
}

/** True for an SMTP answer in the 5xx range, which RFC 5321 defines as a permanent failure. */
function isPermanent(err: unknown): boolean {
  const code = (err as { responseCode?: unknown }).responseCode;
  return typeof code === 'number' && code >= 500 && code < 600;
}

/**
 * Sends a notification's e-mail to one department's addresses. Resolves with the addresses the server
 * refused (the others received it, so the message is not sent again).
 * @throws PermanentEmailError when the server refuses every address or the message with a 5xx answer;
 *   any other error (connection refused, 4xx, timeout) is rethrown as it is, to be retried.
 */
export async function sendEmail(
  channel: EmailChannelConfig,
  n: Notification,
  department: string,
  to: string[],
  ctx: TextContext,
): Promise<{ rejected: string[] }> {
  const mail = renderEmail(n, department, ctx);
  try {
    const info = await channel.transport.sendMail({
      from: channel.from,
      to,
      subject: mail.subject,
      text: mail.text,
      html: mail.html,
      messageId: mail.messageId,
      // The instant the workflow decided it, so that a late re-delivery still shows when it was issued.
      date: new Date(n.at),
      // Base64 keeps Chinese text intact through any relay.
      textEncoding: 'base64',
      headers: { 'X-Notification-Id': n.id },
    });
    const rejected: unknown[] = info.rejected ?? [];
    return { rejected: rejected.map((r) => (typeof r === 'string' ? r : (r as { address: string }).address)) };
  } catch (err) {
    if (isPermanent(err)) throw new PermanentEmailError((err as Error).message);
    throw err;
  }
}
