// The polls feature on Telegram, through the real TelegramAdapter (telegraf over HTTP) against the
// fake Bot API server: a named poll goes out as a native poll; votes arrive as a poll_answer, a
// button press and a typed /vote, and all three land in one consistent tally; /close stops the
// native poll and posts the results with the chart.
import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { createApp, type App } from '../../../src/app.ts';
import { loadConfig } from '../../../src/config.ts';
import { systemClock } from '../../../src/clock.ts';
import type { Database } from '../../../src/db/client.ts';
import { TelegramAdapter } from '../../../src/adapters/telegram/adapter.ts';
import { FakeTelegram, type CallRecord, type FakeUser } from '../../support/fake-telegram.ts';
import { freshSqlite } from '../../support/db.ts';
import { decodePng } from './png.ts';

const admin: FakeUser = { id: 1001, first_name: '王', last_name: '芳' };
const people: FakeUser[] = [
  { id: 2001, first_name: '张', last_name: '三' },
  { id: 2002, first_name: '李', last_name: '四' },
  { id: 2003, first_name: '赵', last_name: '五' },
  // 钱六 is a member who does not vote (the admin is no village member, so he is not counted).
  { id: 2004, first_name: '钱', last_name: '六' },
];
const village = { id: -1009001, title: '东北流村' };

let h: { fake: FakeTelegram; app: App; db: Database } | undefined;
afterEach(async () => {
  if (h) {
    await h.app.stop();
    await h.fake.stop();
    await h.db.close();
  }
  h = undefined;
});

const texts = (calls: readonly CallRecord[]): string[] => calls.map((c) => String(c.payload.text ?? ''));

describe('polls on Telegram', () => {
  it('native poll answer, button press and typed /vote make one tally; /close stops the native poll', async () => {
    const db = await freshSqlite();
    const fake = new FakeTelegram();
    await fake.start();
    const config = loadConfig({ DATABASE_URL: db.url, BOT_ADMINS: `telegram:${admin.id}`, TELEGRAM_BOT_TOKEN: fake.token, TELEGRAM_API_ROOT: fake.apiRoot });
    const logger = pino({ level: 'silent' });
    const adapter = new TelegramAdapter({
      token: fake.token,
      apiRoot: fake.apiRoot,
      logger,
      locale: 'zh-CN',
      commands: () => app.registry.commands.map((c) => ({ name: c.name, description: app.translate(c.summaryKey) })),
      clock: systemClock,
      retryDelayMs: { initial: 5, max: 20 },
    });
    const app = createApp({ config, database: db, adapters: [adapter], logger, clock: systemClock, outbox: { idleMs: 20, rateTimeScale: 200 } });
    h = { fake, app, db };
    await app.start();
    for (const p of [admin, ...people]) fake.addChat({ id: p.id, type: 'private', first_name: p.first_name });

    const say = async (from: FakeUser, text: string) => {
      const before = fake.sent(village.id).length;
      const { updateId } = fake.injectGroupMessage({ chat: village, from, text });
      await fake.waitForConfirmed(updateId);
      await app.idle('telegram');
      return texts(fake.sent(village.id).slice(before));
    };
    await say(admin, '/bindchat 东北流村党支部');
    for (const p of people) await say(p, '大家好');
    await say(admin, '/poll 村道先修哪条 | 东线 | 西线 | 都不修');
    const pollCall = fake.sent(village.id).find((c) => c.method === 'sendPoll')!;
    expect(pollCall.payload.question).toBe('#1 村道先修哪条');
    expect(pollCall.payload.is_anonymous).toBe(false);
    const native = (pollCall.result as { poll: { id: string } }).poll.id;
    const pollMessage = pollCall.result as Parameters<FakeTelegram['injectCallbackQuery']>[0]['message'];

    // 张三 votes natively for 东线; 李四 presses a button standing for /vote #1 2; 赵五 types /vote #1 2.
    const u1 = fake.injectPollAnswer({ pollId: native, user: people[0]!, optionIds: [0] });
    await fake.waitForConfirmed(u1);
    const { updateId: u2 } = fake.injectCallbackQuery({ message: pollMessage, from: people[1]!, data: '/vote #1 2' });
    await fake.waitForConfirmed(u2);
    await app.idle('telegram');
    await say(people[2]!, '/vote #1 2');
    // 张三 changes to 都不修 natively (Telegram sends the new answer).
    const u3 = fake.injectPollAnswer({ pollId: native, user: people[0]!, optionIds: [2] });
    await fake.waitForConfirmed(u3);
    await app.idle('telegram');

    const results = await say(admin, '/results #1');
    expect(results[0]).toBe(['#1 投票结果（进行中）：村道先修哪条', '1. 东线：0 票', '2. 西线：2 票', '3. 都不修：1 票', '参与：3 / 4 人（75%）'].join('\n'));
    expect(await db.db.pollBallot.count()).toBe(3);

    const sentBefore = fake.calls.length;
    await say(admin, '/close #1');
    await fake.waitForCall((c) => c.method === 'stopPoll', 'stopPoll');
    const after = fake.calls.slice(sentBefore);
    expect(after.find((c) => c.method === 'stopPoll')!.payload.message_id).toBe(pollMessage.message_id);
    const photo = after.find((c) => c.method === 'sendPhoto')!;
    const png = decodePng(photo.files[0]!.bytes);
    expect(png.width).toBe(800);
    // A late native vote after the close is refused, not counted.
    const u4 = fake.injectPollAnswer({ pollId: native, user: people[1]!, optionIds: [0] });
    await fake.waitForConfirmed(u4);
    await app.idle('telegram');
    expect(await db.db.pollBallot.findMany({ select: { choices: true }, orderBy: { memberId: 'asc' } })).toEqual([{ choices: '[2]' }, { choices: '[1]' }, { choices: '[1]' }]);
  });
});
