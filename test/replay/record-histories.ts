/**
 * Records histories of real key-task runs as replay fixtures (`npm run record-histories`). Each scenario
 * runs on a real Temporal server with the current workflow code; the saved histories are committed
 * under test/fixtures/histories/ (binary protobuf) and replayed by replay.test.ts, so that a later change to the workflow
 * that would break running executions fails CI. Record again only when a change is deliberately
 * incompatible, and then guard it with `patched()` for the executions already running.
 */
import type { Client, WorkflowHandle } from '@temporalio/client';
import { temporal } from '@temporalio/proto';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import {
  KEY_TASK_WORKFLOW,
  cancelUpdate,
  decideExtensionUpdate,
  requestExtensionUpdate,
  resubmitUpdate,
  signOffUpdate,
} from '../../contracts';
import { addDays, localDate } from '../../domain/calendar';
import { createKeyTaskWorker } from '../../worker/create-worker';
import { miniTaskInput } from '../helpers/mini-plan';
import { recordingChannel } from '../helpers/recording-channel';
import { bundleWorkflows, createLocalEnv, createTimeSkippingEnv } from '../helpers/temporal';

/** Where the histories are kept. */
export const HISTORIES_DIR = process.env.HISTORIES_DIR ?? path.resolve(__dirname, '../fixtures/histories');
const QUEUE = 'record';
const DAY = 86_400_000;
let seq = 0;
const rid = () => `record-${++seq}`;
const approve = (department: string, milestoneId: string, figures?: Record<string, number>) => ({
  milestoneId,
  department,
  decision: 'approve' as const,
  person: `${department} 协调人`,
  requestId: rid(),
  figures,
});

/** Sign-offs, a rejection and resubmission, an extension, then cancellation, on the dev server. */
async function updatesScenario(client: Client): Promise<WorkflowHandle> {
  const h = await client.workflow.start(KEY_TASK_WORKFLOW, {
    taskQueue: QUEUE,
    workflowId: 'replay-updates',
    args: [miniTaskInput(addDays(localDate(Date.now(), '+08:00'), -20))],
  });
  await h.executeUpdate(signOffUpdate, { args: [approve('beta', 'first')] });
  await h.executeUpdate(signOffUpdate, {
    args: [{ ...approve('gamma', 'first'), decision: 'reject', comment: '请补充材料' }],
  });
  await h.executeUpdate(resubmitUpdate, {
    args: [{ milestoneId: 'first', department: 'alpha', note: '已补充', person: '甲', requestId: rid() }],
  });
  for (const d of ['beta', 'gamma', 'alpha']) await h.executeUpdate(signOffUpdate, { args: [approve(d, 'first')] });
  const ext = await h.executeUpdate(requestExtensionUpdate, {
    args: [
      {
        milestoneId: 'final',
        department: 'alpha',
        newDueDate: addDays(localDate(Date.now(), '+08:00'), 110),
        reason: '数据延迟',
        person: '甲',
        requestId: rid(),
      },
    ],
  });
  await h.executeUpdate(decideExtensionUpdate, {
    args: [{ milestoneId: 'final', extensionId: ext.id, approve: true, person: '办公厅', requestId: rid() }],
  });
  await h.executeUpdate(cancelUpdate, { args: [{ reason: '计划调整', person: '管理员', requestId: rid() }] });
  await h.result();
  return h;
}

/** A year of reminders and escalations to completion, on the time-skipping server. */
async function timelineScenario(env: TestWorkflowEnvironment): Promise<WorkflowHandle> {
  const input = miniTaskInput(localDate((await env.currentTimeMs()) + DAY, '+08:00'));
  const h = await env.client.workflow.start(KEY_TASK_WORKFLOW, {
    taskQueue: QUEUE,
    workflowId: 'replay-timeline',
    args: [input],
  });
  await env.sleep(50 * DAY); // past the first due date: reminders and two escalation levels
  for (const d of ['beta', 'gamma', 'alpha']) await h.executeUpdate(signOffUpdate, { args: [approve(d, 'first')] });
  await env.sleep(70 * DAY);
  for (const d of ['beta', 'gamma']) await h.executeUpdate(signOffUpdate, { args: [approve(d, 'final')] });
  await h.executeUpdate(signOffUpdate, { args: [approve('alpha', 'final', { share: 97, people: 900 })] });
  await h.result();
  return h;
}

async function record(env: TestWorkflowEnvironment, name: string, scenario: () => Promise<WorkflowHandle>) {
  const worker = await createKeyTaskWorker({
    connection: env.nativeConnection,
    namespace: env.namespace ?? 'default',
    taskQueue: QUEUE,
    workflowBundle: await bundleWorkflows(),
    deps: { channels: [recordingChannel()] },
    maxCachedWorkflows: 0,
  });
  await worker.runUntil(async () => {
    const h = await scenario();
    mkdirSync(HISTORIES_DIR, { recursive: true });
    // Binary protobuf: the SDK's JSON helpers trip over its nested copies of protobufjs.
    const bytes = temporal.api.history.v1.History.encode(await h.fetchHistory()).finish();
    writeFileSync(path.join(HISTORIES_DIR, `${name}.binpb`), bytes);
    console.log(`recorded ${name}`);
  });
}

async function main(): Promise<void> {
  const local = await createLocalEnv();
  try {
    await record(local, 'updates', () => updatesScenario(local.client));
  } finally {
    await local.teardown();
  }
  const skipping = await createTimeSkippingEnv();
  try {
    await record(skipping, 'timeline', () => timelineScenario(skipping));
  } finally {
    await skipping.teardown();
  }
}

main().then(
  () => process.exit(0),
  (err) => {
    console.error(err);
    process.exit(1);
  },
);
