// The outbox's presence leases and acknowledgements (src/outbox/peers.ts): which instances deliver
// from one database and what each serves by, on a real SQLite file and the injected clock.
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

it('lists the instances that joined, not one that left or lapsed; renews only every third of the lease', async () => {
  database = await freshSqlite();
  const clock = new ManualClock('2026-12-02T08:00:00Z');
  const a = new OutboxPeers(database.db, clock, 'a', 30_000);
  const b = new OutboxPeers(database.db, clock, 'b', 30_000);
  const live = async (p: OutboxPeers) => (await p.view()).live;
  expect(await live(a)).toEqual([]);
  await a.join();
  await b.join();
  expect(await live(a)).toEqual(['a', 'b']);
  await b.leave();
  expect(await live(a)).toEqual(['a']);
  await b.join();
  clock.advance(9_999);
  await a.keepAlive(); // not yet due: no statement
  expect((await database.db.lease.findUniqueOrThrow({ where: { name: 'outbox-instance:a' } })).updatedAt.getTime()).toBe(clock.now().getTime() - 9_999);
  clock.advance(1);
  await a.keepAlive();
  clock.advance(25_000); // b, not renewed, lapsed 30 s after it joined; a renewed 25 s ago
  expect(await live(a)).toEqual(['a']);
  expect(await live(b)).toEqual(['a']);
  await b.keepAlive();
  expect(await live(a)).toEqual(['a', 'b']);
});

it("reads each live instance's last acknowledgement in the same statement, none of a lapsed one, none from before a join", async () => {
  database = await freshSqlite();
  const clock = new ManualClock('2026-12-02T08:00:00Z');
  const a = new OutboxPeers(database.db, clock, 'a', 30_000);
  const b = new OutboxPeers(database.db, clock, 'b', 30_000);
  await a.join();
  await a.acknowledge({ ids: ['a'], drainAt: {} });
  await b.join();
  await a.acknowledge({ ids: ['a', 'b'], drainAt: { console: 1234 } });
  expect(Object.fromEntries((await b.view()).acks)).toEqual({ a: { ids: ['a', 'b'], drainAt: { console: 1234 } } });
  await b.acknowledge({ ids: ['a', 'b'], drainAt: {} });
  expect([...(await a.view()).acks.keys()].sort()).toEqual(['a', 'b']);
  clock.advance(30_000); // both lapse; b comes back (its old acknowledgement cleared), a does not
  await b.join();
  expect(await b.view()).toEqual({ live: ['b'], acks: new Map() });
  await b.acknowledge({ ids: ['b'], drainAt: {} });
  expect(await b.view()).toEqual({ live: ['b'], acks: new Map([['b', { ids: ['b'], drainAt: {} }]]) });
});
