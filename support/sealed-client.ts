/**
 * Temporal clients for tests that talk to workflows directly, as the API would: a client with the
 * project's codec (payloads encrypted under a keyring made for this test process) that names, on every
 * update, the actor the API would name for those arguments (the coordinator of the department acting, the
 * office deciding an extension, an administrator cancelling). And, for tests of what an outsider can do, a
 * raw client without the codec, as the Temporal CLI or a script would use.
 */
import { Client, type WorkflowClientInterceptor } from '@temporalio/client';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { dataConverter, newKeyring } from '../codec';
import type { Actor, Keyring } from '../contracts';

/** The keyring of this test process's workers and clients (a fresh key per process). */
export const TEST_KEYRING: Keyring = newKeyring('aes-256-gcm');

/** The updates only the general office may send (the others: a department's coordinator, or an admin's cancel). */
const OFFICE_UPDATES = new Set([
  'decideExtension',
  'decideRound',
  'waive',
  'reassign',
  'addCoUnit',
  'chase',
  'reviewClosure',
  'settleCoordination',
  'settleDispute',
]);

/** The actor the API would send for an update's arguments, by update name. */
export function actorFor(updateName: string, args: { department?: string; person?: string }): Actor {
  const person = args.person ?? 'test';
  const token = 'test00000000';
  if (updateName === 'cancel') return { role: 'admin', person, token };
  if (OFFICE_UPDATES.has(updateName)) return { role: 'office', person, token };
  return { role: 'coordinator', department: args.department, person, token };
}

/** Adds {@link actorFor} to every update whose arguments name none. */
const actAsApi: WorkflowClientInterceptor = {
  async startUpdate(input, next) {
    const [first, ...rest] = input.args as [Record<string, unknown> | undefined, ...unknown[]];
    if (!first || typeof first !== 'object' || 'actor' in first) return next(input);
    const args = [{ ...first, actor: actorFor(input.updateName, first) }, ...rest];
    return next({ ...input, args });
  },
};

/**
 * The options of a test environment's own client (`env.client`): the project's codec, and updates sent as
 * the API would send them (see the module doc).
 */
export function sealedClientOptions(keyring: Keyring = TEST_KEYRING) {
  return { dataConverter: dataConverter(keyring), interceptors: { workflow: [actAsApi] } };
}

/** A client on `env` with the project's codec, as the API builds its own (it adds no actor). */
export function codecClient(env: TestWorkflowEnvironment, keyring: Keyring = TEST_KEYRING): Client {
  return new Client({
    connection: env.connection,
    namespace: env.namespace ?? 'default',
    dataConverter: dataConverter(keyring),
  });
}

/** A client on `env` with the project's codec that sends updates as the API would (see the module doc). */
export function sealedClient(env: TestWorkflowEnvironment, keyring: Keyring = TEST_KEYRING): Client {
  return new Client({
    connection: env.connection,
    namespace: env.namespace ?? 'default',
    ...sealedClientOptions(keyring),
  });
}

/** A client on `env` without the codec: plain JSON payloads, as the Temporal CLI or a raw script sends them. */
export function rawClient(env: TestWorkflowEnvironment): Client {
  return new Client({ connection: env.connection, namespace: env.namespace ?? 'default' });
}
