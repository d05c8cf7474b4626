// Named leases (src/db/lease.ts) on a real SQLite file, and on PostgreSQL with TEST_DATABASE_URL:
// one holder at a time, renewal, expiry and take-over with a new epoch, release, and two
// instances racing for a free lease.
import { afterEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/clock.ts';
import type { Database } from '../../src/db/client.ts';
import { LeaseStore } from '../../src/db/lease.ts';
import { describePg, freshPostgres, freshSqlite } from '../support/db.ts';

let db: Database | undefined;
afterEach(async () => {
  await db?.close();
  db = undefined;
});

async function leaseRules(fresh: () => Promise<Database>): Promise<void> {
  db = await fresh();
  const clock = new ManualClock('2026-11-26T00:00:00Z');
  const store = new LeaseStore(db.db, clock);
  const a = await store.acquire('wecom:bot1', 'a', 30_000);
  expect(a).toMatchObject({ holder: 'a', epoch: 1 });
  expect(await store.acquire('wecom:bot1', 'b', 30_000)).toBeUndefined();
  clock.advance(20_000);
  expect(await store.acquire('wecom:bot1', 'a', 30_000)).toMatchObject({ holder: 'a', epoch: 1 }); // renewed to 50 s
  clock.advance(20_000);
  expect(await store.acquire('wecom:bot1', 'b', 30_000)).toBeUndefined(); // 40 s: still a's
  clock.advance(10_001);
  expect(await store.acquire('wecom:bot1', 'b', 30_000)).toMatchObject({ holder: 'b', epoch: 2 });
  expect(await store.holderOf('wecom:bot1')).toBe('b');
  expect(await store.acquire('wecom:bot1', 'a', 30_000)).toBeUndefined();
  await store.release('wecom:bot1', 'a'); // not a's to release: nothing happens
  expect(await store.holderOf('wecom:bot1')).toBe('b');
  await store.release('wecom:bot1', 'b');
  expect(await store.holderOf('wecom:bot1')).toBeUndefined();
  expect(await store.acquire('wecom:bot1', 'a', 30_000)).toMatchObject({ holder: 'a', epoch: 3 });
  // Other names are independent.
  expect(await store.acquire('dingtalk:x', 'b', 30_000)).toMatchObject({ holder: 'b', epoch: 1 });
  // Racing for a new lease: exactly one wins.
  const race = await Promise.all(['p', 'q', 'r', 's'].map((h) => store.acquire('race', h, 30_000)));
  expect(race.filter(Boolean)).toHaveLength(1);
}

describe('leases on SQLite', () => {
  it('one holder at a time; renewal, expiry, take-over with a new epoch, release; one winner of a race', async () => {
    await leaseRules(freshSqlite);
  });
});

describePg('leases on PostgreSQL', () => {
  it('one holder at a time; renewal, expiry, take-over with a new epoch, release; one winner of a race', async () => {
    await leaseRules(freshPostgres);
  });
});
