// Pledges on Telegram: the real app around the real TelegramAdapter (telegraf over HTTP) against
// the fake Bot API server. Pledges and check-ins from two members in a group, a photo sent with a
// check-in kept as evidence, a refusal, the list with exact bars, and a reminder delivered as a
// private Telegram message. English prompts, so both languages are exercised end to end.
import { pino } from 'pino';
import { afterEach, expect, it } from 'vitest';
import { createApp, type App } from '../../../src/app.ts';
import { loadConfig } from '../../../src/config.ts';
import type { Clock } from '../../../src/clock.ts';
import type { Database } from '../../../src/db/client.ts';
import { TelegramAdapter } from '../../../src/adapters/telegram/adapter.ts';
import { enqueueMessages } from '../../../src/outbox/enqueue.ts';
import { runPledgeReminders } from '../../../src/features/pledges/index.ts';
import { FakeTelegram, type CallRecord, type FakeUser } from '../../support/fake-telegram.ts';
import { freshSqlite } from '../../support/db.ts';

const admin: FakeUser = { id: 1001, first_name: 'Zhang', last_name: 'Wei', username: 'zhangwei' };
const lina: FakeUser = { id: 2002, first_name: 'Li', last_name: 'Na' };
const wang: FakeUser = { id: 3003, first_name: 'Wang', last_name: 'Fang' };
const village = { id: -1009001, title: 'Dongbeiliu Village' };

let fake: FakeTelegram | undefined;
let app: App | undefined;
let db: (Database & { close(): Promise<void> }) | undefined;

afterEach(async () => {
  await app?.stop();
  await fake?.stop();
  await db?.close();
  app = undefined;
  fake = undefined;
  db = undefined;
});

const texts = (calls: readonly CallRecord[]): string[] => calls.map((c) => String(c.payload.text ?? ''));

it('pledges, check-ins with a photo, a refusal and the list over Telegram; a reminder arrives privately', async () => {
  db = await freshSqlite();
  // Real time flowing (the outbox paces Telegram sends), shifted to Monday 2 March 2026 10:00 in
  // Shanghai so dates in the test do not depend on the day it runs.
  const t0 = Date.now();
  const clock: Clock = { now: () => new Date(Date.parse('2026-03-02T02:00:00Z') + Date.now() - t0) };
  const f = new FakeTelegram({ clock: () => clock.now().getTime() });
  fake = f;
  await f.start();
  const config = loadConfig({ DATABASE_URL: db.url, BOT_ADMINS: `telegram:${admin.id}`, BOT_LOCALE: 'en', TELEGRAM_BOT_TOKEN: f.token, TELEGRAM_API_ROOT: f.apiRoot });
  const logger = pino({ level: 'silent' });
  const adapter = new TelegramAdapter({
    token: f.token,
    apiRoot: f.apiRoot,
    logger,
    locale: 'en',
    commands: () => app!.registry.commands.map((c) => ({ name: c.name, description: app!.translate(c.summaryKey) })),
    retryDelayMs: { initial: 5, max: 20 },
    clock,
  });
  app = createApp({ config, database: db, adapters: [adapter], logger, clock, outbox: { idleMs: 20, rateTimeScale: 50 } });
  await app.start();
  expect(f.commands.map((c) => c.command)).toEqual(expect.arrayContaining(['pledge', 'checkin', 'pledges', 'report', 'export']));

  /** Sends a group message and returns the bot's next reply in the group. */
  const say = async (from: FakeUser, text: string, extra: { photoFileId?: string } = {}): Promise<string> => {
    const before = f.sent(village.id).length;
    if (extra.photoFileId) f.injectGroupMessage({ chat: village, from, caption: text, photoFileId: extra.photoFileId });
    else f.injectGroupMessage({ chat: village, from, text });
    await f.waitFor(() => f.sent(village.id).length > before, `the reply to ${text}`);
    await app!.idle('telegram');
    const replies = texts(f.sent(village.id).slice(before));
    expect(replies, `replies to ${text}`).toHaveLength(1);
    return replies[0]!;
  };

  expect(await say(admin, `/bindchat@${adapter.username} Dongbeiliu Village Branch`)).toContain('Dongbeiliu Village Branch');
  expect(await say(lina, '/pledge help households in need target 5')).toBe(
    'Pledge made: #1 Li Na: help households in need (target 5)\nCheck in when you make progress: /checkin #1 +1 note',
  );
  expect(await say(wang, `/pledge@${adapter.username} lead two projects target 2`)).toBe(
    'Pledge made: #2 Wang Fang: lead two projects (target 2)\nCheck in when you make progress: /checkin #2 +1 note',
  );
  expect(await say(lina, '/checkin +2 visited two families', { photoFileId: 'AgACAgUAAx-photo-1' })).toBe(
    'Checked in: #1 +2 (visited two families)\n#1 Li Na: help households in need\n  ▓▓░░░ 2/5\n1 piece of evidence kept.',
  );
  expect(await say(wang, '/checkin #1 +1')).toBe("Pledge #1 is Li Na's; only they can check in on it.");
  expect(await say(wang, '/checkin +1 first project started')).toBe(
    'Checked in: #2 +1 (first project started)\n#2 Wang Fang: lead two projects\n  ▓░ 1/2',
  );
  expect(await say(wang, '/pledges')).toBe(
    [
      'Dongbeiliu Village Branch, 2026: 2 pledges, 0 done:',
      '#1 Li Na: help households in need',
      '  ▓▓░░░ 2/5',
      '#2 Wang Fang: lead two projects',
      '  ▓░ 1/2',
      'Check in: /checkin #id +1 note',
    ].join('\n'),
  );
  const evidence = await db.db.pledgeCheckin.findFirstOrThrow({ where: { pledgeId: 1 } });
  expect(JSON.parse(evidence.evidence!)).toEqual([{ kind: 'photo', ref: 'AgACAgUAAx-photo-1' }]);

  // Eight days later Li Na has not checked in: the reminder run nudges her in a private chat.
  f.addChat({ id: lina.id, type: 'private', first_name: lina.first_name, last_name: lina.last_name });
  f.addChat({ id: wang.id, type: 'private', first_name: wang.first_name, last_name: wang.last_name });
  const later = new Date(clock.now().getTime() + 8 * 86_400_000);
  await db.db.$transaction(async (tx) => {
    const items: Parameters<typeof enqueueMessages>[1][number][] = [];
    const result = await runPledgeReminders({
      db: tx,
      now: () => later,
      t: app!.translate,
      timeZone: config.BOT_TIMEZONE,
      botName: config.BOT_NAME,
      capabilitiesOf: () => adapter.capabilities,
      send: (chat, m) => items.push({ chat, key: `test:remind:${items.length}`, message: typeof m === 'string' ? { kind: 'text', text: m } : m }),
    });
    expect(result.nudged.length).toBe(2);
    await enqueueMessages(tx, items, () => adapter.capabilities, clock.now());
  });
  app.outbox.notify();
  await f.waitFor(() => f.sent(lina.id).length > 0 && f.sent(wang.id).length > 0, 'the private nudges');
  expect(texts(f.sent(lina.id))).toEqual([
    'Li Na, your pledges have had no check-in for 8 days:\n#1 Li Na: help households in need\n  ▓▓░░░ 2/5\nWhen you make progress: /checkin #1 +1 note',
  ]);
  expect(f.sent(village.id).length).toBe(7);
});
