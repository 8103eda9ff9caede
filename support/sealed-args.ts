/**
 * Update arguments as the workflow's validators receive them from the API: with the actor the API would
 * name, and decoded from a payload the codec sealed (the mark the payload converter sets). For unit tests
 * of the pure rules, which call the validators without a server.
 */
import { SEALED_METADATA_KEY } from '../contracts';
import { payloadConverter } from '../contracts/shared/payload-converter';
import { actorFor } from './sealed-client';

/** `args` of update `updateName` as if sent through the API (an `actor` given in `args` is kept). */
export function asFromApi<T extends object>(updateName: string, args: T): T {
  const withActor = 'actor' in args ? args : { ...args, actor: actorFor(updateName, args) };
  const payload = payloadConverter.toPayload(withActor);
  const sealed = {
    ...payload,
    metadata: { ...payload.metadata, [SEALED_METADATA_KEY]: new TextEncoder().encode('test') },
  };
  return payloadConverter.fromPayload<T>(sealed);
}
