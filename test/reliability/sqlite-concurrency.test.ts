// One SQLite connection serves the whole bot (the inbox's transactions, the outbox's leases, the
// scheduler's claims), and the event loop interleaves them. These tests show that work done
// outside an open transaction is neither swallowed by that transaction's rollback nor able to see
// its uncommitted rows, at the database level and through the whole bot.
import { afterEach, describe, expect, it } from 'vitest';
import type { ChatRef } from '../../src/bot/types.ts';
import { enqueueMessages } from '../../src/outbox/enqueue.ts';
import { freshSqlite } from '../support/db.ts';
import { startTestBot, type TestBot } from '../support/app.ts';
import type { Database } from '../../src/db/client.ts';

let db: (Database & { file: string }) | undefined;
let bot: TestBot | undefined;
afterEach(async () => {
  await bot?.stop();
  await db?.close();
  bot = undefined;
  db = undefined;
});

describe('one SQLite connection shared by concurrent work', () => {
  it('a write outside an open transaction survives that transaction rolling back', async () => {
    db = await freshSqlite();
    const outside: Promise<unknown>[] = [];
    await expect(
      db.db.$transaction(async (tx) => {
        await tx.auditLog.create({ data: { action: 'inside', detail: '' } });
        outside.push(db!.db.auditLog.create({ data: { action: 'outside', detail: '' } }));
        await new Promise((r) => setTimeout(r, 20));
        throw new Error('handler failed');
      }),
    ).rejects.toThrow('handler failed');
    await Promise.all(outside);
    const rows = await db.db.auditLog.findMany({ select: { action: true } });
    expect(rows.map((r) => r.action)).toEqual(['outside']);
  });

  it('a read outside an open transaction does not see its uncommitted rows', async () => {
    db = await freshSqlite();
    let seen = -1;
    await db.db
      .$transaction(async (tx) => {
        await tx.auditLog.create({ data: { action: 'uncommitted', detail: '' } });
        const count = db!.db.auditLog.count();
        await new Promise((r) => setTimeout(r, 20));
        throw new Error('rollback');
        void count;
      })
      .catch(() => {});
    // The count issued during the transaction must not have counted the row that was rolled back.
    await db.db
      .$transaction(async (tx) => {
        await tx.auditLog.create({ data: { action: 'uncommitted', detail: '' } });
        const pending = db!.db.auditLog.count().then((n) => (seen = n));
        await new Promise((r) => setTimeout(r, 20));
        void pending;
        throw new Error('rollback');
      })
      .catch(() => {});
    await new Promise((r) => setTimeout(r, 20));
    expect(seen).toBe(0);
  });

  it('refused commands while a broadcast is delivered: every chat gets the notice exactly once', async () => {
    db = await freshSqlite();
    bot = await startTestBot(db, { env: { BOT_ADMINS: 'console:admin' } });
    const { app, adapter } = bot;
    const chats: ChatRef[] = Array.from({ length: 300 }, (_, i) => ({ platform: 'console', chatId: `village-${i}`, kind: 'group' }));
    await db.db.$transaction((tx) =>
      enqueueMessages(tx, chats.map((chat, i) => ({ chat, message: { kind: 'text', text: 'notice' }, key: `notice:${i}` })), () => adapter.capabilities, bot!.clock.now()),
    );
    app.outbox.notify();
    // A refusal rolls its transaction back; outbox leases and "sent" marks written meanwhile must stay.
    for (let i = 0; i < 150; i++) await adapter.deliver(adapter.message('admin', '/setrole @nobody-here member', { sentAt: bot.clock.now() }));
    await app.idle();
    const perChat = new Map<string, number>();
    for (const d of adapter.sent) if (d.chat.chatId.startsWith('village-')) perChat.set(d.chat.chatId, (perChat.get(d.chat.chatId) ?? 0) + 1);
    expect(perChat.size).toBe(300);
    expect([...perChat.values()].filter((n) => n > 1)).toEqual([]);
  });

  it('events delivered concurrently, some refused: none is lost', async () => {
    db = await freshSqlite();
    bot = await startTestBot(db, { env: { BOT_ADMINS: 'console:admin' } });
    const { app, adapter } = bot;
    const events = Array.from({ length: 200 }, (_, i) =>
      i % 2 === 0
        ? adapter.message('admin', '/setrole @nobody-here member', { sentAt: bot!.clock.now(), eventId: `c${i}` })
        : adapter.message(`member-${i}`, '/whoami', { sentAt: bot!.clock.now(), eventId: `c${i}`, private: true }),
    );
    const outcomes = await Promise.all(events.map((e) => app.handle(e)));
    await app.idle();
    expect(outcomes.filter((o) => o === 'refused')).toHaveLength(100);
    expect(outcomes.filter((o) => o === 'done')).toHaveLength(100);
    const statuses = await db.db.inboundEvent.groupBy({ by: ['status'], _count: true });
    expect(statuses.map((s) => [s.status, s._count])).toEqual([['done', 200]]);
    for (let i = 1; i < 200; i += 2) expect(adapter.textsTo(`member-${i}`)).toHaveLength(1);
  });
});
