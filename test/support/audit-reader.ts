// A fresh SQLite file and a second, read-only connection to it: the reader sees committed rows
// only, so a test can tell what a transaction (a group commit's batch) has really committed.
import Database from 'better-sqlite3';
import { afterEach } from 'vitest';
import type { Database as Db } from '../../src/db/client.ts';
import { sqliteFilePath } from '../../src/db/datasource.ts';
import { freshSqlite } from './db.ts';

/** The database, a count of committed audit rows by action, and one close for both. */
export interface AuditReader {
  readonly database: Db;
  readonly db: Db['db'];
  committed(action: string): number;
  close(): Promise<void>;
}

/** Opens a fresh SQLite database with a read-only connection counting its committed `AuditLog` rows. */
export async function freshSqliteWithAuditReader(): Promise<AuditReader> {
  const database = await freshSqlite();
  const reader = new Database(sqliteFilePath(database.url), { readonly: true });
  const count = reader.prepare('SELECT COUNT(*) AS n FROM "AuditLog" WHERE "action" = ?');
  return {
    database,
    db: database.db,
    committed: (action) => (count.get(action) as { n: number }).n,
    close: async () => {
      reader.close();
      await database.close();
    },
  };
}

/** For a test file: `open()` gives each test its own `freshSqliteWithAuditReader()`, closed after the test. */
export function auditReaderPerTest(): () => Promise<AuditReader> {
  let opened: AuditReader | undefined;
  afterEach(async () => {
    await opened?.close();
    opened = undefined;
  });
  return async () => (opened = await freshSqliteWithAuditReader());
}
