/**
 * Fault: the worker is SIGKILLed in the middle of a sign-off storm and restarted. Every sign-off the API
 * acknowledged (2xx) must be in the workflow exactly once, none that was refused may be there, no
 * notification sent before the crash may be sent again after the restart, and the notifications whose
 * delivery was in flight when the worker died (the receiver held its answers) arrive after the restart, once.
 */
import type { NotificationLogEntry } from '../../contracts';
import { addDays, localDate } from '../../domain/calendar';
import { taskUnits } from '../../domain/plan';
import { generatePlan } from '../../support/generate-plan';
import { apiRequest } from '../../support/api-request';
import { runPool } from '../../support/pool';
import { waitFor } from '../../support/wait-for';
import {
  signOffRecords,
  signOffWithRetry,
  startFaultStack,
  taskView,
  updateIdFor,
  signOffPath,
  decidedNotifications,
  type FaultStack,
  type SignOffAttempt,
} from './support';

const TASKS = 40;
/** Tasks whose lead asks for an extension just before the crash: their notices are in flight when it comes. */
const IN_FLIGHT_TASKS = [1, 2, 3, 4];

let fault: FaultStack | undefined;
afterAll(() => fault?.dispose());

test('worker SIGKILLed mid sign-off storm: every acknowledged sign-off is applied once, no refused one, no notification twice', async () => {
  const plan = generatePlan(TASKS, 7);
  const { stack, receiver, tokens } = await startFaultStack('duban-fault-worker', (f) => (fault = f), plan);

  // Started 40 days ago: the first milestone (due on day 28) is 12 days late, so levels 1 and 2 are due at once
  // and each task sends one notice, at level 2.
  const startDate = addDays(localDate(Date.now(), plan.policy.utcOffset), -40);
  const started = await apiRequest(stack.apiUrl, 'POST', '/api/plan/start', tokens.admin, { startDate });
  expect(started.status).toBe(200);
  const escalationsOf = (ids: string[]) => ids.filter((id) => id.includes('/escalation/'));
  await waitFor(
    `${TASKS} escalations delivered`,
    async () => (new Set(escalationsOf(receiver.acceptedIds())).size >= TASKS ? true : undefined),
    120_000,
  );
  expect(escalationsOf(receiver.acceptedIds()).every((id) => id.endsWith('/L2'))).toBe(true);
  const deliveredBeforeCrash = [...receiver.acceptedIds()];

  const milestoneId = plan.schedule[0]!.id;
  const attempt = (task: number, department: string, key: string): SignOffAttempt => ({
    task,
    milestoneId,
    department,
    token: tokens.coordinator(department),
    key,
    tries: 0,
    retried: [],
  });
  const co: SignOffAttempt[] = [];
  const late: SignOffAttempt[] = [];
  for (const task of plan.tasks) {
    const { lead, coResponsible } = taskUnits(task);
    for (const d of coResponsible) co.push(attempt(task.number, d, `co-${task.number}-${d}`));
    late.push(attempt(task.number, lead, `lead-${task.number}`));
    // A second sign-off by a unit that has already signed, under a new key: must be refused, and not be there.
    late.push(attempt(task.number, coResponsible[0]!, `again-${task.number}`));
  }

  // The storm: 16 clients; after a third of the co-responsible sign-offs are answered, the worker is killed.
  const inFlight: string[] = [];
  let answered = 0;
  let killed: Promise<void> | undefined;
  const coRun = runPool(co, 16, async (a) => {
    await signOffWithRetry(stack.apiUrl, a);
    answered++;
    if (answered === Math.floor(co.length / 3) && !killed) {
      killed = (async () => {
        // The receiver holds its answers; four leads ask for an extension, and the worker dies while their
        // notices to the general office wait for an answer.
        receiver.holdMs = 10_000;
        const before = receiver.receivedIds().length;
        for (const n of IN_FLIGHT_TASKS) {
          const lead = taskUnits(plan.tasks.find((t) => t.number === n)!).lead;
          const asked = await apiRequest(
            stack.apiUrl,
            'POST',
            `/api/tasks/${n}/milestones/${milestoneId}/extension-requests`,
            tokens.coordinator(lead),
            { newDueDate: addDays(localDate(Date.now(), plan.policy.utcOffset), 10), reason: '等待数据' },
          );
          expect(asked.status).toBe(201);
        }
        await waitFor(
          'the extension notices to reach the receiver',
          // Escalations and their chases of the backdated plan may arrive in the same window: count the four.
          async () =>
            receiver
              .receivedIds()
              .slice(before)
              .filter((id) => id.includes('/extension/')).length >= IN_FLIGHT_TASKS.length
              ? true
              : undefined,
          30_000,
        );
        inFlight.push(...receiver.receivedIds().slice(before));
        await stack.worker!.kill('SIGKILL');
        receiver.holdMs = 0;
        await new Promise((r) => setTimeout(r, 3_000));
        await stack.startWorker();
      })();
    }
  });
  await coRun;
  await killed;
  await runPool(late, 16, (a) => signOffWithRetry(stack.apiUrl, a));

  const all = [...co, ...late];
  expect(killed).toBeDefined();
  console.log(
    `worker killed after ${Math.floor(co.length / 3)} of ${all.length} sign-offs; ` +
      `${all.filter((a) => a.retried.length > 0).length} requests were resent after 5xx/no answer ` +
      `(${all.flatMap((a) => a.retried).join(', ') || 'none'})`,
  );
  // Every request got a definite answer: the co-responsible units' and leads' were accepted, repeats refused.
  for (const a of [...co, ...late.filter((x) => x.key.startsWith('lead-'))]) expect(a.final?.status).toBe(200);
  for (const a of late.filter((x) => x.key.startsWith('again-'))) {
    expect(a.final?.status).toBe(409);
    // Refused as a repeat: already signed in this round, or the round already closed by the lead.
    expect(['already_signed', 'milestone_closed']).toContain((a.final?.body as { error: { code: string } }).error.code);
  }

  const views = new Map<number, Awaited<ReturnType<typeof taskView>>>();
  for (const task of plan.tasks) views.set(task.number, await taskView(stack.apiUrl, tokens.office, task.number));
  for (const a of all) {
    const id = updateIdFor(a.token, signOffPath(a.task, a.milestoneId), a.key);
    const records = signOffRecords(views.get(a.task)!, milestoneId).filter((r) => r.requestId === id);
    // An act is recorded once per work item it signs (a lead's close signs every item it leads), never twice
    // for the same item; a refused one not at all.
    const items = records.map((r) => (r.workItems ?? []).join(','));
    expect({ key: a.key, applied: records.length > 0, repeated: items.length - new Set(items).size }).toEqual({
      key: a.key,
      applied: a.final!.status === 200,
      repeated: 0,
    });
  }
  for (const view of views.values()) {
    expect(view.milestones[0]!.state).toBe('completed');
    // One record per unit and work item: nothing applied twice; every required unit signed.
    const signed = signOffRecords(view, milestoneId).map((r) => `${r.department}:${(r.workItems ?? []).join(',')}`);
    expect(new Set(signed).size).toBe(signed.length);
    const departments = new Set(signOffRecords(view, milestoneId).map((r) => r.department));
    expect(departments.size).toBe(view.milestones[0]!.required.length);
  }

  // Notifications (the tasks' own and their supervision notices'): each decided once and delivered once; none sent again after the restart.
  const decided = [...views.values()].flatMap(decidedNotifications);
  expect(new Set(decided).size).toBe(decided.length);
  expect(inFlight.filter((id) => id.includes('/extension/'))).toHaveLength(IN_FLIGHT_TASKS.length);
  expect(inFlight.every((id) => !deliveredBeforeCrash.includes(id) && decided.includes(id))).toBe(true);
  // The extension notices: each delivered before the crash or held at it. (The backdated plan's escalations and
  // their chases are decided all through the storm, before, during and after the window.)
  const extensions = (ids: string[]) => ids.filter((id) => id.includes('/extension/'));
  expect(new Set([...extensions(deliveredBeforeCrash), ...extensions(inFlight)])).toEqual(new Set(extensions(decided)));
  // The deliveries the crash cut off are retried once their attempt times out (1 minute), and then answered.
  await waitFor(
    'the notices in flight at the crash to be delivered',
    async () => (extensions(inFlight).every((id) => receiver.acceptedIds().includes(id)) ? true : undefined),
    150_000,
    1_000,
  );
  await new Promise((r) => setTimeout(r, 3_000));
  for (const id of extensions(inFlight)) {
    expect(receiver.receivedIds().filter((x) => x === id).length).toBeGreaterThanOrEqual(2);
  }
  // Every notice decided settles: its webhook delivery made once, or withdrawn unmade (`obsolete`) because its
  // milestone was completed while it waited (the chases of the backdated plan's pending units).
  const webhookOutcomes = await waitFor(
    'every decided notice to be delivered or withdrawn',
    async () => {
      const log = await apiRequest(stack.apiUrl, 'GET', '/api/notifications', tokens.office);
      const entries = (log.body as { notifications: NotificationLogEntry[] }).notifications;
      const outcomes = new Map(
        entries.map((e) => [e.notification.id, e.deliveries.find((d) => d.channel === 'webhook')?.outcome]),
      );
      return decided.every((id) => ['delivered', 'obsolete'].includes(String(outcomes.get(id)))) ? outcomes : undefined;
    },
    150_000,
    1_000,
  );
  const accepted = receiver.acceptedIds();
  expect(accepted.length).toBe(new Set(accepted).size);
  for (const id of decided) {
    const outcome = webhookOutcomes.get(id);
    expect({ id, outcome, received: accepted.includes(id) }).toEqual({
      id,
      outcome,
      received: outcome === 'delivered',
    });
  }
  expect(extensions(decided).every((id) => webhookOutcomes.get(id) === 'delivered')).toBe(true);
  expect(accepted.every((id) => decided.includes(id))).toBe(true);
});
