import { afterEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { argInput } from '../../src/bot/args.ts';
import { command, UserError, type Feature } from '../../src/bot/feature.ts';
import { ManualClock } from '../../src/clock.ts';
import type { Database } from '../../src/db/client.ts';
import { describePg, freshPostgres, freshSqlite } from '../support/db.ts';
import { startTestBot, type TestBot } from '../support/app.ts';

/** A feature whose commands misbehave on purpose: `boom` writes, then throws; `refuse` writes, then refuses. */
const faulty: Feature = {
  name: 'faulty',
  commands: [
    command({
      name: 'boom',
      aliases: ['爆炸'],
      minRole: 'member',
      summaryKey: 'core.help.summary',
      usageKey: 'core.help.usage',
      args: argInput,
      handler: async (ctx) => {
        await ctx.audit('boom', 'half-written');
        throw new Error('kaboom in handler');
      },
    }),
    command({
      name: 'refuse',
      aliases: [],
      minRole: 'member',
      summaryKey: 'core.help.summary',
      usageKey: 'core.help.usage',
      args: argInput.extend({ text: z.string().min(1) }),
      handler: async (ctx) => {
        await ctx.audit('refuse', 'half-written');
        throw new UserError('core.setrole.notFound', { name: 'X' });
      },
    }),
  ],
};

// The admin speaks privately: a group no admin has bound answers only /bindchat and /help.
function inboxSuite(name: string, open: () => Promise<Database & { close(): Promise<void> }>) {
  describe(`inbox on ${name}`, () => {
    let db: Database | undefined;
    let bot: TestBot | undefined;
    afterEach(async () => {
      await bot?.stop();
      await db?.close();
      bot = undefined;
      db = undefined;
    });

    async function start() {
      db = await open();
      bot = await startTestBot(db, { clock: new ManualClock('2026-11-26T08:00:00Z'), features: (d) => [...d, faulty] });
      return bot;
    }

    it('processes the same event delivered twice only once', async () => {
      const b = await start();
      const ev = b.adapter.message('管理员', '/whoami', { private: true, eventId: 'same-1', sentAt: b.clock.now() });
      await b.adapter.deliver(ev);
      await b.adapter.deliver(ev);
      await Promise.all([b.adapter.deliver(ev), b.adapter.deliver(ev)]);
      await b.app.idle();
      expect(b.adapter.sent).toHaveLength(1);
      const rows = await db!.db.inboundEvent.findMany({ where: { eventId: 'same-1' } });
      expect(rows).toHaveLength(1);
      expect(rows[0]!.status).toBe('done');
      expect(await db!.db.member.count()).toBe(1);
    });

    it('a throwing handler: apology, event failed with the error, nothing half-written, next message works', async () => {
      const b = await start();
      const replies = await b.say('管理员', '/boom now', { private: true, eventId: 'boom-1' });
      expect(replies).toEqual([b.app.translate('core.error.apology')]);
      const row = await db!.db.inboundEvent.findFirstOrThrow({ where: { eventId: 'boom-1' } });
      expect(row.status).toBe('failed');
      expect(row.error).toContain('kaboom in handler');
      expect(await db!.db.auditLog.count({ where: { action: 'boom' } })).toBe(0);
      // The speaker's registration was part of the failed transaction too; the next message registers and works.
      const next = await b.say('管理员', '/whoami', { private: true });
      expect(next).toHaveLength(1);
      expect(next[0]).toContain('管理员');
    });

    it('a refusal replies with its text and rolls back the handler writes', async () => {
      const b = await start();
      const replies = await b.say('管理员', '/refuse please', { private: true, eventId: 'refuse-1' });
      expect(replies).toEqual([b.app.translate('core.setrole.notFound', { name: 'X' })]);
      expect(await db!.db.auditLog.count({ where: { action: 'refuse' } })).toBe(0);
      expect((await db!.db.inboundEvent.findFirstOrThrow({ where: { eventId: 'refuse-1' } })).status).toBe('done');
    });

    it('a malformed command gets the usage and records nothing', async () => {
      const b = await start();
      await b.say('管理员', '/whoami', { private: true });
      const audits = await db!.db.auditLog.count();
      const replies = await b.say('管理员', '/refuse', { private: true });
      expect(replies).toEqual(['格式不对。\n例如：/help 打卡\n完整用法：/help refuse']);
      expect(await db!.db.auditLog.count()).toBe(audits);
    });

    it('records but does not answer an event older than the maximum age', async () => {
      const b = await start();
      const old = new Date(b.clock.now().getTime() - 10 * 60_000);
      const replies = await b.say('管理员', '/whoami', { eventId: 'old-1', sentAt: old });
      expect(replies).toEqual([]);
      expect((await db!.db.inboundEvent.findFirstOrThrow({ where: { eventId: 'old-1' } })).status).toBe('ignored');
    });

    it('keeps a chat row and its title current: created once, renamed when the title changes, kept when none is given', async () => {
      const b = await start();
      const first = b.adapter.message('管理员', '/whoami', { private: true, eventId: 'title-1', sentAt: b.clock.now() });
      // The sink resolves once an event is recorded; its chat's lane processes it: wait for that.
      const deliver = async (ev: typeof first) => {
        await b.adapter.deliver(ev);
        await b.app.idle();
      };
      await deliver(first);
      await deliver({ ...first, eventId: 'title-2' });
      const chatWhere = { platform: first.chat.platform, externalId: first.chat.chatId };
      expect(await db!.db.chat.findMany({ where: chatWhere, select: { title: true } })).toEqual([{ title: first.chat.title }]);
      await deliver({ ...first, eventId: 'title-3', chat: { ...first.chat, title: '新名字' } });
      expect((await db!.db.chat.findFirstOrThrow({ where: chatWhere })).title).toBe('新名字');
      await deliver({ ...first, eventId: 'title-4', chat: { ...first.chat, title: undefined } });
      expect((await db!.db.chat.findFirstOrThrow({ where: chatWhere })).title).toBe('新名字');
      expect(b.adapter.sent).toHaveLength(4);
    });

    it('recovers an event recorded before a crash', async () => {
      const b = await start();
      const ev = b.adapter.message('管理员', '/whoami', { private: true, eventId: 'crash-1', sentAt: b.clock.now() });
      await db!.db.inboundEvent.create({ data: { platform: 'console', eventId: 'crash-1', payload: JSON.stringify(ev), receivedAt: b.clock.now() } });
      expect(await b.app.inbox.recover()).toBe(1);
      await b.app.idle();
      expect(b.adapter.sent).toHaveLength(1);
      expect((await db!.db.inboundEvent.findFirstOrThrow({ where: { eventId: 'crash-1' } })).status).toBe('done');
      expect(await b.app.inbox.recover()).toBe(0);
    });
  });
}

inboxSuite('SQLite', freshSqlite);
describePg('inbox on PostgreSQL', () => {
  inboxSuite('PostgreSQL', freshPostgres);
});
