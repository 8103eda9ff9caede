/**
 * `npm run token`: the tokens file's command line.
 *
 * - `npm run token -- --role coordinator --department <id> --name "…" [--expires 90d|YYYY-MM-DD|<ISO time>]`
 *   mints a bearer token, appends its SHA-256 (never the token) to `AUTH_TOKENS_FILE` — or, outside
 *   production without it, to the demo tokens file under `DATA_DIR` — and prints the token once.
 * - `npm run token -- list` prints every record: hash prefix, role, department, name, expiry, revocation.
 * - `npm run token -- revoke <name|hash-prefix>` marks one record revoked (`revokedAt`); a running API
 *   refuses the token from its next request (it re-reads the file when it changes).
 *
 * Exit 0 on success, 2 for bad arguments (with usage), 1 when the configuration, plan or tokens file
 * cannot be used or the record to revoke is not found (or not one).
 */
import { existsSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { roleSchema } from '../contracts';
import { loadConfig } from '../config/env';
import { deadlineEpoch } from '../domain/calendar';
import { loadPlanFile } from '../seeds/load-plan';
import {
  appendTokenRecord,
  demoTokenPaths,
  hashToken,
  mintToken,
  readTokensFile,
  tokenRefusal,
  writeTokensFile,
  type TokenRecord,
} from '../api/auth/tokens';

const USAGE = `Usage: npm run token -- --role <coordinator|office|admin|viewer|supervisor|leadership> [--department <id>] --name "<person>"
                         [--expires <90d | YYYY-MM-DD | ISO date-time>]
       npm run token -- list
       npm run token -- revoke <name | hash prefix>

  --role        coordinator (signs for one department), office (办公厅), admin, viewer (reads
                everything, changes nothing: a wall screen), supervisor (督导办: reads everything, decides
                the extensions of tasks the general office leads) or leadership (部领导: reads everything)
  --department  the department id a coordinator signs for (required for coordinators only)
  --name        the person's name, recorded with every sign-off they make
  --expires     when the token stops working: a number of days from now (90d), the last day it works
                (YYYY-MM-DD, in the plan's time zone), or an ISO date-time; default: never
  list          every token of the file: hash prefix, role, department, name, expiry, revocation
  revoke        marks the token with that name (when only one has it) or whose hash starts with the
                prefix (8 hex digits or more) revoked; a running API refuses it from its next request

The token's SHA-256 is appended to AUTH_TOKENS_FILE (or to the demo tokens file under DATA_DIR when
AUTH_TOKENS_FILE is unset outside production); the token itself is printed once and stored nowhere.`;

function usage(problem: string): never {
  console.error(`✗ ${problem}\n\n${USAGE}`);
  process.exit(2);
}

/** Thrown for a record to revoke that is not there, or not one; exits 1. */
class NotFound extends Error {}

/**
 * The instant `--expires` names, from `now`: `Nd` days later, the end of a calendar day in the plan's time
 * zone, or an ISO date-time. Undefined for anything else.
 */
function expiryOf(value: string, now: number, utcOffset: string): number | undefined {
  const days = /^(\d{1,5})d$/.exec(value);
  if (days) return now + Number(days[1]) * 86_400_000;
  if (/^\d{4}-\d{2}-\d{2}$/.test(value)) {
    const at = deadlineEpoch(value, utcOffset);
    return Number.isNaN(at) ? undefined : at;
  }
  if (/^\d{4}-\d{2}-\d{2}T/.test(value)) {
    const at = Date.parse(value);
    return Number.isNaN(at) ? undefined : at;
  }
  return undefined;
}

function tokensFileOf(config: ReturnType<typeof loadConfig>): string {
  if (!config.AUTH_TOKENS_FILE && config.NODE_ENV === 'production') {
    throw new Error('AUTH_TOKENS_FILE must be set in production.');
  }
  return config.AUTH_TOKENS_FILE ?? demoTokenPaths(config.DATA_DIR).tokensFile;
}

function list(file: string): void {
  const records = existsSync(file) ? readTokensFile(file) : [];
  console.error(`${records.length} tokens in ${file}`);
  const now = Date.now();
  for (const r of records) {
    const state = tokenRefusal(r, now) ?? 'active';
    const when = r.revokedAt
      ? `revoked ${r.revokedAt}`
      : r.expiresAt
        ? `${state === 'expired' ? 'expired' : 'expires'} ${r.expiresAt}`
        : 'no expiry';
    console.log([r.sha256.slice(0, 12), state, r.role, r.department ?? '-', r.name, when].join('\t'));
  }
}

function revoke(file: string, which: string): void {
  const records = existsSync(file) ? readTokensFile(file) : [];
  const byPrefix = /^[0-9a-f]{8,64}$/.test(which) ? records.filter((r) => r.sha256.startsWith(which)) : [];
  const matches = byPrefix.length > 0 ? byPrefix : records.filter((r) => r.name === which.trim());
  if (matches.length === 0) throw new NotFound(`no token named "${which}" or whose hash starts with it in ${file}`);
  if (matches.length > 1) {
    throw new NotFound(
      `${matches.length} tokens match "${which}"; name one by its hash prefix:\n` +
        matches.map((r) => `  ${r.sha256.slice(0, 12)}\t${r.role}\t${r.department ?? '-'}\t${r.name}`).join('\n'),
    );
  }
  const target = matches[0]!;
  if (target.revokedAt) {
    console.error(`✓ token ${target.sha256.slice(0, 12)} (${target.name}) was already revoked at ${target.revokedAt}`);
    return;
  }
  const revokedAt = new Date().toISOString();
  writeTokensFile(
    file,
    records.map((r): TokenRecord => (r === target ? { ...r, revokedAt } : r)),
  );
  console.error(`✓ token ${target.sha256.slice(0, 12)} (${target.name}) revoked in ${file}`);
}

function mint(values: { role?: string; department?: string; name?: string; expires?: string }): void {
  const role = roleSchema.safeParse(values.role);
  if (!role.success)
    usage(
      `--role must be coordinator, office, admin, viewer, supervisor or leadership (got ${JSON.stringify(values.role)})`,
    );
  const name = values.name?.trim();
  if (!name) usage('--name is required');
  if (role.data === 'coordinator' && !values.department) usage('--department is required for a coordinator');
  if (role.data !== 'coordinator' && values.department) usage('--department is only for coordinators');

  const config = loadConfig();
  const plan = loadPlanFile(config.PLAN_FILE);
  if (values.department && !plan.departments.some((d) => d.id === values.department)) {
    usage(
      `unknown department "${values.department}"; the plan's departments are: ` +
        plan.departments.map((d) => d.id).join(', '),
    );
  }
  let expiresAt: string | undefined;
  if (values.expires !== undefined) {
    const at = expiryOf(values.expires, Date.now(), plan.policy.utcOffset);
    if (at === undefined) usage(`--expires must be like 90d, 2027-03-31 or an ISO date-time (got "${values.expires}")`);
    if (at <= Date.now()) usage(`--expires ${values.expires} is already past`);
    expiresAt = new Date(at).toISOString();
  }
  const file = tokensFileOf(config);
  const token = mintToken();
  appendTokenRecord(file, {
    sha256: hashToken(token),
    role: role.data,
    ...(values.department ? { department: values.department } : {}),
    name,
    ...(expiresAt ? { expiresAt } : {}),
  });
  console.error(
    `✓ token for ${name} (${role.data}${values.department ? `, ${values.department}` : ''}) added to ${file}` +
      (expiresAt ? `; it expires ${expiresAt}` : ''),
  );
  console.error('  It is shown only now; keep it secret:');
  console.log(token);
}

function main(): void {
  let values: { role?: string; department?: string; name?: string; expires?: string; help?: boolean };
  let positionals: string[];
  try {
    ({ values, positionals } = parseArgs({
      options: {
        role: { type: 'string' },
        department: { type: 'string' },
        name: { type: 'string' },
        expires: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
      strict: true,
      allowPositionals: true,
    }));
  } catch (err) {
    usage((err as Error).message);
  }
  if (values.help) {
    console.log(USAGE);
    return;
  }
  const [command = 'mint', ...rest] = positionals;
  if (command === 'list') {
    if (rest.length > 0 || Object.keys(values).length > 0) usage('list takes no arguments');
    list(tokensFileOf(loadConfig()));
  } else if (command === 'revoke') {
    if (rest.length !== 1 || Object.keys(values).length > 0) usage('revoke takes one name or hash prefix');
    revoke(tokensFileOf(loadConfig()), rest[0]!);
  } else if (command === 'mint') {
    if (rest.length > 0) usage(`unexpected ${rest.join(' ')}`);
    mint(values);
  } else usage(`unknown command "${command}"`);
}

try {
  main();
} catch (err) {
  console.error(`✗ ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
}
