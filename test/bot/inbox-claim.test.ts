// The inbox's claim (src/bot/inbox.ts `claimEvent`): one raw statement that marks a recorded event
// done and returns the roster version, on SQLite and on PostgreSQL (TEST_DATABASE_URL). The row
// reads back through Prisma exactly as a Prisma write would leave it; a second claim finds it taken;
// a rolled-back claim leaves the event to be claimed again.
import { afterEach, describe, expect, it } from 'vitest';
import type { Database } from '../../src/db/client.ts';
import { claimEvent } from '../../src/bot/inbox.ts';
import { bumpRosterVersion } from '../../src/bot/roster-cache.ts';
import { describePg, freshPostgres, freshSqlite } from '../support/db.ts';

let database: Database | undefined;
afterEach(async () => {
  await database?.close();
  database = undefined;
});

async function claims(open: () => Promise<Database>): Promise<void> {
  database = await open();
  const db = database.db;
  const now = new Date('2026-03-02T02:00:00.123Z');
  const { id } = await db.inboundEvent.create({ data: { platform: 'console', eventId: 'e1', payload: '{}', receivedAt: now } });
  await expect(db.$transaction(async (tx) => {
    expect(await claimEvent(tx, id, now)).toEqual({ rosterVersion: 0 });
    throw new Error('rolled back');
  })).rejects.toThrow('rolled back');
  expect((await db.inboundEvent.findUniqueOrThrow({ where: { id } })).status).toBe('received');
  await db.$transaction((tx) => bumpRosterVersion(tx));
  await db.$transaction((tx) => bumpRosterVersion(tx));
  expect(await db.$transaction((tx) => claimEvent(tx, id, now))).toEqual({ rosterVersion: 2 });
  const row = await db.inboundEvent.findUniqueOrThrow({ where: { id } });
  expect(row.status).toBe('done');
  expect(row.processedAt?.toISOString()).toBe(now.toISOString());
  expect(await db.$transaction((tx) => claimEvent(tx, id, now))).toBeNull();
  expect(await db.inboundEvent.count({ where: { processedAt: now } })).toBe(1); // compares as a Prisma-written date
}

describe('inbox claim on SQLite', () => {
  it('claims once, returns the roster version, rolls back with its transaction', () => claims(freshSqlite));
});

describePg('inbox claim on PostgreSQL', () => {
  it('claims once, returns the roster version, rolls back with its transaction', () => claims(freshPostgres));
});
