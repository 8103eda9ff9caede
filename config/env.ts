/**
 * The process configuration, read once from the environment and validated by zod. A bad value stops
 * start-up with a one-line message that names the variable. The parsed object may hold secrets
 * (`TEMPORAL_API_KEY`, `WEBHOOK_SECRET`, `SMTP_URL`): never log it whole; use {@link describeConfig}.
 */
import { accessSync, constants, statSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import {
  globalWebhookSecretSchema,
  isoDateSchema,
  maskUrlPassword,
  PAYLOAD_CIPHERS,
  smtpUrlSchema,
  type Keyring,
} from '../contracts';
import { KeyringError, parseKeyring, readKeyringFile, type KeyringSource } from '../codec/keyring';
import { PROJECT_ROOT } from './paths';
import { resolveTemporalConnection, type TemporalConnectionSettings } from './temporal-profile';

const port = z.coerce.number().int().min(1).max(65535);
const bool = z
  .enum(['true', 'false', '1', '0', 'yes', 'no'])
  .transform((v) => v === 'true' || v === '1' || v === 'yes');
const optionalString = z
  .string()
  .optional()
  .transform((v) => (v && v.trim() !== '' ? v.trim() : undefined));

const envSchema = z.object({
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  /** host:port of an existing Temporal cluster; when unset, `npm start` embeds a dev server. */
  TEMPORAL_ADDRESS: optionalString.pipe(
    z
      .string()
      .regex(/^[^\s:/]+:\d{1,5}$/, 'must be host:port, e.g. temporal.example.org:7233')
      .optional(),
  ),
  /** Empty counts as unset: the profile's namespace, else `duban`. */
  TEMPORAL_NAMESPACE: optionalString,
  /** A profile of a `temporal.toml` file (see config/temporal-profile.ts); the file is read only when set. */
  TEMPORAL_PROFILE: optionalString,
  TEMPORAL_CONFIG_FILE: optionalString,
  TEMPORAL_TLS_CLIENT_CERT_PATH: optionalString,
  TEMPORAL_TLS_CLIENT_KEY_PATH: optionalString,
  TEMPORAL_TLS_SERVER_CA_CERT_PATH: optionalString,
  TEMPORAL_TLS_SERVER_NAME: optionalString,
  /** Deprecated aliases of the three standard names above. */
  TEMPORAL_TLS_CERT: optionalString,
  TEMPORAL_TLS_KEY: optionalString,
  TEMPORAL_TLS_CA: optionalString,
  TEMPORAL_API_KEY: optionalString,
  /** Embedded dev server ports. */
  TEMPORAL_PORT: port.default(7233),
  TEMPORAL_UI_PORT: port.default(8233),
  /** Base URL of the Temporal Web UI, for links to a task's workflow. */
  TEMPORAL_UI_URL: optionalString.pipe(z.url('must be a URL such as http://localhost:8233').optional()),
  DATA_DIR: z.string().min(1).default('data'),
  PORT: port.default(3000),
  /** Base URL of the dashboard, for links in notifications. */
  PUBLIC_URL: optionalString.pipe(z.url('must be a URL such as https://duban.example.org').optional()),
  PLAN_FILE: z.string().min(1).default('seeds/moe-2016-informatization.plan.json'),
  AUTO_START_PLAN: bool.default(true),
  PLAN_START_DATE: optionalString.pipe(isoDateSchema.optional()),
  AUTH_TOKENS_FILE: optionalString,
  CONTACTS_FILE: optionalString,
  SMTP_URL: optionalString.pipe(smtpUrlSchema.optional()),
  SMTP_FROM: optionalString,
  WEBHOOK_URL: optionalString.pipe(z.url('must be an http(s) URL').optional()),
  WEBHOOK_SECRET: optionalString.pipe(globalWebhookSecretSchema.optional()),
  LOG_LEVEL: z.enum(['error', 'warn', 'info', 'debug']).default('info'),
  /** A prebuilt workflow bundle (`npm run build:workflows`); used when the file exists, else webpack runs. */
  WORKFLOW_BUNDLE_PATH: optionalString,
  /** Port of the worker's Prometheus endpoint (the Temporal SDK's own metrics); unset: no endpoint. */
  WORKER_METRICS_PORT: port.optional(),
  /** The payload keyring's JSON itself (a secret: never printed); instead of `PAYLOAD_KEYS_FILE`. */
  PAYLOAD_KEYS: optionalString,
  /** The payload keyring file; default `DATA_DIR/payload-keys.json`, generated on first start. */
  PAYLOAD_KEYS_FILE: optionalString,
  /** The cipher of a generated keyring; when set, the active key must use it. */
  PAYLOAD_CIPHER: z.enum(PAYLOAD_CIPHERS).optional(),
  /** Task workflows a worker keeps in memory; others are rebuilt from history on their next turn. */
  WORKER_MAX_CACHED_WORKFLOWS: z.coerce.number().int().min(0).max(100_000).default(1_500),
  /** How often each API replica polls visibility for changed task rows (api/task-list-cache.ts). */
  TASK_LIST_POLL_MS: z.coerce.number().int().min(100).max(600_000).default(1_000),
  /** How often each API replica reloads the whole task list (catches workflows ended or deleted from outside). */
  TASK_LIST_RELOAD_MS: z.coerce.number().int().min(5_000).max(86_400_000).default(300_000),
  /** Writes (POST requests) one token may send per minute; 0 turns the limit off. */
  RATE_LIMIT_WRITES_PER_MINUTE: z.coerce.number().int().min(0).default(300),
  /** Failed authentications (no, unknown, expired or revoked token) one address may make per 15 minutes; 0: no limit. */
  RATE_LIMIT_AUTH_FAILURES: z.coerce.number().int().min(0).default(50),
  /** Where the API's audit log goes: a file (appended), or `stdout` / `stderr`; default `$DATA_DIR/audit.log`. */
  AUDIT_LOG_FILE: optionalString,
  /** Largest evidence file `POST /api/files` takes, in bytes (default 20 MiB); larger: 413 `file_too_large`. */
  EVIDENCE_MAX_BYTES: z.coerce
    .number()
    .int()
    .min(1)
    .max(1024 * 1024 * 1024)
    .default(20 * 1024 * 1024),
  /** The S3-compatible bucket of the evidence files; unset: the folder `DATA_DIR/evidence/`. */
  EVIDENCE_S3_BUCKET: optionalString,
  /** The S3-compatible service's URL (MinIO, Ceph, a provider's endpoint); unset: Amazon S3 of the region. */
  EVIDENCE_S3_URL: optionalString.pipe(z.url('must be a URL such as http://127.0.0.1:9000').optional()),
  /** The bucket's region (default `us-east-1`, which most S3-compatible servers accept). */
  EVIDENCE_S3_REGION: optionalString,
  /** Key prefix of the evidence objects in the bucket (default `evidence/`). */
  EVIDENCE_S3_PREFIX: optionalString,
  /** The access key; with the secret below. Unset: the SDK's own chain (`AWS_*`, a profile, an instance role). */
  EVIDENCE_S3_ACCESS_KEY_ID: optionalString,
  /** The secret access key (a secret: never printed). */
  EVIDENCE_S3_SECRET_ACCESS_KEY: optionalString,
  /** Path-style requests (`<url>/<bucket>/<key>`); default: true when `EVIDENCE_S3_URL` is set. */
  EVIDENCE_S3_FORCE_PATH_STYLE: bool.optional(),
});

/** Every environment variable {@link loadConfig} reads, e.g. for checking deployment files against it. */
export const CONFIG_VARIABLES: readonly string[] = Object.keys(envSchema.shape);

/** The validated configuration. Paths are absolute. */
export type Config = ReturnType<typeof loadConfig>;

/** Thrown for a bad configuration value; the message names the variable and what is wrong. */
export class ConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ConfigError';
  }
}

/** How a bad value of a variable holding a secret is shown in the start-up error: never whole. */
const SHOWN_SECRET: Record<string, (value: string) => string> = {
  SMTP_URL: (v) => JSON.stringify(maskUrlPassword(v)),
  WEBHOOK_SECRET: () => '(hidden)',
  TEMPORAL_API_KEY: () => '(hidden)',
  EVIDENCE_S3_SECRET_ACCESS_KEY: () => '(hidden)',
};

/** Variables that name a file the process reads at start-up: it must exist and be readable. */
const READ_FILES = [
  'PLAN_FILE',
  'TEMPORAL_CONFIG_FILE',
  'TEMPORAL_TLS_CLIENT_CERT_PATH',
  'TEMPORAL_TLS_CLIENT_KEY_PATH',
  'TEMPORAL_TLS_SERVER_CA_CERT_PATH',
  'TEMPORAL_TLS_CERT',
  'TEMPORAL_TLS_KEY',
  'TEMPORAL_TLS_CA',
  'CONTACTS_FILE',
  'PAYLOAD_KEYS_FILE',
] as const;

/** The generated keyring's name in `DATA_DIR`. */
export const DEFAULT_KEYRING_FILE = 'payload-keys.json';

function readableFile(file: string): boolean {
  try {
    accessSync(file, constants.R_OK);
    return statSync(file).isFile();
  } catch {
    return false;
  }
}

/**
 * Parses the configuration from `env` (default `process.env`). Relative paths are taken from the project's
 * folder, and every file named by {@link READ_FILES} must be readable.
 * @throws ConfigError naming the first bad variable.
 */
export function loadConfig(env: NodeJS.ProcessEnv = process.env) {
  const parsed = envSchema.safeParse(env);
  if (!parsed.success) {
    const first = parsed.error.issues[0]!;
    const name = String(first.path[0]);
    const value = env[name];
    const shown = value !== undefined && SHOWN_SECRET[name] ? SHOWN_SECRET[name](value) : JSON.stringify(value);
    throw new ConfigError(
      `Bad configuration: ${name}=${shown} ${first.message.replace(/^Invalid input: /, '')}` +
        ` — fix or unset ${name}.`,
    );
  }
  const c = parsed.data;
  if ((c.TEMPORAL_TLS_CERT && !c.TEMPORAL_TLS_KEY) || (!c.TEMPORAL_TLS_CERT && c.TEMPORAL_TLS_KEY)) {
    throw new ConfigError('Bad configuration: TEMPORAL_TLS_CERT and TEMPORAL_TLS_KEY must be set together.');
  }
  if (c.SMTP_URL && !c.SMTP_FROM) throw new ConfigError('Bad configuration: SMTP_URL is set but SMTP_FROM is not.');
  if (c.WEBHOOK_URL && !c.WEBHOOK_SECRET) {
    throw new ConfigError('Bad configuration: WEBHOOK_URL is set but WEBHOOK_SECRET is not.');
  }
  if (Boolean(c.EVIDENCE_S3_ACCESS_KEY_ID) !== Boolean(c.EVIDENCE_S3_SECRET_ACCESS_KEY)) {
    throw new ConfigError(
      'Bad configuration: EVIDENCE_S3_ACCESS_KEY_ID and EVIDENCE_S3_SECRET_ACCESS_KEY must be set together.',
    );
  }
  if (!c.EVIDENCE_S3_BUCKET) {
    const orphan = (
      [
        'EVIDENCE_S3_URL',
        'EVIDENCE_S3_REGION',
        'EVIDENCE_S3_PREFIX',
        'EVIDENCE_S3_ACCESS_KEY_ID',
        'EVIDENCE_S3_FORCE_PATH_STYLE',
      ] as const
    ).find((name) => c[name] !== undefined);
    if (orphan) throw new ConfigError(`Bad configuration: ${orphan} is set but EVIDENCE_S3_BUCKET is not.`);
  }
  const abs = (p: string) => path.resolve(PROJECT_ROOT, p);
  for (const name of READ_FILES) {
    const value = c[name];
    if (value && !readableFile(abs(value))) {
      throw new ConfigError(
        `Bad configuration: ${name}=${JSON.stringify(value)} is not a readable file (${abs(value)})` +
          ` — fix or unset ${name}.`,
      );
    }
  }
  const absOptional = (p: string | undefined) => p && abs(p);
  // The connection, the standard way (profile file, standard variables); file paths made absolute first.
  const connectionEnv: NodeJS.ProcessEnv = { ...env };
  for (const name of READ_FILES) if (name.startsWith('TEMPORAL_') && c[name]) connectionEnv[name] = abs(c[name]!);
  let temporalConnection: TemporalConnectionSettings;
  try {
    temporalConnection = resolveTemporalConnection(connectionEnv);
  } catch (err) {
    throw new ConfigError((err as Error).message);
  }
  const embedded = !temporalConnection.address;
  const payloadKeys = keyringSource(c, abs, embedded);
  return {
    ...c,
    DATA_DIR: abs(c.DATA_DIR),
    PLAN_FILE: abs(c.PLAN_FILE),
    TEMPORAL_TLS_CERT: absOptional(c.TEMPORAL_TLS_CERT),
    TEMPORAL_TLS_KEY: absOptional(c.TEMPORAL_TLS_KEY),
    TEMPORAL_TLS_CA: absOptional(c.TEMPORAL_TLS_CA),
    /** The profile's namespace when it names one and `TEMPORAL_NAMESPACE` is unset. */
    TEMPORAL_NAMESPACE: c.TEMPORAL_NAMESPACE ?? temporalConnection.namespace ?? 'duban',
    /** What the clients and the worker connect with (address, TLS, API key, gRPC metadata). */
    temporalConnection,
    AUTH_TOKENS_FILE: c.AUTH_TOKENS_FILE && abs(c.AUTH_TOKENS_FILE),
    CONTACTS_FILE: absOptional(c.CONTACTS_FILE),
    /** The audit log's destination: an absolute file path, or `stdout` / `stderr`. */
    AUDIT_LOG_FILE:
      c.AUDIT_LOG_FILE === 'stdout' || c.AUDIT_LOG_FILE === 'stderr'
        ? c.AUDIT_LOG_FILE
        : abs(c.AUDIT_LOG_FILE ?? path.join(c.DATA_DIR, 'audit.log')),
    /** True when no cluster is configured and `npm start` runs its own dev server. */
    embedded,
    /** The address clients connect to. */
    temporalAddress: temporalConnection.address ?? `127.0.0.1:${c.TEMPORAL_PORT}`,
    temporalUiUrl: c.TEMPORAL_UI_URL ?? (embedded ? `http://localhost:${c.TEMPORAL_UI_PORT}` : undefined),
    publicUrl: c.PUBLIC_URL ?? `http://localhost:${c.PORT}`,
    /** Where the payload codec's keys come from (validated here; read or generated by codec/keyring.ts). */
    payloadKeys,
  };
}

/**
 * Where the payload keys are, checked now so that a bad keyring stops start-up with one line: `PAYLOAD_KEYS`,
 * `PAYLOAD_KEYS_FILE`, or the default in `DATA_DIR`, generated on first start except for a production cluster
 * (whose workers and API replicas must all share one keyring: there `loadKeyring` stops start-up instead).
 */
function keyringSource(c: z.infer<typeof envSchema>, abs: (p: string) => string, embedded: boolean): KeyringSource {
  const fail = (name: string, why: string): never => {
    throw new ConfigError(`Bad configuration: ${name} ${why} — fix or unset ${name}.`);
  };
  const checkCipher = (keyring: Keyring, name: string): Keyring => {
    const active = keyring.keys.find((k) => k.id === keyring.active)!;
    if (c.PAYLOAD_CIPHER && active.cipher !== c.PAYLOAD_CIPHER) {
      fail(name, `has the active key "${active.id}" of ${active.cipher}, but PAYLOAD_CIPHER is ${c.PAYLOAD_CIPHER}`);
    }
    return keyring;
  };
  const parse = (name: string, read: () => Keyring | undefined): Keyring | undefined => {
    try {
      const keyring = read();
      return keyring && checkCipher(keyring, name);
    } catch (err) {
      if (err instanceof KeyringError) fail(name, `is not a valid keyring: ${err.message}`);
      throw err;
    }
  };
  const cipher = c.PAYLOAD_CIPHER ?? 'aes-256-gcm';
  if (c.PAYLOAD_KEYS && c.PAYLOAD_KEYS_FILE) fail('PAYLOAD_KEYS', 'and PAYLOAD_KEYS_FILE are both set: set one');
  if (c.PAYLOAD_KEYS) {
    return { kind: 'inline', keyring: parse('PAYLOAD_KEYS', () => parseKeyring(c.PAYLOAD_KEYS!, 'the value'))! };
  }
  if (c.PAYLOAD_KEYS_FILE) {
    const file = abs(c.PAYLOAD_KEYS_FILE);
    parse('PAYLOAD_KEYS_FILE', () => readKeyringFile(file));
    return { kind: 'file', file, generate: false, cipher };
  }
  const file = path.join(abs(c.DATA_DIR), DEFAULT_KEYRING_FILE);
  parse('PAYLOAD_KEYS_FILE', () => readKeyringFile(file));
  // Workers and API replicas of a production cluster must share one keyring: none is generated for them.
  const generate = c.NODE_ENV !== 'production' || embedded;
  return { kind: 'file', file, generate, cipher };
}

/** A loggable summary of the configuration, without secrets. */
export function describeConfig(c: Config): Record<string, unknown> {
  return {
    temporal: c.temporalAddress,
    namespace: c.TEMPORAL_NAMESPACE,
    embedded: c.embedded,
    profile: c.temporalConnection.profile ?? 'none',
    tls: Boolean(c.temporalConnection.tls),
    apiKey: c.temporalConnection.apiKey ? 'set' : 'unset',
    dataDir: c.DATA_DIR,
    port: c.PORT,
    plan: c.PLAN_FILE,
    /** Where the payload keys come from, never the keys. */
    payloadKeys: c.payloadKeys.kind === 'inline' ? 'PAYLOAD_KEYS' : c.payloadKeys.file,
    /** Where evidence files are kept, never the bucket's keys. */
    evidence: c.EVIDENCE_S3_BUCKET
      ? `s3://${c.EVIDENCE_S3_BUCKET}/${c.EVIDENCE_S3_PREFIX ?? 'evidence/'}${c.EVIDENCE_S3_URL ? ` at ${maskUrlPassword(c.EVIDENCE_S3_URL)}` : ''}`
      : path.join(c.DATA_DIR, 'evidence'),
  };
}
