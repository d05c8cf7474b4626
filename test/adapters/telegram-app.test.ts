// The whole bot on Telegram: the real app (inbox, router, features, outbox) around the real
// TelegramAdapter (telegraf over HTTP) against the fake Bot API server. Conversations run on the
// real clock with the outbox's rate windows scaled down; the delivery tests drive the outbox one
// tick at a time on a manual clock that the fake server also stamps its call log with, so the
// rate assertions hold exactly, with Telegram's real limits and no waiting.
import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import type { RateLimits } from '../../src/bot/adapter.ts';
import type { ChatRef } from '../../src/bot/types.ts';
import { createApp, type App } from '../../src/app.ts';
import { loadConfig } from '../../src/config.ts';
import { HttpServer } from '../../src/http/server.ts';
import { ManualClock, systemClock, type Clock } from '../../src/clock.ts';
import type { Database } from '../../src/db/client.ts';
import { enqueueMessages } from '../../src/outbox/enqueue.ts';
import { TelegramAdapter } from '../../src/adapters/telegram/adapter.ts';
import { FakeTelegram, maxInWindow, minGap, type CallRecord, type FakeUser } from '../support/fake-telegram.ts';
import { freshSqlite } from '../support/db.ts';

const admin: FakeUser = { id: 1001, first_name: 'Zhang', last_name: 'Wei', username: 'zhangwei' };
const member: FakeUser = { id: 2002, first_name: 'Li', last_name: 'Na' };
const village = { id: -1009001, title: 'Dongbeiliu Village' };

interface Harness {
  readonly fake: FakeTelegram;
  readonly app: App;
  readonly adapter: TelegramAdapter;
  readonly db: Database;
  readonly http: HttpServer | undefined;
}

let h: Harness | undefined;
let started = false;

afterEach(async () => {
  if (h) {
    if (started) await h.app.stop();
    else await h.adapter.stop();
    await h.http?.close();
    await h.fake.stop();
    await h.db.close();
  }
  h = undefined;
  started = false;
});

/**
 * Builds the bot on a fresh SQLite database and a fake Telegram. `run: 'app'` starts the whole app
 * (outbox loop included); `run: 'adapter'` starts only the adapter, so a test can drive the outbox
 * with `tick()` on a manual clock.
 */
async function build(opts: { clock: Clock; run: 'app' | 'adapter'; rateLimits?: Partial<RateLimits>; rateTimeScale?: number; webhook?: boolean }): Promise<Harness> {
  const db = await freshSqlite();
  const fake = new FakeTelegram({ clock: () => opts.clock.now().getTime() });
  await fake.start();
  const config = loadConfig({
    DATABASE_URL: db.url,
    BOT_ADMINS: `telegram:${admin.id}`,
    BOT_LOCALE: 'en',
    TELEGRAM_BOT_TOKEN: fake.token,
    TELEGRAM_API_ROOT: fake.apiRoot,
  });
  const logger = pino({ level: 'silent' });
  const http = opts.webhook ? new HttpServer() : undefined;
  await http?.listen(0, '127.0.0.1');
  const adapter = new TelegramAdapter({
    token: fake.token,
    apiRoot: fake.apiRoot,
    logger,
    locale: 'en',
    commands: () => app.registry.commands.map((c) => ({ name: c.name, description: app.translate(c.summaryKey) })),
    clock: opts.clock,
    retryDelayMs: { initial: 5, max: 20 },
    ...(opts.rateLimits ? { rateLimits: opts.rateLimits } : {}),
    ...(http ? { webhook: { url: 'https://bot.example.org/telegram', secret: 'e2e-secret', http } } : {}),
  });
  const app = createApp({ config, database: db, adapters: [adapter], logger, clock: opts.clock, outbox: { idleMs: opts.run === 'app' ? 20 : 3_600_000, ...(opts.rateTimeScale ? { rateTimeScale: opts.rateTimeScale } : {}) } });
  h = { fake, app, adapter, db, http };
  if (opts.run === 'app') {
    await app.start();
    started = true;
  } else {
    await adapter.start(async (incoming) => {
      await app.inbox.receive(incoming);
    });
  }
  return h;
}

const texts = (calls: readonly CallRecord[]): string[] => calls.map((c) => String(c.payload.text ?? ''));

describe('Telegram end to end: a group conversation', () => {
  it('an admin binds the chat; a member gets /help and /whoami replies', async () => {
    const { fake, adapter } = await build({ clock: systemClock, run: 'app', rateTimeScale: 50 });
    expect(fake.commands.map((c) => c.command)).toEqual(expect.arrayContaining(['help', 'whoami', 'bindchat']));

    fake.injectGroupMessage({ chat: village, from: admin, text: `/bindchat@${adapter.username} Dongbeiliu Village Branch` });
    await fake.waitFor(() => fake.sent(village.id).length >= 1, 'the bind reply');
    expect(texts(fake.sent(village.id))[0]).toContain('bound to "Dongbeiliu Village Branch"');

    const before = fake.sent(village.id).length;
    fake.injectGroupMessage({ chat: village, from: member, text: '/help' });
    await fake.waitFor(() => texts(fake.sent(village.id)).some((t) => t.includes('You can use these commands')), 'the help reply');
    const help = texts(fake.sent(village.id).slice(before)).join('\n');
    expect(help).toContain('Your role: member');
    expect(help).toContain('/whoami');
    expect(help).not.toContain('/bindchat');

    fake.injectGroupMessage({ chat: village, from: member, text: `/whoami@${adapter.username}` });
    await fake.waitFor(() => texts(fake.sent(village.id)).some((t) => t.includes('Name: Li Na')), 'the whoami reply');
    const whoami = texts(fake.sent(village.id)).find((t) => t.includes('Name: Li Na'))!;
    expect(whoami).toContain('Role: member');
    expect(whoami).toContain('Unit: Dongbeiliu Village Branch');
  });

  it('handles an update delivered twice (webhook retry) once', async () => {
    const { fake } = await build({ clock: systemClock, run: 'app', rateTimeScale: 50, webhook: true });
    const local = `http://127.0.0.1:${h!.http!.port}/telegram`;
    fake.injectPrivateMessage({ from: admin, text: '/whoami' });
    const update = fake.pendingUpdates()[0]!;
    expect(await fake.postUpdate(local, update, 'e2e-secret')).toBe(200);
    expect(await fake.postUpdate(local, update, 'e2e-secret')).toBe(200);
    await h!.app.idle('telegram');
    expect(fake.sent(admin.id)).toHaveLength(1);
    expect(texts(fake.sent(admin.id))[0]).toContain('Name: Zhang Wei');
    const events = await h!.db.db.inboundEvent.count({ where: { platform: 'telegram', eventId: String(update.update_id) } });
    expect(events).toBe(1);
  });
});

describe('Telegram end to end: people are named by account, not by a copied name', () => {
  const realLiSi: FakeUser = { id: 3003, first_name: 'Li', last_name: 'Si', username: 'li_si' };
  const impostor: FakeUser = { id: 4004, first_name: 'li_si' };

  it('an impostor whose first name copies a username cannot be promoted by @username; the real user is, and the reply names the id', async () => {
    const { fake, app } = await build({ clock: systemClock, run: 'app', rateTimeScale: 50 });
    const say = async (from: FakeUser, text: string): Promise<string> => {
      const before = fake.sent(village.id).length;
      fake.injectGroupMessage({ chat: village, from, text });
      await fake.waitFor(() => fake.sent(village.id).length > before, `the reply to ${text}`);
      return texts(fake.sent(village.id).slice(before)).join('\n');
    };
    expect(await say(admin, '/bindchat Dongbeiliu Village Branch')).toContain('bound to');
    fake.injectGroupMessage({ chat: village, from: realLiSi, text: 'hello' });
    fake.injectGroupMessage({ chat: village, from: impostor, text: 'hello' });
    expect(await say(admin, '/setrole @nobody_here secretary')).toContain('I do not know @nobody_here yet');

    const done = await say(admin, '/setrole @li_si secretary');
    const db = app.database.db;
    const real = await db.platformIdentity.findFirstOrThrow({ where: { externalId: String(realLiSi.id) }, include: { member: true } });
    const fakeOne = await db.platformIdentity.findFirstOrThrow({ where: { externalId: String(impostor.id) }, include: { member: true } });
    expect(done).toBe(`Li Si (M${real.memberId}, Dongbeiliu Village Branch) is now secretary.`);
    expect(real.member.role).toBe('secretary');
    expect(fakeOne.member.role).toBe('member');

    // A bare name that is the impostor's display name and the real user's username picks nobody.
    const bare = await say(admin, '/setrole li_si member');
    expect(bare).toContain('Several people are called "li_si"');
    expect(bare).toContain(`M${real.memberId}`);
    expect(bare).toContain(`M${fakeOne.memberId}`);
    expect((await db.member.findUniqueOrThrow({ where: { id: real.memberId } })).role).toBe('secretary');

    // The admin spoke in the village chat but is not its member.
    const adminRow = await db.platformIdentity.findFirstOrThrow({ where: { externalId: String(admin.id) }, include: { member: true } });
    expect(adminRow.member.unitId).toBeNull();
  });
});

/** Enqueues `perChat[i]` numbered texts for each chat, through the outbox like any feature reply. */
async function enqueue(app: App, clock: Clock, chats: readonly ChatRef[], perChat: (chat: ChatRef, i: number) => number): Promise<number> {
  const items = chats.flatMap((chat, c) => Array.from({ length: perChat(chat, c) }, (_, n) => ({ chat, key: `t:${chat.chatId}:${n}`, message: { kind: 'text' as const, text: `${chat.chatId} #${n}` } })));
  return enqueueMessages(app.database.db, items, () => h!.adapter.capabilities, clock.now());
}

/**
 * Runs the outbox tick by tick, moving the manual clock to the next moment something may be sent
 * (the long idle period of `run: 'adapter'` makes `tick()` return exactly that moment).
 */
async function drive(app: App, clock: ManualClock, done: () => boolean, maxTicks = 100_000): Promise<void> {
  for (let i = 0; i < maxTicks && !done(); i++) {
    const wait = await app.outbox.tick();
    if (wait > 0 && !done()) clock.advance(wait);
  }
  if (!done()) throw new Error('outbox did not finish');
}

/** The numbers of the texts delivered to one chat, in delivery order. */
const order = (fake: FakeTelegram, chatId: string): number[] => texts(fake.sent(chatId)).map((t) => Number(t.split('#')[1]));

describe('Telegram end to end: outbox delivery', () => {
  const group = (id: number): ChatRef => ({ platform: 'telegram', chatId: String(id), kind: 'group', title: `g${id}` });
  const person = (id: number): ChatRef => ({ platform: 'telegram', chatId: String(id), kind: 'private' });

  it('a 429 on one chat holds that chat for retry_after; the others go on; order kept, nothing lost', async () => {
    const clock = new ManualClock('2026-11-26T08:00:00Z');
    const { fake, app } = await build({ clock, run: 'adapter' });
    const chats = [group(-101), group(-102), group(-103)];
    for (const c of chats) fake.addChat({ id: Number(c.chatId), type: 'supergroup', title: c.title });
    await enqueue(app, clock, chats, () => 6);
    fake.failNext({ method: 'sendMessage', chatId: -102, code: 429, description: 'Too Many Requests: retry after 5', retryAfter: 5 });
    const t0 = clock.now().getTime();
    await drive(app, clock, () => fake.sent().length === 18);

    for (const c of chats) expect(order(fake, c.chatId)).toEqual([0, 1, 2, 3, 4, 5]);
    const refused = fake.callsOf('sendMessage').find((c) => c.errorCode === 429)!;
    expect(refused.payload.text).toBe('-102 #0');
    const held = fake.sent(-102);
    expect(held[0]!.at - refused.at).toBeGreaterThanOrEqual(5000);
    // The other chats were not held: one message a second from the start.
    for (const id of [-101, -103]) expect(fake.sent(id).map((c) => c.at - t0)).toEqual([0, 1000, 2000, 3000, 4000, 5000]);
    expect(await app.database.db.outboxMessage.count({ where: { status: { not: 'sent' } } })).toBe(0);
  });

  it('a 403 "bot was kicked" fails that message with the reason; the rest are delivered', async () => {
    const clock = new ManualClock('2026-11-26T08:00:00Z');
    const { fake, app } = await build({ clock, run: 'adapter' });
    const chats = [group(-201), group(-202)];
    for (const c of chats) fake.addChat({ id: Number(c.chatId), type: 'supergroup', title: c.title });
    await enqueue(app, clock, chats, () => 3);
    fake.failNext({ method: 'sendMessage', chatId: -201, code: 403, description: 'Forbidden: bot was kicked from the group chat' });
    await drive(app, clock, () => fake.sent().length === 5);

    expect(order(fake, '-201')).toEqual([1, 2]);
    expect(order(fake, '-202')).toEqual([0, 1, 2]);
    const failed = await app.database.db.outboxMessage.findMany({ where: { status: 'failed' } });
    expect(failed).toHaveLength(1);
    expect(failed[0]).toMatchObject({ chatId: '-201', idempotencyKey: 't:-201:0' });
    expect(failed[0]!.lastError).toContain('bot was kicked from the group chat');
  });

  it('1,000 messages to 50 chats stay within the per-chat, per-group and overall limits', async () => {
    const clock = new ManualClock('2026-11-26T08:00:00Z');
    const { fake, app, adapter } = await build({ clock, run: 'adapter' });
    const limits = adapter.capabilities.rateLimits;
    expect(limits).toEqual({ globalPerSecond: 30, perChatIntervalMs: 1000, perGroupPerMinute: 20 });
    // 40 groups with 22 messages (more than a group may take in a minute) and 10 private chats with 12.
    const chats = [...Array.from({ length: 40 }, (_, i) => group(-5000 - i)), ...Array.from({ length: 10 }, (_, i) => person(5000 + i))];
    for (const c of chats) fake.addChat(c.kind === 'group' ? { id: Number(c.chatId), type: 'supergroup', title: c.title } : { id: Number(c.chatId), type: 'private', first_name: 'P' });
    expect(await enqueue(app, clock, chats, (c) => (c.kind === 'group' ? 22 : 12))).toBe(1000);
    const t0 = clock.now().getTime();
    await drive(app, clock, () => fake.sent().length === 1000);

    const sends = fake.callsOf('sendMessage');
    expect(sends.every((c) => c.ok)).toBe(true);
    expect(sends).toHaveLength(1000);
    const all = sends.map((c) => c.at);
    expect(maxInWindow(all, 1000)).toBeLessThanOrEqual(limits.globalPerSecond);
    for (const c of chats) {
      const times = fake.sent(c.chatId).map((x) => x.at);
      expect(order(fake, c.chatId)).toEqual(Array.from({ length: c.kind === 'group' ? 22 : 12 }, (_, i) => i));
      expect(minGap(times)).toBeGreaterThanOrEqual(limits.perChatIntervalMs);
      if (c.kind === 'group') expect(maxInWindow(times, 60_000)).toBeLessThanOrEqual(limits.perGroupPerMinute);
    }
    // Not much slower than it must be: the group limit pushes each group's last two messages past
    // its first minute, so about 62 s is the least; the outbox serves chats in id order, so the last
    // groups start late (81 s measured), well short of a stuck or over-cautious limiter.
    const span = Math.max(...all) - t0;
    expect(span).toBeGreaterThanOrEqual(60_000);
    expect(span).toBeLessThan(90_000);
  }, 120_000);
});
