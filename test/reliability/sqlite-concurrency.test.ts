// One SQLite connection serves the whole bot (the inbox's transactions, the outbox's leases, the
// scheduler's claims) and the event loop interleaves them. A statement issued outside a
// transaction while one is open must neither be swallowed by that transaction's rollback nor see
// its uncommitted rows — at the database level and through the whole bot.
import { afterEach, describe, expect, it } from 'vitest';
import type { ChatRef } from '../../src/bot/types.ts';
import type { Database } from '../../src/db/client.ts';
import { enqueueMessages } from '../../src/outbox/enqueue.ts';
import { freshSqlite } from '../support/db.ts';
import { startReliabilityBot, type ReliabilityBot } from '../support/reliability.ts';

let db: (Database & { file: string }) | undefined;
let bot: ReliabilityBot | undefined;
afterEach(async () => {
  await bot?.stop();
  await db?.close();
  bot = undefined;
  db = undefined;
});

/** Resolves with the promise's value, or `'pending'` if it has not settled within `ms`. */
async function within<T>(p: Promise<T>, ms: number): Promise<T | 'pending'> {
  let timer: NodeJS.Timeout | undefined;
  const r = await Promise.race([p, new Promise<'pending'>((resolve) => (timer = setTimeout(() => resolve('pending'), ms)))]);
  clearTimeout(timer);
  return r;
}

describe('one SQLite connection shared by concurrent work', () => {
  it('a write issued outside an open transaction survives that transaction rolling back', async () => {
    db = await freshSqlite();
    let outside: Promise<unknown> | undefined;
    await expect(
      db.db.$transaction(async (tx) => {
        await tx.auditLog.create({ data: { action: 'inside', detail: '' } });
        outside = db!.db.auditLog.create({ data: { action: 'outside', detail: '' } });
        await within(outside, 300); // runs now (inside the transaction) or waits for it to end
        throw new Error('handler failed');
      }),
    ).rejects.toThrow('handler failed');
    await outside;
    const rows = await db.db.auditLog.findMany({ select: { action: true } });
    expect(rows.map((r) => r.action)).toEqual(['outside']);
  });

  it('a read issued outside an open transaction does not see its uncommitted rows', async () => {
    db = await freshSqlite();
    let count: Promise<number> | undefined;
    await db.db
      .$transaction(async (tx) => {
        await tx.auditLog.create({ data: { action: 'uncommitted', detail: '' } });
        count = db!.db.auditLog.count();
        await within(count, 300);
        throw new Error('rollback');
      })
      .catch(() => {});
    expect(await count).toBe(0);
  });

  it('refused commands while a broadcast is delivered: every chat gets the notice exactly once', async () => {
    db = await freshSqlite();
    bot = await startReliabilityBot(db, { env: { BOT_ADMINS: 'console:admin' }, outbox: { leaseMs: 500 } });
    const { app, adapter } = bot;
    const chats: ChatRef[] = Array.from({ length: 300 }, (_, i) => ({ platform: 'console', chatId: `village-${i}`, kind: 'group' }));
    await db.db.$transaction((tx) =>
      enqueueMessages(tx, chats.map((chat, i) => ({ chat, message: { kind: 'text', text: 'notice' }, key: `notice:${i}` })), () => adapter.capabilities, new Date()),
    );
    app.outbox.notify();
    // A refusal rolls its transaction back; outbox leases and "sent" marks written meanwhile must stay.
    for (let i = 0; i < 150; i++) await adapter.deliver(adapter.message('admin', '/setrole @nobody-here member'));
    await app.idle();
    const perChat = new Map<string, number>();
    for (const d of adapter.sent) if (d.chat.chatId.startsWith('village-')) perChat.set(d.chat.chatId, (perChat.get(d.chat.chatId) ?? 0) + 1);
    expect(perChat.size).toBe(300);
    expect([...perChat.entries()].filter(([, n]) => n > 1)).toEqual([]);
  });

  it('events delivered concurrently, half of them refused: none is lost', async () => {
    db = await freshSqlite();
    bot = await startReliabilityBot(db, { env: { BOT_ADMINS: 'console:admin' } });
    const { app, adapter } = bot;
    await app.handle(adapter.message('admin', '/bindchat 东北流村党支部')); // a command in an unbound group is only hinted at
    const events = Array.from({ length: 200 }, (_, i) =>
      i % 2 === 0
        ? adapter.message('admin', '/setrole @nobody-here member', { eventId: `c${i}` })
        : adapter.message(`member-${i}`, '/whoami', { eventId: `c${i}`, private: true }),
    );
    const outcomes = await Promise.all(events.map((e) => app.handle(e)));
    await app.idle();
    expect(outcomes.filter((o) => o === 'refused')).toHaveLength(100);
    expect(outcomes.filter((o) => o === 'done')).toHaveLength(100);
    const statuses = await db.db.inboundEvent.groupBy({ by: ['status'], _count: true });
    expect(statuses.map((s) => [s.status, s._count])).toEqual([['done', 201]]); // and the /bindchat before them
    for (let i = 1; i < 200; i += 2) expect(adapter.textsTo(`member-${i}`)).toHaveLength(1);
  });
});
