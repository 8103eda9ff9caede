/**
 * The contacts file stops start-up with a message naming what is wrong: an unknown department id, a bad
 * address, or department webhooks without the secret to sign them. The worker process exits with that one
 * line before it tries to reach Temporal.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { activityDepsFromConfig } from '../../activities';
import { ContactsFileError, parseContacts } from '../../activities/contacts';
import { PROJECT_ROOT } from '../../embedded/binaries';
import { loadPlanFile } from '../../seeds/load-plan';

const plan = loadPlanFile();
const dir = mkdtempSync(path.join(tmpdir(), 'duban-contacts-'));
const file = (name: string, data: unknown) => {
  const p = path.join(dir, name);
  writeFileSync(p, JSON.stringify(data));
  return p;
};
const config = (over: Record<string, string | undefined>) => ({
  CONTACTS_FILE: undefined,
  SMTP_URL: undefined,
  SMTP_FROM: undefined,
  WEBHOOK_URL: undefined,
  WEBHOOK_SECRET: undefined,
  publicUrl: 'http://localhost:3000',
  ...over,
});

test('an unknown department id is refused by name, with where to find the right ids', () => {
  const data = { 'science-tech': { emails: ['kjs@moe.example'] }, 'science-tec': { emails: ['x@moe.example'] } };
  expect(() => parseContacts(data, plan, 'contacts.json')).toThrow(ContactsFileError);
  expect(() => parseContacts(data, plan, 'contacts.json')).toThrow(
    /contacts\.json: unknown department id\(s\) science-tec .*GET \/api\/plan/,
  );
  expect(parseContacts({ 'science-tech': { emails: ['kjs@moe.example'] } }, plan)).toEqual({
    'science-tech': { emails: ['kjs@moe.example'] },
  });
});

test('a bad address is refused with its path', () => {
  expect(() => parseContacts({ 'science-tech': { emails: ['not-an-address'] } }, plan, 'c.json')).toThrow(
    /Bad contacts file c\.json: science-tech\.emails\.0: /,
  );
});

test('department webhooks without WEBHOOK_SECRET are refused, naming the departments and the variable', () => {
  const contacts = file('hooks.json', { 'science-tech': { webhookUrl: 'http://hooks.example/kjs' } });
  expect(() => activityDepsFromConfig(config({ CONTACTS_FILE: contacts }), plan)).toThrow(
    /webhook URLs \(science-tech\) but WEBHOOK_SECRET is not set/,
  );
  const deps = activityDepsFromConfig(config({ CONTACTS_FILE: contacts, WEBHOOK_SECRET: 's3cret' }), plan);
  expect(deps.contacts?.['science-tech']?.webhookUrl).toBe('http://hooks.example/kjs');
});

test('the worker exits at start-up with one line naming the unknown department, before reaching Temporal', () => {
  const contacts = file('typo.json', { 'science-tec': { emails: ['x@moe.example'] } });
  const run = spawnSync(process.execPath, ['--import', 'tsx', 'worker/main.ts'], {
    cwd: PROJECT_ROOT,
    env: { ...process.env, CONTACTS_FILE: contacts, TEMPORAL_ADDRESS: '127.0.0.1:1', NODE_ENV: 'test' },
    encoding: 'utf8',
    timeout: 60_000,
  });
  expect(run.status).toBe(1);
  const lines = run.stderr.trim().split('\n');
  expect(lines).toHaveLength(1);
  expect(lines[0]).toContain('unknown department id(s) science-tec');
});
