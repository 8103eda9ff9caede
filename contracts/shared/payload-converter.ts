/**
 * The project's payload converter (the SDK's `payloadConverterPath` for the worker, the workflow bundle and
 * every client): Temporal's default conversion, plus the {@link SEALED} mark on every object decoded from a
 * payload the codec sealed (see ./sealed.ts). It runs inside the workflow sandbox, so it imports no Node
 * built-in and no zod.
 */
import { DefaultPayloadConverter, type Payload, type PayloadConverter } from '@temporalio/common';
import { SEALED, SEALED_METADATA_KEY } from './sealed';

/** Default JSON/binary conversion; marks objects from sealed payloads (non-enumerable, so never copied out). */
class SealedPayloadConverter implements PayloadConverter {
  private readonly inner = new DefaultPayloadConverter();

  toPayload<T>(value: T): Payload {
    return this.inner.toPayload(value);
  }

  fromPayload<T>(payload: Payload): T {
    const value = this.inner.fromPayload<T>(payload);
    if (payload.metadata?.[SEALED_METADATA_KEY] && typeof value === 'object' && value !== null) {
      Object.defineProperty(value, SEALED, { value: true, enumerable: false });
    }
    return value;
  }
}

/** The converter the SDK loads from this module (it looks for the `payloadConverter` export). */
export const payloadConverter: PayloadConverter = new SealedPayloadConverter();
