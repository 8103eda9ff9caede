/**
 * Where the project lives on disk. The configuration resolves its relative paths against it, and
 * `embedded/` finds the installed Temporal binaries under it; it lives here so that config/ depends on
 * nothing but itself and the contracts.
 */
import path from 'node:path';

/** The project's root folder. */
export const PROJECT_ROOT = path.resolve(__dirname, '..');
