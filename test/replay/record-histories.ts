/**
 * Records histories of real key-task runs as replay fixtures (`npm run record-histories`). Each scenario
 * runs on a real Temporal server with the current workflow code; the saved histories are committed
 * under test/fixtures/histories/ (binary protobuf) and replayed by replay.test.ts, so that a later change to the workflow
 * that would break running executions fails CI.
 *
 * Files are never overwritten: each recording is a generation (`<scenario>-<GENERATION>.binpb`; the first
 * generation has no suffix) and every generation stays, standing for the executions started under that code.
 * After a change guarded with `patched()`, bump {@link GENERATION} and record again, so that the new branch
 * is replayed too while the old files keep proving the old branch.
 */
import type { Client, WorkflowHandle } from '@temporalio/client';
import { temporal } from '@temporalio/proto';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import {
  KEY_TASK_WORKFLOW,
  addCoUnitUpdate,
  chaseUpdate,
  closeCollectiveUpdate,
  designateUpdate,
  reassignUpdate,
  reportUpdate,
  waiveUpdate,
  cancelUpdate,
  decideExtensionUpdate,
  decideRoundUpdate,
  getStateQuery,
  receiptUpdate,
  reportProgressUpdate,
  requestExtensionUpdate,
  settleDisputeUpdate,
  resubmitUpdate,
  reviewClosureUpdate,
  signOffUpdate,
} from '../../contracts';
import { addDays, localDate } from '../../domain/calendar';
import { readKeyringFile } from '../../codec/keyring';
import type { Keyring } from '../../contracts';
import { createKeyTaskWorker } from '../../worker/create-worker';
import { miniTaskInput } from '../../support/mini-plan';
import type { NotificationChannel } from '../../activities';
import { recordingChannel } from '../../support/recording-channel';
import { createLocalEnv, createTimeSkippingEnv } from '../../support/temporal-env';
import { bundleWorkflows } from '../../support/workflow-bundle';

/** Where the histories are kept. */
export const HISTORIES_DIR = process.env.HISTORIES_DIR ?? path.resolve(__dirname, '../fixtures/histories');
/**
 * The generation recorded now. 2: after the patches `extension-pending-search-attribute`,
 * `withdraw-extension-on-completion` and `stable-wake-timer`, with a notification workflow that retried.
 * 3: after `lateness-from-opening` and `one-escalation-notice`, with a plan started in the past (`backdated`).
 * 4: after `updated-at-search-attribute`.
 * 5: after `refuse-outside-cancellation`, with every payload encrypted under the fixture keyring
 * (`keyring.json` beside the histories: `updates` and `backdated` by its AES-256-GCM key, `timeline` and its
 * notification by its SM4 key) and every update naming its actor, as the API sends them.
 * 6: after `work-item-responsibility`: every scenario runs item by item, and `items` adds members' reports, an
 * early close, a designation and the office's waiver, reassignment and added co-unit (encrypted as in 5).
 * Next (7): `round-cap` passes through `round-cap-office-decides` (a milestone at the cap of rejections).
 * 10: `closure` passes through `closure-review` (a milestone submitted with evidence, returned, then closed).
 * 11: `loop` passes through `closed-loop` (receipt, a dispute confirmed by the office, a progress report, then on
 * the time-skipping server a receipt reminder, a stall, a missed report and the lead's late report).
 */
export const GENERATION = 11;
/** The keyring the histories from generation 5 on were encrypted with (test keys, committed on purpose). */
export const FIXTURE_KEYRING_FILE = path.join(HISTORIES_DIR, 'keyring.json');
const QUEUE = 'record';
const named = (scenario: string) => `${scenario}-${GENERATION}`;
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
    workflowId: `replay-${named('updates')}`,
    args: [miniTaskInput(addDays(localDate(Date.now(), '+08:00'), -20))],
  });
  await h.executeUpdate(signOffUpdate, { args: [approve('beta', 'first')] });
  await h.executeUpdate(signOffUpdate, {
    args: [{ ...approve('gamma', 'first'), decision: 'reject', comment: '请补充材料' }],
  });
  await h.executeUpdate(resubmitUpdate, {
    args: [{ milestoneId: 'first', department: 'alpha', note: '已补充', person: '甲', requestId: rid() }],
  });
  for (const d of ['beta', 'gamma']) await h.executeUpdate(signOffUpdate, { args: [approve(d, 'first')] });
  // An extension request still pending when the lead completes the milestone: withdrawn.
  await h.executeUpdate(requestExtensionUpdate, {
    args: [
      {
        milestoneId: 'first',
        department: 'alpha',
        newDueDate: addDays(localDate(Date.now(), '+08:00'), 12),
        reason: '材料待补',
        person: '甲',
        requestId: rid(),
      },
    ],
  });
  await h.executeUpdate(signOffUpdate, { args: [approve('alpha', 'first')] });
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
  // A cancellation request straight to Temporal: refused and recorded, the task runs on.
  await h.cancel();
  while (!(await h.query(getStateQuery)).refusedCancellations) await new Promise((r) => setTimeout(r, 200));
  await h.executeUpdate(cancelUpdate, { args: [{ reason: '计划调整', person: '管理员', requestId: rid() }] });
  await h.result();
  return h;
}

/**
 * A task started 60 days in the past: its first milestone opened on that start date is 30 days late, so its
 * three escalation levels fall due together and send one notice (with the overdue notice chasing its pending
 * units); the office chases it by hand, then it is signed (withdrawing its notices) and the next one opens.
 */
async function backdatedScenario(client: Client): Promise<WorkflowHandle> {
  const h = await client.workflow.start(KEY_TASK_WORKFLOW, {
    taskQueue: QUEUE,
    workflowId: `replay-${named('backdated')}`,
    args: [miniTaskInput(addDays(localDate(Date.now(), '+08:00'), -60))],
  });
  await h.executeUpdate(chaseUpdate, {
    args: [{ milestoneId: 'first', message: '请即办理', person: '办公厅', requestId: rid() }],
  });
  for (const d of ['beta', 'gamma', 'alpha']) await h.executeUpdate(signOffUpdate, { args: [approve(d, 'first')] });
  await h.executeUpdate(cancelUpdate, { args: [{ reason: '录制结束', person: '管理员', requestId: rid() }] });
  await h.result();
  return h;
}

/**
 * Mini task 3 with work items: members report (one closed out early by the item's lead), a department is
 * designated, the office waives, reassigns and adds a co-unit, the items are signed and the task's lead closes.
 */
async function itemsScenario(client: Client): Promise<WorkflowHandle> {
  const h = await client.workflow.start(KEY_TASK_WORKFLOW, {
    taskQueue: QUEUE,
    workflowId: `replay-${named('items')}`,
    args: [miniTaskInput(addDays(localDate(Date.now(), '+08:00'), -20), 3)],
  });
  const who = { person: '录制', requestId: '' };
  const req = () => ({ ...who, requestId: rid() });
  await h.executeUpdate(reportUpdate, {
    args: [{ milestoneId: 'first', workItem: 0, department: 'east', status: 'done', text: '已部署', ...req() }],
  });
  await h.executeUpdate(closeCollectiveUpdate, {
    args: [{ milestoneId: 'first', workItem: 0, department: 'alpha', reason: '西省本节点不适用', ...req() }],
  });
  await h.executeUpdate(designateUpdate, {
    args: [{ workItem: 1, department: 'beta', departments: ['gamma'], reason: '按职责指定', ...req() }],
  });
  await h.executeUpdate(addCoUnitUpdate, { args: [{ workItem: 0, unit: 'office', reason: '协调', ...req() }] });
  await h.executeUpdate(waiveUpdate, {
    args: [{ milestoneId: 'first', workItem: 0, unit: 'office', reason: '本节点不涉及', ...req() }],
  });
  await h.executeUpdate(reassignUpdate, {
    args: [{ workItem: 1, from: 'gamma', to: 'inspect', reason: '职能调整', ...req() }],
  });
  for (const d of ['inspect', 'beta', 'alpha']) await h.executeUpdate(signOffUpdate, { args: [approve(d, 'first')] });
  await h.executeUpdate(cancelUpdate, { args: [{ reason: '录制结束', person: '管理员', requestId: rid() }] });
  await h.result();
  return h;
}

/**
 * A milestone rejected as often as its plan allows (2 here): the office allows another round, the lead
 * resubmits, the next rejection comes back to the office, which closes the milestone as it stands.
 */
async function roundCapScenario(client: Client): Promise<WorkflowHandle> {
  const input = miniTaskInput(addDays(localDate(Date.now(), '+08:00'), -20));
  const h = await client.workflow.start(KEY_TASK_WORKFLOW, {
    taskQueue: QUEUE,
    workflowId: `replay-${named('round-cap')}`,
    args: [{ ...input, policy: { ...input.policy, maxRejectionsPerMilestone: 2 } }],
  });
  const reject = () =>
    h.executeUpdate(signOffUpdate, { args: [{ ...approve('gamma', 'first'), decision: 'reject', comment: '退回' }] });
  const resubmit = () =>
    h.executeUpdate(resubmitUpdate, {
      args: [{ milestoneId: 'first', department: 'alpha', note: '已修改', person: '甲', requestId: rid() }],
    });
  const decide = (decision: 'another-round' | 'close') =>
    h.executeUpdate(decideRoundUpdate, {
      args: [{ milestoneId: 'first', decision, reason: '办公厅决定', person: '办公厅', requestId: rid() }],
    });
  await reject();
  await resubmit();
  await reject();
  await decide('another-round');
  await resubmit();
  await reject();
  await decide('close');
  await h.executeUpdate(cancelUpdate, { args: [{ reason: '录制结束', person: '管理员', requestId: rid() }] });
  await h.result();
  return h;
}

/** A milestone under the office's closure review: submitted with evidence, returned, submitted again, closed. */
async function closureScenario(client: Client): Promise<WorkflowHandle> {
  const input = miniTaskInput(localDate(Date.now(), '+08:00'));
  const h = await client.workflow.start(KEY_TASK_WORKFLOW, {
    taskQueue: QUEUE,
    workflowId: `replay-${named('closure')}`,
    args: [{ ...input, policy: { ...input.policy, closureReview: { milestones: ['first'], evidenceRequired: true } } }],
  });
  const evidence = [{ kind: 'link' as const, url: 'https://example.org/evidence', title: '佐证材料' }];
  const review = (decision: 'close' | 'return') =>
    h.executeUpdate(reviewClosureUpdate, {
      args: [{ milestoneId: 'first', decision, reason: '请补充', person: '办公厅', requestId: rid() }],
    });
  for (let round = 0; round < 2; round++) {
    for (const d of ['beta', 'gamma']) await h.executeUpdate(signOffUpdate, { args: [approve(d, 'first')] });
    await h.executeUpdate(signOffUpdate, { args: [{ ...approve('alpha', 'first'), evidence }] });
    await review(round === 0 ? 'return' : 'close');
  }
  await h.executeUpdate(cancelUpdate, { args: [{ reason: '录制结束', person: '管理员', requestId: rid() }] });
  await h.result();
  return h;
}

/**
 * The office's closed loop, on the time-skipping server: receipt by one unit, a dispute the office confirms, the
 * lead's progress report; then 40 quiet days (a receipt reminder, a stall, a missed report, escalations) and the
 * lead's late report.
 */
async function loopScenario(env: TestWorkflowEnvironment): Promise<WorkflowHandle> {
  const input = miniTaskInput(localDate(await env.currentTimeMs(), '+08:00'));
  const h = await env.client.workflow.start(KEY_TASK_WORKFLOW, {
    taskQueue: QUEUE,
    workflowId: `replay-${named('loop')}`,
    args: [
      {
        ...input,
        policy: {
          ...input.policy,
          receipt: { days: 2 },
          progress: { cadence: 'monthly', day: 28, stalledAfterDays: 20 },
        },
      },
    ],
  });
  const unit = (department: string) => ({ milestoneId: 'first', department, person: `${department} 联络员` });
  await h.executeUpdate(receiptUpdate, { args: [{ ...unit('beta'), decision: 'receive', requestId: rid() }] });
  await h.executeUpdate(receiptUpdate, {
    args: [{ ...unit('gamma'), decision: 'dispute', reason: '不属本单位职责', requestId: rid() }],
  });
  await h.executeUpdate(settleDisputeUpdate, {
    args: [{ ...unit('gamma'), decision: 'confirm', reason: '经核实属本单位职责', person: '办公厅', requestId: rid() }],
  });
  const report = { department: 'alpha', done: '完成方案起草', person: 'alpha 联络员' };
  await h.executeUpdate(reportProgressUpdate, { args: [{ ...report, requestId: rid() }] });
  await env.sleep(40 * DAY);
  await h.executeUpdate(reportProgressUpdate, { args: [{ ...report, requestId: rid() }] });
  await h.executeUpdate(cancelUpdate, { args: [{ reason: '录制结束', person: '管理员', requestId: rid() }] });
  await h.result();
  return h;
}

/** A year of reminders and escalations to completion, on the time-skipping server. */
async function timelineScenario(env: TestWorkflowEnvironment): Promise<WorkflowHandle> {
  const input = miniTaskInput(localDate((await env.currentTimeMs()) + DAY, '+08:00'));
  const h = await env.client.workflow.start(KEY_TASK_WORKFLOW, {
    taskQueue: QUEUE,
    workflowId: `replay-${named('timeline')}`,
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

/** A channel that fails the first delivery of every notification (the retry is part of the history). */
function failingOnceChannel(): NotificationChannel {
  const seen = new Set<string>();
  return {
    name: 'failing-once',
    async deliver(n) {
      if (seen.has(n.id)) return;
      seen.add(n.id);
      throw new Error('channel down for the first attempt');
    },
  };
}

function save(name: string, history: temporal.api.history.v1.IHistory): void {
  const file = path.join(HISTORIES_DIR, `${name}.binpb`);
  if (existsSync(file)) throw new Error(`${file} exists: bump GENERATION instead of overwriting a recording`);
  mkdirSync(HISTORIES_DIR, { recursive: true });
  // Binary protobuf: the SDK's JSON helpers trip over its nested copies of protobufjs.
  writeFileSync(file, temporal.api.history.v1.History.encode(history).finish());
  console.log(`recorded ${name}`);
}

async function record(
  env: TestWorkflowEnvironment,
  keyring: Keyring,
  scenario: string,
  run: () => Promise<WorkflowHandle>,
  options: { channel?: NotificationChannel; firstChild?: string } = {},
) {
  const worker = await createKeyTaskWorker({
    keyring,
    connection: env.nativeConnection,
    namespace: env.namespace ?? 'default',
    taskQueue: QUEUE,
    workflowBundle: await bundleWorkflows(),
    deps: { channels: [options.channel ?? recordingChannel()], retry: { initialIntervalMs: 1_000 } },
    maxCachedWorkflows: 0,
  });
  await worker.runUntil(async () => {
    const h = await run();
    const history = await h.fetchHistory();
    save(named(scenario), history);
    if (options.firstChild) {
      // The first notification the task started, run to its end: its own workflow's history.
      const started = history.events?.find((e) => e.startChildWorkflowExecutionInitiatedEventAttributes);
      const childId = started?.startChildWorkflowExecutionInitiatedEventAttributes?.workflowId;
      if (!childId) throw new Error(`${scenario} started no notification`);
      const child = env.client.workflow.getHandle(childId);
      await child.result();
      save(named(options.firstChild), await child.fetchHistory());
    }
  });
}

async function main(): Promise<void> {
  const aes = readKeyringFile(FIXTURE_KEYRING_FILE)!;
  const sm4: Keyring = { ...aes, active: aes.keys.find((k) => k.cipher === 'sm4-ctr-hmac-sm3')!.id };
  const local = await createLocalEnv({}, aes);
  try {
    await record(local, aes, 'updates', () => updatesScenario(local.client));
    await record(local, aes, 'backdated', () => backdatedScenario(local.client));
    await record(local, aes, 'items', () => itemsScenario(local.client));
    await record(local, aes, 'round-cap', () => roundCapScenario(local.client));
    await record(local, aes, 'closure', () => closureScenario(local.client));
  } finally {
    await local.teardown();
  }
  const skipping = await createTimeSkippingEnv(sm4);
  try {
    await record(skipping, sm4, 'timeline', () => timelineScenario(skipping), {
      channel: failingOnceChannel(),
      firstChild: 'notification',
    });
    await record(skipping, sm4, 'loop', () => loopScenario(skipping));
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
