import { spawn } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Sqlite from 'better-sqlite3';
import pg from 'pg';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { Prisma } from '../../src/db/generated/sqlite/client.ts';
import { migrateDatabase, MIGRATIONS_DIRS, readMigrations } from '../../src/db/migrate.ts';
import { DatabaseUrlError } from '../../src/db/datasource.ts';
import { PROJECT_ROOT } from '../../src/db/paths.ts';
import { EngineSession, NO_FILTERS } from '../../prisma/engine/session.ts';
import { readMigrationList } from '../../prisma/engine/migration-list.ts';
import { describePg, emptyPostgres } from '../support/db.ts';

/** Every model of the schema is a table (the schema maps no names). */
const MODEL_TABLES = Object.values(Prisma.ModelName).sort();

interface Row {
  id: string;
  checksum: string;
  finished_at: unknown;
  migration_name: string;
  logs: string | null;
  rolled_back_at: unknown;
  started_at: unknown;
  applied_steps_count: number | bigint;
}

const tmpDirs: string[] = [];
function tmpDir(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'xianfeng-migrate-'));
  tmpDirs.push(dir);
  return dir;
}
afterEach(() => {
  for (const d of tmpDirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
});

/** A migrations folder of the given provider with the given scripts (name → SQL). */
function migrationsFolder(provider: 'sqlite' | 'postgresql', scripts: Record<string, string>): string {
  const dir = tmpDir();
  fs.writeFileSync(path.join(dir, 'migration_lock.toml'), `provider = "${provider}"\n`);
  for (const [name, sql] of Object.entries(scripts)) {
    fs.mkdirSync(path.join(dir, name));
    fs.writeFileSync(path.join(dir, name, 'migration.sql'), sql);
  }
  return dir;
}

function sqliteRead<T>(file: string, sql: string): T[] {
  const db = new Sqlite(file, { readonly: true });
  try {
    return db.prepare(sql).all() as T[];
  } finally {
    db.close();
  }
}

/** The checks every correctly migrated database passes, given its _prisma_migrations rows. */
function expectRowsOf(rows: Row[], dir: string): void {
  const committed = readMigrations(dir);
  expect(rows.map((r) => r.migration_name)).toEqual(committed.map((m) => m.name));
  for (const [i, r] of rows.entries()) {
    const sql = fs.readFileSync(path.join(dir, r.migration_name, 'migration.sql'));
    expect(r.checksum).toBe(crypto.createHash('sha256').update(sql).digest('hex'));
    expect(committed[i]!.checksum).toBe(r.checksum);
    expect(r.id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(Number(r.applied_steps_count)).toBe(1);
    expect(r.logs).toBeNull();
    expect(r.rolled_back_at).toBeNull();
    expect(r.finished_at).not.toBeNull();
    expect(new Date(r.finished_at as string).getTime()).toBeGreaterThanOrEqual(new Date(r.started_at as string).getTime());
  }
}

/** Applies the committed migrations with the Wasm schema engine (what `prisma migrate deploy` runs). */
async function applyWithEngine(url: string, dir: string): Promise<void> {
  const session = await EngineSession.open({ url });
  try {
    await session.call('applyMigrations', { migrationsList: readMigrationList(dir), filters: NO_FILTERS });
  } finally {
    await session.close();
  }
}

describe('migrateDatabase on SQLite', () => {
  it('creates every table of the schema and records each migration as Prisma does', async () => {
    const file = path.join(tmpDir(), 'sub', 'x.db');
    const result = await migrateDatabase(`file:${file}`);
    expect(result).toEqual({ provider: 'sqlite', applied: readMigrations(MIGRATIONS_DIRS.sqlite).map((m) => m.name), warnings: [] });
    const tables = sqliteRead<{ name: string }>(file, "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name").map((t) => t.name);
    expect(tables).toEqual([...MODEL_TABLES, '_prisma_migrations'].sort());
    expectRowsOf(sqliteRead<Row>(file, 'SELECT * FROM _prisma_migrations ORDER BY started_at'), MIGRATIONS_DIRS.sqlite);
    expect(sqliteRead<{ journal_mode: string }>(file, 'PRAGMA journal_mode')[0]!.journal_mode).toBe('wal');
  });

  it('writes the same table and the same kind of rows as the schema engine', async () => {
    const ours = path.join(tmpDir(), 'ours.db');
    const engines = path.join(tmpDir(), 'engine.db');
    await migrateDatabase(`file:${ours}`);
    await applyWithEngine(`file:${engines}`, MIGRATIONS_DIRS.sqlite);
    const ddl = (file: string) => sqliteRead<{ sql: string }>(file, "SELECT sql FROM sqlite_master WHERE name = '_prisma_migrations'")[0]!.sql;
    expect(ddl(ours)).toBe(ddl(engines));
    const shape = (file: string) =>
      sqliteRead<Record<string, unknown>>(
        file,
        'SELECT migration_name, checksum, logs, rolled_back_at, applied_steps_count, typeof(id) AS id_t, typeof(started_at) AS started_t, typeof(finished_at) AS finished_t, length(started_at) AS started_len FROM _prisma_migrations ORDER BY started_at',
      );
    expect(shape(ours)).toEqual(shape(engines));
  });

  it('does nothing the second time', async () => {
    const file = path.join(tmpDir(), 'x.db');
    await migrateDatabase(`file:${file}`);
    const before = sqliteRead<Row>(file, 'SELECT * FROM _prisma_migrations');
    expect(await migrateDatabase(`file:${file}`)).toEqual({ provider: 'sqlite', applied: [], warnings: [] });
    expect(sqliteRead<Row>(file, 'SELECT * FROM _prisma_migrations')).toEqual(before);
  });

  it('applies only what is new, and warns about an edited migration', async () => {
    const file = path.join(tmpDir(), 'x.db');
    const dir = migrationsFolder('sqlite', { '1_a': 'CREATE TABLE a (id INTEGER);' });
    await migrateDatabase(`file:${file}`, { migrationsDir: dir });
    fs.mkdirSync(path.join(dir, '2_b'));
    fs.writeFileSync(path.join(dir, '2_b', 'migration.sql'), 'CREATE TABLE b (id INTEGER);');
    fs.writeFileSync(path.join(dir, '1_a', 'migration.sql'), 'CREATE TABLE a (id INTEGER); -- edited');
    expect(await migrateDatabase(`file:${file}`, { migrationsDir: dir })).toEqual({
      provider: 'sqlite',
      applied: ['2_b'],
      warnings: ['migration 1_a was edited after it was applied to this database'],
    });
  });

  it('records a failing migration and refuses to start again until it is resolved (P3009)', async () => {
    const file = path.join(tmpDir(), 'x.db');
    const dir = migrationsFolder('sqlite', { '1_ok': 'CREATE TABLE ok (id INTEGER);', '2_bad': 'CREATE TABLE bad (id INTEGER); INSERT INTO nowhere VALUES (1);' });
    await expect(migrateDatabase(`file:${file}`, { migrationsDir: dir })).rejects.toThrow(/migration 2_bad failed on .*x\.db: no such table: nowhere/);
    const rows = sqliteRead<Row>(file, 'SELECT * FROM _prisma_migrations ORDER BY started_at');
    expect(rows.map((r) => [r.migration_name, r.finished_at === null, r.logs])).toEqual([
      ['1_ok', false, null],
      ['2_bad', true, 'no such table: nowhere'],
    ]);
    await expect(migrateDatabase(`file:${file}`, { migrationsDir: dir })).rejects.toThrow(/^P3009: migration 2_bad failed earlier/);
  });

  it('refuses a migrations folder of the other provider, or a migration without migration.sql', async () => {
    const file = `file:${path.join(tmpDir(), 'x.db')}`;
    await expect(migrateDatabase(file, { migrationsDir: MIGRATIONS_DIRS.postgresql })).rejects.toThrow(/holds postgresql migrations \(migration_lock.toml\), but the database is sqlite/);
    const dir = migrationsFolder('sqlite', {});
    fs.mkdirSync(path.join(dir, '1_empty'));
    await expect(migrateDatabase(file, { migrationsDir: dir })).rejects.toThrow(/migration 1_empty has no migration.sql/);
  });

  it('refuses a bad URL with a clear error', async () => {
    await expect(migrateDatabase('mysql://localhost/x')).rejects.toThrow(DatabaseUrlError);
    await expect(migrateDatabase('file:')).rejects.toThrow(/names no file/);
  });

  it('applies each migration once when two processes start on one file at the same time', async () => {
    const file = path.join(tmpDir(), 'x.db');
    // A migration that takes a while (counting to two million), so the second process arrives
    // while the first is inside it: without the file lock it would see an unfinished row (P3009)
    // or create the table twice.
    const dir = migrationsFolder('sqlite', {
      '1_slow': 'CREATE TABLE t (id INTEGER);\nWITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < 2000000) SELECT count(*) FROM c;',
      '2_next': 'CREATE TABLE u (id INTEGER);',
    });
    const results = await Promise.all(startTogether(2, `file:${file}`, dir));
    expect(results.map((r) => r.code)).toEqual([0, 0]);
    expect(results.flatMap((r) => JSON.parse(r.stdout) as string[]).sort()).toEqual(['1_slow', '2_next']);
    expectRowsOf(sqliteRead<Row>(file, 'SELECT * FROM _prisma_migrations ORDER BY started_at'), dir);
  }, 120_000);
});

/**
 * Starts `n` processes that each load the migrator, then (once all are loaded, released through
 * stdin at the same moment) run migrateDatabase(url, dir) and print the names they applied.
 */
function startTogether(n: number, url: string, dir: string): Promise<{ code: number | null; stdout: string; stderr: string }>[] {
  const code = `const { migrateDatabase } = await import('./src/db/migrate.ts');
console.log('ready');
process.stdin.once('data', async () => {
  try { console.log(JSON.stringify((await migrateDatabase(process.env.URL, { migrationsDir: process.env.DIR })).applied)); }
  catch (e) { console.error(e.message); process.exitCode = 1; }
  process.stdin.destroy();
});`;
  let ready = 0;
  const children = Array.from({ length: n }, () =>
    spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', code], { cwd: PROJECT_ROOT, env: { ...process.env, URL: url, DIR: dir } }),
  );
  return children.map(
    (child) =>
      new Promise((resolve) => {
        let stdout = '';
        let stderr = '';
        let loaded = false;
        child.stderr.on('data', (d: Buffer) => (stderr += d));
        child.stdout.on('data', (d: Buffer) => {
          stdout += d;
          if (!loaded && stdout.startsWith('ready\n')) {
            loaded = true;
            if (++ready === n) for (const c of children) c.stdin.write('go\n');
          }
        });
        child.on('close', (exit) => resolve({ code: exit, stdout: stdout.replace(/^ready\n/, ''), stderr }));
      }),
  );
}

describePg('migrateDatabase on PostgreSQL', () => {
  const dbs: { url: string; drop(): Promise<void> }[] = [];
  const fresh = async () => {
    const db = await emptyPostgres();
    dbs.push(db);
    return db.url;
  };
  afterAll(async () => {
    for (const db of dbs) await db.drop();
  });

  async function query<T extends pg.QueryResultRow>(url: string, sql: string): Promise<T[]> {
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    try {
      return (await client.query<T>(sql)).rows;
    } finally {
      await client.end();
    }
  }

  let url: string;
  beforeAll(async () => {
    url = await fresh();
  });

  it('creates every table of the schema and records each migration as Prisma does', async () => {
    const result = await migrateDatabase(url);
    expect(result).toEqual({ provider: 'postgresql', applied: readMigrations(MIGRATIONS_DIRS.postgresql).map((m) => m.name), warnings: [] });
    const tables = await query<{ table_name: string }>(url, "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' ORDER BY table_name");
    expect(tables.map((t) => t.table_name).sort()).toEqual([...MODEL_TABLES, '_prisma_migrations'].sort());
    expectRowsOf(await query<Row>(url, 'SELECT * FROM _prisma_migrations ORDER BY started_at'), MIGRATIONS_DIRS.postgresql);
  });

  it('does nothing the second time', async () => {
    const before = await query<Row>(url, 'SELECT * FROM _prisma_migrations ORDER BY started_at');
    expect(await migrateDatabase(url)).toEqual({ provider: 'postgresql', applied: [], warnings: [] });
    expect(await query<Row>(url, 'SELECT * FROM _prisma_migrations ORDER BY started_at')).toEqual(before);
  });

  it('writes the same table and the same kind of rows as the schema engine', async () => {
    const engines = await fresh();
    await applyWithEngine(engines, MIGRATIONS_DIRS.postgresql);
    const columns = (u: string) =>
      query(u, "SELECT column_name, data_type, character_maximum_length, is_nullable, column_default FROM information_schema.columns WHERE table_name = '_prisma_migrations' ORDER BY ordinal_position");
    expect(await columns(url)).toEqual(await columns(engines));
    const shape = (u: string) => query(u, 'SELECT migration_name, checksum, logs, rolled_back_at, applied_steps_count, finished_at >= started_at AS ordered FROM _prisma_migrations ORDER BY started_at');
    expect(await shape(url)).toEqual(await shape(engines));
  });

  it('is safe when two instances start on one database at the same time (advisory lock)', async () => {
    const target = await fresh();
    const results = await Promise.all([migrateDatabase(target), migrateDatabase(target), migrateDatabase(target)]);
    const all = readMigrations(MIGRATIONS_DIRS.postgresql).map((m) => m.name);
    expect(results.flatMap((r) => r.applied).sort()).toEqual([...all].sort());
    expectRowsOf(await query<Row>(target, 'SELECT * FROM _prisma_migrations ORDER BY started_at'), MIGRATIONS_DIRS.postgresql);
  });

  it('rolls a failing migration back as a whole, records it, and refuses to start again (P3009)', async () => {
    const target = await fresh();
    const dir = migrationsFolder('postgresql', { '1_bad': 'CREATE TABLE half (id INTEGER); INSERT INTO nowhere VALUES (1);' });
    await expect(migrateDatabase(target, { migrationsDir: dir })).rejects.toThrow(/migration 1_bad failed on PostgreSQL database ".*": relation "nowhere" does not exist/);
    expect(await query(target, "SELECT 1 FROM information_schema.tables WHERE table_name = 'half'")).toEqual([]);
    const rows = await query<Row>(target, 'SELECT * FROM _prisma_migrations');
    expect(rows.map((r) => [r.migration_name, r.finished_at, r.logs])).toEqual([['1_bad', null, 'relation "nowhere" does not exist']]);
    await expect(migrateDatabase(target, { migrationsDir: dir })).rejects.toThrow(/^P3009: migration 1_bad failed earlier/);
  });

  it('names the server, not the password, when it cannot connect', async () => {
    const bad = new URL(url);
    bad.password = 'secret';
    bad.pathname = '/no_such_database_here';
    await expect(migrateDatabase(bad.toString())).rejects.toThrow(/cannot connect to PostgreSQL database "no_such_database_here" at .*: database "no_such_database_here" does not exist/);
    await expect(migrateDatabase(bad.toString())).rejects.not.toThrow(/secret/);
  });
});
