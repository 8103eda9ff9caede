/**
 * Bearer tokens: the tokens file (`AUTH_TOKENS_FILE`, an array of `{sha256, role, department?, name}`),
 * minting, hashing and look-up. Plaintext tokens are never written to the tokens file; only their SHA-256.
 * Outside production and without a tokens file, {@link ensureDemoTokens} writes demo tokens under `DATA_DIR`.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { roleSchema, type PlanFile } from '../../contracts';

/** One entry of the tokens file. Coordinators carry the department they sign for. */
export const tokenRecordSchema = z
  .object({
    sha256: z.string().regex(/^[0-9a-f]{64}$/, 'must be the hex SHA-256 of the token'),
    role: roleSchema,
    department: z.string().min(1).optional(),
    name: z.string().trim().min(1),
    /** When the token stops working (ISO date-time); absent: it does not expire. */
    expiresAt: z.iso.datetime({ offset: true }).optional(),
    /** When an administrator revoked it (`npm run token -- revoke`); a revoked token never works again. */
    revokedAt: z.iso.datetime({ offset: true }).optional(),
  })
  .refine((t) => t.role !== 'coordinator' || t.department !== undefined, {
    message: 'a coordinator token needs a department',
    path: ['department'],
  });
/** One entry of the tokens file: the SHA-256 of a bearer token and who it stands for. */
export type TokenRecord = z.infer<typeof tokenRecordSchema>;

/** The signed-in person a request acts for. */
export interface Principal {
  role: TokenRecord['role'];
  department?: string;
  name: string;
  /** The token's hash: identifies the caller (e.g. to scope idempotency keys) without the token. */
  sha256: string;
}

/** Thrown when the tokens file is missing, unreadable or invalid; the message names the file and the problem. */
export class TokensFileError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'TokensFileError';
  }
}

/** Hex SHA-256 of a token. */
export function hashToken(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}

/** A new random token (192 bits, URL-safe) with a recognisable prefix. */
export function mintToken(): string {
  return `dbn_${randomBytes(24).toString('base64url')}`;
}

/**
 * Reads and validates a tokens file; with a plan, also checks that every coordinator's department exists.
 * @throws TokensFileError naming the file and the first problem.
 */
export function readTokensFile(file: string, plan?: Pick<PlanFile, 'departments'>): TokenRecord[] {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(file, 'utf8'));
  } catch (err) {
    throw new TokensFileError(`Cannot read tokens file ${file}: ${(err as Error).message}`);
  }
  const parsed = z.array(tokenRecordSchema).safeParse(raw);
  if (!parsed.success) {
    const first = parsed.error.issues[0]!;
    throw new TokensFileError(`Bad tokens file ${file}: at [${first.path.join('.')}] ${first.message}`);
  }
  if (plan) {
    const known = new Set(plan.departments.map((d) => d.id));
    parsed.data.forEach((t, i) => {
      if (t.department !== undefined && !known.has(t.department)) {
        throw new TokensFileError(`Bad tokens file ${file}: entry ${i} names unknown department "${t.department}"`);
      }
    });
  }
  return parsed.data;
}

/**
 * Writes a tokens file whole: to a temporary file beside it, then renamed over it, so that an API reading
 * it at the same moment sees the old file or the new one, never half of one.
 */
export function writeTokensFile(file: string, records: readonly TokenRecord[]): void {
  mkdirSync(path.dirname(file), { recursive: true });
  const temporary = `${file}.${process.pid}.tmp`;
  writeFileSync(temporary, `${JSON.stringify(records, null, 2)}\n`, { mode: 0o600 });
  renameSync(temporary, file);
}

/** Appends a record to a tokens file, creating the file (and its folder) when missing. */
export function appendTokenRecord(file: string, record: TokenRecord): void {
  const records = existsSync(file) ? readTokensFile(file) : [];
  records.push(record);
  writeTokensFile(file, records);
}

/** Why a known token does not let its bearer in at `now`, or undefined when it does. */
export function tokenRefusal(record: TokenRecord, now: number): 'revoked' | 'expired' | undefined {
  if (record.revokedAt !== undefined) return 'revoked';
  if (record.expiresAt !== undefined && Date.parse(record.expiresAt) <= now) return 'expired';
  return undefined;
}

/** The records a running API authenticates against; `current()` may change between two requests. */
export interface TokenSource {
  /** The records in force now. */
  current(): readonly TokenRecord[];
}

/**
 * A tokens file kept current without a restart: every call of `current()` compares the file's identity,
 * size and modification time (one `stat`, a few microseconds) with those last read, and reads it again
 * when they changed, so a token revoked or added by `npm run token` (or by an editor that replaces the
 * file) counts from the next request. A file that has become unreadable or invalid is logged once and the
 * last good records stay in force.
 * @throws TokensFileError when the file cannot be read or is invalid at the first read (start-up).
 */
export function watchTokensFile(
  file: string,
  plan?: Pick<PlanFile, 'departments'>,
  log: (line: string) => void = (l) => console.error(l),
): TokenSource {
  const identity = (): string | undefined => {
    try {
      const s = statSync(file, { bigint: true });
      return `${s.ino}:${s.size}:${s.mtimeNs}:${s.ctimeNs}`;
    } catch {
      return undefined;
    }
  };
  let seen = identity();
  let records = readTokensFile(file, plan);
  let complained: string | undefined;
  return {
    current() {
      const now = identity();
      if (now === seen) return records;
      seen = now;
      try {
        records = readTokensFile(file, plan);
        complained = undefined;
        log(`[auth] 令牌文件已重新读取 tokens file re-read: ${records.length} tokens in ${file}`);
      } catch (err) {
        const problem = (err as Error).message;
        if (problem !== complained) {
          log(`[auth] 令牌文件无效，沿用上一版 keeping the last good tokens: ${problem}`);
          complained = problem;
        }
      }
      return records;
    },
  };
}

/** A fixed set of records as a {@link TokenSource} (tests, a harness). */
export function fixedTokens(records: readonly TokenRecord[]): TokenSource {
  return { current: () => records };
}

/**
 * Finds the record of a presented token. Compares hashes in constant time and visits every record, so the
 * answer time does not tell how close a guess was.
 */
export function findToken(records: readonly TokenRecord[], token: string): TokenRecord | undefined {
  const presented = Buffer.from(hashToken(token), 'hex');
  let found: TokenRecord | undefined;
  for (const record of records) {
    if (timingSafeEqual(presented, Buffer.from(record.sha256, 'hex')) && !found) found = record;
  }
  return found;
}

/** Where the demo tokens go under `DATA_DIR`: the hashes (used as the tokens file) and the plaintext list. */
export function demoTokenPaths(dataDir: string): { tokensFile: string; plaintextFile: string } {
  return {
    tokensFile: path.join(dataDir, 'auth-tokens.demo.json'),
    plaintextFile: path.join(dataDir, 'demo-tokens.txt'),
  };
}

/**
 * The people a demo installation has a token for: an administrator, the office, a viewer, the supervision office,
 * leadership and every coordinator.
 */
function demoPeople(plan: Pick<PlanFile, 'departments'>): Omit<TokenRecord, 'sha256'>[] {
  return [
    { role: 'admin', name: '系统管理员 Administrator' },
    { role: 'office', name: '办公厅值班员 General Office duty officer' },
    { role: 'viewer', name: '督办大屏（只读） Wall screen (read-only)' },
    { role: 'supervisor', name: '督导办督办员 Supervision office duty officer' },
    { role: 'leadership', name: '部领导秘书 Ministry leadership secretariat' },
    ...plan.departments.map((d) => ({
      role: 'coordinator' as const,
      department: d.id,
      name: `${d.name.zh}联络员 ${d.name.en} coordinator`,
    })),
  ];
}

/**
 * Makes sure demo tokens exist for every department's coordinator, the general office, a read-only viewer,
 * the supervision office, leadership and an administrator. Writes the hashes to the demo tokens file and the plaintext tokens (readable by the
 * owner only) to a text file beside it. Later starts reuse them and mint only the people still missing (a
 * department added to the plan, a role added to the engine). Answers the paths and whether any were written.
 */
export function ensureDemoTokens(
  dataDir: string,
  plan: Pick<PlanFile, 'departments'>,
): { tokensFile: string; plaintextFile: string; created: boolean } {
  const paths = demoTokenPaths(dataDir);
  const existing = existsSync(paths.tokensFile) ? readTokensFile(paths.tokensFile) : [];
  const missing = demoPeople(plan).filter(
    (p) => !existing.some((r) => r.role === p.role && r.department === p.department),
  );
  if (missing.length === 0) return { ...paths, created: false };
  const minted = missing.map((p) => ({ ...p, token: mintToken() }));
  mkdirSync(dataDir, { recursive: true });
  const lines = minted.map((m) => `${m.role}\t${m.department ?? '-'}\t${m.token}\t${m.name}\n`).join('');
  const listed = existsSync(paths.plaintextFile)
    ? readFileSync(paths.plaintextFile, 'utf8')
    : '# 演示令牌 Demo tokens — not for production. role, department, token, name\n';
  writeFileSync(paths.plaintextFile, `${listed}${listed.endsWith('\n') ? '' : '\n'}${lines}`, { mode: 0o600 });
  const records: TokenRecord[] = [
    ...existing,
    ...minted.map(({ token, ...p }) => ({ ...p, sha256: hashToken(token) })),
  ];
  writeFileSync(paths.tokensFile, `${JSON.stringify(records, null, 2)}\n`, { mode: 0o600 });
  return { ...paths, created: true };
}

/**
 * The tokens file a process uses: `AUTH_TOKENS_FILE` when set; otherwise, outside production, the demo
 * file (created on first use). In production without `AUTH_TOKENS_FILE` it throws a clear start-up error.
 */
export function resolveTokensFile(
  config: { AUTH_TOKENS_FILE?: string; NODE_ENV: string; DATA_DIR: string },
  plan: Pick<PlanFile, 'departments'>,
  log: (line: string) => void = (l) => console.log(l),
): string {
  if (config.AUTH_TOKENS_FILE) return config.AUTH_TOKENS_FILE;
  if (config.NODE_ENV === 'production') {
    throw new TokensFileError(
      'AUTH_TOKENS_FILE is not set: in production the API needs a tokens file ' +
        '(mint tokens with `npm run token -- --role … --name …` and point AUTH_TOKENS_FILE at the file).',
    );
  }
  const demo = ensureDemoTokens(config.DATA_DIR, plan);
  if (demo.created) log(`[auth] 已生成演示令牌 demo tokens written to ${demo.plaintextFile}`);
  else log(`[auth] 使用演示令牌 using demo tokens listed in ${demo.plaintextFile}`);
  return demo.tokensFile;
}
