// Group commit (src/db/group-commit.ts) on a real SQLite file: units submitted together share one
// transaction, each in its own savepoint; a failing unit is rolled back alone; nothing settles
// before the COMMIT; a failed COMMIT rejects every unit and leaves the connection usable.
import { expect, it } from 'vitest';
import { GroupCommit, GroupCommitError, type TxClient } from '../../src/db/group-commit.ts';
import { startTrace, stopTrace } from '../../bench/sqltrace.ts';
import { auditReaderPerTest } from '../support/audit-reader.ts';

/** Each test's fresh database and a second, read-only connection: it sees committed rows only. */
const open = auditReaderPerTest();

const write = (tx: TxClient, action: string) => tx.auditLog.create({ data: { action } });

it('runs units submitted together in one transaction and settles each only after its COMMIT', async () => {
  const { db, committed } = await open();
  const gc = new GroupCommit(db);
  const seenInside: number[] = [];
  const seenOnSettle: number[] = [];
  startTrace();
  const units = Array.from({ length: 10 }, (_, i) =>
    gc
      .run(async (tx) => {
        await write(tx, `unit-${i}`);
        // Inside the batch the other connection sees none of it: nothing is committed yet.
        seenInside.push(committed('unit-0'));
        return i;
      })
      .then((value) => {
        seenOnSettle.push(committed(`unit-${value}`));
        return value;
      }),
  );
  expect(await Promise.all(units)).toEqual([...Array(10).keys()]);
  const verbs = stopTrace().map((s) => s.sql.trim().split(/\s+/)[0]!.toUpperCase());
  expect(verbs.filter((v) => v === 'BEGIN')).toHaveLength(1);
  expect(verbs.filter((v) => v === 'COMMIT')).toHaveLength(1);
  expect(verbs.filter((v) => v === 'SAVEPOINT')).toHaveLength(10);
  expect(seenInside).toEqual(Array(10).fill(0));
  expect(seenOnSettle).toEqual(Array(10).fill(1));
  expect(gc.stats).toEqual({ batches: 1, units: 10, largest: 10 });
});

it('rolls a failing unit back alone, and rejects it only after the others committed', async () => {
  const { db, committed } = await open();
  const gc = new GroupCommit(db);
  const results = await Promise.allSettled(
    Array.from({ length: 20 }, (_, i) =>
      gc.run(async (tx) => {
        await write(tx, `unit-${i}`);
        if (i === 7) {
          // A unit's own savepoint, released, and another left open: both undone with the unit.
          await tx.$executeRawUnsafe('SAVEPOINT member_registration');
          await write(tx, 'unit-7-inner');
          await tx.$executeRawUnsafe('RELEASE SAVEPOINT member_registration');
          await tx.$executeRawUnsafe('SAVEPOINT left_open');
          await write(tx, 'unit-7-open');
          // The others are not committed yet when this one fails.
          expect(committed('unit-0')).toBe(0);
          throw new Error('handler failed mid-way');
        }
        return i;
      }),
    ),
  );
  expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(19);
  expect(results[7]).toEqual({ status: 'rejected', reason: new Error('handler failed mid-way') });
  for (let i = 0; i < 20; i++) expect(committed(`unit-${i}`), `unit-${i}`).toBe(i === 7 ? 0 : 1);
  expect(committed('unit-7-inner') + committed('unit-7-open')).toBe(0);
  expect(gc.stats.batches).toBe(1);
});

it('keeps a unit’s own savepoint rollback working inside a batch', async () => {
  const { db, committed } = await open();
  const gc = new GroupCommit(db);
  await Promise.all(
    [0, 1, 2].map((i) =>
      gc.run(async (tx) => {
        await tx.$executeRawUnsafe('SAVEPOINT member_registration');
        await write(tx, `lost-${i}`);
        await tx.$executeRawUnsafe('ROLLBACK TO SAVEPOINT member_registration');
        await write(tx, `kept-${i}`);
      }),
    ),
  );
  expect([0, 1, 2].map((i) => [committed(`lost-${i}`), committed(`kept-${i}`)])).toEqual([
    [0, 1],
    [0, 1],
    [0, 1],
  ]);
});

it('rejects every unit when the COMMIT fails, and the connection works afterwards', async () => {
  const { db, committed } = await open();
  const gc = new GroupCommit(db);
  const batch = await Promise.allSettled(
    [0, 1, 2, 3].map((i) =>
      gc.run(async (tx) => {
        await write(tx, `doomed-${i}`);
        if (i === 2) {
          // A deferred foreign key is checked at COMMIT: the COMMIT itself fails.
          await tx.$executeRawUnsafe('PRAGMA defer_foreign_keys = ON');
          await tx.auditLog.create({ data: { action: 'orphan', memberId: 999_999 } });
        }
      }),
    ),
  );
  for (const r of batch) {
    expect(r.status).toBe('rejected');
    expect((r as PromiseRejectedResult).reason).toBeInstanceOf(GroupCommitError);
    expect(String((r as PromiseRejectedResult).reason.message)).toMatch(/foreign ?key/i);
  }
  expect([0, 1, 2, 3].map((i) => committed(`doomed-${i}`))).toEqual([0, 0, 0, 0]);
  // The failed COMMIT left no transaction open: a statement outside one and the next batch commit.
  await db.auditLog.create({ data: { action: 'outside' } });
  await Promise.all([gc.run((tx) => write(tx, 'after-1')), gc.run((tx) => write(tx, 'after-2'))]);
  expect([committed('outside'), committed('after-1'), committed('after-2')]).toEqual([1, 1, 1]);
});

it('a unit alone is a plain transaction: no savepoint, its failure rolls it back', async () => {
  const { db, committed } = await open();
  const gc = new GroupCommit(db);
  startTrace();
  await gc.run((tx) => write(tx, 'alone'));
  await expect(
    gc.run(async (tx) => {
      await write(tx, 'alone-failed');
      throw new Error('no');
    }),
  ).rejects.toThrow('no');
  const verbs = stopTrace().map((s) => s.sql.trim().split(/\s+/)[0]!.toUpperCase());
  expect(verbs).not.toContain('SAVEPOINT');
  expect([committed('alone'), committed('alone-failed')]).toEqual([1, 0]);
});

it('takes at most maxUnits units per transaction; units that arrive during a batch form the next', async () => {
  const { db, committed } = await open();
  const gc = new GroupCommit(db, { maxUnits: 4 });
  let late: Promise<unknown>[] = [];
  const first = Array.from({ length: 10 }, (_, i) =>
    gc.run(async (tx) => {
      await write(tx, `u${i}`);
      // Submitted while a batch runs: waits for the next one.
      if (i === 0) late = [gc.run((t) => write(t, 'late-a')), gc.run((t) => write(t, 'late-b'))];
    }),
  );
  await Promise.all(first);
  await Promise.all(late);
  // 10 units in batches of 4, 4, 2; the two late ones joined the third batch or formed a fourth.
  expect(gc.stats.units).toBe(12);
  expect(gc.stats.largest).toBe(4);
  expect(gc.stats.batches).toBeLessThanOrEqual(4);
  expect(committed('late-a') + committed('late-b')).toBe(2);
});
