/**
 * The worker's activities, built by {@link createActivities} from their dependencies so that tests pass
 * real stand-ins for the outside world (a recording channel, a local SMTP server) and never a fake of
 * Temporal. Workflows import only the type: `import type { Activities } from '../activities'`.
 */
import { Context } from '@temporalio/activity';
import type { Notification } from '../contracts';
import type { NotificationChannel } from './channels';

export type { NotificationChannel } from './channels';
export { consoleChannel } from './channels';

/** What the activities need from the outside world. */
export interface ActivityDeps {
  /** Where notifications go; every channel gets every notification. */
  channels: NotificationChannel[];
}

/** Builds the activities from their dependencies. */
export function createActivities(deps: ActivityDeps) {
  return {
    /**
     * Delivers one notification through every channel. Throws when a channel fails, so Temporal retries
     * the whole delivery with backoff; channels must therefore accept a repeated notification id.
     */
    async deliverNotification(notification: Notification): Promise<void> {
      const failures: string[] = [];
      for (const channel of deps.channels) {
        try {
          await channel.deliver(notification);
        } catch (err) {
          failures.push(`${channel.name}: ${(err as Error).message}`);
        }
      }
      if (failures.length > 0) {
        const attempt = Context.current().info.attempt;
        throw new Error(`delivery of ${notification.id} failed (attempt ${attempt}): ${failures.join('; ')}`);
      }
    },
  };
}

/** The activities' type, for `proxyActivities<Activities>` in workflow code. */
export type Activities = ReturnType<typeof createActivities>;
