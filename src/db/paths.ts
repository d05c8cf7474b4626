// Where the database layer's files live, from the project root. One place, so the runtime, the
// schema-engine stand-in, the tools in prisma/ and the tests agree.
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Provider } from './datasource.ts';

/** Absolute path of the project root (the folder holding package.json). */
export const PROJECT_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

/** The schema source: one .prisma file per slice, SQLite flavour. */
export const SCHEMA_DIR = path.join(PROJECT_ROOT, 'prisma', 'schema');

/** Committed migrations, one folder per provider. */
export const MIGRATIONS_DIRS: Readonly<Record<Provider, string>> = {
  sqlite: path.join(PROJECT_ROOT, 'prisma', 'migrations'),
  postgresql: path.join(PROJECT_ROOT, 'prisma', 'migrations-postgresql'),
};

/** The generated Prisma clients (git-ignored, made by `npm run db:generate` at install). */
export const GENERATED_CLIENT_DIRS: Readonly<Record<Provider, string>> = {
  sqlite: path.join(PROJECT_ROOT, 'src', 'db', 'generated', 'sqlite'),
  postgresql: path.join(PROJECT_ROOT, 'src', 'db', 'generated', 'postgresql'),
};

/** Git-ignored scratch space of the database tooling (derived schema, locks). */
export const TOOLING_DIR = path.join(PROJECT_ROOT, 'node_modules', '.xianfeng');
