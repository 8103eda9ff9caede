/**
 * The validators' first check (`requireActor`): a request whose arguments the codec did not seal, or that
 * names no actor, did not come through the API and is refused (`NotFromApi`); a sealed one is refused when
 * its actor may not make it (`ActorNotAllowed`): a sign-off, resubmission or extension request only by the
 * coordinator of that unit, an extension decision or a chase only by the office, a cancellation only by an admin.
 */
import { ApplicationFailure } from '@temporalio/common';
import type { Actor, KeyTaskInput } from '../../contracts';
import { initialState } from '../../workflows/key-task/state';
import { validate, type KeyTaskEvent } from '../../workflows/key-task/transitions';
import { miniTaskInput } from '../../support/mini-plan';
import { asFromApi } from '../../support/sealed-args';

const input: KeyTaskInput = miniTaskInput('2030-03-01');
const state = initialState(input, Date.parse('2030-03-01T02:00:00Z'));
const now = Date.parse('2030-03-02T02:00:00Z');
const token = 'abcdefabcdef';
const coordinator = (department: string): Actor => ({ role: 'coordinator', department, person: 'p', token });
const events: Record<string, Extract<KeyTaskEvent, { args: unknown }>> = {
  signOff: {
    type: 'signOff',
    args: { milestoneId: 'first', department: 'beta', decision: 'approve', person: 'p', requestId: 'r1' },
  },
  resubmit: {
    type: 'resubmit',
    args: { milestoneId: 'first', department: 'alpha', note: 'n', person: 'p', requestId: 'r2' },
  },
  requestExtension: {
    type: 'requestExtension',
    args: {
      milestoneId: 'first',
      department: 'alpha',
      newDueDate: '2030-04-05',
      reason: 'r',
      person: 'p',
      requestId: 'r3',
    },
  },
  decideExtension: {
    type: 'decideExtension',
    args: { milestoneId: 'first', extensionId: 'ext-1', approve: true, person: 'p', requestId: 'r4' },
  },
  cancel: { type: 'cancel', args: { reason: 'r', person: 'p', requestId: 'r5' } },
  chase: { type: 'chase', args: { milestoneId: 'first', message: '请即办理', person: 'p', requestId: 'r6' } },
};

function refusalOf(event: KeyTaskEvent): string | undefined {
  try {
    validate(state, event, input, now);
    return undefined;
  } catch (err) {
    if (!(err instanceof ApplicationFailure)) throw err;
    return err.type ?? undefined;
  }
}

const sealedAs = (name: string, actor?: Actor): KeyTaskEvent => {
  const e = events[name]!;
  return { ...e, args: asFromApi(name, actor ? { ...e.args, actor } : e.args) } as KeyTaskEvent;
};

test.each(Object.keys(events))(
  '%s: unsealed arguments are refused as not from the API, even naming an actor',
  (name) => {
    const e = events[name]!;
    expect(refusalOf(e)).toBe('NotFromApi');
    expect(refusalOf({ ...e, args: { ...e.args, actor: coordinator('alpha') } } as KeyTaskEvent)).toBe('NotFromApi');
    // Sealed but without an actor (a key holder's script, not the API): refused too.
    expect(refusalOf({ ...e, args: asFromApi(name, { ...e.args, actor: undefined }) } as KeyTaskEvent)).toBe(
      'NotFromApi',
    );
  },
);

test('a sealed request passes the actor check only for the actor the rules allow', () => {
  // Passing the actor check, a request meets the task's own rules next (or none at all).
  const past = (t: string | undefined) => t !== 'NotFromApi' && t !== 'ActorNotAllowed';
  expect(past(refusalOf(sealedAs('signOff')))).toBe(true);
  expect(refusalOf(sealedAs('signOff', coordinator('gamma')))).toBe('ActorNotAllowed');
  expect(refusalOf(sealedAs('signOff', { role: 'office', person: 'p', token }))).toBe('ActorNotAllowed');
  expect(refusalOf(sealedAs('signOff', { ...coordinator('beta'), person: 'someone else' }))).toBe('ActorNotAllowed');
  expect(refusalOf(sealedAs('resubmit', coordinator('beta')))).toBe('ActorNotAllowed');
  expect(past(refusalOf(sealedAs('requestExtension')))).toBe(true);
  expect(refusalOf(sealedAs('requestExtension', { role: 'admin', person: 'p', token }))).toBe('ActorNotAllowed');
  expect(past(refusalOf(sealedAs('decideExtension')))).toBe(true);
  expect(refusalOf(sealedAs('decideExtension', coordinator('alpha')))).toBe('ActorNotAllowed');
  expect(refusalOf(sealedAs('decideExtension', { role: 'admin', person: 'p', token }))).toBe('ActorNotAllowed');
  expect(refusalOf(sealedAs('cancel'))).toBeUndefined();
  expect(refusalOf(sealedAs('cancel', { role: 'office', person: 'p', token }))).toBe('ActorNotAllowed');
  expect(refusalOf(sealedAs('chase'))).toBeUndefined();
  expect(refusalOf(sealedAs('chase', coordinator('alpha')))).toBe('ActorNotAllowed');
  expect(refusalOf(sealedAs('chase', { role: 'admin', person: 'p', token }))).toBe('ActorNotAllowed');
});
