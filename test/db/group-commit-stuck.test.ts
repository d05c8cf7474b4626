// A hung handler in a group commit (src/db/group-commit.ts) on a real SQLite file: it costs the
// others of its batch one unit's timeout, not the whole batch's (n × 5 s), and fails only itself.
// The unit's timer is injected (the test fires it: no sleeps), and the hung handler waits on a
// promise the test resolves. Past its timeout the unit is rolled back to its savepoint (alone:
// its transaction), the batch commits without it, and what the handler tries to write later is
// refused: nothing of it is committed.
import { expect, it } from 'vitest';
import { AbandonedUnitError, GroupCommit, UnitTimeoutError, type TxClient, type UnitTimer } from '../../src/db/group-commit.ts';
import { auditReaderPerTest } from '../support/audit-reader.ts';

/** Each test's fresh database and a second, read-only connection: it sees committed rows only. */
const open = auditReaderPerTest();

/** A timer the test fires by hand: each armed timeout, in order, with whether it was cancelled. */
function manualTimer() {
  const armed: { ms: number; fire: () => void; cancelled: boolean }[] = [];
  const timer: UnitTimer = (ms, fire) => {
    const entry = { ms, fire, cancelled: false };
    armed.push(entry);
    return () => (entry.cancelled = true);
  };
  return { timer, armed, live: () => armed.filter((a) => !a.cancelled) };
}

const write = (tx: TxClient, action: string) => tx.auditLog.create({ data: { action } });
const turns = async (n = 20) => {
  for (let i = 0; i < n; i++) await new Promise((r) => setImmediate(r));
};

it('a hung unit costs its batch one unit timeout: rolled back alone, the others commit, its later writes refused', async () => {
  const { db, committed } = await open();
  const clock = manualTimer();
  const gc = new GroupCommit(db, { unitTimeoutMs: 5_000, timer: clock.timer });
  let unhang!: () => void;
  const hang = new Promise<void>((resolve) => (unhang = resolve));
  let lateWrite: Promise<unknown> | undefined;
  const settled: string[] = [];
  const units = [0, 1, 2, 3].map((i) =>
    gc
      .run(async (tx) => {
        await write(tx, `unit-${i}`);
        if (i === 1) {
          await hang; // the stuck handler (an external call that never answers)
          lateWrite = write(tx, 'unit-1-late');
          await lateWrite;
        }
        return i;
      })
      .finally(() => settled.push(`unit-${i}`)),
  );
  await turns();
  // Unit 0 ran and its timer was cancelled; unit 1 hangs with its timer armed; 2 and 3 wait.
  expect(clock.live().map((a) => a.ms)).toEqual([5_000]);
  expect(settled).toEqual([]);
  clock.live()[0]!.fire(); // unit 1's five seconds are up
  const results = await Promise.allSettled(units);
  expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled', 'fulfilled']);
  expect((results[1] as PromiseRejectedResult).reason).toBeInstanceOf(UnitTimeoutError);
  expect([0, 1, 2, 3].map((i) => committed(`unit-${i}`))).toEqual([1, 0, 1, 1]);
  expect(gc.stats.batches).toBe(1);
  // The handler wakes after its batch has moved on: what it writes now is refused, never committed.
  unhang();
  await turns();
  await expect(lateWrite).rejects.toBeInstanceOf(AbandonedUnitError);
  await gc.run((tx) => write(tx, 'next'));
  expect([committed('unit-1-late'), committed('next')]).toEqual([0, 1]);
});

it('a hung unit alone rejects at its timeout and the units queued behind it run (the group commit is not stuck)', async () => {
  const { db, committed } = await open();
  const clock = manualTimer();
  const gc = new GroupCommit(db, { unitTimeoutMs: 5_000, timer: clock.timer });
  const hung = gc.run(async (tx) => {
    await write(tx, 'alone');
    await new Promise(() => undefined); // never answers
  });
  hung.catch(() => undefined);
  await turns();
  const behind = [gc.run((tx) => write(tx, 'behind-1')), gc.run((tx) => write(tx, 'behind-2'))];
  await turns();
  expect(clock.live()).toHaveLength(1);
  clock.live()[0]!.fire();
  await expect(hung).rejects.toBeInstanceOf(UnitTimeoutError);
  await Promise.all(behind);
  expect([committed('alone'), committed('behind-1'), committed('behind-2')]).toEqual([0, 1, 1]);
});
