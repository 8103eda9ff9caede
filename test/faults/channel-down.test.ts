/**
 * Fault: a notification channel (a webhook receiver on loopback) is down for two and a half minutes.
 * Notifications decided meanwhile must arrive after it recovers, each once, and sign-offs must go on while it
 * is down. The worker
 * runs with the default delivery retry (5 s, doubling), as `npm run worker` does.
 */
import { localDate } from '../../domain/calendar';
import { milestoneActs } from '../../domain/plan';
import { DEFAULT_PLAN_FILE, loadPlanFile } from '../../seeds/load-plan';
import { apiRequest } from '../../support/api-request';
import { waitFor } from '../../support/wait-for';
import { signOffWithRetry, startFaultStack, taskView, type FaultStack, type SignOffAttempt } from './support';

const OUTAGE_MS = 150_000; // "down for minutes": two and a half

let fault: FaultStack | undefined;
afterAll(() => fault?.dispose());

test('webhook receiver down for minutes: sign-offs go on, its notifications arrive after recovery, each once', async () => {
  const plan = loadPlanFile(DEFAULT_PLAN_FILE);
  const { stack, receiver, tokens } = await startFaultStack('duban-fault-channel', (f) => (fault = f));
  // Started today: nothing is due, so the only notifications are the ones this test causes.
  const startDate = localDate(Date.now(), plan.policy.utcOffset);
  expect((await apiRequest(stack.apiUrl, 'POST', '/api/plan/start', tokens.admin, { startDate })).status).toBe(200);

  await receiver.down();
  const downSince = Date.now();
  const milestoneId = plan.schedule[0]!.id;
  // Tasks signed by their units alone (no province reports), with more than the lead's close to sign.
  const withCo = plan.tasks.filter((t) => {
    const acts = milestoneActs(plan, t);
    return acts.length > 1 && acts.every((a) => a.kind === 'sign');
  });
  const attempt = (
    task: number,
    department: string,
    key: string,
    reject = false,
    workItem?: number,
  ): SignOffAttempt => ({
    task,
    milestoneId,
    department,
    workItem,
    token: tokens.coordinator(department),
    key,
    tries: 0,
    retried: [],
    ...(reject ? { decision: 'reject' as const, comment: '材料不全，请补充 Incomplete, please add the annexes.' } : {}),
  });
  // Two rejections (each sends a "returned" notice to the lead) and, meanwhile, whole milestones signed off.
  const rejections = withCo
    .slice(0, 2)
    .map((t) => attempt(t.number, milestoneActs(plan, t)[0]!.department, `r-${t.number}`, true));
  for (const a of rejections) await signOffWithRetry(stack.apiUrl, a, 10_000);
  const approvals = withCo
    .slice(2, 6)
    .flatMap((t) =>
      milestoneActs(plan, t).map((act, i) =>
        attempt(t.number, act.department, `a-${t.number}-${i}`, false, act.workItem),
      ),
    );
  for (const a of approvals) await signOffWithRetry(stack.apiUrl, a, 10_000);
  expect([...rejections, ...approvals].map((a) => a.final?.status)).toEqual(
    [...rejections, ...approvals].map(() => 200),
  );
  expect([...rejections, ...approvals].every((a) => a.tries === 1)).toBe(true);
  for (const t of withCo.slice(2, 6)) {
    expect((await taskView(stack.apiUrl, tokens.office, t.number)).milestones[0]!.state).toBe('completed');
  }

  const returned = await Promise.all(
    rejections.map(async (a) => {
      const view = await taskView(stack.apiUrl, tokens.office, a.task);
      const notices = view.notifications.filter((n) => n.kind === 'returned');
      expect(notices).toHaveLength(1);
      return notices[0]!.id;
    }),
  );
  await new Promise((r) => setTimeout(r, Math.max(0, downSince + OUTAGE_MS - Date.now())));
  expect(receiver.acceptedIds()).toEqual([]);
  await receiver.up();
  const upAt = Date.now();

  await waitFor(
    'the returned notices to arrive',
    async () => (returned.every((id) => receiver.acceptedIds().includes(id)) ? true : undefined),
    180_000,
    500,
  );
  const arrivedAfterS = Math.round((Date.now() - upAt) / 1000);
  console.log(`channel down ${OUTAGE_MS / 1000} s; notices arrived ${arrivedAfterS} s after it came back`);
  await new Promise((r) => setTimeout(r, 5_000));
  expect([...receiver.acceptedIds()].sort()).toEqual([...returned].sort());
});
