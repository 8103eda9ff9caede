/**
 * The channels' secrets at start-up: a bad `SMTP_URL` is reported with its password masked, a bad
 * `WEBHOOK_SECRET` or a contacts file's bad `whsec_`/`SEC…` secret is named by where it is and what form it
 * must take, never by its value; one receiver URL with two secrets is refused. The worker process prints
 * the same one line.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { activityDepsFromConfig } from '../../activities';
import { ContactsFileError, parseContacts } from '../../activities/contacts';
import { ConfigError, loadConfig } from '../../config/env';
import { maskUrlPassword } from '../../contracts';
import { PROJECT_ROOT } from '../../embedded/binaries';
import { loadPlanFile } from '../../seeds/load-plan';

const plan = loadPlanFile();
const WHSEC = `whsec_${Buffer.alloc(32, 7).toString('base64')}`;

/** The message `fn` throws (it must throw). */
function thrown(fn: () => unknown): string {
  try {
    fn();
  } catch (err) {
    return (err as Error).message;
  }
  throw new Error('expected a throw');
}

describe('maskUrlPassword', () => {
  test.each([
    ['smtp://duban:s3cret@mail.example:587', 'smtp://duban:***@mail.example:587'],
    ['smtp://duban:pa#ss/w@rd@mail.example:587', 'smtp://duban:***@mail.example:587'],
    ['smtps://duban:p%23ss@mail.example', 'smtps://duban:***@mail.example'],
    ['smtp://duban@mail.example', 'smtp://duban@mail.example'],
    ['smtp://mail.example:25', 'smtp://mail.example:25'],
    ['duban:s3cret@mail.example', 'duban:***@mail.example'],
    ['s3cret@mail.example', '***@mail.example'],
  ])('%s → %s', (raw, masked) => {
    expect(maskUrlPassword(raw)).toBe(masked);
  });
});

describe('SMTP_URL at start-up', () => {
  const load = (SMTP_URL: string) => loadConfig({ SMTP_URL, SMTP_FROM: 'duban@moe.example' });

  test.each([
    ['a # in the password', 'smtp://duban:pa#ss@mail.example:587'],
    ['a / in the password', 'smtp://duban:pa/ss@mail.example:587'],
    ['digits then # (it would parse as a port)', 'smtp://duban:123#ss@mail.example:587'],
  ])('%s is refused with the password masked and the advice to percent-encode', (_what, url) => {
    expect(() => load(url)).toThrow(ConfigError);
    const message = thrown(() => load(url));
    expect(message).toContain('SMTP_URL="smtp://duban:***@mail.example:587"');
    expect(message).toContain('# → %23');
    expect(message).not.toMatch(/pa#ss|pa\/ss|123#ss/);
  });

  test('a percent-encoded password is accepted as it is', () => {
    expect(load('smtp://duban:pa%23ss%2Fw@mail.example:587').SMTP_URL).toBe(
      'smtp://duban:pa%23ss%2Fw@mail.example:587',
    );
  });

  test('requireTLS must be spelled so and be true or false; another scheme is refused; none prints the password', () => {
    for (const [url, words] of [
      ['smtp://duban:s3cret@mail.example:587?requireTls=true', 'the option is spelled requireTLS'],
      ['smtp://duban:s3cret@mail.example:587?requireTLS=yes', 'requireTLS=… other than true or false'],
      ['http://duban:s3cret@mail.example:587', 'must start with smtp://'],
    ] as const) {
      const message = thrown(() => load(url));
      expect(message).toContain(words);
      expect(message).not.toContain('s3cret');
    }
    expect(load('smtp://duban:s3cret@mail.example:587?requireTLS=true').SMTP_URL).toContain('requireTLS=true');
  });

  test('the worker exits with that one masked line, before reaching Temporal', () => {
    const run = spawnSync(process.execPath, ['--import', 'tsx', 'worker/main.ts'], {
      cwd: PROJECT_ROOT,
      env: {
        ...process.env,
        SMTP_URL: 'smtp://duban:Hunter#2/x@mail.example:587',
        SMTP_FROM: 'duban@moe.example',
        TEMPORAL_ADDRESS: '127.0.0.1:1',
        NODE_ENV: 'test',
      },
      encoding: 'utf8',
      timeout: 60_000,
    });
    expect(run.status).toBe(1);
    expect(`${run.stdout}${run.stderr}`).not.toContain('Hunter');
    const lines = run.stderr.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain('SMTP_URL="smtp://duban:***@mail.example:587"');
  });
});

describe('webhook and robot secrets', () => {
  test('a WEBHOOK_SECRET that starts with whsec_ must be one; the error hides it', () => {
    const message = thrown(() => loadConfig({ WEBHOOK_SECRET: 'whsec_not!base64' }));
    expect(message).toContain('WEBHOOK_SECRET=(hidden)');
    expect(message).toContain('whsec_ followed by the base64 of 24 to 64 random bytes');
    expect(message).not.toContain('not!base64');
    expect(loadConfig({ WEBHOOK_SECRET: WHSEC }).WEBHOOK_SECRET).toBe(WHSEC);
    // A secret from before the Standard Webhooks headers still works: its bytes are the key.
    expect(loadConfig({ WEBHOOK_SECRET: 'a long random string' }).WEBHOOK_SECRET).toBe('a long random string');
  });

  test("a department's webhookSecret must be whsec_ (too short, not base64, no prefix), named by its path only", () => {
    for (const secret of [`whsec_${Buffer.alloc(8).toString('base64')}`, 'whsec_@@@@', 'plain-secret-1234567890']) {
      const data = { 'science-tech': { webhookUrl: 'https://hooks.example/kjs', webhookSecret: secret } };
      expect(() => parseContacts(data, plan, 'c.json')).toThrow(ContactsFileError);
      const message = thrown(() => parseContacts(data, plan, 'c.json'));
      expect(message).toContain('science-tech.webhookSecret: must be a Standard Webhooks secret');
      expect(message).not.toContain(secret);
    }
    const ok = parseContacts(
      { 'science-tech': { webhookUrl: 'https://hooks.example/kjs', webhookSecret: WHSEC } },
      plan,
    );
    expect(ok['science-tech']?.webhookSecret).toBe(WHSEC);
  });

  test('a webhookSecret without a webhookUrl, and a DingTalk robot without its SEC… secret, are refused', () => {
    expect(thrown(() => parseContacts({ 'science-tech': { webhookSecret: WHSEC } }, plan))).toContain(
      'science-tech.webhookSecret: webhookSecret is given without webhookUrl',
    );
    const robot = { webhookUrl: 'https://oapi.dingtalk.com/robot/send?access_token=t', secret: 'not-a-sec' };
    expect(thrown(() => parseContacts({ 'science-tech': { dingtalk: robot } }, plan))).toContain(
      'science-tech.dingtalk.secret: must be the robot’s 加签 secret',
    );
  });

  test('department webhooks with their own secrets need no WEBHOOK_SECRET; one URL with two secrets is refused', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'duban-secrets-'));
    const write = (data: unknown) => {
      const file = path.join(dir, `${Math.random()}.json`);
      writeFileSync(file, JSON.stringify(data));
      return file;
    };
    const config = (CONTACTS_FILE: string, over: Record<string, string> = {}) => loadConfig({ CONTACTS_FILE, ...over });
    const own = write({ 'science-tech': { webhookUrl: 'https://hooks.example/kjs', webhookSecret: WHSEC } });
    expect(activityDepsFromConfig(config(own), plan).contacts?.['science-tech']?.webhookSecret).toBe(WHSEC);

    const shared = write({
      'science-tech': { webhookUrl: 'https://hooks.example/shared', webhookSecret: WHSEC },
      'higher-ed': { webhookUrl: 'https://hooks.example/shared' },
    });
    const message = thrown(() => activityDepsFromConfig(config(shared, { WEBHOOK_SECRET: 'legacy secret' }), plan));
    expect(message).toContain('gives science-tech and higher-ed the same webhook URL with different secrets');
    expect(message).not.toContain(WHSEC);
    expect(message).not.toContain('legacy secret');
  });
});
