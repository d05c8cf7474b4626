import { afterEach, describe, expect, it } from 'vitest';
import { pino } from 'pino';
import { DeliveryError } from '../../src/bot/adapter.ts';
import type { ChatRef } from '../../src/bot/types.ts';
import { ManualClock } from '../../src/clock.ts';
import type { Database } from '../../src/db/client.ts';
import { OutboxDispatcher } from '../../src/outbox/dispatcher.ts';
import { enqueueMessages } from '../../src/outbox/enqueue.ts';
import { freshSqlite } from '../support/db.ts';
import { RecordingAdapter, TEXT_CAPABILITIES } from '../support/recording-adapter.ts';

const silent = pino({ level: 'silent' });
const group = (id: string): ChatRef => ({ platform: 'console', chatId: id, kind: 'group' });

describe('OutboxDispatcher', () => {
  let database: (Database & { close(): Promise<void> }) | undefined;
  const dispatchers: OutboxDispatcher[] = [];
  afterEach(async () => {
    for (const d of dispatchers.splice(0)) await d.stop();
    await database?.close();
    database = undefined;
  });

  async function setup(adapter = new RecordingAdapter(), clock = new ManualClock('2026-11-26T08:00:00Z'), instanceId = 'test-1') {
    database ??= await freshSqlite();
    const d = new OutboxDispatcher({ db: database.db, adapters: [adapter], clock, logger: silent, instanceId, idleMs: 5 });
    dispatchers.push(d);
    return { d, adapter, clock, db: database.db };
  }

  async function put(db: Database['db'], clock: ManualClock, chat: ChatRef, texts: string[], prefix = chat.chatId) {
    await enqueueMessages(db, texts.map((text, i) => ({ chat, message: { kind: 'text', text }, key: `${prefix}:${i}` })), () => TEXT_CAPABILITIES, clock.now());
  }

  it('delivers each chat in order and stores an idempotency key once', async () => {
    const { d, adapter, clock, db } = await setup();
    await put(db, clock, group('a'), ['a1', 'a2', 'a3']);
    await put(db, clock, group('a'), ['a1', 'a2', 'a3']); // same keys again: ignored
    await put(db, clock, group('b'), ['b1', 'b2']);
    await d.start();
    await d.drain();
    expect(adapter.textsTo('a')).toEqual(['a1', 'a2', 'a3']);
    expect(adapter.textsTo('b')).toEqual(['b1', 'b2']);
    expect(await db.outboxMessage.count({ where: { status: 'sent' } })).toBe(5);
  });

  it('a 429 holds that chat for retry_after; other chats go on; order and every message kept', async () => {
    const { d, adapter, clock, db } = await setup();
    let throttled = false;
    adapter.beforeSend = (chat) => {
      if (chat.chatId === 'a' && !throttled) {
        throttled = true;
        throw new DeliveryError('rate_limited', 'Too Many Requests: retry after 7', 7000);
      }
    };
    await put(db, clock, group('a'), ['a1', 'a2']);
    await put(db, clock, group('b'), ['b1', 'b2']);
    await d.start();
    await d.drain();
    expect(adapter.textsTo('a')).toEqual([]);
    expect(adapter.textsTo('b')).toEqual(['b1', 'b2']);
    const head = await db.outboxMessage.findFirstOrThrow({ where: { chatId: 'a' }, orderBy: { id: 'asc' } });
    expect(head.notBefore.getTime() - clock.now().getTime()).toBe(7000);
    clock.advance(6999);
    d.notify();
    await d.drain();
    expect(adapter.textsTo('a')).toEqual([]);
    clock.advance(1);
    d.notify();
    await d.drain();
    expect(adapter.textsTo('a')).toEqual(['a1', 'a2']);
  });

  it('a permanent error fails that message only', async () => {
    const { d, adapter, clock, db } = await setup();
    adapter.beforeSend = (chat, m) => {
      if (chat.chatId === 'kicked' || (m.kind === 'text' && m.text === 'bad')) throw new DeliveryError('permanent', 'Forbidden: bot was kicked from the group chat');
    };
    await put(db, clock, group('kicked'), ['k1', 'k2']);
    await put(db, clock, group('ok'), ['o1', 'bad', 'o3']);
    await d.start();
    await d.drain();
    expect(adapter.textsTo('ok')).toEqual(['o1', 'o3']);
    const failed = await db.outboxMessage.findMany({ where: { status: 'failed' }, orderBy: { id: 'asc' } });
    expect(failed.map((f) => f.chatId)).toEqual(['kicked', 'kicked', 'ok']);
    expect(failed[0]!.lastError).toBe('permanent: Forbidden: bot was kicked from the group chat');
  });

  it('transient errors retry with growing backoff, then fail after the maximum attempts', async () => {
    const { d, adapter, clock, db } = await setup();
    let failures = 3;
    adapter.beforeSend = () => {
      if (failures-- > 0) throw new Error('socket hang up');
    };
    await put(db, clock, group('a'), ['a1']);
    await d.start();
    const waits: number[] = [];
    for (let i = 0; i < 3; i++) {
      await d.drain();
      const row = await db.outboxMessage.findFirstOrThrow();
      waits.push(row.notBefore.getTime() - clock.now().getTime());
      clock.set(row.notBefore);
      d.notify();
    }
    await d.drain();
    expect(waits).toEqual([1000, 2000, 4000]);
    expect(adapter.textsTo('a')).toEqual(['a1']);
    expect((await db.outboxMessage.findFirstOrThrow()).attempts).toBe(4);
  });

  it('holds messages while the platform is offline and delivers them when it is back', async () => {
    const adapter = new RecordingAdapter();
    adapter.online = false;
    const { d, clock, db } = await setup(adapter);
    await put(db, clock, group('a'), ['a1', 'a2']);
    await d.start();
    await d.tick();
    expect(adapter.sent).toHaveLength(0);
    expect(await db.outboxMessage.count({ where: { status: 'pending' } })).toBe(2);
    adapter.online = true;
    d.notify();
    await d.drain();
    expect(adapter.textsTo('a')).toEqual(['a1', 'a2']);
  });

  it('two dispatchers on one database send every message exactly once, each chat in order', async () => {
    const clock = new ManualClock('2026-11-26T08:00:00Z');
    const a1 = new RecordingAdapter();
    const a2 = new RecordingAdapter();
    const one = await setup(a1, clock, 'inst-1');
    const two = await setup(a2, clock, 'inst-2');
    const log: string[] = [];
    a1.beforeSend = a2.beforeSend = (_chat, m) => {
      log.push((m as { text: string }).text);
    };
    for (let c = 0; c < 10; c++) await put(one.db, clock, group(`c${c}`), Array.from({ length: 10 }, (_, i) => `c${c}-${i}`));
    await Promise.all([one.d.start(), two.d.start()]);
    await Promise.all([one.d.drain(), two.d.drain()]);
    expect(log).toHaveLength(100);
    expect(new Set(log).size).toBe(100);
    for (let c = 0; c < 10; c++) {
      expect(log.filter((t) => t.startsWith(`c${c}-`))).toEqual(Array.from({ length: 10 }, (_, i) => `c${c}-${i}`));
    }
  });
});
