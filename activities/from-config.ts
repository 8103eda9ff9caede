/**
 * The activities' outside world built from the process configuration: contacts from `CONTACTS_FILE`,
 * SMTP from `SMTP_URL`/`SMTP_FROM`, webhooks from `WEBHOOK_URL`/`WEBHOOK_SECRET` and the contacts' own URLs,
 * and the console line always. The worker entry points call it once at start-up.
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
 * Builds the activity dependencies from the configuration and the loaded plan (for department names and
 * for checking the contacts file's department ids). Opens no connection: nodemailer connects per message.
 * @throws ContactsFileError for an unreadable or invalid contacts file, an unknown department id in it, or a
 *   department webhook without `WEBHOOK_SECRET` to sign it.
 */
export function activityDepsFromConfig(config: ChannelConfig, plan: PlanFile): ActivityDeps {
  const contacts = config.CONTACTS_FILE ? loadContactsFile(config.CONTACTS_FILE, plan) : {};
  const withHook = Object.entries(contacts).filter(([, c]) => c.webhookUrl);
  if (withHook.length > 0 && !config.WEBHOOK_SECRET) {
    throw new ContactsFileError(
      `CONTACTS_FILE gives webhook URLs (${withHook.map(([id]) => id).join(', ')}) but WEBHOOK_SECRET is not set: ` +
        'set WEBHOOK_SECRET so that receivers can verify the X-Signature header.',
    );
  }
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
