// Fresh, migrated databases for tests: a temporary SQLite file, or a uniquely named database on
// the PostgreSQL server of TEST_DATABASE_URL. Without TEST_DATABASE_URL the PostgreSQL tests are
// reported as skipped, with the reason in their name; under CI_REQUIRE_PG=1 (.ci/run) they fail.
// Locally: `.ci/postgres.sh run npx vitest run <files>` starts a throwaway server for one run.
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { describe, it } from 'vitest';
import { openDatabase, type Database } from '../../src/db/client.ts';
import { pgUrlWithDatabase, quotePgIdent } from '../../src/db/datasource.ts';
import { migrateDatabase } from '../../src/db/migrate.ts';

/** The PostgreSQL server tests may create databases on (TEST_DATABASE_URL), if any. */
export const pgUrl: string | undefined = process.env.TEST_DATABASE_URL || undefined;

/** True under CI_REQUIRE_PG=1: a missing TEST_DATABASE_URL is a failure, not a skip. */
export const pgRequired = process.env.CI_REQUIRE_PG === '1';

/**
 * `describe` for tests that need PostgreSQL. Without TEST_DATABASE_URL the block is skipped, its
 * name says why ("(skipped: TEST_DATABASE_URL not set)") and a line on stderr says so too; with
 * CI_REQUIRE_PG=1 it fails instead.
 */
export function describePg(name: string, fn: () => void): void {
  if (pgUrl) describe(name, fn);
  else if (pgRequired) {
    describe(name, () => {
      it('has a PostgreSQL server', () => {
        throw new Error('CI_REQUIRE_PG=1 but TEST_DATABASE_URL is not set: the PostgreSQL tests must run here');
      });
    });
  } else {
    // The default reporter lists no skipped names, so say it where it is always seen.
    process.stderr.write(`describePg: skipped "${name}" (TEST_DATABASE_URL not set; .ci/postgres.sh run <command> provides one)\n`);
    describe.skip(`${name} (skipped: TEST_DATABASE_URL not set)`, fn);
  }
}

/** Runs one statement on the TEST_DATABASE_URL server (outside any test database). */
export async function pgAdmin(sql: string): Promise<void> {
  if (!pgUrl) throw new Error('TEST_DATABASE_URL is not set');
  const client = new pg.Client({ connectionString: pgUrl });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

/** A unique name for a test database on the shared server. */
export function testDatabaseName(): string {
  return `xianfeng_test_${process.pid}_${crypto.randomBytes(5).toString('hex')}`;
}

/** Creates an empty, uniquely named database on the TEST_DATABASE_URL server; returns its URL and a drop function. */
export async function emptyPostgres(): Promise<{ url: string; name: string; drop(): Promise<void> }> {
  if (!pgUrl) throw new Error('TEST_DATABASE_URL is not set');
  const name = testDatabaseName();
  await pgAdmin(`CREATE DATABASE ${quotePgIdent(name)}`);
  return { url: pgUrlWithDatabase(pgUrl, name), name, drop: () => pgAdmin(`DROP DATABASE IF EXISTS ${quotePgIdent(name)} WITH (FORCE)`) };
}

/** Makes close() run once, however often it is called. */
function once(close: () => Promise<void>): () => Promise<void> {
  let closing: Promise<void> | undefined;
  return () => (closing ??= close());
}

/** A temporary SQLite database file, migrated and open; close() disconnects and removes it. */
export async function freshSqlite(): Promise<Database & { file: string }> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'xianfeng-db-'));
  const file = path.join(dir, 'test.db');
  const url = `file:${file}`;
  try {
    await migrateDatabase(url);
    const database = await openDatabase(url);
    return {
      ...database,
      file,
      close: once(async () => {
        await database.close();
        fs.rmSync(dir, { recursive: true, force: true });
      }),
    };
  } catch (e) {
    fs.rmSync(dir, { recursive: true, force: true });
    throw e;
  }
}

/** A new database on the TEST_DATABASE_URL server, migrated and open; close() disconnects and drops it. */
export async function freshPostgres(): Promise<Database & { name: string }> {
  const empty = await emptyPostgres();
  try {
    await migrateDatabase(empty.url);
    const database = await openDatabase(empty.url);
    return {
      ...database,
      name: empty.name,
      close: once(async () => {
        await database.close();
        await empty.drop();
      }),
    };
  } catch (e) {
    await empty.drop();
    throw e;
  }
}
