import Sqlite from 'better-sqlite3';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { Database } from '../../src/db/client.ts';
import { isUniqueViolation } from '../../src/db/client.ts';
import { withStatementCache } from '../../src/db/statement-cache.ts';
import { freshSqlite } from '../support/db.ts';

/** Counts better-sqlite3 compilations (Database#prepare) from now on. */
function countPrepares() {
  return vi.spyOn(Sqlite.prototype, 'prepare');
}

afterEach(() => {
  vi.restoreAllMocks();
});

describe('withStatementCache', () => {
  it('compiles a SQL text once, binds fresh values each time, and keeps at most `size` statements', () => {
    const raw = new Sqlite(':memory:');
    raw.exec('CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT)');
    const db = withStatementCache(raw, 2);
    const prepares = countPrepares();
    for (const v of ['a', 'b', 'c']) db.prepare('INSERT INTO t (v) VALUES (?)').bind([v]).run();
    const read = (id: number) => db.prepare('SELECT v FROM t WHERE id = ?').bind([id]).raw().all();
    expect([read(1), read(2), read(3)]).toEqual([[['a']], [['b']], [['c']]]);
    expect(prepares).toHaveBeenCalledTimes(2);
    db.prepare('SELECT 1').run(); // a third text: the least recently used (the INSERT) is dropped
    db.prepare('SELECT v FROM t WHERE id = ?').bind([1]).raw().all(); // still cached
    db.prepare('INSERT INTO t (v) VALUES (?)').bind(['d']).run(); // compiled again
    expect(prepares).toHaveBeenCalledTimes(4);
    expect(db.open).toBe(true); // everything else is the Database's own
    db.close();
  });
});

describe('the SQLite database opened by openDatabase', () => {
  let database: (Database & { file: string }) | undefined;
  afterEach(async () => {
    await database?.close();
    database = undefined;
  });

  it('reuses compiled statements across queries and transactions', async () => {
    database = await freshSqlite();
    const { db } = database;
    const member = await db.member.create({ data: { name: '张三' } });
    const prepares = countPrepares();
    for (let i = 0; i < 20; i++) {
      expect((await db.member.findUnique({ where: { id: member.id } }))?.name).toBe(i === 0 ? '张三' : `张三${i - 1}`);
      await db.$transaction(async (tx) => {
        await tx.member.update({ where: { id: member.id }, data: { name: `张三${i}` } });
      });
    }
    // Without the cache: 20 × (SELECT + BEGIN + UPDATE + COMMIT) = 80 compilations at least.
    expect(prepares.mock.calls.length).toBeLessThan(10);
    expect((await db.member.findUniqueOrThrow({ where: { id: member.id } })).name).toBe('张三19');
  });

  it('rolls back, reports unique violations and commits afterwards as before', async () => {
    database = await freshSqlite();
    const { db } = database;
    for (let i = 0; i < 3; i++) {
      await expect(
        db.$transaction(async (tx) => {
          await tx.member.create({ data: { name: `回滚${i}` } });
          throw new Error('undo');
        }),
      ).rejects.toThrow('undo');
    }
    expect(await db.member.count()).toBe(0);
    const member = await db.member.create({ data: { name: '李四' } });
    const data = { platform: 'telegram', externalId: '42', displayName: 'l', memberId: member.id };
    await db.platformIdentity.create({ data });
    for (let i = 0; i < 2; i++) {
      const err = await db.platformIdentity.create({ data }).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(isUniqueViolation(err, ['platform', 'externalId'])).toBe(true);
    }
    await db.$transaction([db.member.create({ data: { name: '王五' } }), db.member.create({ data: { name: '赵六' } })]);
    expect(await db.member.count()).toBe(3);
  });
});
