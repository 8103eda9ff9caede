/**
 * `npm run token -- --role coordinator --department <id> --name "…"`: mints a bearer token, appends its
 * SHA-256 (never the token) to `AUTH_TOKENS_FILE` — or, outside production without it, to the demo tokens
 * file under `DATA_DIR` — and prints the token once. Exit 0 on success, 2 for bad arguments (with usage),
 * 1 when the configuration, plan or tokens file cannot be used.
 */
import { parseArgs } from 'node:util';
import { roleSchema } from '../contracts';
import { loadConfig } from '../config/env';
import { loadPlanFile } from '../seeds/load-plan';
import { appendTokenRecord, demoTokenPaths, hashToken, mintToken } from '../api/auth/tokens';

const USAGE = `Usage: npm run token -- --role <coordinator|office|admin|viewer> [--department <id>] --name "<person>"

  --role        coordinator (signs for one department), office (办公厅), admin, or viewer (reads
                everything, changes nothing: a wall screen)
  --department  the department id a coordinator signs for (required for coordinators only)
  --name        the person's name, recorded with every sign-off they make

The token's SHA-256 is appended to AUTH_TOKENS_FILE (or to the demo tokens file under DATA_DIR when
AUTH_TOKENS_FILE is unset outside production); the token itself is printed once and stored nowhere.`;

function usage(problem: string): never {
  console.error(`✗ ${problem}\n\n${USAGE}`);
  process.exit(2);
}

function main(): void {
  let values: { role?: string; department?: string; name?: string; help?: boolean };
  try {
    ({ values } = parseArgs({
      options: {
        role: { type: 'string' },
        department: { type: 'string' },
        name: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
      strict: true,
      allowPositionals: false,
    }));
  } catch (err) {
    usage((err as Error).message);
  }
  if (values.help) {
    console.log(USAGE);
    return;
  }
  const role = roleSchema.safeParse(values.role);
  if (!role.success) usage(`--role must be coordinator, office, admin or viewer (got ${JSON.stringify(values.role)})`);
  const name = values.name?.trim();
  if (!name) usage('--name is required');
  if (role.data === 'coordinator' && !values.department) usage('--department is required for a coordinator');
  if (role.data !== 'coordinator' && values.department) usage('--department is only for coordinators');

  const config = loadConfig();
  if (values.department) {
    const plan = loadPlanFile(config.PLAN_FILE);
    if (!plan.departments.some((d) => d.id === values.department)) {
      usage(
        `unknown department "${values.department}"; the plan's departments are: ` +
          plan.departments.map((d) => d.id).join(', '),
      );
    }
  }
  if (!config.AUTH_TOKENS_FILE && config.NODE_ENV === 'production') {
    throw new Error('AUTH_TOKENS_FILE must be set in production.');
  }
  const file = config.AUTH_TOKENS_FILE ?? demoTokenPaths(config.DATA_DIR).tokensFile;
  const token = mintToken();
  appendTokenRecord(file, {
    sha256: hashToken(token),
    role: role.data,
    ...(values.department ? { department: values.department } : {}),
    name,
  });
  console.error(
    `✓ token for ${name} (${role.data}${values.department ? `, ${values.department}` : ''}) added to ${file}`,
  );
  console.error('  It is shown only now; keep it secret:');
  console.log(token);
}

try {
  main();
} catch (err) {
  console.error(`✗ ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
}
