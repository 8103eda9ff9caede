/**
 * The delivery activities on their own, in `MockActivityEnvironment` (no worker, no server), against a real
 * SMTP server and a real HTTP receiver on loopback: what a department's inbox and a receiving system get,
 * and how each failure is reported to Temporal (retryable or not, with its attempt number).
 */
import { failureOf, mockActivityEnv as mockEnv } from '../../support/activity-env';
import nodemailer from 'nodemailer';
import {
  activityDepsFromConfig,
  createActivities,
  DELIVERY_ATTEMPT_FAILED,
  PERMANENT_DELIVERY_ERROR,
  type ActivityDeps,
} from '../../activities';
import type { DeliveryPlan, Notification, PlannedDelivery } from '../../contracts';
import { loadConfig } from '../../config/env';
import { miniMilestoneNotice, miniPlan } from '../../support/mini-plan';
import { startMailSink, type MailSink } from '../../support/mail-sink';
import { freePorts } from '../../support/ports';
import { recordingChannel } from '../../support/recording-channel';
import { waitFor } from '../../support/wait-for';
import { standardRefusal, startWebhookReceiver, type WebhookReceiver } from '../../support/webhook-receiver';

/** The global secret: one from before the Standard Webhooks headers (any string; its bytes are the key). */
const SECRET = 'activity-test-secret';
/** Department alpha's receiver has its own Standard Webhooks secret. */
const ALPHA_SECRET = `whsec_${Buffer.from('alpha receiver key, 32 bytes!!!!').toString('base64')}`;
/** The send time: now, because the receivers check it against their own clock, as real ones do. */
const SENT_AT = Date.now();
const REFUSED = 'nobody@alpha.example';

let smtp: MailSink;
let hooks: WebhookReceiver;
let alphaHooks: WebhookReceiver;

beforeAll(async () => {
  [smtp, hooks, alphaHooks] = await Promise.all([
    startMailSink({ reject: [REFUSED] }),
    startWebhookReceiver(SECRET),
    startWebhookReceiver(ALPHA_SECRET),
  ]);
});

afterAll(async () => {
  await Promise.all([smtp?.close(), hooks?.close(), alphaHooks?.close()]);
});

beforeEach(() => {
  smtp.mails.length = 0;
  for (const r of [hooks, alphaHooks]) {
    r.requests.length = 0;
    r.failNext(0);
    r.holdMs = 0;
    r.redirectTo = undefined;
  }
});

const reminder: Notification = {
  ...miniMilestoneNotice,
  pendingDepartments: [...miniMilestoneNotice.pendingDepartments],
  id: 'mini-plan-task-1/first/reminder-3',
  kind: 'reminder',
  departments: ['alpha'],
  at: '2030-02-27T00:00:00.000Z',
  daysBefore: 3,
};

/** The activities as the worker builds them, with SMTP on `smtpPort` and webhooks signed with `secret`. */
function activities(options: { smtpPort?: number; secret?: string; emails?: string[]; now?: () => number } = {}) {
  const deps: ActivityDeps = {
    channels: [recordingChannel()],
    contacts: {
      alpha: {
        emails: options.emails ?? ['alpha@alpha.example'],
        webhookUrl: `${alphaHooks.url}/alpha`,
        webhookSecret: ALPHA_SECRET,
      },
    },
    email: {
      transport: nodemailer.createTransport({
        host: '127.0.0.1',
        port: options.smtpPort ?? smtp.port,
        secure: false,
        ignoreTLS: true,
      }),
      from: '督办系统 <duban@moe.example>',
    },
    webhook: { url: `${hooks.url}/global`, secret: options.secret ?? SECRET },
    publicUrl: 'https://duban.example.org',
    now: options.now ?? (() => SENT_AT),
  };
  return createActivities(deps);
}

/** The planned delivery of `reminder` with this key. */
async function planned(key: string, acts = activities()): Promise<PlannedDelivery> {
  const plan = (await mockEnv().run(acts.planDelivery, reminder)) as DeliveryPlan;
  const delivery = plan.deliveries.find((d) => d.key === key);
  if (!delivery) throw new Error(`no delivery ${key} in ${JSON.stringify(plan.deliveries)}`);
  return delivery;
}

describe('e-mail delivery', () => {
  test('the department receives one mail with the reminder subject, from the sender, with the notification id', async () => {
    const acts = activities();
    const result = await mockEnv(1).run(acts.deliverEmail, reminder, await planned('email:alpha', acts));
    expect(result).toEqual({ attempt: 1 });
    expect(smtp.mails).toHaveLength(1);
    const mail = smtp.mails[0]!;
    expect(mail.to).toEqual(['alpha@alpha.example']);
    expect(mail.subject).toBe('【督办提醒】任务1「任务一」“第一节点”将于3天后（2030-03-02）到期');
    expect(mail.headers.get('from')).toContain('duban@moe.example');
    expect(mail.headers.get('x-notification-id')).toBe(reminder.id);
    expect(mail.text).toContain('https://duban.example.org');
  });

  test('an address the server refuses is noted; the others still get the mail and it is not retried', async () => {
    const acts = activities({ emails: ['alpha@alpha.example', REFUSED] });
    const result = await mockEnv(2).run(acts.deliverEmail, reminder, await planned('email:alpha', acts));
    expect(result).toEqual({ attempt: 2, note: `refused: ${REFUSED}` });
    expect(smtp.mails.map((m) => m.to)).toEqual([['alpha@alpha.example']]);
  });

  test('a department whose only address is refused (550) fails for good: not retryable', async () => {
    const acts = activities({ emails: [REFUSED] });
    const delivery = await planned('email:alpha', acts);
    const failure = await failureOf(mockEnv(1).run(acts.deliverEmail, reminder, delivery));
    expect(failure).toMatchObject({ type: PERMANENT_DELIVERY_ERROR, nonRetryable: true, details: [{ attempt: 1 }] });
    expect(failure.message).toContain(REFUSED);
    expect(smtp.mails).toEqual([]);
  });

  test('an SMTP server that cannot be reached fails the attempt, to be retried, with its attempt number', async () => {
    const [closed] = (await freePorts(1)) as [number];
    const acts = activities({ smtpPort: closed });
    const delivery = await planned('email:alpha', acts);
    const failure = await failureOf(mockEnv(4).run(acts.deliverEmail, reminder, delivery));
    expect(failure).toMatchObject({ type: DELIVERY_ATTEMPT_FAILED, nonRetryable: false, details: [{ attempt: 4 }] });
  });
});

describe('SMTP as SMTP_URL says', () => {
  const PASSWORD = 'p#ss/w0rd%';
  let authSink: MailSink;
  beforeAll(async () => {
    authSink = await startMailSink({ auth: { user: 'duban', pass: PASSWORD } });
  });
  afterAll(async () => {
    await authSink?.close();
  });
  beforeEach(() => {
    authSink.mails.length = 0;
    authSink.logins.length = 0;
  });

  /** The activities the worker builds from this SMTP_URL, with alpha's address. */
  function fromUrl(smtpUrl: string) {
    const config = loadConfig({ SMTP_URL: smtpUrl, SMTP_FROM: '督办系统 <duban@moe.example>' });
    const deps = activityDepsFromConfig(config, miniPlan);
    return createActivities({ ...deps, channels: [], contacts: { alpha: { emails: ['alpha@alpha.example'] } } });
  }

  test('a password with #, / and % works percent-encoded: the server sees the real one and takes the mail', async () => {
    const acts = fromUrl(`smtp://duban:${encodeURIComponent(PASSWORD)}@127.0.0.1:${authSink.port}`);
    expect(await mockEnv().run(acts.deliverEmail, reminder, await planned('email:alpha', acts))).toEqual({
      attempt: 1,
    });
    expect(authSink.logins).toEqual(['duban']);
    expect(authSink.mails.map((m) => m.to)).toEqual([['alpha@alpha.example']]);
  });

  test('?requireTLS=true refuses a server that offers no STARTTLS: nothing is sent in clear, and it fails for good', async () => {
    const acts = fromUrl(`smtp://duban:${encodeURIComponent(PASSWORD)}@127.0.0.1:${authSink.port}?requireTLS=true`);
    const delivery = await planned('email:alpha', acts);
    const failure = await failureOf(mockEnv(2).run(acts.deliverEmail, reminder, delivery));
    expect(failure).toMatchObject({ type: PERMANENT_DELIVERY_ERROR, nonRetryable: true, details: [{ attempt: 2 }] });
    expect(failure.message).toMatch(/STARTTLS/);
    expect(authSink.logins).toEqual([]);
    expect(authSink.mails).toEqual([]);
  });

  test('without requireTLS the same server gets the mail in clear (opportunistic STARTTLS, the nodemailer default)', async () => {
    const acts = fromUrl(`smtp://127.0.0.1:${smtp.port}`);
    await mockEnv().run(acts.deliverEmail, reminder, await planned('email:alpha', acts));
    expect(smtp.mails).toHaveLength(1);
  });
});

describe('webhook delivery', () => {
  test('the receiver gets the notification as JSON with its id, and both signatures verify with the global secret', async () => {
    const acts = activities();
    const result = await mockEnv(1).run(acts.deliverWebhook, reminder, await planned('webhook:global', acts));
    expect(result).toEqual({ attempt: 1 });
    expect(hooks.accepted()).toHaveLength(1);
    const request = hooks.accepted()[0]!;
    expect(request).toMatchObject({
      path: '/global',
      notificationId: reminder.id,
      signatureValid: true,
      standardValid: true,
      status: 204,
    });
    expect(request.standardHeaders).toMatchObject({
      'webhook-id': reminder.id,
      'webhook-timestamp': String(Math.floor(SENT_AT / 1000)),
      'webhook-signature': expect.stringMatching(/^v1,[A-Za-z0-9+/]+=*$/),
    });
    expect(request.body).toMatchObject({
      id: reminder.id,
      kind: 'reminder',
      taskNumber: 1,
      milestoneId: 'first',
      departments: ['alpha'],
      daysBefore: 3,
      decidedAt: reminder.at,
      sentAt: new Date(SENT_AT).toISOString(),
      link: expect.stringContaining('https://duban.example.org'),
    });
  });

  test("a department's own webhook is signed with its own whsec_ secret, which the global secret does not verify", async () => {
    const acts = activities();
    await mockEnv().run(acts.deliverWebhook, reminder, await planned('webhook:alpha', acts));
    expect(alphaHooks.accepted().map((r) => [r.path, r.standardValid, r.signatureValid])).toEqual([
      ['/alpha', true, true],
    ]);
    expect(hooks.requests).toEqual([]);
    const call = alphaHooks.accepted()[0]!;
    expect(standardRefusal(Buffer.from(call.raw), call.standardHeaders, SECRET)).toBe('No matching signature found');
  });

  test('a retry carries the same webhook-id and the timestamp of its own attempt', async () => {
    const later = SENT_AT + 90_000;
    const first = activities();
    const retry = activities({ now: () => later });
    await mockEnv(1).run(first.deliverWebhook, reminder, await planned('webhook:alpha', first));
    await mockEnv(2).run(retry.deliverWebhook, reminder, await planned('webhook:alpha', retry));
    const [a, b] = alphaHooks.accepted();
    expect([a!.standardHeaders['webhook-id'], b!.standardHeaders['webhook-id']]).toEqual([reminder.id, reminder.id]);
    expect(Number(b!.standardHeaders['webhook-timestamp']) - Number(a!.standardHeaders['webhook-timestamp'])).toBe(90);
    expect(b!.standardValid).toBe(true);
  });

  test('a replayed call is refused by the library: an old timestamp, or a fresh timestamp on the old signature', async () => {
    // A call captured ten minutes ago (the sender's clock then): too old for the library's five minutes.
    const old = activities({ now: () => SENT_AT - 10 * 60_000 });
    const failure = await failureOf(mockEnv().run(old.deliverWebhook, reminder, await planned('webhook:alpha', old)));
    expect(failure.message).toBe('webhook answered HTTP 401');
    expect(alphaHooks.requests.map((r) => [r.standardError, r.status])).toEqual([['Message timestamp too old', 401]]);

    // The same captured call sent again with its timestamp changed to now: the signature no longer matches.
    const captured = alphaHooks.requests[0]!;
    const res = await fetch(`${alphaHooks.url}/alpha`, {
      method: 'POST',
      headers: {
        'Content-Type': 'application/json',
        ...captured.standardHeaders,
        'webhook-timestamp': String(Math.floor(Date.now() / 1000)),
      },
      body: captured.raw,
    });
    expect(res.status).toBe(401);
    expect(alphaHooks.requests[1]!.standardError).toBe('No matching signature found');
    expect(alphaHooks.accepted()).toEqual([]);
  });

  test('a redirect is not followed: the attempt fails, saying where it pointed, and nothing reaches that place', async () => {
    const acts = activities();
    const delivery = await planned('webhook:global', acts);
    hooks.redirectTo = `${alphaHooks.url}/elsewhere?token=abc`;
    const failure = await failureOf(mockEnv(3).run(acts.deliverWebhook, reminder, delivery));
    expect(failure).toMatchObject({ type: DELIVERY_ATTEMPT_FAILED, nonRetryable: false, details: [{ attempt: 3 }] });
    expect(failure.message).toBe(
      `webhook answered HTTP 307 redirecting to ${alphaHooks.url}/elsewhere: redirects are not followed ` +
        '(the signed call would go elsewhere); put the final URL in the configuration',
    );
    expect(hooks.requests.map((r) => r.status)).toEqual([307]);
    expect(alphaHooks.requests).toEqual([]);
  });

  test('a receiver answering 503 fails the attempt, to be retried, with the status in the message', async () => {
    const acts = activities();
    const delivery = await planned('webhook:global', acts);
    hooks.failNext(1);
    const failure = await failureOf(mockEnv(2).run(acts.deliverWebhook, reminder, delivery));
    expect(failure).toMatchObject({ type: DELIVERY_ATTEMPT_FAILED, nonRetryable: false, details: [{ attempt: 2 }] });
    expect(failure.message).toBe('webhook answered HTTP 503');
    expect(hooks.requests.map((r) => r.status)).toEqual([503]);
  });

  test('a receiver refusing the signature (401) is also retried: the worker may have the wrong secret for now', async () => {
    const acts = activities({ secret: 'another-secret' });
    const delivery = await planned('webhook:global', acts);
    const failure = await failureOf(mockEnv().run(acts.deliverWebhook, reminder, delivery));
    expect(failure).toMatchObject({ type: DELIVERY_ATTEMPT_FAILED, nonRetryable: false });
    expect(failure.message).toBe('webhook answered HTTP 401');
    expect(hooks.requests.map((r) => [r.signatureValid, r.standardError, r.status])).toEqual([
      [false, 'No matching signature found', 401],
    ]);
  });

  test('a webhook no longer configured on this worker fails for good', async () => {
    const delivery = await planned('webhook:alpha');
    const withoutContacts = createActivities({ channels: [], webhook: { secret: SECRET } });
    const failure = await failureOf(mockEnv().run(withoutContacts.deliverWebhook, reminder, delivery));
    expect(failure).toMatchObject({ type: PERMANENT_DELIVERY_ERROR, nonRetryable: true });
    expect(hooks.requests).toEqual([]);
  });

  test('cancelling the activity abandons a request the receiver is holding; it does not count as delivered', async () => {
    const acts = activities();
    const delivery = await planned('webhook:global', acts);
    hooks.holdMs = 20_000;
    const env = mockEnv();
    const run = failureOf(env.run(acts.deliverWebhook, reminder, delivery));
    await waitFor(
      'the request to reach the receiver',
      async () => (hooks.requests.length > 0 ? true : undefined),
      5_000,
      20,
    );
    env.cancel();
    const failure = await run;
    expect(failure.type).toBe(DELIVERY_ATTEMPT_FAILED);
    hooks.holdMs = 0;
    await new Promise((r) => setTimeout(r, 100));
    expect(hooks.accepted()).toEqual([]);
  });
});

describe('plugged-in channels', () => {
  test('a channel by name gets the notification; one not plugged in fails for good', async () => {
    const channel = recordingChannel();
    const acts = createActivities({ channels: [channel] });
    const plan = (await mockEnv().run(acts.planDelivery, reminder)) as DeliveryPlan;
    const delivery = plan.deliveries.find((d) => d.channel === 'recording')!;
    expect(await mockEnv(1).run(acts.deliverToChannel, reminder, delivery)).toEqual({
      attempt: 1,
    });
    expect(channel.received).toEqual([reminder]);
    const failure = await failureOf(mockEnv().run(acts.deliverToChannel, reminder, { ...delivery, channel: 'pager' }));
    expect(failure).toMatchObject({ type: PERMANENT_DELIVERY_ERROR, nonRetryable: true });
  });
});
