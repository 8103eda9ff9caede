/**
 * What the worker decides for a notification before the notification workflow delivers it. An activity
 * returns it to the workflow and nobody parses it, so it is a plain type.
 */
import type { PlannedDelivery } from '../schemas/notification';

/** The retry policy of delivery activities, in milliseconds (from the worker's configuration). */
export interface DeliveryRetry {
  initialIntervalMs: number;
  backoffCoefficient: number;
  maximumIntervalMs: number;
  maximumAttempts: number;
}

/** The deliveries of one notification and the retry policy they are made with. */
export interface DeliveryPlan {
  deliveries: PlannedDelivery[];
  retry: DeliveryRetry;
}
