/**
 * The project's failure converter (the SDK's `failureConverterPath`): Temporal's default, with the
 * failures' messages and stack traces moved into an encoded payload, so that the codec encrypts them too
 * (a delivery failure's message may name an e-mail address or a webhook's host). Clients with the codec
 * read them back; the Web UI shows them through the codec endpoint. Runs inside the workflow sandbox too.
 */
import { DefaultFailureConverter, type FailureConverter } from '@temporalio/common';

/** The converter the SDK loads from this module (it looks for the `failureConverter` export). */
export const failureConverter: FailureConverter = new DefaultFailureConverter({ encodeCommonAttributes: true });
