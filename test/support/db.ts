/**
 * Fresh, migrated databases for tests: a temporary SQLite file, or a uniquely named database on
 * the PostgreSQL server of `TEST_DATABASE_URL` (CI starts one; without it the PostgreSQL tests
 * are reported as skipped, except under CI_REQUIRE_PG=1 where they fail).
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe } from 'vitest';
import { openDatabase, type Database } from '../../src/db/client.ts';
import { migrateDatabase } from '../../src/db/migrate.ts';

/** The PostgreSQL server tests may create databases on, if any. */
export const pgUrl = process.env.TEST_DATABASE_URL;

if (!pgUrl && process.env.CI_REQUIRE_PG === '1') {
  throw new Error('CI_REQUIRE_PG=1 but TEST_DATABASE_URL is not set: the PostgreSQL tests must run in CI');
}

/** `describe` for tests that need PostgreSQL: skipped, visibly, without TEST_DATABASE_URL. */
export function describePg(name: string, fn: () => void): void {
  if (pgUrl) describe(name, fn);
  else describe.skip(`${name} (skipped: TEST_DATABASE_URL not set)`, fn);
}

/** A temporary SQLite database file, migrated; removed on close. */
export async function freshSqlite(): Promise<Database & { file: string }> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'xianfeng-db-'));
  const file = path.join(dir, 'test.db');
  const url = `file:${file}`;
  await migrateDatabase(url);
  const database = await openDatabase(url);
  return {
    ...database,
    file,
    async close() {
      await database.close();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** A new database on the TEST_DATABASE_URL server, migrated; dropped on close. */
export async function freshPostgres(): Promise<Database> {
  if (!pgUrl) throw new Error('TEST_DATABASE_URL is not set');
  const name = `xf_test_${crypto.randomBytes(6).toString('hex')}`;
  const { default: pg } = await import('pg');
  const admin = new pg.Client({ connectionString: pgUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const u = new URL(pgUrl);
  u.pathname = `/${name}`;
  const url = u.toString();
  await migrateDatabase(url);
  const database = await openDatabase(url);
  return {
    ...database,
    async close() {
      await database.close();
      const c = new pg.Client({ connectionString: pgUrl });
      await c.connect();
      await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await c.end();
    },
  };
}
