/**
 * Notification channels: the outside world the workflow's notifications are delivered to. A channel is
 * plugged into the activities by {@link createActivities}; tests plug in a recording channel, production
 * plugs in e-mail and webhooks.
 */
import type { Notification } from '../contracts';

/** A way of delivering a notification. `deliver` rejects when the channel failed (the activity retries). */
export interface NotificationChannel {
  /** Short channel name for logs, e.g. `console`, `smtp`, `webhook`. */
  readonly name: string;
  /** Delivers one notification; must tolerate being called again with the same `id` after a failure. */
  deliver(notification: Notification): Promise<void>;
}

/** A channel that writes one line per notification to the console: the embedded default. */
export function consoleChannel(write: (line: string) => void = (l) => console.log(l)): NotificationChannel {
  return {
    name: 'console',
    async deliver(n) {
      const what =
        n.kind === 'reminder'
          ? `提醒 reminder (${n.daysBefore} 天前)`
          : n.kind === 'escalation'
            ? `督办升级 escalation L${n.level}`
            : n.kind;
      write(
        `[notify] ${what} · 任务${n.taskNumber} ${n.taskTitle.zh} · ${n.milestoneTitle.zh} 截止 ${n.dueDate}` +
          ` → ${n.departments.join('、')} (pending: ${n.pendingDepartments.join('、') || '—'}) [${n.id}]`,
      );
    },
  };
}
