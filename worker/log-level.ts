/**
 * The Temporal runtime's log level for the project's `LOG_LEVEL`, shared by `npm run worker` and `npm start`.
 */
import type { LogLevel } from '@temporalio/worker';
import type { Config } from '../config/env';

/** Maps `LOG_LEVEL` (`error` … `debug`) to the Temporal SDK's level names. */
export function runtimeLogLevel(level: Config['LOG_LEVEL']): LogLevel {
  return ({ error: 'ERROR', warn: 'WARN', info: 'INFO', debug: 'DEBUG' } as const)[level];
}
