// Sent marks in one statement (src/outbox/marks.ts), on SQLite and PostgreSQL (TEST_DATABASE_URL):
// every row gets its own platform message id (or none), an erased payload only where asked, and
// rows not in the batch are untouched; a batch larger than one statement's share is split.
import { afterEach, describe, expect, it } from 'vitest';
import type { Database } from '../../src/db/client.ts';
import { markSentMany } from '../../src/outbox/marks.ts';
import { describePg, freshPostgres, freshSqlite } from '../support/db.ts';

let database: Database | undefined;
afterEach(async () => {
  await database?.close();
  database = undefined;
});

async function marks(open: () => Promise<Database>): Promise<void> {
  database = await open();
  const db = database.db;
  const now = new Date('2026-03-02T02:00:00.123Z');
  const rows = Array.from({ length: 450 }, (_, i) => ({
    platform: 'console', chatId: `c${i % 7}`, chatKind: 'group', idempotencyKey: `k${i}`, payload: `{"kind":"text","text":"${i}"}`,
    status: 'sending', lockedBy: 'me', lockedUntil: now, lastError: 'earlier', notBefore: now,
  }));
  await db.outboxMessage.createMany({ data: rows });
  const all = await db.outboxMessage.findMany({ orderBy: { id: 'asc' }, select: { id: true } });
  const batch = all.slice(0, 449).map((r, i) => ({ id: r.id, messageId: i % 3 === 0 ? undefined : `m${i}`, ...(i % 5 === 0 ? { payload: '{"erased":true}' } : {}) }));
  await markSentMany(db, batch, now);
  const after = await db.outboxMessage.findMany({ orderBy: { id: 'asc' } });
  after.slice(0, 449).forEach((r, i) => {
    expect(r).toMatchObject({ status: 'sent', lockedBy: null, lockedUntil: null, lastError: null, externalMessageId: i % 3 === 0 ? null : `m${i}` });
    expect(r.sentAt?.toISOString()).toBe(now.toISOString());
    expect(r.payload).toBe(i % 5 === 0 ? '{"erased":true}' : `{"kind":"text","text":"${i}"}`);
  });
  expect(after[449]).toMatchObject({ status: 'sending', lockedBy: 'me', lastError: 'earlier', externalMessageId: null });
}

describe('outbox sent marks on SQLite', () => {
  it('marks a batch in one statement per 200 rows, each with its own message id', () => marks(freshSqlite));
});

describePg('outbox sent marks on PostgreSQL', () => {
  it('marks a batch in one statement per 200 rows, each with its own message id', () => marks(freshPostgres));
});
