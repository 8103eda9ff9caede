/**
 * The demo tokens a running API process writes under its `DATA_DIR` (`demo-tokens.txt`), read back by role.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';

/** Demo tokens by role and department, as the API wrote them under `DATA_DIR`. */
export interface DemoTokens {
  admin: string;
  office: string;
  /** The read-only viewer's (a wall screen). */
  viewer: string;
  /** The supervision office's (督导办). */
  supervisor: string;
  /** Ministry leadership's (部领导). */
  leadership: string;
  coordinator(department: string): string;
}

/** Reads `$DATA_DIR/demo-tokens.txt`. @throws when a token asked for is missing. */
export function readDemoTokens(dataDir: string): DemoTokens {
  const file = path.join(dataDir, 'demo-tokens.txt');
  const rows = readFileSync(file, 'utf8')
    .split('\n')
    .filter((l) => l.trim() !== '' && !l.startsWith('#'))
    .map((l) => l.split('\t'));
  const find = (role: string, department = '-'): string => {
    const row = rows.find((r) => r[0] === role && r[1] === department);
    if (!row?.[2]) throw new Error(`no demo token for ${role} ${department} in ${file}`);
    return row[2];
  };
  return {
    admin: find('admin'),
    office: find('office'),
    viewer: find('viewer'),
    supervisor: find('supervisor'),
    leadership: find('leadership'),
    coordinator: (d) => find('coordinator', d),
  };
}
