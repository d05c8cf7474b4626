// Configuration of the prisma CLI. Works with no environment set up, online or not:
// - PRISMA_SCHEMA_ENGINE_BINARY defaults to the project's stand-in (prisma/engine/schema-engine.mjs),
//   so the CLI never tries to download its native schema engine.
// - DATABASE_URL (default file:./data/xianfeng.db) picks the flavour: a `file:` URL uses
//   prisma/schema + prisma/migrations; a postgresql:// URL uses the PostgreSQL flavour derived from
//   prisma/schema (written to node_modules/.xianfeng/schema-postgresql) + prisma/migrations-postgresql.
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'prisma/config';
import { DEFAULT_DATABASE_URL } from './src/db/datasource.ts';
import { flavourFor } from './prisma/schema-flavours.ts';

const root = path.dirname(fileURLToPath(import.meta.url));
process.env.PRISMA_SCHEMA_ENGINE_BINARY ??= path.join(root, 'prisma', 'engine', 'schema-engine.mjs');

const url = process.env.DATABASE_URL || DEFAULT_DATABASE_URL;
const flavour = flavourFor(url);

export default defineConfig({
  schema: flavour.schemaDir,
  migrations: { path: flavour.migrationsDir },
  datasource: { url },
});
