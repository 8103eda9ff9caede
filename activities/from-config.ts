/**
 * The activities' outside world built from the process configuration: contacts from `CONTACTS_FILE`,
 * SMTP from `SMTP_URL`/`SMTP_FROM`, webhooks from `WEBHOOK_URL`/`WEBHOOK_SECRET` and the contacts' own URLs
 * and secrets, the contacts' WeCom and DingTalk robots, and the console line always. The worker entry points
 * call it once at start-up.
 */
import nodemailer from 'nodemailer';
import type { PlanFile } from '../contracts';
import type { Config } from '../config/env';
import type { ActivityDeps } from './index';
import { consoleChannel } from './channels';
import { ContactsFileError, loadContactsFile } from './contacts';

/** The part of the configuration the channels are built from. */
export type ChannelConfig = Pick<
  Config,
  'CONTACTS_FILE' | 'SMTP_URL' | 'SMTP_FROM' | 'WEBHOOK_URL' | 'WEBHOOK_SECRET' | 'publicUrl'
>;

/**
 * Refuses one URL signed with two different secrets (two departments sharing a receiver, or a department's
 * receiver equal to `WEBHOOK_URL`): it gets one call, which can carry only one signature. Names the
 * departments, never the secrets.
 */
function checkOneSecretPerUrl(entries: { url: string; secret: string | undefined; who: string }[], what: string): void {
  const seen = new Map<string, { secret: string | undefined; who: string }>();
  for (const e of entries) {
    const before = seen.get(e.url);
    if (before && before.secret !== e.secret) {
      throw new ContactsFileError(
        `CONTACTS_FILE gives ${before.who} and ${e.who} the same ${what} URL with different secrets: ` +
          'one URL gets one call with one signature; give them the same secret or different URLs.',
      );
    }
    if (!before) seen.set(e.url, e);
  }
}

/**
 * Builds the activity dependencies from the configuration and the loaded plan (for department names and
 * for checking the contacts file's department ids). Opens no connection: nodemailer connects per message.
 * @throws ContactsFileError for an unreadable or invalid contacts file, an unknown department id in it, a
 *   department webhook with neither its own `webhookSecret` nor `WEBHOOK_SECRET` to sign it, or one URL
 *   with two secrets.
 */
export function activityDepsFromConfig(config: ChannelConfig, plan: PlanFile): ActivityDeps {
  const contacts = config.CONTACTS_FILE ? loadContactsFile(config.CONTACTS_FILE, plan) : {};
  const unsigned = Object.entries(contacts).filter(([, c]) => c.webhookUrl && !c.webhookSecret);
  if (unsigned.length > 0 && !config.WEBHOOK_SECRET) {
    throw new ContactsFileError(
      `CONTACTS_FILE gives webhook URLs (${unsigned.map(([id]) => id).join(', ')}) but WEBHOOK_SECRET is not set: ` +
        'give each its own "webhookSecret": "whsec_…" or set WEBHOOK_SECRET, so that receivers can verify the signature.',
    );
  }
  checkOneSecretPerUrl(
    [
      ...(config.WEBHOOK_URL ? [{ url: config.WEBHOOK_URL, secret: config.WEBHOOK_SECRET, who: 'WEBHOOK_URL' }] : []),
      ...Object.entries(contacts).flatMap(([id, c]) =>
        c.webhookUrl ? [{ url: c.webhookUrl, secret: c.webhookSecret ?? config.WEBHOOK_SECRET, who: id }] : [],
      ),
    ],
    'webhook',
  );
  checkOneSecretPerUrl(
    Object.entries(contacts).flatMap(([id, c]) =>
      c.dingtalk ? [{ url: c.dingtalk.webhookUrl, secret: c.dingtalk.secret, who: id }] : [],
    ),
    'DingTalk robot',
  );
  const names = new Map(plan.departments.map((d) => [d.id, d.name]));
  return {
    channels: [consoleChannel()],
    contacts,
    ...(config.SMTP_URL && config.SMTP_FROM
      ? { email: { transport: nodemailer.createTransport(config.SMTP_URL), from: config.SMTP_FROM } }
      : {}),
    ...(config.WEBHOOK_SECRET ? { webhook: { url: config.WEBHOOK_URL, secret: config.WEBHOOK_SECRET } } : {}),
    departmentName: (id) => names.get(id),
    publicUrl: config.publicUrl,
  };
}
