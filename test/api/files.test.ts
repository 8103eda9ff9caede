/**
 * Evidence files through the API, on a real Temporal dev server and worker (the harness), with the folder
 * store on a temporary folder: a coordinator or the office uploads a file's bytes and gets its hash, anyone
 * signed in downloads it back byte for byte as an attachment under its (Chinese) name; the same bytes are
 * stored once; too large, a refused kind (read from the bytes, whatever the declared type and name), a form,
 * no bytes, no or a bad name, no token, a read-only role, an unknown or malformed hash and a store that cannot
 * be reached are each refused with the API's error body and words in both languages.
 */
import { createHash } from 'node:crypto';
import { mkdtempSync, readdirSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Express } from 'express';
import type { Response } from 'supertest';
import { fileEvidenceStore, s3EvidenceStore } from '../../api/evidence';
import { expectError, plan2016, request, startHarness, type Harness, type Tokens } from '../../support/api-harness';
import { freePorts } from '../../support/ports';
import { sampleDocx, sampleExe, samplePdf } from '../../support/sample-files';

const plan = plan2016({ tasks: [1] });
const LEAD = 'science-tech';
const folder = mkdtempSync(path.join(tmpdir(), 'duban-files-'));
const smallFolder = mkdtempSync(path.join(tmpdir(), 'duban-small-'));
let h: Harness;
let app: Express;
let tokens: Tokens;
/** An app that takes files of at most 1 KiB. */
let small: { app: Express; tokens: Tokens };
/** An app whose bucket is at a port where nothing listens. */
let unreachable: { app: Express; tokens: Tokens };

const bearer = (token: string) => ({ Authorization: `Bearer ${token}` });
const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');

/** Every stored file's bytes (not their metadata, not temporary files). */
function storedFiles(root: string): string[] {
  return readdirSync(root, { recursive: true, encoding: 'utf8' })
    .filter((p) => /^[0-9a-f]{2}\/[0-9a-f]{64}$/.test(p) && statSync(path.join(root, p)).isFile())
    .sort();
}

beforeAll(async () => {
  h = await startHarness();
  ({ app, tokens } = h.app(plan, {}, { evidence: fileEvidenceStore(folder) }));
  small = h.app(plan, {}, { evidence: fileEvidenceStore(smallFolder), evidenceMaxBytes: 1024 });
  const bucket = s3EvidenceStore({
    bucket: 'nowhere',
    endpoint: `http://127.0.0.1:${(await freePorts(1))[0]}`,
    credentials: { accessKeyId: 'x', secretAccessKey: 'y' },
  });
  unreachable = h.app(plan, {}, { evidence: bucket, logError: () => undefined });
}, 180_000);

afterAll(async () => {
  await h?.stop();
});

function upload(
  on: Express,
  token: string | undefined,
  bytes: Buffer,
  name?: string,
  type = 'application/octet-stream',
) {
  const req = request(on).post('/api/files').set('Content-Type', type);
  if (token) req.set(bearer(token));
  if (name !== undefined) req.set('X-File-Name', encodeURIComponent(name));
  return req.send(bytes);
}

/** Downloads `url` with its bytes in `res.body`, whatever their type. */
function download(on: Express, token: string, url: string): Promise<Response> {
  return request(on)
    .get(url)
    .set(bearer(token))
    .buffer(true)
    .parse((res, done) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer | string) => chunks.push(Buffer.from(c)));
      res.on('end', () => {
        const bytes = Buffer.concat(chunks);
        // An error answer is JSON, as every error of the API; the file itself stays bytes.
        const json = /^application\/json/.test(String(res.headers['content-type']));
        done(null, json ? JSON.parse(bytes.toString('utf8')) : bytes);
      });
    });
}

/** The name a `Content-Disposition` header gives, from its RFC 5987 `filename*` when it has one. */
function dispositionName(header: string): string | undefined {
  const extended = /filename\*=UTF-8''([^;]+)/i.exec(header);
  if (extended) return decodeURIComponent(extended[1]!);
  return /filename="([^"]*)"/.exec(header)?.[1];
}

describe('upload and download', () => {
  test('a coordinator uploads a PDF and gets its hash; the office downloads the same bytes as an attachment', async () => {
    const pdf = samplePdf('work plan issued');
    const res = await upload(app, tokens.coordinator(LEAD), pdf, 'work-plan.pdf', 'application/pdf');
    expect(res.status).toBe(201);
    expect(res.body).toEqual({ hash: sha256(pdf), name: 'work-plan.pdf', size: pdf.length, type: 'application/pdf' });
    expect(res.headers.location).toBe(`/api/files/${sha256(pdf)}`);

    const got = await download(app, tokens.office, res.headers.location!);
    expect(got.status).toBe(200);
    expect((got.body as Buffer).equals(pdf)).toBe(true);
    expect(got.headers['content-type']).toBe('application/pdf');
    expect(got.headers['content-length']).toBe(String(pdf.length));
    expect(got.headers['content-disposition']).toBe('attachment; filename="work-plan.pdf"');
    expect(got.headers['etag']).toBe(`"${sha256(pdf)}"`);
    // The browser must not guess another type from the bytes, nor keep a copy.
    expect(got.headers['x-content-type-options']).toBe('nosniff');
    expect(got.headers['cache-control']).toBe('no-store');
  });

  test('the office uploads a Chinese-named .docx sent as octet-stream; every role downloads it under its name', async () => {
    const docx = sampleDocx('系统已上线');
    const name = '教育管理信息系统上线验收报告（终稿）.docx';
    const res = await upload(app, tokens.office, docx, name);
    expect(res.status).toBe(201);
    expect(res.body).toEqual({
      hash: sha256(docx),
      name,
      size: docx.length,
      type: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
    });
    for (const token of [
      tokens.viewer,
      tokens.leadership,
      tokens.supervisor,
      tokens.admin,
      tokens.coordinator('higher-ed'),
    ]) {
      const got = await download(app, token, `/api/files/${res.body.hash}`);
      expect(got.status).toBe(200);
      expect((got.body as Buffer).equals(docx)).toBe(true);
      expect(got.headers['content-type']).toBe(res.body.type);
      const disposition = got.headers['content-disposition']!;
      expect(disposition).toMatch(/^attachment; filename="[\x20-\x7e]*"; filename\*=UTF-8''/);
      expect(dispositionName(disposition)).toBe(name);
    }
    // A milestone that recorded another name for the same bytes downloads under that one.
    const renamed = await download(
      app,
      tokens.viewer,
      `/api/files/${res.body.hash}?name=${encodeURIComponent('附件1.docx')}`,
    );
    expect(dispositionName(renamed.headers['content-disposition']!)).toBe('附件1.docx');
  });

  test('the same bytes uploaded again answer the same hash and are stored once', async () => {
    const pdf = samplePdf('acceptance report');
    const first = await upload(app, tokens.coordinator(LEAD), pdf, 'a.pdf');
    const before = storedFiles(folder);
    const again = await upload(app, tokens.coordinator('higher-ed'), pdf, '验收报告.pdf');
    expect(again.status).toBe(201);
    expect(again.body).toEqual({ ...first.body, name: '验收报告.pdf' });
    expect(storedFiles(folder)).toEqual(before);
    expect(storedFiles(folder)).toContain(`${first.body.hash.slice(0, 2)}/${first.body.hash}`);
  });

  test('a text file declared as JSON is stored as text, not parsed', async () => {
    const json = Buffer.from('{"系统":"已上线"}\n', 'utf8');
    // Sent as a string: supertest would serialise a Buffer declared as JSON into JSON of its own.
    const res = await request(app)
      .post('/api/files')
      .set(bearer(tokens.office))
      .set('Content-Type', 'application/json')
      .set('X-File-Name', 'launch.json')
      .send(json.toString('utf8'));
    expect(res.status).toBe(201);
    expect(res.body.type).toBe('text/plain; charset=utf-8');
    expect(res.body.hash).toBe(sha256(json));
    const got = await download(app, tokens.office, `/api/files/${res.body.hash}`);
    expect((got.body as Buffer).equals(json)).toBe(true);
  });
});

describe('refusals', () => {
  test('a file over the configured limit: 413 file_too_large, and nothing stored', async () => {
    const res = await upload(
      small.app,
      small.tokens.office,
      Buffer.concat([samplePdf(), Buffer.alloc(1024, 32)]),
      'big.pdf',
    );
    expectError(res, 413, 'file_too_large');
    expect(res.body.error.details).toEqual({ limit: 1024 });
    expect(res.body.error.message.en).toContain('1 KiB');
    expect(readdirSync(smallFolder)).toEqual([]);
    const fits = await upload(small.app, small.tokens.office, samplePdf(), 'fits.pdf');
    expect(fits.status).toBe(201);
  });

  test('a program is refused by its bytes, even named .pdf and declared application/pdf: 415 file_type_refused', async () => {
    for (const [name, type] of [
      ['setup.exe', 'application/octet-stream'],
      ['报告.pdf', 'application/pdf'],
    ] as const) {
      const res = await upload(app, tokens.coordinator(LEAD), sampleExe(), name, type);
      expectError(res, 415, 'file_type_refused');
      expect(res.body.error.details.accepted).toContain('application/pdf');
    }
  });

  test('a form instead of the bytes: 415 file_type_refused', async () => {
    const res = await request(app)
      .post('/api/files')
      .set(bearer(tokens.office))
      .set('X-File-Name', 'a.pdf')
      .attach('file', samplePdf(), 'a.pdf');
    expectError(res, 415, 'file_type_refused');
    expect(res.body.error.message.en).toContain('not a form');
  });

  test('no bytes: 400 file_empty', async () => {
    expectError(await upload(app, tokens.office, Buffer.alloc(0), 'empty.pdf'), 400, 'file_empty');
  });

  test('no name, or a name that is not percent-encoded UTF-8 or is a path: 400 validation_failed', async () => {
    expectError(await upload(app, tokens.office, samplePdf()), 400, 'validation_failed');
    const badEncoding = await request(app)
      .post('/api/files')
      .set(bearer(tokens.office))
      .set('X-File-Name', '%E6%8A')
      .set('Content-Type', 'application/pdf')
      .send(samplePdf());
    expectError(badEncoding, 400, 'validation_failed');
    expect(badEncoding.body.error.details[0].path).toEqual(['headers', 'x-file-name']);
    expectError(await upload(app, tokens.office, samplePdf(), '../../etc/passwd'), 400, 'validation_failed');
  });

  test('no token: 401; a role that brings no evidence: 403; the supervision office may', async () => {
    expectError(await upload(app, undefined, samplePdf(), 'a.pdf'), 401, 'unauthorized');
    expectError(await request(app).get(`/api/files/${'a'.repeat(64)}`), 401, 'unauthorized');
    // Administrators run the engine and read-only roles change nothing: none of them brings evidence.
    for (const token of [tokens.viewer, tokens.leadership, tokens.admin]) {
      expectError(await upload(app, token, samplePdf(), 'a.pdf'), 403, 'forbidden');
    }
    // The supervision office decides in the office's place on the tasks the office leads.
    expect((await upload(app, tokens.supervisor, samplePdf('decision'), 'decision.pdf')).status).toBe(201);
  });

  test('a hash nothing is stored under: 404 unknown_file; something that is no hash: 400', async () => {
    expectError(await download(app, tokens.office, `/api/files/${'0'.repeat(64)}`), 404, 'unknown_file');
    expectError(await download(app, tokens.office, '/api/files/not-a-hash'), 400, 'validation_failed');
    expectError(await download(app, tokens.office, `/api/files/${'0'.repeat(63)}`), 400, 'validation_failed');
  });

  test('a store that cannot be reached: 503 evidence_store_unavailable, for uploads and downloads', async () => {
    expectError(
      await upload(unreachable.app, unreachable.tokens.office, samplePdf(), 'a.pdf'),
      503,
      'evidence_store_unavailable',
    );
    expectError(
      await download(unreachable.app, unreachable.tokens.office, `/api/files/${'1'.repeat(64)}`),
      503,
      'evidence_store_unavailable',
    );
  });
});

test('the OpenAPI document describes the upload’s bytes and name header and the download', async () => {
  const doc = (await request(app).get('/openapi.json')).body;
  const post = doc.paths['/api/files'].post;
  expect(Object.keys(post.requestBody.content)).toEqual(['application/octet-stream']);
  expect(post.parameters).toEqual([expect.objectContaining({ name: 'X-File-Name', in: 'header', required: true })]);
  expect(Object.keys(post.responses)).toEqual(expect.arrayContaining(['201', '400', '401', '403', '413', '415']));
  const get = doc.paths['/api/files/{hash}'].get;
  expect(get.parameters.map((p: { name: string; in: string }) => `${p.in} ${p.name}`)).toEqual([
    'path hash',
    'query name',
  ]);
  expect(Object.keys(get.responses)).toEqual(expect.arrayContaining(['200', '400', '404']));
});
