/**
 * The embedded Temporal server of `npm start`: `temporal server start-dev` run as a child process with its
 * state in a SQLite file under `DATA_DIR`, the project namespace at long retention and the project's
 * custom search attributes. A second start on the same file finds every workflow where it was.
 */
import { Connection } from '@temporalio/client';
import type { SearchAttributeType } from '@temporalio/common';
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { ALL_SEARCH_ATTRIBUTES } from '../contracts';

const execFileAsync = promisify(execFile);

/** Retention of closed workflows in the embedded namespace; dev namespaces would otherwise keep them 24 h. */
export const EMBEDDED_RETENTION_DAYS = 400;

/** The SQLite file name the embedded server keeps its state in, inside `DATA_DIR`. */
export const DEV_SERVER_DB_FILE = 'temporal.db';

/** A search attribute to register: its name and type (as made by `defineSearchAttributeKey`). */
export interface SearchAttributeSpec {
  readonly name: string;
  readonly type: SearchAttributeType;
}

/** Options of {@link startDevServer}. */
export interface DevServerOptions {
  /** Path of the Temporal CLI (see `embedded/binaries.ts`). */
  cliPath: string;
  /** Folder of the SQLite file; created when missing. */
  dataDir: string;
  namespace: string;
  /** Frontend gRPC port. */
  port: number;
  /** Web UI port. */
  uiPort: number;
  /**
   * The codec endpoint the Web UI decodes payloads through (`--ui-codec-endpoint`): the API's `/api/codec`, so
   * an administrator with a codec session reads histories in plain text and everybody else sees ciphertext.
   */
  uiCodecEndpoint?: string;
  /** Interface the frontend and the UI bind to (default `127.0.0.1`). */
  ip?: string;
  /** Retention of closed workflows in days (default {@link EMBEDDED_RETENTION_DAYS}). */
  retentionDays?: number;
  /** Search attributes to register (default every attribute of the contracts). */
  searchAttributes?: readonly SearchAttributeSpec[];
  /** How long to wait for the frontend to answer (default 60 s). */
  startTimeoutMs?: number;
  /** The server's own log level (default `error`). */
  logLevel?: 'debug' | 'info' | 'warn' | 'error';
  /**
   * SQLite in WAL mode with `synchronous=normal` (default true): the single SQLite connection then stalls far
   * less under load. `false` keeps SQLite's defaults, for measuring the difference (`npm run bench -- --no-wal`).
   */
  walPragmas?: boolean;
  /** Receives every line the server writes, and from which stream (default: dropped; the tail is kept for errors). */
  onLog?: (line: string, stream: 'stdout' | 'stderr') => void;
}

/** A running embedded server. */
export interface DevServer {
  /** `host:port` of the frontend. */
  readonly address: string;
  /** URL of the Temporal Web UI. */
  readonly uiUrl: string;
  /** Path of the SQLite file. */
  readonly dbFile: string;
  /** Process id of the server. */
  readonly pid: number;
  /** Resolves with the exit code (or signal name) when the process has exited, for whatever reason. */
  readonly exited: Promise<number | string>;
  /**
   * Stops the server: SIGTERM, then SIGKILL after `graceMs` (default 10 s). Resolves once the process is
   * gone; calling it again returns the same promise.
   */
  stop(graceMs?: number): Promise<void>;
}

/** Thrown when the server exits or does not answer in time; the message is one line with the server's last words. */
export class DevServerStartError extends Error {
  /** The last lines the server wrote. */
  readonly outputTail: string[];
  constructor(message: string, outputTail: string[]) {
    const last = outputTail.slice(-3).join(' | ');
    super(last ? `${message} Server said: ${last}` : message);
    this.name = 'DevServerStartError';
    this.outputTail = outputTail;
  }
}

/** How the Temporal CLI spells each search attribute type (`--type Keyword`, `Name=KeywordList`). */
export const CLI_TYPE_NAMES: Record<SearchAttributeType, string> = {
  TEXT: 'Text',
  KEYWORD: 'Keyword',
  INT: 'Int',
  DOUBLE: 'Double',
  BOOL: 'Bool',
  DATETIME: 'Datetime',
  KEYWORD_LIST: 'KeywordList',
};

/**
 * Starts the embedded server and resolves once its frontend answers, the namespace exists with
 * {@link DevServerOptions.retentionDays} retention and every search attribute is registered (also on a
 * database file created before an attribute was added to the contracts).
 *
 * The child runs in its own process group, so that Ctrl-C in a terminal reaches only the parent, which
 * drains the worker before stopping the server; the server is killed when the parent process exits.
 * @throws DevServerStartError when the process exits early (e.g. a port in use) or does not answer within
 *   the timeout; the process is stopped before the error is thrown.
 */
export async function startDevServer(options: DevServerOptions): Promise<DevServer> {
  const ip = options.ip ?? '127.0.0.1';
  const address = `${ip}:${options.port}`;
  const searchAttributes = options.searchAttributes ?? ALL_SEARCH_ATTRIBUTES;
  mkdirSync(options.dataDir, { recursive: true });
  const dbFile = path.join(options.dataDir, DEV_SERVER_DB_FILE);
  const fresh = !existsSync(dbFile);
  const args = [
    'server',
    'start-dev',
    '--db-filename',
    dbFile,
    '--namespace',
    options.namespace,
    '--ip',
    ip,
    '--port',
    String(options.port),
    '--ui-port',
    String(options.uiPort),
    ...(options.walPragmas === false
      ? []
      : ['--sqlite-pragma', 'journal_mode=wal', '--sqlite-pragma', 'synchronous=normal']),
    '--log-level',
    options.logLevel ?? 'error',
    '--ui-disable-news-fetch',
    ...(options.uiCodecEndpoint ? ['--ui-codec-endpoint', options.uiCodecEndpoint] : []),
    // Only a new database takes these; an existing one gets its missing attributes from ensureNamespace.
    ...(fresh ? searchAttributes.flatMap((k) => ['--search-attribute', `${k.name}=${CLI_TYPE_NAMES[k.type]}`]) : []),
  ];
  const child = spawn(options.cliPath, args, {
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
    env: cliEnv(),
  });
  const tail: string[] = [];
  const onLine = (line: string, stream: 'stdout' | 'stderr'): void => {
    if (line.trim() === '') return;
    tail.push(line);
    if (tail.length > 20) tail.shift();
    options.onLog?.(line, stream);
  };
  forwardLines(child, onLine);
  const exited = new Promise<number | string>((resolve) => {
    child.once('exit', (code, signal) => resolve(code ?? signal ?? 'unknown'));
    child.once('error', (err) => {
      onLine(err.message, 'stderr');
      resolve('error');
    });
  });
  const killOnExit = (): void => {
    signalGroup(child, 'SIGKILL');
  };
  process.once('exit', killOnExit);
  void exited.then(() => process.removeListener('exit', killOnExit));

  let stopping: Promise<void> | undefined;
  const stop = (graceMs = 10_000): Promise<void> => {
    stopping ??= (async () => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      signalGroup(child, 'SIGTERM');
      const timer = setTimeout(() => signalGroup(child, 'SIGKILL'), graceMs);
      await exited;
      clearTimeout(timer);
    })();
    return stopping;
  };

  const server: DevServer = {
    address,
    uiUrl: `http://${ip === '0.0.0.0' ? 'localhost' : ip}:${options.uiPort}`,
    dbFile,
    pid: child.pid ?? -1,
    exited,
    stop,
  };
  let deadline = Date.now() + (options.startTimeoutMs ?? 60_000);
  try {
    const early = exited.then((code) => {
      throw new DevServerStartError(
        `The embedded Temporal server exited (${code}) while starting on ${address} (UI port ${options.uiPort}):` +
          ` free the ports or set TEMPORAL_PORT / TEMPORAL_UI_PORT, or set TEMPORAL_ADDRESS to use another server.`,
        tail,
      );
    });
    const ready = ensureNamespace(options.cliPath, address, options, searchAttributes, () => deadline, tail);
    // Whichever loses the race must not surface as an unhandled rejection.
    early.catch(() => undefined);
    ready.catch(() => undefined);
    await Promise.race([early, ready]);
  } catch (err) {
    deadline = 0; // ends the connect loop
    await stop(2_000);
    throw err;
  }
  return server;
}

/** Waits for the frontend, then sets retention and registers missing search attributes. */
async function ensureNamespace(
  cliPath: string,
  address: string,
  options: DevServerOptions,
  searchAttributes: readonly SearchAttributeSpec[],
  deadline: () => number,
  tail: string[],
): Promise<void> {
  const connection = await waitForFrontend(address, options.namespace, deadline, tail);
  let registered: Set<string>;
  try {
    const { customAttributes } = await connection.operatorService.listSearchAttributes({
      namespace: options.namespace,
    });
    registered = new Set(Object.keys(customAttributes ?? {}));
  } finally {
    await connection.close();
  }
  // The writes go through the CLI: they are the `temporal operator` commands a cluster operator would run.
  const cli = (...args: string[]) =>
    execFileAsync(
      cliPath,
      [
        ...args,
        '--address',
        address,
        '--namespace',
        options.namespace,
        '--disable-config-file',
        '--disable-config-env',
      ],
      { env: cliEnv(), timeout: 30_000 },
    );
  // One attribute per command: given several `--name`s, the dev server registers only the first.
  for (const k of searchAttributes.filter((a) => !registered.has(a.name))) {
    await cli('operator', 'search-attribute', 'create', '--name', k.name, '--type', CLI_TYPE_NAMES[k.type]);
  }
  const days = options.retentionDays ?? EMBEDDED_RETENTION_DAYS;
  await cli('operator', 'namespace', 'update', '--retention', `${days}d`);
}

/** Connects until the frontend answers and the namespace is registered, or the deadline passes. */
async function waitForFrontend(address: string, namespace: string, deadline: () => number, tail: string[]) {
  let lastError = '';
  while (Date.now() < deadline()) {
    let connection: Connection | undefined;
    try {
      connection = await Connection.connect({ address, connectTimeout: 2_000 });
      await connection.workflowService.describeNamespace({ namespace });
      if (Date.now() < deadline()) return connection;
      await connection.close();
    } catch (err) {
      lastError = (err as Error).message;
      await connection?.close().catch(() => undefined);
      await new Promise((r) => setTimeout(r, 250));
    }
  }
  throw new DevServerStartError(
    `The embedded Temporal server did not answer on ${address} in time (${lastError}); run with LOG_LEVEL=debug to see its log.`,
    tail,
  );
}

/** The CLI reads TEMPORAL_* variables of its own (address, namespace, TLS): the embedded server must not. */
function cliEnv(): NodeJS.ProcessEnv {
  return Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('TEMPORAL_')));
}

function signalGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  if (child.pid === undefined || child.exitCode !== null || child.signalCode !== null) return;
  try {
    process.kill(-child.pid, signal);
  } catch {
    child.kill(signal);
  }
}

function forwardLines(child: ChildProcess, onLine: (line: string, stream: 'stdout' | 'stderr') => void): void {
  for (const [name, stream] of [
    ['stdout', child.stdout],
    ['stderr', child.stderr],
  ] as const) {
    let rest = '';
    stream?.setEncoding('utf8');
    stream?.on('data', (chunk: string) => {
      const lines = (rest + chunk).split(/\r?\n|(?=Error: )/);
      rest = lines.pop() ?? '';
      for (const line of lines) onLine(line, name);
    });
    stream?.on('end', () => {
      if (rest) onLine(rest, name);
      rest = '';
    });
  }
}
