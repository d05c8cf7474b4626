// The outbox's presence leases (src/outbox/peers.ts): how many instances deliver from one database,
// on a real SQLite file and the injected clock.
import { afterEach, expect, it } from 'vitest';
import { ManualClock } from '../../src/clock.ts';
import type { Database } from '../../src/db/client.ts';
import { OutboxPeers } from '../../src/outbox/peers.ts';
import { freshSqlite } from '../support/db.ts';

let database: Database | undefined;
afterEach(async () => {
  await database?.close();
  database = undefined;
});

it('counts the instances that joined, not one that left or lapsed; renews only every third of the lease', async () => {
  database = await freshSqlite();
  const clock = new ManualClock('2026-12-02T08:00:00Z');
  const a = new OutboxPeers(database.db, clock, 'a', 30_000);
  const b = new OutboxPeers(database.db, clock, 'b', 30_000);
  expect(await a.count()).toBe(1); // itself, even before it joined
  await a.join();
  await b.join();
  expect(await a.count()).toBe(2);
  await b.leave();
  expect(await a.count()).toBe(1);
  await b.join();
  clock.advance(9_999);
  await a.keepAlive(); // not yet due: no statement
  expect((await database.db.lease.findUniqueOrThrow({ where: { name: 'outbox-instance:a' } })).updatedAt.getTime()).toBe(clock.now().getTime() - 9_999);
  clock.advance(1);
  await a.keepAlive();
  clock.advance(25_000); // b, not renewed, lapsed 30 s after it joined; a renewed 25 s ago
  expect(await a.count()).toBe(1);
  expect(await b.count()).toBe(1);
  await b.keepAlive();
  expect(await a.count()).toBe(2);
});
