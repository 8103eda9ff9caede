/**
 * Replays the saved histories of real runs against the current workflow code. A change that would make
 * running executions non-deterministic fails here; guard such a change with `patched()`. Histories of
 * generation 5 are encrypted (test/fixtures/histories/keyring.json); older ones are plain JSON, recorded
 * before the codec, and replay through the same codec, which passes unencrypted payloads through.
 */
import { temporal } from '@temporalio/proto';
import { Worker, type WorkflowBundleWithSourceMap } from '@temporalio/worker';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { dataConverter, EncryptionCodec, generateKey, readKeyringFile } from '../../codec';
import type { Keyring } from '../../contracts';
import { historyPayloads } from '../../support/history-payloads';
import { bundleWorkflows } from '../../support/workflow-bundle';

const dir = path.resolve(__dirname, '../fixtures/histories');
const files = readdirSync(dir).filter((f) => f.endsWith('.binpb'));
const encrypted = files.filter((f) => /-([5-9]|\d{2,})\.binpb$/.test(f));
/** The keyring the histories from generation 5 on were written under. */
const fixtureKeyring = readKeyringFile(path.join(dir, 'keyring.json'))!;
/** The same after a rotation: a new active key added, the old ones kept for decryption. */
const rotated: Keyring = {
  active: 'rotated-1',
  keys: [generateKey('rotated-1', 'sm4-ctr-hmac-sm3'), ...fixtureKeyring.keys],
};
let bundle: WorkflowBundleWithSourceMap;

const historyOf = (file: string) => temporal.api.history.v1.History.decode(readFileSync(path.join(dir, file)));

beforeAll(async () => {
  bundle = await bundleWorkflows();
}, 120_000);

test('the workflow bundle carries no zod, which every cached workflow would otherwise hold in memory', () => {
  expect(bundle.code).not.toMatch(/node_modules\/zod/);
  expect(bundle.code).toContain('keyTaskWorkflow');
});

test('there are saved histories to replay, of every generation, the notification workflow among them', () => {
  expect(files.sort()).toEqual([
    'backdated-10.binpb',
    'backdated-11.binpb',
    'backdated-3.binpb',
    'backdated-4.binpb',
    'backdated-5.binpb',
    'backdated-6.binpb',
    'backdated-7.binpb',
    'backdated-8.binpb',
    'backdated-9.binpb',
    'closure-10.binpb',
    'closure-11.binpb',
    'items-10.binpb',
    'items-11.binpb',
    'items-6.binpb',
    'items-7.binpb',
    'items-8.binpb',
    'items-9.binpb',
    'loop-11.binpb',
    'notification-10.binpb',
    'notification-11.binpb',
    'notification-2.binpb',
    'notification-3.binpb',
    'notification-4.binpb',
    'notification-5.binpb',
    'notification-6.binpb',
    'notification-7.binpb',
    'notification-8.binpb',
    'notification-9.binpb',
    'round-cap-10.binpb',
    'round-cap-11.binpb',
    'round-cap-7.binpb',
    'round-cap-8.binpb',
    'round-cap-9.binpb',
    'timeline-10.binpb',
    'timeline-11.binpb',
    'timeline-2.binpb',
    'timeline-3.binpb',
    'timeline-4.binpb',
    'timeline-5.binpb',
    'timeline-6.binpb',
    'timeline-7.binpb',
    'timeline-8.binpb',
    'timeline-9.binpb',
    'timeline.binpb',
    'updates-10.binpb',
    'updates-11.binpb',
    'updates-2.binpb',
    'updates-3.binpb',
    'updates-4.binpb',
    'updates-5.binpb',
    'updates-6.binpb',
    'updates-7.binpb',
    'updates-8.binpb',
    'updates-9.binpb',
    'updates.binpb',
  ]);
});

test.each(files)('the history %s replays on the current workflow code, with the codec', async (file) => {
  const history = historyOf(file);
  expect(history.events?.length).toBeGreaterThan(10);
  // The workflow id is part of what is replayed (notification ids derive from it): record.ts names it so.
  await Worker.runReplayHistory(
    { workflowBundle: bundle, dataConverter: dataConverter(fixtureKeyring) },
    history,
    `replay-${path.basename(file, '.binpb')}`,
  );
});

test.each(encrypted)('after a key rotation, %s still replays and decodes', async (file) => {
  const history = historyOf(file);
  await Worker.runReplayHistory(
    { workflowBundle: bundle, dataConverter: dataConverter(rotated) },
    history,
    `replay-${path.basename(file, '.binpb')}`,
  );
  const raw = Buffer.from(temporal.api.history.v1.History.encode(history).finish());
  const payloads = historyPayloads(history);
  const decoded = await new EncryptionCodec(rotated).decode(payloads);
  const text = decoded.map((p) => Buffer.from(p.data ?? []).toString('utf8')).join('\n');
  // Every payload opened: none became a placeholder.
  expect(decoded.filter((p) => p.metadata?.['duban-undecodable'])).toEqual([]);
  // The task's title in Chinese is in every history's input (the items scenario runs task three): readable
  // only once decrypted.
  const title = file.startsWith('items-') ? '任务三' : '任务一';
  expect(raw.includes(Buffer.from(title))).toBe(false);
  expect(text).toContain(title);
});

test('the updates history holds the plan text, comments and names only encrypted, and the refused cancellation', async () => {
  const history = historyOf('updates-5.binpb');
  const raw = Buffer.from(temporal.api.history.v1.History.encode(history).finish());
  const plain = Buffer.from(temporal.api.history.v1.History.encode(historyOf('updates-3.binpb')).finish());
  for (const secret of ['请补充材料', '计划调整', '数据延迟', '办公厅', '协调人']) {
    expect(plain.includes(Buffer.from(secret))).toBe(true);
    expect(raw.includes(Buffer.from(secret))).toBe(false);
  }
  const decoded = await new EncryptionCodec(fixtureKeyring).decode(historyPayloads(history));
  const text = decoded.map((p) => Buffer.from(p.data ?? []).toString('utf8')).join('\n');
  expect(text).toContain('请补充材料');
  expect(text).toContain('"refusedCancellations"');
  expect(text).toContain('"actor":{"role":"admin"');
  const { EventType } = temporal.api.enums.v1;
  const types = history.events!.map((e) => e.eventType);
  expect(types).toContain(EventType.EVENT_TYPE_WORKFLOW_EXECUTION_CANCEL_REQUESTED);
  expect(types.at(-1)).toBe(EventType.EVENT_TYPE_WORKFLOW_EXECUTION_COMPLETED);
});

test('the loop history passed through closed-loop: receipts, a confirmed dispute, a stall and a missed report', async () => {
  const history = historyOf('loop-11.binpb');
  const decoded = await new EncryptionCodec(fixtureKeyring).decode(historyPayloads(history));
  const text = decoded.map((p) => Buffer.from(p.data ?? []).toString('utf8')).join('\n');
  // The patch's marker, and the record it wrote.
  expect(text).toContain('closed-loop');
  expect(text).toContain('"receipts":[');
  for (const kind of ['receipt-reminder', 'receipt-settled', 'stalled', 'progress-missed']) {
    expect(text).toContain(`"kind":"${kind}"`);
  }
});
