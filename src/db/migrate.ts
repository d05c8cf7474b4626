/**
 * Applies the committed migrations at start-up, offline, on SQLite or PostgreSQL: each pending
 * `prisma/migrations/<name>/migration.sql` (or migrations-postgresql) in name order, recorded in `_prisma_migrations` exactly
 * as Prisma's schema engine records them (same table DDL, sha256 checksum), so `npx prisma migrate
 * status` agrees afterwards. PostgreSQL takes Prisma's advisory lock, so instances starting
 * together apply each migration once. A migration that failed before, or a missing one, stops
 * start-up with a clear message.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { providerOf, sqliteFile } from './client.ts';

/** Migrations folders of the project, per provider. */
export const MIGRATIONS_DIRS = {
  sqlite: path.resolve(import.meta.dirname, '../../prisma/migrations'),
  postgresql: path.resolve(import.meta.dirname, '../../prisma/migrations-postgresql'),
} as const;

interface Migration {
  readonly name: string;
  readonly sql: string;
  readonly checksum: string;
}

interface AppliedRow {
  migration_name: string;
  checksum: string;
  finished_at: unknown;
  rolled_back_at: unknown;
}

/** Prisma's lock id for migrations on PostgreSQL. */
const PG_ADVISORY_LOCK = 72707369;

// DDL as in prisma-engines (sql-schema-connector flavours), so the CLI reads our rows.
const SQLITE_DDL = `CREATE TABLE IF NOT EXISTS "_prisma_migrations" (
    "id"                    TEXT PRIMARY KEY NOT NULL,
    "checksum"              TEXT NOT NULL,
    "finished_at"           DATETIME,
    "migration_name"        TEXT NOT NULL,
    "logs"                  TEXT,
    "rolled_back_at"        DATETIME,
    "started_at"            DATETIME NOT NULL DEFAULT current_timestamp,
    "applied_steps_count"   INTEGER UNSIGNED NOT NULL DEFAULT 0
);`;
const PG_DDL = `CREATE TABLE IF NOT EXISTS _prisma_migrations (
    id                      VARCHAR(36) PRIMARY KEY NOT NULL,
    checksum                VARCHAR(64) NOT NULL,
    finished_at             TIMESTAMPTZ,
    migration_name          VARCHAR(255) NOT NULL,
    logs                    TEXT,
    rolled_back_at          TIMESTAMPTZ,
    started_at              TIMESTAMPTZ NOT NULL DEFAULT now(),
    applied_steps_count     INTEGER NOT NULL DEFAULT 0
);`;

/** Reads the committed migrations of a folder, in name order. */
export function readMigrations(dir: string): Migration[] {
  if (!fs.existsSync(dir)) return [];
  return fs
    .readdirSync(dir, { withFileTypes: true })
    .filter((d) => d.isDirectory())
    .map((d) => d.name)
    .sort()
    .map((name) => {
      const sql = fs.readFileSync(path.join(dir, name, 'migration.sql'), 'utf8');
      return { name, sql, checksum: crypto.createHash('sha256').update(sql).digest('hex') };
    });
}

function pending(all: Migration[], rows: AppliedRow[]): Migration[] {
  const done = new Map(rows.filter((r) => r.rolled_back_at == null).map((r) => [r.migration_name, r]));
  for (const r of done.values()) {
    if (r.finished_at == null) {
      throw new Error(`migration ${r.migration_name} failed earlier; resolve it (npx prisma migrate resolve) before starting`);
    }
  }
  return all.filter((m) => !done.has(m.name));
}

/** Applies pending migrations to the database of `url`; returns the names applied. */
export async function migrateDatabase(url: string, dirs: { sqlite: string; postgresql: string } = MIGRATIONS_DIRS): Promise<string[]> {
  return providerOf(url) === 'postgresql' ? migratePostgres(url, readMigrations(dirs.postgresql)) : migrateSqlite(url, readMigrations(dirs.sqlite));
}

async function migrateSqlite(url: string, all: Migration[]): Promise<string[]> {
  const { default: Database } = await import('better-sqlite3');
  const file = sqliteFile(url);
  if (file !== ':memory:') fs.mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
  const db = new Database(file, { timeout: 5000 });
  try {
    db.pragma('journal_mode = WAL');
    db.exec(SQLITE_DDL);
    const applied: string[] = [];
    // An exclusive lock makes two processes starting on one file apply each migration once.
    db.exec('BEGIN IMMEDIATE');
    try {
      const rows = db.prepare('SELECT migration_name, checksum, finished_at, rolled_back_at FROM _prisma_migrations').all() as AppliedRow[];
      for (const m of pending(all, rows)) {
        const id = crypto.randomUUID();
        db.prepare('INSERT INTO _prisma_migrations (id, checksum, migration_name, started_at, applied_steps_count) VALUES (?, ?, ?, ?, 0)').run(id, m.checksum, m.name, Date.now());
        db.exec(m.sql);
        db.prepare('UPDATE _prisma_migrations SET finished_at = ?, applied_steps_count = 1 WHERE id = ?').run(Date.now(), id);
        applied.push(m.name);
      }
      db.exec('COMMIT');
    } catch (err) {
      db.exec('ROLLBACK');
      throw err;
    }
    return applied;
  } finally {
    db.close();
  }
}

async function migratePostgres(url: string, all: Migration[]): Promise<string[]> {
  const { default: pg } = await import('pg');
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query('SELECT pg_advisory_lock($1)', [PG_ADVISORY_LOCK]);
    await client.query(PG_DDL);
    const { rows } = await client.query<AppliedRow>('SELECT migration_name, checksum, finished_at, rolled_back_at FROM _prisma_migrations');
    const applied: string[] = [];
    for (const m of pending(all, rows)) {
      const id = crypto.randomUUID();
      await client.query('BEGIN');
      try {
        await client.query('INSERT INTO _prisma_migrations (id, checksum, migration_name, started_at, applied_steps_count) VALUES ($1, $2, $3, now(), 0)', [id, m.checksum, m.name]);
        await client.query(m.sql);
        await client.query('UPDATE _prisma_migrations SET finished_at = now(), applied_steps_count = 1 WHERE id = $1', [id]);
        await client.query('COMMIT');
      } catch (err) {
        await client.query('ROLLBACK');
        throw new Error(`migration ${m.name} failed: ${(err as Error).message}`);
      }
      applied.push(m.name);
    }
    await client.query('SELECT pg_advisory_unlock($1)', [PG_ADVISORY_LOCK]);
    return applied;
  } finally {
    await client.end();
  }
}
