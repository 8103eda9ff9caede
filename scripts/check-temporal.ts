/**
 * `npm test`'s first step (`pretest`): stops at once, with the one-line install advice, when the Temporal
 * CLI or the time-skipping test server is missing, instead of letting every Temporal suite fail on its own.
 */
import { TemporalBinaryMissingError, temporalCliPath, temporalTestServerPath } from '../embedded/binaries';

try {
  temporalCliPath();
  temporalTestServerPath();
} catch (err) {
  if (!(err instanceof TemporalBinaryMissingError)) throw err;
  console.error(`✗ ${err.message}`);
  process.exit(1);
}
