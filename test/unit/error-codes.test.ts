/**
 * The README's error table lists exactly the codes the API can answer: every code the API's sources raise
 * or the error middleware sends, and every workflow refusal (as the API spells it), and no other.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import {
  CONFLICT_REFUSALS,
  FORBIDDEN_REFUSALS,
  INVALID_REFUSALS,
  NOT_FOUND_REFUSALS,
  UNPROCESSABLE_REFUSALS,
} from '../../contracts';
import { refusalCode } from '../../api/middleware/error-handler';

const root = join(__dirname, '..', '..');

function sources(dir: string): string[] {
  return readdirSync(join(root, dir), { withFileTypes: true }).flatMap((e) =>
    e.isDirectory()
      ? sources(join(dir, e.name))
      : e.name.endsWith('.ts')
        ? [readFileSync(join(root, dir, e.name), 'utf8')]
        : [],
  );
}

/** Codes written in the API's sources: `code: 'x'` in an answer, or the code argument of an HttpError. */
function codesInApi(): Set<string> {
  const codes = new Set<string>();
  for (const text of sources('api')) {
    for (const m of text.matchAll(/code: '([a-z_]+)'/g)) codes.add(m[1]!);
    for (const m of text.matchAll(/new (?:BadRequest|NotFound|Conflict)Error\(\s*'([a-z_]+)'/g)) codes.add(m[1]!);
    for (const m of text.matchAll(/super\(\d{3}, '([a-z_]+)'/g)) codes.add(m[1]!);
  }
  return codes;
}

function codesInReadme(): Set<string> {
  const readme = readFileSync(join(root, 'README.md'), 'utf8');
  const table = readme.slice(readme.indexOf('**Errors.**'), readme.indexOf('**Idempotency.**'));
  return new Set(
    [...table.matchAll(/^\| \d{3} +\|(.*?)\|/gm)].flatMap((row) =>
      [...row[1]!.matchAll(/`([a-z_]+)`/g)].map((m) => m[1]!),
    ),
  );
}

test('the README lists every error code the API answers, and only those', () => {
  const refusals = [
    ...NOT_FOUND_REFUSALS,
    ...INVALID_REFUSALS,
    ...CONFLICT_REFUSALS,
    ...FORBIDDEN_REFUSALS,
    ...UNPROCESSABLE_REFUSALS,
  ].map(refusalCode);
  const answered = new Set([...codesInApi(), ...refusals]);
  expect(answered.size).toBeGreaterThan(30);
  expect([...codesInReadme()].sort()).toEqual([...answered].sort());
});
