// Batched recording through the intake and the real inbox, on SQLite files and on PostgreSQL
// (TEST_DATABASE_URL): a burst of 300 events from 50 chats, with redeliveries next to their first
// copy and far after it, is recorded once each in far fewer INSERT statements than events (counted
// at the client), every redelivery told a duplicate (the intake holds one back while its first
// copy is in flight; the inbox drops one inside a batch), and each chat's events processed in the order
// handed over; a batch holding one event the database refuses (a NULL event id: NOT NULL on both)
// records the others, and only that event's sink rejects. The router is a stand-in that notes
// the order events are processed in (the feature path is not this test's).
import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { Inbox } from '../../src/bot/inbox.ts';
import type { Router } from '../../src/bot/router.ts';
import type { Incoming } from '../../src/bot/types.ts';
import type { Database, Db } from '../../src/db/client.ts';
import { eventTransactions } from '../../src/db/group-commit.ts';
import { Intake } from '../../src/ops/intake.ts';
import { describePg, freshPostgres, freshSqlite } from '../support/db.ts';

let database: Database | undefined;
afterEach(async () => {
  await database?.close();
  database = undefined;
});

const NOW = new Date('2026-12-02T08:00:00Z');
const CHATS = 50;
const PER_CHAT = 6;
const BATCH_ROWS = 50;

function event(chat: number, n: number, eventId = `c${chat}-${n}`): Incoming {
  return {
    eventId,
    chat: { platform: 'console', chatId: `g${chat}`, kind: 'group' },
    actor: { userId: `u${chat}`, displayName: '张三' },
    sentAt: NOW,
    content: { type: 'text', text: `答案 ${n}`, mentionsBot: false },
  } as Incoming;
}

/** The database client with every recording statement counted. */
function countingInserts(db: Db): { db: Db; inserts: () => number } {
  let inserts = 0;
  const counted = new Proxy(db, {
    get(target, prop) {
      const value: unknown = Reflect.get(target, prop, target);
      if (prop !== '$queryRaw' || typeof value !== 'function') return typeof value === 'function' ? value.bind(target) : value;
      return (query: { strings?: readonly string[] }, ...rest: unknown[]) => {
        if (query.strings?.join('?').includes('INSERT INTO "InboundEvent"')) inserts++;
        return (value as (...a: unknown[]) => unknown).call(target, query, ...rest);
      };
    },
  });
  return { db: counted, inserts: () => inserts };
}

/** An inbox over `database` whose router notes each chat's processed events. */
function inboxOf(database: Database, db: Db, processed: Map<string, string[]>): Inbox {
  const router = {
    secrecy: () => 'open',
    forgetRoster: () => undefined,
    route: async (_tx: unknown, incoming: Incoming) => {
      const list = processed.get(incoming.chat.chatId) ?? [];
      list.push(incoming.eventId);
      processed.set(incoming.chat.chatId, list);
      return { outgoing: [], ignored: false };
    },
  } as unknown as Router;
  return new Inbox({
    db,
    router,
    clock: { now: () => NOW },
    logger: pino({ level: 'silent' }),
    translate: ((key: string) => key) as never,
    capabilitiesOf: () => undefined,
    maxEventAgeMs: 60_000,
    onEnqueued: () => undefined,
    transact: eventTransactions(database.db, database.provider),
  });
}

async function burst(open: () => Promise<Database>): Promise<void> {
  database = await open();
  const { db, inserts } = countingInserts(database.db);
  const processed = new Map<string, string[]>();
  const intake = new Intake(inboxOf(database, db, processed), undefined, { recordBatchRows: BATCH_ROWS });

  // Round-robin over the chats; every 15th event is handed over twice in a row (one batch), and
  // every 40th again 120 places later (a later batch of BATCH_ROWS).
  const handed: Incoming[] = [];
  for (let n = 0; n < PER_CHAT; n++) for (let c = 0; c < CHATS; c++) handed.push(event(c, n));
  const wave: Incoming[] = [];
  handed.forEach((e, i) => {
    wave.push(e);
    if (i % 15 === 0) wave.push({ ...e });
    if (i >= 120 && (i - 120) % 40 === 0) wave.push({ ...handed[i - 120]! });
  });
  const submitted = await Promise.all(wave.map((e) => intake.submit(e)));
  await Promise.all(submitted.map((s) => s.recorded));
  const outcomes = await Promise.all(submitted.map((s) => s.processed));
  await intake.idle();

  const rows = await database.db.inboundEvent.findMany({ select: { eventId: true, status: true } });
  expect(rows).toHaveLength(handed.length);
  expect(new Set(rows.map((r) => r.eventId)).size).toBe(handed.length);
  expect(rows.every((r) => r.status === 'done')).toBe(true);
  expect(outcomes.filter((o) => o === 'done')).toHaveLength(handed.length);
  expect(outcomes.filter((o) => o === 'duplicate')).toHaveLength(wave.length - handed.length);
  // Every event id's first hand-over is the one processed; each later one is a duplicate.
  const seen = new Set<string>();
  wave.forEach((e, i) => {
    expect([e.eventId, outcomes[i]]).toEqual([e.eventId, seen.has(e.eventId) ? 'duplicate' : 'done']);
    seen.add(e.eventId);
  });
  for (let c = 0; c < CHATS; c++) expect(processed.get(`g${c}`)).toEqual(Array.from({ length: PER_CHAT }, (_, n) => `c${c}-${n}`));
  // Every redelivery was handed over while its first copy was in flight: it waited for that one
  // and never reached a statement (on PostgreSQL two statements run at once, and a later batch
  // committing first made the redelivery the copy stored: its chat's later events went first).
  expect(inserts()).toBe(Math.ceil(handed.length / BATCH_ROWS));

  // Redelivered again after the burst: told duplicates, nothing recorded or processed twice.
  const again = await Promise.all(handed.slice(0, 70).map((e) => intake.submit({ ...e })));
  expect(await Promise.all(again.map((s) => s.processed))).toEqual(Array(70).fill('duplicate'));
  expect(await database.db.inboundEvent.count()).toBe(handed.length);

  // A redelivery inside one batch handed to the inbox straight: the first copy is the one stored.
  const inbox = inboxOf(database, db, processed);
  const before = inserts();
  const pair = [event(99, 0), event(99, 1), event(99, 0)];
  const attempts = await inbox.recordMany(pair);
  expect(attempts.map((a) => (a.ok && a.value !== 'duplicate' ? a.value.incoming.eventId : a.ok ? a.value : 'error'))).toEqual(['c99-0', 'c99-1', 'duplicate']);
  expect(inserts()).toBe(before + 1);
  expect(await database.db.inboundEvent.count()).toBe(handed.length + 2);
}

async function oneRefused(open: () => Promise<Database>): Promise<void> {
  database = await open();
  const { db, inserts } = countingInserts(database.db);
  const processed = new Map<string, string[]>();
  const intake = new Intake(inboxOf(database, db, processed));
  const events = Array.from({ length: 10 }, (_, i) => event(i, 0));
  events[4] = event(4, 0, null as unknown as string); // NOT NULL: the database refuses this row
  const sinks = await Promise.allSettled(events.map((e) => intake.sink(e)));
  await intake.idle();
  expect(sinks.map((s) => s.status)).toEqual(events.map((_, i) => (i === 4 ? 'rejected' : 'fulfilled')));
  const rows = await database.db.inboundEvent.findMany({ orderBy: { id: 'asc' }, select: { eventId: true, status: true } });
  expect(rows.map((r) => r.eventId)).toEqual(events.filter((_, i) => i !== 4).map((e) => e.eventId));
  expect(rows.every((r) => r.status === 'done')).toBe(true);
  expect([...processed.keys()].sort()).toEqual(events.filter((_, i) => i !== 4).map((e) => e.chat.chatId).sort());
  // The batch's one statement failed; then one statement each.
  expect(inserts()).toBe(1 + events.length);
}

describe('batched recording on SQLite', () => {
  it('records a burst of 300 events from 50 chats once each, in fewer statements, duplicates told, each chat in order', () => burst(freshSqlite));
  it('records the rest of a batch when the database refuses one of its events', () => oneRefused(freshSqlite));
});

describePg('batched recording on PostgreSQL', () => {
  it('records a burst of 300 events from 50 chats once each, in fewer statements, duplicates told, each chat in order', () => burst(freshPostgres));
  it('records the rest of a batch when the database refuses one of its events', () => oneRefused(freshPostgres));
});
