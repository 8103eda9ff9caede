/**
 * The evidence stores on the real outside world: the folder store on a temporary folder, and the S3 store
 * against a real local S3-compatible server (moto's, installed into `.tools/venv` when missing). Each keeps a
 * file once under the SHA-256 of its bytes, gives the same bytes back, knows nothing of an unknown hash and
 * leaves no temporary file; and the kinds of file read from the bytes.
 */
import { CreateBucketCommand, ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import { mkdtempSync, readdirSync, statSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { text } from 'node:stream/consumers';
import type { Readable } from 'node:stream';
import {
  detectFileType,
  fileEvidenceStore,
  s3EvidenceStore,
  type EvidenceContent,
  type EvidenceStore,
} from '../../api/evidence';
import { evidenceFromConfig } from '../../api/deps';
import { describeConfig, loadConfig } from '../../config/env';
import { startS3Server, type S3Server } from '../../support/s3-server';
import {
  oleOf,
  sampleDocx,
  sampleExe,
  sampleOfd,
  samplePdf,
  samplePng,
  sampleXlsx,
  zipOf,
} from '../../support/sample-files';

/** SHA-256 of "abc" (FIPS 180-2, appendix B.1). */
const ABC_SHA256 = 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad';
const UNKNOWN = 'f'.repeat(64);

async function bytesOf(body: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of body) chunks.push(Buffer.from(chunk as Uint8Array));
  return Buffer.concat(chunks);
}

async function read(store: EvidenceStore, hash: string): Promise<Omit<EvidenceContent, 'body'> & { bytes: Buffer }> {
  const file = await store.get(hash);
  if (!file) throw new Error(`nothing under ${hash}`);
  const { body, ...rest } = file;
  return { ...rest, bytes: await bytesOf(body) };
}

/** Every file under `root`, as paths relative to it. */
function filesUnder(root: string): string[] {
  return readdirSync(root, { recursive: true, encoding: 'utf8' })
    .filter((p) => statSync(path.join(root, p)).isFile())
    .sort();
}

describe('folder store', () => {
  const root = mkdtempSync(path.join(tmpdir(), 'duban-evidence-'));
  const store = fileEvidenceStore(root);

  test('keeps a file once under the SHA-256 of its bytes, whatever name it comes with again', async () => {
    const first = await store.put(Buffer.from('abc'), { name: '报告.txt', type: 'text/plain; charset=utf-8' });
    const again = await store.put(Buffer.from('abc'), { name: 'other.txt', type: 'text/plain; charset=utf-8' });
    expect(first).toEqual({ hash: ABC_SHA256, size: 3 });
    expect(again).toEqual(first);
    // One file (and its metadata) under the hash, nothing else: no second copy, no temporary file left.
    expect(filesUnder(root)).toEqual([`ba/${ABC_SHA256}`, `ba/${ABC_SHA256}.json`]);
    expect(statSync(path.join(root, 'ba', ABC_SHA256)).mode & 0o777).toBe(0o600);
    expect(await read(store, ABC_SHA256)).toEqual({
      hash: ABC_SHA256,
      size: 3,
      name: '报告.txt',
      type: 'text/plain; charset=utf-8',
      bytes: Buffer.from('abc'),
    });
    expect(await store.has(ABC_SHA256)).toBe(true);
  });

  test('gives a larger binary file back byte for byte', async () => {
    const bytes = Buffer.concat([samplePdf(), Buffer.alloc(3 * 1024 * 1024, 7)]);
    const { hash, size } = await store.put(bytes, { name: 'scan.pdf', type: 'application/pdf' });
    expect(size).toBe(bytes.length);
    expect((await read(store, hash)).bytes.equals(bytes)).toBe(true);
    expect(readdirSync(path.join(root, 'tmp'))).toEqual([]);
  });

  test('knows nothing of a hash it does not hold, nor of something that is not a hash', async () => {
    expect(await store.get(UNKNOWN)).toBeUndefined();
    expect(await store.has(UNKNOWN)).toBe(false);
    expect(await store.get('../../etc/passwd')).toBeUndefined();
    expect(await store.has('ba')).toBe(false);
  });

  test('a half-written file a crash left in tmp/ is not a stored file, and the next upload completes it', async () => {
    const bytes = Buffer.from('half of it and the rest');
    const hash = (
      await fileEvidenceStore(mkdtempSync(path.join(tmpdir(), 'duban-probe-'))).put(bytes, {
        name: 'x.txt',
        type: 'text/plain',
      })
    ).hash;
    mkdirSync(path.join(root, 'tmp'), { recursive: true });
    writeFileSync(path.join(root, 'tmp', `${hash}.1.dead.part`), bytes.subarray(0, 4));
    expect(await store.has(hash)).toBe(false);
    await store.put(bytes, { name: 'x.txt', type: 'text/plain' });
    expect((await read(store, hash)).bytes.equals(bytes)).toBe(true);
  });
});

describe('S3-compatible store (moto_server)', () => {
  let server: S3Server;
  let admin: S3Client;
  let store: EvidenceStore;
  const bucket = 'duban-evidence';
  const credentials = { accessKeyId: 'test', secretAccessKey: 'test' };

  beforeAll(async () => {
    server = await startS3Server();
    admin = new S3Client({ endpoint: server.url, region: 'us-east-1', forcePathStyle: true, credentials });
    await admin.send(new CreateBucketCommand({ Bucket: bucket }));
    store = s3EvidenceStore({ bucket, prefix: 'evidence/', endpoint: server.url, credentials });
  }, 120_000);

  afterAll(async () => {
    await store?.close?.();
    admin?.destroy();
    await server?.stop();
  });

  async function keys(): Promise<string[]> {
    const listed = await admin.send(new ListObjectsV2Command({ Bucket: bucket }));
    return (listed.Contents ?? []).map((o) => o.Key!).sort();
  }

  test('keeps a file once under its hash, with its Chinese name and type, and gives it back', async () => {
    const docx = sampleDocx();
    const first = await store.put(docx, { name: '验收报告（终稿）.docx', type: detectFileType(docx)!.type });
    const again = await store.put(docx, { name: 'copy.docx', type: detectFileType(docx)!.type });
    expect(again).toEqual(first);
    expect(first.size).toBe(docx.length);
    expect(await keys()).toEqual([`evidence/${first.hash}`]);
    const got = await read(store, first.hash);
    expect(got).toMatchObject({
      hash: first.hash,
      size: docx.length,
      name: '验收报告（终稿）.docx',
      type: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
    });
    expect(got.bytes.equals(docx)).toBe(true);
    expect(await store.has(first.hash)).toBe(true);
  });

  test('answers the same hash as the folder store for the same bytes', async () => {
    const { hash } = await store.put(Buffer.from('abc'), { name: 'abc.txt', type: 'text/plain; charset=utf-8' });
    expect(hash).toBe(ABC_SHA256);
    expect(await text((await store.get(hash))!.body)).toBe('abc');
  });

  test('knows nothing of a hash it does not hold', async () => {
    expect(await store.get(UNKNOWN)).toBeUndefined();
    expect(await store.has(UNKNOWN)).toBe(false);
  });
});

describe('kinds of file, read from the bytes', () => {
  test.each([
    ['a PDF', samplePdf(), 'application/pdf'],
    ['a PNG', samplePng(), 'image/png'],
    ['a JPEG', Buffer.from('ffd8ffe000104a46494600010100000100010000ffd9', 'hex'), 'image/jpeg'],
    ['a .docx', sampleDocx(), 'application/vnd.openxmlformats-officedocument.wordprocessingml.document'],
    ['an .xlsx', sampleXlsx(), 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet'],
    ['an OFD', sampleOfd(), 'application/ofd'],
    ['a ZIP', zipOf({ 'a.txt': 'a', 'b/c.pdf': samplePdf() }), 'application/zip'],
    ['a .doc', oleOf(['\u0001CompObj', 'WordDocument', '1Table', '\u0005SummaryInformation']), 'application/msword'],
    ['an .xls', oleOf(['Workbook']), 'application/vnd.ms-excel'],
    ['UTF-8 text', Buffer.from('关于印发工作要点的通知\r\n一、总体要求\n', 'utf8'), 'text/plain; charset=utf-8'],
    ['GBK text', Buffer.from('b9d8d3dad3a1b7a2', 'hex'), 'text/plain; charset=gb18030'],
  ])('%s is taken as what it is', (_what, bytes, type) => {
    expect(detectFileType(bytes)?.type).toBe(type);
  });

  test.each([
    ['a Windows program', sampleExe()],
    ['an OLE file that is no Office document', oleOf(['Something'])],
    ['a ZIP cut short', zipOf({ 'a.txt': 'a' }).subarray(0, 40)],
    ['bytes with NULs', Buffer.from([1, 2, 0, 3, 0, 0, 0xff])],
    ['nothing', Buffer.alloc(0)],
  ])('%s is refused', (_what, bytes) => {
    expect(detectFileType(bytes)).toBeUndefined();
  });
});

describe('configuration', () => {
  test('the folder under DATA_DIR by default, the bucket when EVIDENCE_S3_BUCKET is set; keys never shown', () => {
    const dataDir = mkdtempSync(path.join(tmpdir(), 'duban-config-'));
    const folder = evidenceFromConfig(loadConfig({ DATA_DIR: dataDir }));
    expect(folder.evidence.where).toBe(path.join(dataDir, 'evidence'));
    expect(folder.evidenceMaxBytes).toBe(20 * 1024 * 1024);
    const s3 = {
      DATA_DIR: dataDir,
      EVIDENCE_MAX_BYTES: '1048576',
      EVIDENCE_S3_BUCKET: 'duban',
      EVIDENCE_S3_URL: 'http://127.0.0.1:9000',
      EVIDENCE_S3_ACCESS_KEY_ID: 'duban-api',
      EVIDENCE_S3_SECRET_ACCESS_KEY: 'very-secret-key',
    };
    const config = loadConfig(s3);
    const bucket = evidenceFromConfig(config);
    expect(bucket.evidence.where).toBe('s3://duban/evidence/');
    expect(bucket.evidenceMaxBytes).toBe(1048576);
    expect(JSON.stringify(describeConfig(config))).not.toContain('very-secret-key');
  });

  test.each([
    [{ EVIDENCE_S3_URL: 'http://127.0.0.1:9000' }, 'EVIDENCE_S3_URL is set but EVIDENCE_S3_BUCKET is not'],
    [{ EVIDENCE_S3_BUCKET: 'b', EVIDENCE_S3_ACCESS_KEY_ID: 'k' }, 'must be set together'],
    [{ EVIDENCE_MAX_BYTES: 'lots' }, 'EVIDENCE_MAX_BYTES'],
  ])('a bad evidence configuration stops start-up with one line naming it: %j', (env, message) => {
    expect(() => loadConfig(env)).toThrow(message);
  });
});
