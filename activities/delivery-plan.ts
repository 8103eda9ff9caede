/**
 * Which deliveries a notification gets: one e-mail per recipient department with addresses (when SMTP is
 * configured), one POST per distinct webhook URL (the global one and the departments' own), one message per
 * distinct WeCom or DingTalk group robot, one per plugged-in channel (the console), and an `undeliverable`
 * entry for every recipient nothing reaches, so that such a notification is logged rather than silently
 * dropped.
 */
import type { ContactsFile, Notification, PlannedDelivery } from '../contracts';
import { displayUrl } from './webhook';

/** The channels configured on this worker. */
export interface ConfiguredChannels {
  contacts: ContactsFile;
  email: boolean;
  /** The global webhook URL (`WEBHOOK_URL`), if any. */
  webhookUrl?: string;
  /** Names of the plugged-in channels (`console`, a test's `recording`). */
  channels: string[];
}

/** Why a recipient is undeliverable, as shown in the log. */
export const NO_CONTACTS = '无联系方式 no contacts for this department';
/** Why a recipient with addresses is undeliverable when SMTP is off. */
export const NO_SMTP = '未配置邮件服务 the department has e-mail addresses but SMTP is not configured';

/** The chat robot channels of the contacts file, by their channel name. */
export const ROBOT_CHANNELS = ['wecom', 'dingtalk'] as const;
/** A chat robot channel: `wecom` (企业微信 group robot) or `dingtalk` (钉钉 custom robot). */
export type RobotChannel = (typeof ROBOT_CHANNELS)[number];

/** Adds `dept` to the delivery to `url` in `byUrl`, or a new delivery `make()` when there is none yet. */
function addByUrl(byUrl: Map<string, PlannedDelivery>, url: string, dept: string, make: () => PlannedDelivery): void {
  const same = byUrl.get(url);
  if (!same) byUrl.set(url, make());
  else if (!same.departments.includes(dept)) same.departments.push(dept);
}

/** The deliveries of `n`, in a stable order (e-mails, webhooks, robots, channels, undeliverable). Pure. */
export function planDeliveries(n: Notification, c: ConfiguredChannels): PlannedDelivery[] {
  const emails: PlannedDelivery[] = [];
  const hooks = new Map<string, PlannedDelivery>();
  const robots = new Map<string, PlannedDelivery>();
  const none: PlannedDelivery[] = [];
  if (c.webhookUrl) {
    hooks.set(c.webhookUrl, {
      key: 'webhook:global',
      channel: 'webhook',
      departments: [...n.departments],
      to: [displayUrl(c.webhookUrl)],
    });
  }
  for (const dept of n.departments) {
    const contact = c.contacts[dept];
    const addresses = contact?.emails ?? [];
    let reached = false;
    if (c.email && addresses.length > 0) {
      emails.push({ key: `email:${dept}`, channel: 'email', departments: [dept], to: [...addresses] });
      reached = true;
    }
    if (contact?.webhookUrl) {
      const url = contact.webhookUrl;
      addByUrl(hooks, url, dept, () => ({
        key: `webhook:${dept}`,
        channel: 'webhook',
        departments: [dept],
        to: [displayUrl(url)],
      }));
      reached = true;
    }
    for (const channel of ROBOT_CHANNELS) {
      const url = contact?.[channel]?.webhookUrl;
      if (!url) continue;
      addByUrl(robots, `${channel} ${url}`, dept, () => ({
        key: `${channel}:${dept}`,
        channel,
        departments: [dept],
        to: [displayUrl(url)],
      }));
      reached = true;
    }
    if (!reached) {
      none.push({
        key: `none:${dept}`,
        channel: 'none',
        departments: [dept],
        to: [],
        reason: addresses.length > 0 ? NO_SMTP : NO_CONTACTS,
      });
    }
  }
  const channels = c.channels.map((name) => ({
    key: `channel:${name}`,
    channel: name,
    departments: [...n.departments],
    to: [] as string[],
  }));
  return [...emails, ...hooks.values(), ...robots.values(), ...channels, ...none];
}

/** Where a webhook delivery goes and the secret that signs it. */
export interface WebhookTarget {
  url: string;
  /** The receiver's own `whsec_` secret, else the global `WEBHOOK_SECRET`; undefined when neither is set. */
  secret: string | undefined;
}

/**
 * The real URL behind a planned webhook delivery's key and its signing secret (the department's own, else
 * the global one), or undefined when the webhook is no longer configured.
 */
export function webhookTargetOf(
  key: string,
  c: Pick<ConfiguredChannels, 'contacts' | 'webhookUrl'> & { webhookSecret?: string },
): WebhookTarget | undefined {
  if (key === 'webhook:global') return c.webhookUrl ? { url: c.webhookUrl, secret: c.webhookSecret } : undefined;
  const dept = key.startsWith('webhook:') ? key.slice('webhook:'.length) : undefined;
  const contact = dept ? c.contacts[dept] : undefined;
  return contact?.webhookUrl
    ? { url: contact.webhookUrl, secret: contact.webhookSecret ?? c.webhookSecret }
    : undefined;
}

/** The robot behind a planned robot delivery (`wecom:<dept>`, `dingtalk:<dept>`), or undefined when no longer configured. */
export function robotOf(
  channel: RobotChannel,
  key: string,
  contacts: ContactsFile,
): { webhookUrl: string; secret?: string } | undefined {
  const dept = key.startsWith(`${channel}:`) ? key.slice(channel.length + 1) : undefined;
  return dept ? contacts[dept]?.[channel] : undefined;
}
