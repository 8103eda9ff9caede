/**
 * The Temporal connection read the standard way, through `@temporalio/envconfig`: a profile
 * (`TEMPORAL_PROFILE`, default `default`) of a `temporal.toml` file (`TEMPORAL_CONFIG_FILE`, or the user's
 * `~/.config/temporalio/temporal.toml`), overridden by Temporal's standard variables (`TEMPORAL_ADDRESS`,
 * `TEMPORAL_NAMESPACE`, `TEMPORAL_API_KEY`, `TEMPORAL_TLS_CLIENT_CERT_PATH`, `TEMPORAL_TLS_CLIENT_KEY_PATH`,
 * `TEMPORAL_TLS_SERVER_CA_CERT_PATH`, `TEMPORAL_TLS_SERVER_NAME`, …). The project's earlier names
 * `TEMPORAL_TLS_CERT`, `TEMPORAL_TLS_KEY` and `TEMPORAL_TLS_CA` still work, with a one-line deprecation warning.
 *
 * A file is read only when `TEMPORAL_PROFILE` or `TEMPORAL_CONFIG_FILE` is set, so that a developer's own
 * `temporal.toml` never turns `npm start` away from its embedded server unasked.
 */
import { loadClientConfigProfile, toClientOptions } from '@temporalio/envconfig';
import type { NativeConnectionOptions } from '@temporalio/worker';

/** The earlier variable names and the standard names they stand for. */
export const DEPRECATED_TLS_ALIASES = {
  TEMPORAL_TLS_CERT: 'TEMPORAL_TLS_CLIENT_CERT_PATH',
  TEMPORAL_TLS_KEY: 'TEMPORAL_TLS_CLIENT_KEY_PATH',
  TEMPORAL_TLS_CA: 'TEMPORAL_TLS_SERVER_CA_CERT_PATH',
} as const;

/** What the clients and the worker connect with. */
export interface TemporalConnectionSettings {
  /** `host:port`, undefined when neither a profile nor `TEMPORAL_ADDRESS` gives one (the embedded server). */
  address?: string;
  /** The profile's namespace (after `TEMPORAL_NAMESPACE`), if it names one. */
  namespace?: string;
  apiKey?: string;
  tls: NativeConnectionOptions['tls'];
  metadata?: Record<string, string>;
  /** The profile name, when a profile file was read. */
  profile?: string;
}

/** Thrown when the profile or its file cannot be used; the message is one line naming it. */
export class TemporalProfileError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'TemporalProfileError';
  }
}

/**
 * Resolves the connection from `env` (empty values count as unset), mapping the deprecated TLS names onto
 * the standard ones (`warn` gets one line per deprecated name in use).
 * @throws TemporalProfileError naming the profile and the file when the profile is missing or the file is bad.
 */
export function resolveTemporalConnection(
  env: NodeJS.ProcessEnv,
  warn: (line: string) => void = (line) => console.warn(line),
): TemporalConnectionSettings {
  const vars: Record<string, string> = {};
  for (const [name, value] of Object.entries(env)) {
    if (name.startsWith('TEMPORAL_') && value !== undefined && value.trim() !== '') vars[name] = value.trim();
  }
  for (const [old, standard] of Object.entries(DEPRECATED_TLS_ALIASES)) {
    if (!vars[old]) continue;
    warn(`[config] ${old} is deprecated: use ${standard}`);
    vars[standard] ??= vars[old];
    delete vars[old];
  }
  const readFile = Boolean(vars.TEMPORAL_PROFILE || vars.TEMPORAL_CONFIG_FILE);
  const profileName = vars.TEMPORAL_PROFILE ?? 'default';
  let profile;
  try {
    profile = loadClientConfigProfile({ overrideEnvVars: vars, disableFile: !readFile, configFileStrict: true });
  } catch (err) {
    const file = vars.TEMPORAL_CONFIG_FILE ?? '~/.config/temporalio/temporal.toml';
    const reason = (err instanceof Error ? err.message : String(err)).replace(/\s+/g, ' ');
    throw new TemporalProfileError(
      `Bad configuration: TEMPORAL_PROFILE=${JSON.stringify(profileName)} in ${file}: ${reason}` +
        ' — fix the file or TEMPORAL_PROFILE.',
    );
  }
  if (profile.tls && Boolean(profile.tls.clientCert) !== Boolean(profile.tls.clientKey)) {
    throw new TemporalProfileError(
      "Bad configuration: TEMPORAL_TLS_CLIENT_CERT_PATH and TEMPORAL_TLS_CLIENT_KEY_PATH (or a profile's " +
        'client_cert_path and client_key_path) must be set together.',
    );
  }
  let options;
  try {
    options = toClientOptions(profile);
  } catch (err) {
    throw new TemporalProfileError(
      `Bad configuration: cannot read the TLS files of profile ${JSON.stringify(profileName)}: ${(err as Error).message}`,
    );
  }
  return {
    address: options.connectionOptions.address,
    namespace: options.namespace,
    apiKey: options.connectionOptions.apiKey as string | undefined,
    tls: options.connectionOptions.tls,
    metadata: options.connectionOptions.metadata as Record<string, string> | undefined,
    profile: readFile ? profileName : undefined,
  };
}
