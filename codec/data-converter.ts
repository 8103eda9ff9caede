/**
 * The one data-converter factory of the project: the worker, the workflow bundle, the replayer and every
 * Temporal client (API, scripts, tests, benchmark) build their converter here, so that no part of the
 * project writes a plain payload to Temporal and every part reads what the others wrote.
 */
import type { DataConverter } from '@temporalio/common';
import type { Keyring } from '../contracts';
import { EncryptionCodec } from './payload-codec';

/** The payload converter module (default JSON conversion plus the sealed mark), for workers and bundles. */
export const PAYLOAD_CONVERTER_PATH: string = require.resolve('../contracts/shared/payload-converter');

/** The failure converter module (failure messages and stack traces encoded, hence encrypted). */
export const FAILURE_CONVERTER_PATH: string = require.resolve('../contracts/shared/failure-converter');

/** What `bundleWorkflowCode` needs so that the bundle converts as the worker and the clients do. */
export const BUNDLE_CONVERTERS = {
  payloadConverterPath: PAYLOAD_CONVERTER_PATH,
  failureConverterPath: FAILURE_CONVERTER_PATH,
} as const;

/** The data converter for `keyring`: the project's payload and failure converters and the encryption codec. */
export function dataConverter(keyring: Keyring): DataConverter {
  return { ...BUNDLE_CONVERTERS, payloadCodecs: [new EncryptionCodec(keyring)] };
}
