/**
 * Opens the database: SQLite (better-sqlite3, WAL, foreign keys, busy timeout) for `file:` URLs,
 * PostgreSQL (pg) for `postgresql://` URLs. Both clients are generated from one schema and have the
 * same models, so the rest of the code sees one type, `Db`.
 */
import fs from 'node:fs';
import path from 'node:path';
import { PrismaBetterSqlite3 } from '@prisma/adapter-better-sqlite3';
import { PrismaPg } from '@prisma/adapter-pg';
import { Prisma, PrismaClient } from './generated/sqlite/client.ts';
import { PrismaClient as PgPrismaClient } from './generated/postgresql/client.ts';

/** The Prisma client the bot uses (SQLite-generated type; the PostgreSQL client has the same models). */
export type Db = PrismaClient;

/** Which database a URL points at. */
export type Provider = 'sqlite' | 'postgresql';

/** An open database and how to close it. */
export interface Database {
  readonly db: Db;
  readonly provider: Provider;
  readonly url: string;
  close(): Promise<void>;
}

/** SQLite waits this long for a lock held by another connection before failing. */
export const SQLITE_BUSY_TIMEOUT_MS = 5000;

/** The provider of a database URL. */
export function providerOf(url: string): Provider {
  return /^postgres(ql)?:\/\//.test(url) ? 'postgresql' : 'sqlite';
}

/** The file path of a `file:` URL (relative paths are relative to the working directory). */
export function sqliteFile(url: string): string {
  return url.replace(/^file:/, '').replace(/\?.*$/, '');
}

/** Opens the database of `url` (already migrated: see migrate.ts). */
export async function openDatabase(url: string): Promise<Database> {
  if (providerOf(url) === 'postgresql') {
    const db = new PgPrismaClient({ adapter: new PrismaPg({ connectionString: url }) }) as unknown as Db;
    await db.$connect();
    return { db, provider: 'postgresql', url, close: () => db.$disconnect() };
  }
  const file = sqliteFile(url);
  if (file !== ':memory:') fs.mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
  const db = new PrismaClient({ adapter: new PrismaBetterSqlite3({ url: file, timeout: SQLITE_BUSY_TIMEOUT_MS }) });
  // One connection (the adapter opens exactly one), so these hold for every query.
  await db.$queryRawUnsafe('PRAGMA journal_mode = WAL');
  await db.$executeRawUnsafe('PRAGMA foreign_keys = ON');
  await db.$executeRawUnsafe(`PRAGMA busy_timeout = ${SQLITE_BUSY_TIMEOUT_MS}`);
  await db.$executeRawUnsafe('PRAGMA synchronous = NORMAL');
  return { db, provider: 'sqlite', url, close: () => db.$disconnect() };
}

/** True when `err` is a unique-constraint violation (Prisma P2002) on either database. */
export function isUniqueViolation(err: unknown): boolean {
  return err instanceof Prisma.PrismaClientKnownRequestError ? err.code === 'P2002' : (err as { code?: string } | null)?.code === 'P2002';
}
