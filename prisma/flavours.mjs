// The schema source is prisma/schema/ (SQLite flavour). The PostgreSQL flavour is derived from it
// on demand — provider and client output swapped — into a git-ignored folder, so there is one
// schema to edit and two databases it runs on.
import fs from 'node:fs';
import path from 'node:path';

/** The project root (this file lives in prisma/). */
export const ROOT = path.resolve(import.meta.dirname, '..');
/** The schema source folder. */
export const SQLITE_SCHEMA = path.join(ROOT, 'prisma', 'schema');
/** Where the derived PostgreSQL schema is written. */
export const POSTGRES_SCHEMA = path.join(ROOT, 'node_modules', '.xianfeng', 'schema-postgresql');

/** Migrations folder of each provider. */
export const MIGRATIONS = {
  sqlite: path.join(ROOT, 'prisma', 'migrations'),
  postgresql: path.join(ROOT, 'prisma', 'migrations-postgresql'),
};

/** 'postgresql' for postgres URLs, 'sqlite' otherwise. */
export function providerOf(url) {
  return /^postgres(ql)?:\/\//.test(url ?? '') ? 'postgresql' : 'sqlite';
}

/** Writes the PostgreSQL flavour of the schema and returns its folder. */
export function derivePostgresSchema() {
  fs.mkdirSync(POSTGRES_SCHEMA, { recursive: true });
  const want = new Set();
  for (const name of fs.readdirSync(SQLITE_SCHEMA).filter((f) => f.endsWith('.prisma'))) {
    let text = fs.readFileSync(path.join(SQLITE_SCHEMA, name), 'utf8');
    text = text.replace(/provider\s*=\s*"sqlite"/, 'provider = "postgresql"');
    text = text.replace(/output\s*=\s*"[^"]*generated\/sqlite"/, `output = ${JSON.stringify(path.join(ROOT, 'src', 'db', 'generated', 'postgresql'))}`);
    const target = path.join(POSTGRES_SCHEMA, name);
    want.add(name);
    if (!fs.existsSync(target) || fs.readFileSync(target, 'utf8') !== text) fs.writeFileSync(target, text);
  }
  for (const stale of fs.readdirSync(POSTGRES_SCHEMA)) if (!want.has(stale)) fs.rmSync(path.join(POSTGRES_SCHEMA, stale));
  return POSTGRES_SCHEMA;
}
