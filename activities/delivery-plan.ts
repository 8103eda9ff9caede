/**
 * Which deliveries a notification gets: one e-mail per recipient department with addresses (when SMTP is
 * configured), one POST per distinct webhook URL (the global one and the departments' own), one per
 * plugged-in channel (the console), and an `undeliverable` entry for every recipient nothing reaches, so
 * that such a notification is logged rather than silently dropped.
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

/** The deliveries of `n`, in a stable order (e-mails, webhooks, channels, undeliverable). Pure. */
export function planDeliveries(n: Notification, c: ConfiguredChannels): PlannedDelivery[] {
  const emails: PlannedDelivery[] = [];
  const hooks = new Map<string, PlannedDelivery>();
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
      const same = hooks.get(contact.webhookUrl);
      if (same) {
        if (!same.departments.includes(dept)) same.departments.push(dept);
      } else {
        hooks.set(contact.webhookUrl, {
          key: `webhook:${dept}`,
          channel: 'webhook',
          departments: [dept],
          to: [displayUrl(contact.webhookUrl)],
        });
      }
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
  return [...emails, ...hooks.values(), ...channels, ...none];
}

/** The real URL behind a planned webhook delivery's key, or undefined when it is no longer configured. */
export function webhookUrlOf(key: string, c: Pick<ConfiguredChannels, 'contacts' | 'webhookUrl'>): string | undefined {
  if (key === 'webhook:global') return c.webhookUrl;
  const dept = key.startsWith('webhook:') ? key.slice('webhook:'.length) : undefined;
  return dept ? c.contacts[dept]?.webhookUrl : undefined;
}
