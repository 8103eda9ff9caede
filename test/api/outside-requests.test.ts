/**
 * Decisions only the API can make, and payloads nobody else can read. A task is started and signed through
 * the API; then plain-JSON `signOff`, `decideExtension` and `cancel` updates and a cancellation request go
 * straight to Temporal (a raw client without the codec, and the Temporal CLI), as do forgeries of the
 * codec's marks: each is refused, and the task runs on unchanged, as the API shows it. The history, read
 * raw, holds none of the plan's text, the comment, the coordinator's name or the e-mail address sent; the
 * codec endpoint gives an administrator (and nobody else) the plain JSON back.
 */
import { Client, WorkflowUpdateFailedError } from '@temporalio/client';
import type { Payload, PayloadCodec } from '@temporalio/common';
import { temporal } from '@temporalio/proto';
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { promisify } from 'node:util';
import { taskWorkflowId } from '../../domain/plan';
import { temporalCliPath } from '../../embedded/binaries';
import { eventually, plan2016, request, startHarness, type Harness } from '../../support/api-harness';
import { EncryptionCodec, FAILURE_CONVERTER_PATH } from '../../codec';
import { historyPayloads } from '../../support/history-payloads';
import { codecClient, rawClient, TEST_KEYRING } from '../../support/sealed-client';
import type { CodecBody, KeyTaskView } from '../../contracts';

// Task 5 of 2016: higher-ed leads, ideological-political co-owns.
const TASK = 5;
const LEAD = 'higher-ed';
const CO = 'ideological-political';
const MILESTONE = 'work-plan';
const EMAIL = 'zhang.wei@moe-example.cn';
const COMMENT = `工作方案已按要求完成，联系人 ${EMAIL}`;
const UI_ORIGIN = 'http://ui.example.org:8233';
const utf8 = new TextEncoder();

let h: Harness;
let s: ReturnType<Harness['app']>;
let raw: Client;
let workflowId: string;

beforeAll(async () => {
  h = await startHarness();
  s = h.app(plan2016({ tasks: [TASK] }), { temporalUiUrl: UI_ORIGIN });
  raw = rawClient(h.env);
  workflowId = taskWorkflowId(s.plan, { number: TASK });
  const started = await request(s.app)
    .post('/api/plan/start')
    .set('Authorization', `Bearer ${s.tokens.admin}`)
    .send({});
  expect(started.status).toBe(200);
  const signed = await request(s.app)
    .post(`/api/tasks/${TASK}/milestones/${MILESTONE}/sign-offs`)
    .set('Authorization', `Bearer ${s.tokens.coordinator(CO)}`)
    .send({ department: CO, decision: 'approve', comment: COMMENT });
  expect(signed.status).toBe(200);
}, 180_000);

afterAll(async () => {
  await h?.stop();
});

const view = async (): Promise<KeyTaskView> => {
  const res = await request(s.app).get(`/api/tasks/${TASK}`).set('Authorization', `Bearer ${s.tokens.office}`);
  expect(res.status).toBe(200);
  return res.body as KeyTaskView;
};

/** The refusal type of an update sent outside the API. */
async function refusal(sent: Promise<unknown>): Promise<string | undefined> {
  const err: unknown = await sent.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(WorkflowUpdateFailedError);
  return ((err as WorkflowUpdateFailedError).cause as { type?: string }).type;
}

/**
 * A client whose "codec" sends every payload rewritten by `rewrite` (plain JSON by default), as a forger
 * would, and reads the answers with the real keyring so that the test can tell which refusal came back (the
 * forger itself could not: the refusal's words and message are encrypted).
 */
function forger(rewrite: (p: Payload) => Payload = (p) => p): Client {
  const real = new EncryptionCodec(TEST_KEYRING);
  const codec: PayloadCodec = { encode: async (ps) => ps.map(rewrite), decode: (ps) => real.decode(ps) };
  return new Client({
    connection: h.env.connection,
    namespace: h.env.namespace,
    dataConverter: { payloadCodecs: [codec], failureConverterPath: FAILURE_CONVERTER_PATH },
  });
}

/** A client that encodes through the API's codec endpoint with an administrator's token, as the Web UI does. */
function webUi(): Client {
  const call = async (op: 'encode' | 'decode', payloads: Payload[]): Promise<Payload[]> => {
    const res = await request(s.app)
      .post(`/api/codec/${op}`)
      .set('Authorization', `Bearer ${s.tokens.admin}`)
      .send({ payloads: payloads.map(toJson) });
    expect(res.status).toBe(200);
    return (res.body as CodecBody).payloads.map(fromJson);
  };
  const codec: PayloadCodec = { encode: (ps) => call('encode', ps), decode: (ps) => call('decode', ps) };
  return new Client({
    connection: h.env.connection,
    namespace: h.env.namespace,
    dataConverter: { payloadCodecs: [codec] },
  });
}

const signOffArgs = (extra: object = {}) => ({
  milestoneId: MILESTONE,
  department: LEAD,
  decision: 'approve',
  person: '冒名者',
  requestId: `forged-${randomBytes(4).toString('hex')}`,
  ...extra,
});
/** The actor the API would send for the lead's coordinator, copied into a forgery. */
const leadActor = () => ({ role: 'coordinator', department: LEAD, person: '冒名者', token: 'abcdefabcdef' });

test('plain-JSON updates, forged seals and a cancellation request sent straight to Temporal are refused; the task runs on', async () => {
  const before = await view();
  const handle = forger().workflow.getHandle(workflowId);

  // Plain JSON, as the Temporal CLI or a raw client sends it: refused before anything is read.
  expect(await refusal(handle.executeUpdate('signOff', { args: [signOffArgs()] }))).toBe('NotFromApi');
  expect(await refusal(handle.executeUpdate('signOff', { args: [signOffArgs({ actor: leadActor() })] }))).toBe(
    'NotFromApi',
  );
  const decide = {
    milestoneId: MILESTONE,
    extensionId: 'ext-1',
    approve: true,
    person: '冒名者',
    requestId: 'forged-d',
  };
  expect(await refusal(handle.executeUpdate('decideExtension', { args: [decide] }))).toBe('NotFromApi');
  const cancel = {
    reason: '冒名撤销',
    person: '冒名者',
    requestId: 'forged-c',
    actor: { role: 'admin', person: '冒名者', token: 'x' },
  };
  expect(await refusal(handle.executeUpdate('cancel', { args: [cancel] }))).toBe('NotFromApi');

  // The codec's seal set by hand on a plain payload: the codec strips it.
  const sealedByHand = forger((p) => ({
    ...p,
    metadata: { ...p.metadata, 'duban-sealed': utf8.encode(TEST_KEYRING.active) },
  }));
  expect(
    await refusal(
      sealedByHand.workflow
        .getHandle(workflowId)
        .executeUpdate('signOff', { args: [signOffArgs({ actor: leadActor() })] }),
    ),
  ).toBe('NotFromApi');

  // Payloads that claim to be encrypted, under an unknown key or the real key's id with a broken tag: they
  // become placeholders, refused by the validator, and the workflow task does not fail over them.
  for (const keyId of ['stolen-key', TEST_KEYRING.active]) {
    const garbage = forger(() => ({
      metadata: {
        encoding: utf8.encode('binary/encrypted'),
        'encryption-key-id': utf8.encode(keyId),
        'encryption-cipher': utf8.encode('aes-256-gcm'),
        'duban-sealed': utf8.encode(keyId),
      },
      data: randomBytes(80),
    }));
    expect(await refusal(garbage.workflow.getHandle(workflowId).executeUpdate('cancel', { args: [cancel] }))).toBe(
      'NotFromApi',
    );
  }

  // Encrypted through the codec endpoint, as the Web UI would send it: authentic, but not the API's seal.
  expect(
    await refusal(
      webUi()
        .workflow.getHandle(workflowId)
        .executeUpdate('signOff', { args: [signOffArgs({ actor: leadActor() })] }),
    ),
  ).toBe('NotFromApi');

  // The stock Temporal CLI, as the issue tried it.
  const cli = await promisify(execFile)(temporalCliPath(), [
    'workflow',
    'update',
    'execute',
    '--address',
    h.env.address,
    '--namespace',
    h.env.namespace ?? 'default',
    '--workflow-id',
    workflowId,
    '--name',
    'cancel',
    '--input',
    JSON.stringify({ reason: 'CLI', person: 'cli', requestId: 'forged-cli' }),
  ]).then(
    () => 'accepted',
    (e: { stdout?: string; stderr?: string }) => `${e.stdout ?? ''}${e.stderr ?? ''}`,
  );
  expect(cli).toContain('NotFromApi');

  // A cancellation request through Temporal itself: recorded, refused.
  await handle.cancel();
  await eventually(async () => expect((await view()).refusedCancellations).toHaveLength(1));

  const after = await view();
  expect(after.status).toBe(before.status);
  expect(after.cancellation).toBeUndefined();
  expect(after.milestones).toEqual(before.milestones);
  expect(after.extensions).toEqual([]);
  // Described through the codec: the task's memo (its collectives' counts) is encrypted like every payload.
  expect((await codecClient(h.env).workflow.getHandle(workflowId).describe()).status.name).toBe('RUNNING');

  // The task still works through the API, and its record names who decided, with which role.
  const lead = await request(s.app)
    .post(`/api/tasks/${TASK}/milestones/${MILESTONE}/sign-offs`)
    .set('Authorization', `Bearer ${s.tokens.coordinator(LEAD)}`)
    .send({ department: LEAD, decision: 'approve' });
  expect(lead.status).toBe(200);
  const signOffs = (await view()).milestones[0]!.rounds.flatMap((r) => r.signOffs);
  // One record per work item a unit signs (the co-unit of item 1 also leads item 3), each naming its actor.
  const who = signOffs.map((x) => [x.department, x.person, x.actor?.role, x.actor?.department]);
  expect([...new Set(who.map((w) => JSON.stringify(w)))].map((w) => JSON.parse(w) as unknown)).toEqual([
    [CO, s.tokens.nameOf(CO), 'coordinator', CO],
    [LEAD, s.tokens.nameOf(LEAD), 'coordinator', LEAD],
  ]);
  expect(signOffs.every((x) => /^[0-9a-f]{12}$/.test(x.actor?.token ?? ''))).toBe(true);
}, 120_000);

test("the task's history, read without the codec, shows no plan text, comment, name or e-mail address", async () => {
  const history = await raw.workflow.getHandle(workflowId).fetchHistory();
  const bytes = Buffer.from(temporal.api.history.v1.History.encode(history).finish());
  const title = s.plan.tasks[0]!.title.zh;
  for (const secret of [title.slice(0, 12), COMMENT, EMAIL, s.tokens.nameOf(CO), s.plan.title.zh]) {
    expect({ secret, found: bytes.includes(Buffer.from(secret)) }).toEqual({ secret, found: false });
  }
  expect(bytes.includes(Buffer.from('binary/encrypted'))).toBe(true);
});

test('the codec endpoint decrypts a real history for an administrator only, for the Web UI origin', async () => {
  const history = await raw.workflow.getHandle(workflowId).fetchHistory();
  const payloads = historyPayloads(history).map(toJson);
  const decode = (token: string, namespace = h.env.namespace ?? 'default') =>
    request(s.app)
      .post('/api/codec/decode')
      .set('Authorization', `Bearer ${token}`)
      .set('X-Namespace', namespace)
      .set('Origin', UI_ORIGIN)
      .send({ payloads });

  const admin = await decode(s.tokens.admin);
  expect(admin.status).toBe(200);
  expect(admin.headers['access-control-allow-origin']).toBe(UI_ORIGIN);
  const text = (admin.body as CodecBody).payloads
    .map((p) => Buffer.from(p.data ?? '', 'base64').toString('utf8'))
    .join('\n');
  expect(text).toContain(COMMENT);
  expect(text).toContain(s.plan.tasks[0]!.title.zh);
  expect(
    JSON.parse(Buffer.from((admin.body as CodecBody).payloads[0]!.data!, 'base64').toString('utf8')),
  ).toMatchObject({
    planId: s.plan.id,
  });

  expect((await decode(s.tokens.coordinator(CO))).status).toBe(403);
  expect((await decode(s.tokens.office)).status).toBe(403);
  const other = await decode(s.tokens.admin, 'another-namespace');
  expect(other.status).toBe(400);
  expect(other.body.error.code).toBe('namespace_mismatch');

  // The Web UI's preflight carries no token.
  const preflight = await request(s.app)
    .options('/api/codec/decode')
    .set('Origin', UI_ORIGIN)
    .set('Access-Control-Request-Method', 'POST')
    .set('Access-Control-Request-Headers', 'authorization,content-type,x-namespace');
  expect(preflight.status).toBe(204);
  expect(preflight.headers['access-control-allow-origin']).toBe(UI_ORIGIN);
  expect(preflight.headers['access-control-allow-headers']).toMatch(/X-Namespace/i);
  const elsewhere = await request(s.app).options('/api/codec/decode').set('Origin', 'http://evil.example');
  expect(elsewhere.headers['access-control-allow-origin']).toBeUndefined();

  // Encode and decode are inverse; what /encode made decodes as authentic but unsealed.
  const plain = {
    metadata: { encoding: Buffer.from('json/plain').toString('base64') },
    data: Buffer.from('"你好"').toString('base64'),
  };
  const encoded = await request(s.app)
    .post('/api/codec/encode')
    .set('Authorization', `Bearer ${s.tokens.admin}`)
    .send({ payloads: [plain] });
  expect(encoded.status).toBe(200);
  const sealed = (encoded.body as CodecBody).payloads[0]!;
  expect(Buffer.from(sealed.metadata!.encoding!, 'base64').toString()).toBe('binary/encrypted');
  const back = await request(s.app)
    .post('/api/codec/decode')
    .set('Authorization', `Bearer ${s.tokens.admin}`)
    .send({ payloads: [sealed] });
  const [decoded] = (back.body as CodecBody).payloads;
  expect(decoded!.data).toBe(plain.data);
  expect(decoded!.metadata!['duban-sealed']).toBeUndefined();
});

test('an administrator’s codec session cookie opens decode, for the Web UI, and nothing else', async () => {
  const payloads = historyPayloads(await raw.workflow.getHandle(workflowId).fetchHistory()).map(toJson);
  expect(
    (await request(s.app).post('/api/codec/session').set('Authorization', `Bearer ${s.tokens.office}`)).status,
  ).toBe(403);
  const opened = await request(s.app).post('/api/codec/session').set('Authorization', `Bearer ${s.tokens.admin}`);
  expect(opened.status).toBe(200);
  expect(Date.parse(opened.body.expiresAt) - Date.now()).toBeGreaterThan(14 * 60_000);
  const setCookie = String(opened.headers['set-cookie']);
  expect(setCookie).toMatch(/^duban_codec=[A-Za-z0-9_-]{40,};/);
  expect(setCookie).toMatch(/; Path=\/api\/codec/);
  expect(setCookie).toMatch(/; HttpOnly/);
  expect(setCookie).toMatch(/; SameSite=Strict/);
  expect(setCookie).not.toContain(s.tokens.admin);
  const cookie = setCookie.split(';')[0]!;

  // As the Web UI sends it: no token, the cookie, its origin and namespace.
  const decoded = await request(s.app)
    .post('/api/codec/decode?preserveStorageRefs=true')
    .set('Cookie', cookie)
    .set('Origin', UI_ORIGIN)
    .set('X-Namespace', h.env.namespace ?? 'default')
    .send({ payloads });
  expect(decoded.status).toBe(200);
  expect(decoded.headers['access-control-allow-credentials']).toBe('true');
  const text = (decoded.body as CodecBody).payloads.map((p) => Buffer.from(p.data ?? '', 'base64').toString()).join('');
  expect(text).toContain(s.plan.tasks[0]!.title.zh);

  // Encode and every other route still want the token; a made-up session is nobody.
  expect((await request(s.app).post('/api/codec/encode').set('Cookie', cookie).send({ payloads: [] })).status).toBe(
    401,
  );
  expect((await request(s.app).get('/api/tasks').set('Cookie', cookie)).status).toBe(401);
  const forged = await request(s.app)
    .post('/api/codec/decode')
    .set('Cookie', 'duban_codec=not-a-session')
    .send({ payloads });
  expect(forged.status).toBe(401);
});

function toJson(p: temporal.api.common.v1.IPayload): CodecBody['payloads'][number] {
  const metadata: Record<string, string> = {};
  for (const [k, v] of Object.entries(p.metadata ?? {})) metadata[k] = Buffer.from(v).toString('base64');
  return { metadata, data: Buffer.from(p.data ?? []).toString('base64') };
}

function fromJson(p: CodecBody['payloads'][number]): Payload {
  const metadata: Record<string, Uint8Array> = {};
  for (const [k, v] of Object.entries(p.metadata ?? {})) metadata[k] = Buffer.from(v, 'base64');
  return { metadata, data: Buffer.from(p.data ?? '', 'base64') };
}
