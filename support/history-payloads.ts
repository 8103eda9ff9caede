/**
 * Every payload of a workflow history (inputs, results, update arguments, memos, failure details),
 * wherever it sits in the events: what a test decrypts or searches, and what the Web UI sends the codec
 * endpoint.
 */
import type { temporal } from '@temporalio/proto';

/** The payloads of `history`'s events, in order. */
export function historyPayloads(history: temporal.api.history.v1.IHistory): temporal.api.common.v1.IPayload[] {
  const found: temporal.api.common.v1.IPayload[] = [];
  const walk = (value: unknown): void => {
    if (!value || typeof value !== 'object' || ArrayBuffer.isView(value)) return;
    const o = value as Record<string, unknown>;
    if (o.metadata && ArrayBuffer.isView(o.data)) {
      found.push(o as temporal.api.common.v1.IPayload);
      return;
    }
    for (const v of Object.values(o)) walk(v);
  };
  walk(history);
  return found;
}
