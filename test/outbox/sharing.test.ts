// Two dispatchers (two instances, each with its own connection and instance id) on ONE SQLite
// file share one backlog (#18): each message is sent exactly once, every chat in order, and both
// instances send a real share of it. Each chat is served by one live instance (rendezvous hashing
// over the presence leases, src/outbox/affinity.ts); the limits across instances are
// test/outbox/affinity.test.ts.
import { pino } from 'pino';
import { afterEach, expect, it } from 'vitest';
import type { ChatRef } from '../../src/bot/types.ts';
import { ManualClock } from '../../src/clock.ts';
import { openDatabase, type Database } from '../../src/db/client.ts';
import { OutboxDispatcher } from '../../src/outbox/dispatcher.ts';
import { enqueueMessages } from '../../src/outbox/enqueue.ts';
import { freshSqlite } from '../support/db.ts';
import { RecordingAdapter, TEXT_CAPABILITIES } from '../support/recording-adapter.ts';

const CHATS = 50;
const PER_CHAT = 4;

let databases: Database[] = [];
let dispatchers: OutboxDispatcher[] = [];
afterEach(async () => {
  for (const d of dispatchers) await d.stop();
  for (const db of databases.reverse()) await db.close();
  databases = [];
  dispatchers = [];
});

it('two dispatchers on one SQLite file both deliver from one backlog, once each, in order per chat', async () => {
  const first = await freshSqlite();
  const second = await openDatabase(`file:${first.file}`);
  databases.push(first, second);
  const clock = new ManualClock('2026-12-02T08:00:00Z');
  const log: { instance: string; chat: string; text: string }[] = [];
  for (const [i, database] of [first, second].entries()) {
    const instance = i === 0 ? 'a' : 'b';
    const adapter = new RecordingAdapter();
    adapter.beforeSend = (chat, m) => void log.push({ instance, chat: chat.chatId, text: m.kind === 'text' ? m.text : m.kind });
    dispatchers.push(new OutboxDispatcher({ db: database.db, adapters: [adapter], clock, logger: pino({ level: 'silent' }), instanceId: instance, idleMs: 5 }));
  }
  const chats: ChatRef[] = Array.from({ length: CHATS }, (_, c) => ({ platform: 'console', chatId: `village-${c}`, kind: 'group' }));
  const items = chats.flatMap((chat, c) => Array.from({ length: PER_CHAT }, (_, n) => ({ chat, message: { kind: 'text' as const, text: `notice ${n + 1}` }, key: `share:${c}:${n}` })));
  await first.db.$transaction((tx) => enqueueMessages(tx, items, () => TEXT_CAPABILITIES, clock.now()));

  await Promise.all(dispatchers.map((d) => d.start()));
  await Promise.all(dispatchers.map((d) => d.drain()));

  const seen = new Map<string, string[]>();
  for (const l of log) seen.set(`${l.chat} ${l.text}`, [...(seen.get(`${l.chat} ${l.text}`) ?? []), l.instance]);
  expect([...seen].filter(([, by]) => by.length > 1), 'messages sent more than once (and by which instances)').toEqual([]);
  expect(log).toHaveLength(CHATS * PER_CHAT);
  const expected = Array.from({ length: PER_CHAT }, (_, n) => `notice ${n + 1}`);
  for (const chat of chats) expect(log.filter((l) => l.chat === chat.chatId).map((l) => l.text), chat.chatId).toEqual(expected);
  expect(await first.db.outboxMessage.count({ where: { status: 'sent' } })).toBe(CHATS * PER_CHAT);
  // A real share each: on the batched marks without a bound, the instance that leased first held
  // every chat's head for its whole pass and sent (nearly) all of it; now each serves its chats.
  const byA = log.filter((l) => l.instance === 'a').length;
  const shares = { a: byA, b: log.length - byA };
  process.stdout.write(`outbox shared: ${JSON.stringify(shares)}\n`);
  expect(Math.min(shares.a, shares.b), `sent by each instance: ${JSON.stringify(shares)}`).toBeGreaterThanOrEqual(CHATS * PER_CHAT * 0.25);
});
