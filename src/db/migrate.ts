// Applying the committed migrations at start-up, offline, on SQLite or PostgreSQL.
//
// This is a direct applier, not the schema engine: it does what the engine's applyMigrations does
// for `prisma migrate deploy` (same _prisma_migrations DDL, same rows, same order, same locks) with
// plain better-sqlite3 / pg calls, because loading the Wasm engine costs far more than applying
// the migrations (measured: see prisma/measure-migrate.ts). test/db/migrate.test.ts checks that the
// rows it writes are the engine's, and that `prisma migrate status` agrees afterwards.
//
// Per pending migration, like the engine: insert the row (id, checksum = sha256 of migration.sql,
// started_at), run the script, add 1 to applied_steps_count, set finished_at. A failing script
// leaves its row unfinished with the error in `logs` (Prisma's "failed migration", P3009), and
// every later start refuses to go on until it is resolved (`npx prisma migrate resolve`).
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type Sqlite from 'better-sqlite3';
import { pgConnectionFields, providerOf, redactUrl, sqliteFilePath, type Provider } from './datasource.ts';
import { MIGRATIONS_DIRS } from './paths.ts';

export { MIGRATIONS_DIRS };

/** One committed migration: folder name, script, and its checksum as Prisma computes it. */
export interface Migration {
  readonly name: string;
  readonly sql: string;
  readonly checksum: string;
}

/** What migrateDatabase did. */
export interface MigrationResult {
  readonly provider: Provider;
  /** Names of the migrations applied now, in order (empty when the database was up to date). */
  readonly applied: string[];
  /**
   * Things worth a log line that do not stop start-up: a migration edited after it was applied,
   * or applied migrations this code does not have (the database was migrated by a newer version).
   */
  readonly warnings: string[];
}

/** Options of migrateDatabase. */
export interface MigrateOptions {
  /** Folder of the committed migrations; default: the project's folder for the URL's provider. */
  migrationsDir?: string;
}

/** Prisma's advisory lock key for migrations on PostgreSQL (schema engine's postgres flavour). */
export const PG_MIGRATION_LOCK_KEY = 72707369;

// The table as the schema engine creates it (sql-schema-connector, flavour/sqlite.rs and
// flavour/postgres.rs), verbatim, so the CLI and this applier read and write the same thing.
const SQLITE_MIGRATIONS_TABLE = `CREATE TABLE "_prisma_migrations" (
    "id"                    TEXT PRIMARY KEY NOT NULL,
    "checksum"              TEXT NOT NULL,
    "finished_at"           DATETIME,
    "migration_name"        TEXT NOT NULL,
    "logs"                  TEXT,
    "rolled_back_at"        DATETIME,
    "started_at"            DATETIME NOT NULL DEFAULT current_timestamp,
    "applied_steps_count"   INTEGER UNSIGNED NOT NULL DEFAULT 0
);`;
const PG_MIGRATIONS_TABLE = `CREATE TABLE _prisma_migrations (
    id                      VARCHAR(36) PRIMARY KEY NOT NULL,
    checksum                VARCHAR(64) NOT NULL,
    finished_at             TIMESTAMPTZ,
    migration_name          VARCHAR(255) NOT NULL,
    logs                    TEXT,
    rolled_back_at          TIMESTAMPTZ,
    started_at              TIMESTAMPTZ NOT NULL DEFAULT now(),
    applied_steps_count     INTEGER NOT NULL DEFAULT 0
);`;

/** sha256 of a migration script, hex: the checksum Prisma stores. */
export function migrationChecksum(sql: string): string {
  return crypto.createHash('sha256').update(sql).digest('hex');
}

/** Reads the migrations of a folder in name order; throws if a folder has no migration.sql or the lock file names another provider. */
export function readMigrations(dir: string, provider?: Provider): Migration[] {
  if (!fs.existsSync(dir)) throw new Error(`migrations folder ${dir} does not exist`);
  if (provider !== undefined) {
    const lock = path.join(dir, 'migration_lock.toml');
    const locked = fs.existsSync(lock) ? /provider\s*=\s*"([^"]+)"/.exec(fs.readFileSync(lock, 'utf8'))?.[1] : undefined;
    if (locked !== undefined && locked !== provider) {
      throw new Error(`${dir} holds ${locked} migrations (migration_lock.toml), but the database is ${provider}`);
    }
  }
  return fs
    .readdirSync(dir, { withFileTypes: true })
    .filter((d) => d.isDirectory())
    .map((d) => d.name)
    .sort()
    .map((name) => {
      const file = path.join(dir, name, 'migration.sql');
      if (!fs.existsSync(file)) throw new Error(`migration ${name} has no migration.sql (${file})`);
      const sql = fs.readFileSync(file, 'utf8');
      return { name, sql, checksum: migrationChecksum(sql) };
    });
}

/** A row of _prisma_migrations, as far as planning needs it. */
interface AppliedRow {
  migration_name: string;
  checksum: string;
  finished_at: unknown;
  rolled_back_at: unknown;
  started_at: unknown;
}

/** Which migrations to apply, given the rows; throws Prisma's P3009 for a failed one. */
export function planMigrations(migrations: readonly Migration[], rows: readonly AppliedRow[]): { pending: Migration[]; warnings: string[] } {
  const live = rows.filter((r) => r.rolled_back_at == null);
  const failed = live.filter((r) => r.finished_at == null);
  if (failed.length > 0) {
    const names = failed.map((r) => r.migration_name).join(', ');
    throw new Error(
      `P3009: migration ${names} failed earlier (or is being applied by another process): fix the database, then mark it with ` +
        `\`npx prisma migrate resolve --rolled-back <name>\` or \`--applied <name>\` before starting again`,
    );
  }
  const applied = new Map(live.map((r) => [r.migration_name, r]));
  const known = new Set(migrations.map((m) => m.name));
  const warnings: string[] = [];
  for (const m of migrations) {
    const row = applied.get(m.name);
    if (row && row.checksum !== m.checksum) warnings.push(`migration ${m.name} was edited after it was applied to this database`);
  }
  const unknown = [...applied.keys()].filter((n) => !known.has(n));
  if (unknown.length > 0) warnings.push(`the database has migrations this version does not know (a newer version migrated it): ${unknown.join(', ')}`);
  return { pending: migrations.filter((m) => !applied.has(m.name)), warnings };
}

/** A timestamp as adapter-better-sqlite3 writes DateTime values (what the engine stores through it). */
function sqliteTimestamp(): string {
  return new Date().toISOString().replace('Z', '+00:00');
}

async function migrateSqlite(url: string, migrations: Migration[]): Promise<MigrationResult> {
  const file = sqliteFilePath(url);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  // Each driver is loaded only when its database is used (start-up time).
  const { default: Sqlite } = await import('better-sqlite3');
  let db: Sqlite.Database;
  try {
    // A longer wait than the app's 5 s: another process may be in the middle of a long migration.
    db = new Sqlite(file, { timeout: 60_000 });
  } catch (e) {
    throw new Error(`cannot open the SQLite database ${file}: ${(e as Error).message}`, { cause: e });
  }
  try {
    db.pragma('journal_mode = WAL');
    // The engine's lock: this connection keeps an exclusive lock on the file until it closes, so
    // a second process starting on the same file waits (up to 60 s) and then finds nothing to do.
    // BEGIN EXCLUSIVE takes the lock now rather than at the first write.
    db.pragma('locking_mode = EXCLUSIVE');
    db.exec('BEGIN EXCLUSIVE; COMMIT;');
    const hasTable = db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = '_prisma_migrations'").get() !== undefined;
    if (!hasTable) db.exec(SQLITE_MIGRATIONS_TABLE);
    const rows = db.prepare('SELECT migration_name, checksum, finished_at, rolled_back_at, started_at FROM _prisma_migrations ORDER BY started_at').all() as AppliedRow[];
    const { pending, warnings } = planMigrations(migrations, rows);
    const applied: string[] = [];
    for (const m of pending) {
      const id = crypto.randomUUID();
      db.prepare('INSERT INTO _prisma_migrations (id, checksum, started_at, migration_name) VALUES (?, ?, ?, ?)').run(id, m.checksum, sqliteTimestamp(), m.name);
      try {
        // No transaction around it, as in the engine: Prisma's SQLite scripts switch
        // PRAGMA foreign_keys off around table rebuilds, which is a no-op inside a transaction.
        db.exec(m.sql);
      } catch (e) {
        db.prepare('UPDATE _prisma_migrations SET logs = ? WHERE id = ?').run(String((e as Error).message), id);
        throw new Error(`migration ${m.name} failed on ${file}: ${(e as Error).message}`, { cause: e });
      }
      db.prepare('UPDATE _prisma_migrations SET applied_steps_count = (applied_steps_count + ?) WHERE id = ?').run(1, id);
      db.prepare('UPDATE _prisma_migrations SET finished_at = ? WHERE id = ?').run(sqliteTimestamp(), id);
      applied.push(m.name);
    }
    return { provider: 'sqlite', applied, warnings };
  } finally {
    db.close();
  }
}

async function migratePostgres(url: string, migrations: Migration[]): Promise<MigrationResult> {
  const { host, port, database } = pgConnectionFields(url);
  const { default: pg } = await import('pg');
  const client = new pg.Client({ connectionString: url });
  try {
    await client.connect();
  } catch (e) {
    throw new Error(`cannot connect to PostgreSQL database "${database}" at ${host}:${port} (${redactUrl(url)}): ${(e as Error).message}`, { cause: e });
  }
  try {
    // Session lock, same key as the engine: instances starting together (and `prisma migrate
    // deploy`) take turns; the next one finds the migrations applied. Released when the session ends.
    await client.query(`SELECT pg_advisory_lock(${PG_MIGRATION_LOCK_KEY})`);
    const { rows: found } = await client.query("SELECT 1 FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE c.relname = '_prisma_migrations' AND n.nspname = current_schema()");
    if (found.length === 0) await client.query(PG_MIGRATIONS_TABLE);
    const { rows } = await client.query<AppliedRow>('SELECT migration_name, checksum, finished_at, rolled_back_at, started_at FROM _prisma_migrations ORDER BY started_at');
    const { pending, warnings } = planMigrations(migrations, rows);
    const applied: string[] = [];
    for (const m of pending) {
      const id = crypto.randomUUID();
      await client.query('INSERT INTO _prisma_migrations (id, checksum, started_at, migration_name) VALUES ($1, $2, $3, $4)', [id, m.checksum, new Date(), m.name]);
      try {
        // One simple-protocol query, as the native engine sends it: PostgreSQL runs a
        // multi-statement query as one implicit transaction, so a failing script leaves nothing behind.
        await client.query(m.sql);
      } catch (e) {
        await client.query('UPDATE _prisma_migrations SET logs = $1 WHERE id = $2', [String((e as Error).message), id]);
        throw new Error(`migration ${m.name} failed on PostgreSQL database "${database}": ${(e as Error).message}`, { cause: e });
      }
      await client.query('UPDATE _prisma_migrations SET applied_steps_count = (applied_steps_count + $1) WHERE id = $2', [1, id]);
      await client.query('UPDATE _prisma_migrations SET finished_at = $1 WHERE id = $2', [new Date(), id]);
      applied.push(m.name);
    }
    return { provider: 'postgresql', applied, warnings };
  } finally {
    await client.end();
  }
}

/**
 * Applies the committed migrations the database of `url` has not had yet, in name order, and
 * records them in `_prisma_migrations` as Prisma does (so `npx prisma migrate status` agrees).
 * Running it again is a no-op. Safe when several instances start at once on one PostgreSQL
 * database (advisory lock) or one SQLite file (exclusive file lock). Throws with a clear message
 * for a bad URL, an unreachable database, a failed migration (now or earlier), or a migrations
 * folder of the wrong provider.
 */
export async function migrateDatabase(url: string, options: MigrateOptions = {}): Promise<MigrationResult> {
  const provider = providerOf(url);
  const migrations = readMigrations(options.migrationsDir ?? MIGRATIONS_DIRS[provider], provider);
  return provider === 'sqlite' ? migrateSqlite(url, migrations) : migratePostgres(url, migrations);
}
