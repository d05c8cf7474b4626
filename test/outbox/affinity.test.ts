// Two dispatchers on one database keep ONE account's platform limits together (#18): every chat
// is served by one live instance (src/outbox/affinity.ts), the overall rate is split between
// them, and a chat handed over (a peer joins, a peer crashes and its presence lapses) keeps its
// interval and its group's minute, because the new owner reads the chat's recent sends. Driven by
// an injected clock: each step moves it 100 ms and runs one pass of each running instance; the
// fake adapters record each send's time on that clock. Real SQLite file; PostgreSQL with
// TEST_DATABASE_URL.
import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import type { Capabilities } from '../../src/bot/adapter.ts';
import type { ChatRef } from '../../src/bot/types.ts';
import { ManualClock } from '../../src/clock.ts';
import { openDatabase, type Database } from '../../src/db/client.ts';
import { OutboxDispatcher } from '../../src/outbox/dispatcher.ts';
import { enqueueMessages } from '../../src/outbox/enqueue.ts';
import { describePg, freshPostgres, freshSqlite } from '../support/db.ts';
import { RecordingAdapter, TEXT_CAPABILITIES } from '../support/recording-adapter.ts';

const LIMITS = { globalPerSecond: 30, perChatIntervalMs: 1000, perGroupPerMinute: 20 };
const CAPABILITIES: Capabilities = { ...TEXT_CAPABILITIES, rateLimits: LIMITS };
const GROUPS = 40;
const PER_GROUP = 22; // more than a group's minute allows: the last ones wait for the minute
const PRIVATES = 20;
const PER_PRIVATE = 8;
const LEASE_MS = 5000;
const STEP_MS = 100;

interface Send {
  readonly instance: string;
  readonly at: number;
  readonly chat: string;
  readonly text: string;
}

let databases: Database[] = [];
afterEach(async () => {
  for (const d of databases.reverse()) await d.close();
  databases = [];
});

/** The most sends in any window of `ms` starting at a send (`times` ascending). */
function mostInWindow(times: readonly number[], ms: number): number {
  let most = 0;
  let j = 0;
  for (let i = 0; i < times.length; i++) {
    while (times[j]! < times[i]! - ms + 1) j++;
    most = Math.max(most, i - j + 1);
  }
  return most;
}

/**
 * Instance a runs from the start, b joins at `joinAt`, a stops at `crashAt` (as a crashed process:
 * no more passes, its presence left to lapse). Returns every send.
 */
async function run(first: Database, second: Database, timing: { joinAt: number; crashAt: number }): Promise<{ sends: Send[]; chats: ChatRef[] }> {
  const clock = new ManualClock('2026-12-02T08:00:00Z');
  const start = clock.now().getTime();
  const sends: Send[] = [];
  const dispatchers = [first, second].map((database, i) => {
    const instance = i === 0 ? 'a' : 'b';
    const adapter = new RecordingAdapter('console', CAPABILITIES);
    adapter.beforeSend = (chat, m) => void sends.push({ instance, at: clock.now().getTime() - start, chat: chat.chatId, text: m.kind === 'text' ? m.text : m.kind });
    return new OutboxDispatcher({ db: database.db, adapters: [adapter], clock, logger: pino({ level: 'silent' }), instanceId: instance, leaseMs: LEASE_MS });
  });
  const groups: ChatRef[] = Array.from({ length: GROUPS }, (_, c) => ({ platform: 'console', chatId: `group-${c}`, kind: 'group' }));
  const privates: ChatRef[] = Array.from({ length: PRIVATES }, (_, c) => ({ platform: 'console', chatId: `member-${c}`, kind: 'private' }));
  const items = [
    ...groups.flatMap((chat, c) => Array.from({ length: PER_GROUP }, (_, n) => ({ chat, message: { kind: 'text' as const, text: `notice ${n + 1}` }, key: `g:${c}:${n}` }))),
    ...privates.flatMap((chat, c) => Array.from({ length: PER_PRIVATE }, (_, n) => ({ chat, message: { kind: 'text' as const, text: `notice ${n + 1}` }, key: `p:${c}:${n}` }))),
  ];
  await first.db.$transaction((tx) => enqueueMessages(tx, items, () => CAPABILITIES, clock.now()), { timeout: 60_000 });
  const total = items.length;
  for (let t = 0; sends.length < total && t < 10 * 60_000; t += STEP_MS) {
    if (t === 0) await dispatchers[0]!.join();
    if (t === timing.joinAt) await dispatchers[1]!.join();
    const running = dispatchers.filter((_, i) => (i === 0 ? t < timing.crashAt : t >= timing.joinAt));
    await Promise.all(running.map((d) => d.tick()));
    clock.advance(STEP_MS);
  }
  return { sends, chats: [...groups, ...privates] };
}

/** Every limit of one account holds over both instances' sends; each message once, in order. */
function expectOneAccount(sends: readonly Send[], chats: readonly ChatRef[]): void {
  const seen = new Map<string, number>();
  for (const s of sends) seen.set(`${s.chat} ${s.text}`, (seen.get(`${s.chat} ${s.text}`) ?? 0) + 1);
  expect([...seen].filter(([, n]) => n > 1), 'sent more than once').toEqual([]);
  for (const chat of chats) {
    const mine = sends.filter((s) => s.chat === chat.chatId);
    const count = chat.kind === 'group' ? PER_GROUP : PER_PRIVATE;
    expect(mine.map((s) => s.text), chat.chatId).toEqual(Array.from({ length: count }, (_, n) => `notice ${n + 1}`));
    const gaps = mine.slice(1).map((s, i) => s.at - mine[i]!.at);
    expect(Math.min(...gaps), `${chat.chatId}: shortest gap between two sends (ms)`).toBeGreaterThanOrEqual(LIMITS.perChatIntervalMs);
    if (chat.kind === 'group') {
      expect(mostInWindow(mine.map((s) => s.at), 60_000), `${chat.chatId}: most sends in one minute`).toBeLessThanOrEqual(LIMITS.perGroupPerMinute);
    }
  }
  expect(mostInWindow(sends.map((s) => s.at), 1000), 'most sends of both instances in one second').toBeLessThanOrEqual(LIMITS.globalPerSecond);
}

function suite(open: () => Promise<[Database, Database]>): void {
  it('two instances together keep one account\'s limits, and both send a share', async () => {
    const [first, second] = await open();
    const { sends, chats } = await run(first, second, { joinAt: 0, crashAt: Infinity });
    expectOneAccount(sends, chats);
    const byA = sends.filter((s) => s.instance === 'a').length;
    process.stdout.write(`affinity shares: ${JSON.stringify({ a: byA, b: sends.length - byA })}\n`);
    expect(Math.min(byA, sends.length - byA)).toBeGreaterThanOrEqual(sends.length * 0.25);
  }, 180_000);

  it('a peer joining mid-run and the first one crashing later: the limits hold across both hand-overs, none twice, order kept', async () => {
    const [first, second] = await open();
    const { sends, chats } = await run(first, second, { joinAt: 8_000, crashAt: 30_000 });
    expectOneAccount(sends, chats);
    const b = sends.filter((s) => s.instance === 'b');
    expect(sends.filter((s) => s.instance === 'a' && s.at >= 30_000)).toEqual([]);
    expect(Math.min(...b.map((s) => s.at)), 'b sends only once a has acknowledged it').toBeGreaterThanOrEqual(8_000);
    // After the crash, b takes a's chats (those a served between the join and the crash) once a's
    // presence lapsed, and finishes them.
    const aChats = new Set(sends.filter((s) => s.instance === 'a' && s.at >= 20_000).map((s) => s.chat));
    const takenOver = b.filter((s) => aChats.has(s.chat));
    expect(takenOver.length, "a's chats finished by b").toBeGreaterThan(0);
    expect(Math.min(...takenOver.map((s) => s.at)), "b takes a's chats after a's lease").toBeGreaterThanOrEqual(30_000);
  }, 180_000);
}

describe('chat affinity on SQLite', () => {
  suite(async () => {
    const first = await freshSqlite();
    const second = await openDatabase(`file:${first.file}`);
    databases.push(first, second);
    return [first, second];
  });
});

describePg('chat affinity on PostgreSQL', () => {
  suite(async () => {
    const first = await freshPostgres();
    databases.push(first);
    const second = await openDatabase(first.url);
    databases.push(second);
    return [first, second];
  });
});
