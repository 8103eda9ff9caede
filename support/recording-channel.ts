/**
 * A notification channel that records what it is given: the outside world's inbox, for tests.
 */
import type { NotificationChannel } from '../activities';
import type { Notification } from '../contracts';

/** A channel whose `received` lists every notification it was handed, in order, duplicates included. */
export interface RecordingChannel extends NotificationChannel {
  received: Notification[];
}

/** Creates an empty recording channel. */
export function recordingChannel(): RecordingChannel {
  const received: Notification[] = [];
  return {
    name: 'recording',
    received,
    async deliver(n) {
      received.push(n);
    },
  };
}
