/**
 * An online backup of the SQLite database: SQLite's backup API (through better-sqlite3) copies a
 * consistent snapshot while the bot keeps running. The copy is written next to the target under a
 * temporary name, checked (`PRAGMA integrity_check`), switched to a self-contained rollback
 * journal (no -wal file needed), and only then renamed into place, so a failed or interrupted
 * backup never leaves a half-written file under the target's name. PostgreSQL is refused with the
 * pg_dump command to use instead.
 */
import fs from 'node:fs';
import path from 'node:path';
import Sqlite from 'better-sqlite3';
import { pgConnectionFields, providerOf, redactUrl, sqliteFilePath } from '../db/datasource.ts';

/** What a backup wrote. */
export interface BackupResult {
  readonly source: string;
  readonly file: string;
  readonly bytes: number;
  readonly pages: number;
}

/** Thrown when a backup cannot be made; `message` is one line saying why and what to do. */
export class BackupError extends Error {
  override name = 'BackupError';
}

/** The pg_dump command that backs up the PostgreSQL database of `url` into `file` (password left out). */
export function pgDumpCommand(url: string, file: string): string {
  const { host, port, user, database } = pgConnectionFields(url);
  return `pg_dump --format=custom --host=${host} --port=${port} --username=${user} --dbname=${database} --file=${file}`;
}

/**
 * Copies the SQLite database of `url` into `file` (replacing it if it exists). Throws a
 * BackupError for a PostgreSQL URL (with the pg_dump line), a missing database, a target that is
 * the database itself, or a missing target folder.
 */
export async function backupDatabase(url: string, file: string): Promise<BackupResult> {
  if (providerOf(url) === 'postgresql') {
    throw new BackupError(`DATABASE_URL is PostgreSQL (${redactUrl(url)}): back it up with\n  ${pgDumpCommand(url, file)}\n(the password from PGPASSWORD or ~/.pgpass)`);
  }
  const source = sqliteFilePath(url);
  const target = path.resolve(file);
  if (!fs.existsSync(source)) throw new BackupError(`no SQLite database at ${source}`);
  if ([source, `${source}-wal`, `${source}-shm`].includes(target)) throw new BackupError(`the backup file ${target} is the database itself: name another file`);
  if (!fs.existsSync(path.dirname(target))) throw new BackupError(`the folder ${path.dirname(target)} does not exist`);
  const partial = `${target}.partial-${process.pid}`;
  const db = new Sqlite(source, { fileMustExist: true, timeout: 5000 });
  try {
    // Copy every remaining page in one step: a step holds a read snapshot, so the copy is
    // consistent, and a write by the bot between small steps cannot restart it over and over.
    const { totalPages } = await db.backup(partial, { progress: ({ totalPages: t }) => Math.max(t, 1) });
    verifyCopy(partial);
    fs.renameSync(partial, target);
    return { source, file: target, bytes: fs.statSync(target).size, pages: totalPages };
  } catch (err) {
    fs.rmSync(partial, { force: true });
    if (err instanceof BackupError) throw err;
    throw new BackupError(`backup of ${source} failed: ${(err as Error).message}`, { cause: err });
  } finally {
    db.close();
  }
}

/** Checks the copy and makes it one self-contained file (rollback journal instead of WAL). */
function verifyCopy(file: string): void {
  const copy = new Sqlite(file, { fileMustExist: true });
  try {
    const result = copy.pragma('integrity_check', { simple: true });
    if (result !== 'ok') throw new BackupError(`the copy failed its integrity check: ${String(result)}`);
    copy.pragma('journal_mode = DELETE');
  } finally {
    copy.close();
  }
}
