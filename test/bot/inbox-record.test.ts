// The inbox's record (src/bot/inbox.ts `insertEvent`): one raw statement that stores an inbound
// event once per platform and event id, on SQLite and on PostgreSQL (TEST_DATABASE_URL). The row
// reads back through Prisma exactly as a Prisma write would leave it (a date compares as one); a
// second delivery of the same id returns null without an error, also inside a transaction that
// goes on (on PostgreSQL a failed statement would abort it); another platform's same id is new.
import { afterEach, describe, expect, it } from 'vitest';
import type { Database } from '../../src/db/client.ts';
import { insertEvent, insertEvents, RECORD_BATCH_MAX_ROWS } from '../../src/bot/inbox.ts';
import type { Incoming } from '../../src/bot/types.ts';
import { describePg, freshPostgres, freshSqlite } from '../support/db.ts';

let database: Database | undefined;
afterEach(async () => {
  await database?.close();
  database = undefined;
});

function incoming(platform: 'console' | 'telegram', eventId: string): Incoming {
  return {
    eventId,
    chat: { platform, chatId: 'g1', kind: 'group' },
    actor: { userId: 'u1', displayName: '张三' },
    sentAt: new Date('2026-03-02T02:00:00Z'),
    content: { type: 'text', text: '/whoami', mentionsBot: false },
  } as Incoming;
}

async function records(open: () => Promise<Database>): Promise<void> {
  database = await open();
  const db = database.db;
  const now = new Date('2026-03-02T02:00:00.123Z');
  const first = await insertEvent(db, incoming('console', 'e1'), '{"a":1}', now);
  expect(first).toBeTypeOf('number');
  expect(await insertEvent(db, incoming('console', 'e1'), '{"a":2}', now)).toBeNull();
  const inTx = await db.$transaction(async (tx) => {
    const again = await insertEvent(tx, incoming('console', 'e1'), '{}', now);
    const other = await insertEvent(tx, incoming('telegram', 'e1'), '{}', now);
    return { again, other };
  });
  expect(inTx.again).toBeNull();
  expect(inTx.other).toBeTypeOf('number');
  expect(inTx.other).not.toBe(first);
  const row = await db.inboundEvent.findUniqueOrThrow({ where: { id: first! } });
  expect(row).toMatchObject({ platform: 'console', eventId: 'e1', status: 'received', payload: '{"a":1}', error: null, processedAt: null });
  expect(row.receivedAt.toISOString()).toBe(now.toISOString());
  expect(await db.inboundEvent.count({ where: { receivedAt: { lte: now } } })).toBe(2); // compares as a Prisma-written date
  expect(await db.inboundEvent.count({ where: { receivedAt: { lt: now } } })).toBe(0);
}

/** Many rows in one statement: each row's new id or null (stored before), told apart in order, at the largest batch. */
async function recordsMany(open: () => Promise<Database>): Promise<void> {
  database = await open();
  const db = database.db;
  const now = new Date('2026-03-02T02:00:00.123Z');
  const before = await insertEvent(db, incoming('console', 'e8'), '{"old":1}', now);
  const rows = Array.from({ length: RECORD_BATCH_MAX_ROWS }, (_, i) => ({ incoming: incoming(i % 2 ? 'telegram' : 'console', `e${i}`), payload: `{"n":${i}}` }));
  const ids = await insertEvents(db, rows, now);
  expect(ids).toHaveLength(rows.length);
  expect(ids[8]).toBeNull(); // console e8 was stored before
  const fresh = ids.filter((id): id is number => id !== null);
  expect(fresh).toHaveLength(rows.length - 1);
  expect(new Set(fresh).size).toBe(fresh.length);
  const stored = await db.inboundEvent.findMany({ where: { id: { in: fresh } }, select: { id: true, platform: true, eventId: true, payload: true } });
  const byId = new Map(stored.map((r) => [r.id, r]));
  ids.forEach((id, i) => {
    if (id === null) return;
    expect(byId.get(id)).toMatchObject({ platform: rows[i]!.incoming.chat.platform, eventId: rows[i]!.incoming.eventId, payload: rows[i]!.payload });
  });
  expect((await db.inboundEvent.findUniqueOrThrow({ where: { id: before! } })).payload).toBe('{"old":1}');
  expect(await insertEvents(db, rows.slice(0, 3), now)).toEqual([null, null, null]);
  await expect(insertEvents(db, [...rows, rows[0]!], now)).rejects.toThrow(/at most/);
}

describe('inbox record on SQLite', () => {
  it('stores once per platform and event id, and tells a duplicate without an error', () => records(freshSqlite));
  it('stores a batch in one statement, each row told new or a duplicate', () => recordsMany(freshSqlite));
});

describePg('inbox record on PostgreSQL', () => {
  it('stores once per platform and event id, and tells a duplicate without an error', () => records(freshPostgres));
  it('stores a batch in one statement, each row told new or a duplicate', () => recordsMany(freshPostgres));
});
