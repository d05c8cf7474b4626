import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DatabaseUrlError, isUniqueViolation, openDatabase, SQLITE_BUSY_TIMEOUT_MS, type Database } from '../../src/db/client.ts';
import { describePg, freshPostgres, freshSqlite } from '../support/db.ts';

/** The three per-connection settings, read through the client (so on the connection Prisma uses). */
async function pragmas(database: Database) {
  const read = async (name: string) => Object.values((await database.db.$queryRawUnsafe<Record<string, unknown>[]>(`PRAGMA ${name}`))[0]!)[0];
  return { journal_mode: await read('journal_mode'), foreign_keys: Number(await read('foreign_keys')), busy_timeout: Number(await read('busy_timeout')) };
}

/** Two identities with the same platform + externalId: the second insert violates @@unique. */
async function duplicateIdentity(database: Database): Promise<unknown> {
  const member = await database.db.member.create({ data: { name: '张三' } });
  const data = { platform: 'telegram', externalId: '42', displayName: 'z', memberId: member.id };
  await database.db.platformIdentity.create({ data });
  return database.db.platformIdentity.create({ data }).then(
    () => undefined,
    (e: unknown) => e,
  );
}

describe('openDatabase on SQLite', () => {
  let database: Database & { file: string };
  beforeAll(async () => {
    database = await freshSqlite();
  });
  afterAll(() => database.close());

  it('runs in WAL mode with foreign keys on and a 5 s busy timeout, on the connection Prisma uses', async () => {
    expect(await pragmas(database)).toEqual({ journal_mode: 'wal', foreign_keys: 1, busy_timeout: SQLITE_BUSY_TIMEOUT_MS });
  });

  it('keeps them after the client disconnects and connects again (a new connection)', async () => {
    await database.db.$disconnect();
    expect(await pragmas(database)).toEqual({ journal_mode: 'wal', foreign_keys: 1, busy_timeout: SQLITE_BUSY_TIMEOUT_MS });
  });

  it('enforces foreign keys (P2003)', async () => {
    const err = await database.db.platformIdentity
      .create({ data: { platform: 'telegram', externalId: 'x', displayName: 'x', memberId: 999_999 } })
      .catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'P2003' });
  });

  it('recognises a unique violation, and which constraint it was', async () => {
    const err = await duplicateIdentity(database);
    expect(isUniqueViolation(err)).toBe(true);
    expect(isUniqueViolation(err, ['platform', 'externalId'])).toBe(true);
    expect(isUniqueViolation(err, ['idempotencyKey'])).toBe(false);
    expect(isUniqueViolation(new Error('P2002'))).toBe(false);
    expect(isUniqueViolation(undefined)).toBe(false);
  });

  it('creates the folder of a new file, and sets WAL on it', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'xianfeng-open-'));
    const other = await openDatabase(`file:${path.join(dir, 'a', 'b', 'x.db')}`);
    try {
      expect(fs.existsSync(path.join(dir, 'a', 'b', 'x.db'))).toBe(true);
      expect(other.provider).toBe('sqlite');
      // A file no migration has touched: the settings come from openDatabase alone.
      expect(await pragmas(other)).toEqual({ journal_mode: 'wal', foreign_keys: 1, busy_timeout: SQLITE_BUSY_TIMEOUT_MS });
    } finally {
      await other.close();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('openDatabase with a bad URL', () => {
  it('names what is accepted for an unsupported URL', async () => {
    await expect(openDatabase('mysql://root@localhost/x')).rejects.toThrow(DatabaseUrlError);
    await expect(openDatabase('sqlite:./x.db')).rejects.toThrow(/use file:<path> \(SQLite\) or postgresql:\/\//);
  });

  it('names the file when a SQLite file cannot be created', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'xianfeng-open-'));
    const blocker = path.join(dir, 'not-a-folder');
    fs.writeFileSync(blocker, '');
    try {
      await expect(openDatabase(`file:${blocker}/x.db`)).rejects.toThrow(`cannot create the folder of the SQLite database ${blocker}/x.db`);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('names the server, not the password, when PostgreSQL is unreachable', async () => {
    const port = await new Promise<number>((resolve) => {
      const s = net.createServer().listen(0, '127.0.0.1', () => {
        const p = (s.address() as net.AddressInfo).port;
        s.close(() => resolve(p));
      });
    });
    const err = await openDatabase(`postgresql://bot:secret@127.0.0.1:${port}/xianfeng`).catch((e: Error) => e);
    expect(err).toBeInstanceOf(Error);
    expect((err as Error).message).toContain(`cannot connect to PostgreSQL database "xianfeng" at 127.0.0.1:${port}`);
    expect((err as Error).message).not.toContain('secret');
  });
});

describePg('openDatabase on PostgreSQL', () => {
  let database: Database;
  beforeAll(async () => {
    database = await freshPostgres();
  });
  afterAll(() => database.close());

  it('is the PostgreSQL client behind the Db type', async () => {
    expect(database.provider).toBe('postgresql');
    const [row] = await database.db.$queryRawUnsafe<{ v: string }[]>('SELECT version() AS v');
    expect(row!.v).toMatch(/^PostgreSQL/);
  });

  it('recognises a unique violation, and which constraint it was', async () => {
    const err = await duplicateIdentity(database);
    expect(isUniqueViolation(err)).toBe(true);
    expect(isUniqueViolation(err, ['platform', 'externalId'])).toBe(true);
    expect(isUniqueViolation(err, ['idempotencyKey'])).toBe(false);
  });

  it('enforces foreign keys (P2003)', async () => {
    const err = await database.db.platformIdentity
      .create({ data: { platform: 'telegram', externalId: 'y', displayName: 'y', memberId: 999_999 } })
      .catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'P2003' });
  });
});
