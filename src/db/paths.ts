// Where the database layer's files live, from the project root. One place, so the runtime, the
// schema-engine stand-in, the tools in prisma/ and the tests agree.
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
