// Where the database layer's files live, from the project root. One place, so the runtime, the
// schema-engine stand-in, the tools in prisma/ and the tests agree.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Provider } from './datasource.ts';

/** Absolute path of the project root (the folder holding package.json). */
export const PROJECT_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

/** Committed migrations, one folder per provider. */
export const MIGRATIONS_DIRS: Readonly<Record<Provider, string>> = {
  sqlite: path.join(PROJECT_ROOT, 'prisma', 'migrations'),
  postgresql: path.join(PROJECT_ROOT, 'prisma', 'migrations-postgresql'),
};

/** Git-ignored scratch space of the database tooling (derived schema, locks). */
export const TOOLING_DIR = path.join(PROJECT_ROOT, 'node_modules', '.xianfeng');

/** Mode of every file the bot creates that may hold people's data: readable by its user only. */
export const PRIVATE_FILE_MODE = 0o600;
/** Mode of every folder the bot creates for such files. */
export const PRIVATE_DIR_MODE = 0o700;

/**
 * Creates `dir` (and missing parents) readable by the bot's user only; an existing folder the bot
 * did not create keeps its mode (it may be shared, e.g. the working directory).
 */
export function makePrivateDir(dir: string): void {
  const created = fs.mkdirSync(dir, { recursive: true, mode: PRIVATE_DIR_MODE });
  if (created !== undefined) fs.chmodSync(dir, PRIVATE_DIR_MODE);
}

/**
 * Makes `file` readable by the bot's user only, creating it empty when missing (so a file another
 * library then opens, a database or a login session, never exists with a wider mode). Call it
 * before the library opens the file; an adapter calls it for its session file.
 */
export function makePrivateFile(file: string): void {
  makePrivateDir(path.dirname(file));
  fs.closeSync(fs.openSync(file, 'a', PRIVATE_FILE_MODE));
  fs.chmodSync(file, PRIVATE_FILE_MODE);
}

/** Writes `data` to `file` readable by the bot's user only (exports, sessions). */
export function writePrivateFile(file: string, data: string | Uint8Array): void {
  makePrivateFile(file);
  fs.writeFileSync(file, data, { mode: PRIVATE_FILE_MODE });
}
