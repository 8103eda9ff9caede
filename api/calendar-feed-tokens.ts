/**
 * The departments' calendar feed tokens: one secret per department that a calendar app puts in the feed's
 * URL (it cannot send a bearer header). Only the SHA-256 of each token is stored, one small file per
 * department under `DATA_DIR/calendar-feeds/`, replaced atomically on rotation and read again on every
 * request, so that every API replica sharing the folder refuses an old token as soon as it is rotated.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';

/** Where feed tokens are kept. */
export interface CalendarFeedStore {
  /** Replaces the department's token with a new one (the old stops working); answers the token, shown once. */
  rotate(department: string, now: number): Promise<{ token: string; rotatedAt: string }>;
  /** Whether `token` is the department's current feed token (false when it has none yet). */
  verify(department: string, token: string): Promise<boolean>;
}

const sha256 = (token: string): Buffer => createHash('sha256').update(token, 'utf8').digest();

function newToken(): string {
  return `cal_${randomBytes(24).toString('base64url')}`;
}

function matches(storedHex: unknown, token: string): boolean {
  if (typeof storedHex !== 'string' || !/^[0-9a-f]{64}$/.test(storedHex)) return false;
  return timingSafeEqual(Buffer.from(storedHex, 'hex'), sha256(token));
}

/** Department ids are registry ids (lower-case ASCII); anything else never names a file. */
function safeId(department: string): string {
  if (!/^[a-z][a-z0-9-]{1,47}$/.test(department)) throw new Error(`not a department id: ${department}`);
  return department;
}

/** Feed tokens in `dir` (created with mode 0700; files 0600). */
export function fileCalendarFeedStore(dir: string): CalendarFeedStore {
  const fileOf = (department: string) => path.join(dir, `${safeId(department)}.json`);
  return {
    async rotate(department, now) {
      const token = newToken();
      const rotatedAt = new Date(now).toISOString();
      await mkdir(dir, { recursive: true, mode: 0o700 });
      const file = fileOf(department);
      const temp = `${file}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
      await writeFile(temp, JSON.stringify({ sha256: sha256(token).toString('hex'), rotatedAt }) + '\n', {
        mode: 0o600,
      });
      await rename(temp, file);
      return { token, rotatedAt };
    },
    async verify(department, token) {
      let text: string;
      try {
        text = await readFile(fileOf(department), 'utf8');
      } catch {
        return false;
      }
      try {
        return matches((JSON.parse(text) as { sha256?: unknown }).sha256, token);
      } catch {
        return false;
      }
    },
  };
}

/** Feed tokens in this process only (an app built without `DATA_DIR`: tests, a one-replica trial). */
export function memoryCalendarFeedStore(): CalendarFeedStore {
  const hashes = new Map<string, string>();
  return {
    async rotate(department, now) {
      const token = newToken();
      hashes.set(department, sha256(token).toString('hex'));
      return { token, rotatedAt: new Date(now).toISOString() };
    },
    async verify(department, token) {
      return matches(hashes.get(department), token);
    },
  };
}
