/**
 * Where the project lives on disk. The configuration resolves its relative paths against it, `embedded/`
 * finds the installed Temporal binaries under it, and the plan, its source text and the dashboard's pages are
 * read from it; it lives here so that config/ depends on nothing but itself and the contracts.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';

/**
 * The folder holding `package.json` at or above `from`'s parent: `config/..` when run from the source (tsx,
 * jest), `dist/config/../..` when run as JavaScript built by `npm run build`, whose `dist/` holds no
 * `package.json`. Falls back to `from`'s parent when none is found.
 */
export function projectRootFrom(from: string): string {
  const start = path.resolve(from, '..');
  for (let dir = start; ; dir = path.dirname(dir)) {
    if (existsSync(path.join(dir, 'package.json'))) return dir;
    if (path.dirname(dir) === dir) return start;
  }
}

/** The project's root folder, the same from the source and from `dist/`. */
export const PROJECT_ROOT = projectRootFrom(__dirname);
