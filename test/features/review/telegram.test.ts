// 民主评议's anonymous 民主测评 on Telegram, through the real TelegramAdapter (telegraf over HTTP)
// against the fake Bot API server: ballots go out privately with inline buttons (the platform has
// buttons), members press them, nothing shows before close, and at close the member with 6 ballots
// gets counts while the one with 4 reads 不足5票.
import { pino } from 'pino';
import { afterEach, expect, it } from 'vitest';
import { createApp, type App } from '../../../src/app.ts';
import { loadConfig } from '../../../src/config.ts';
import { systemClock } from '../../../src/clock.ts';
import type { Database } from '../../../src/db/client.ts';
import { TelegramAdapter } from '../../../src/adapters/telegram/adapter.ts';
import { FakeTelegram, type CallRecord, type FakeUser } from '../../support/fake-telegram.ts';
import { freshSqlite } from '../../support/db.ts';

const admin: FakeUser = { id: 1001, first_name: '王', last_name: '芳' };
// Seven members of the branch; the admin (王 芳) opens and closes the review and belongs to no unit.
const people: FakeUser[] = Array.from({ length: 7 }, (_, i) => ({ id: 2001 + i, first_name: '党员', last_name: String(i + 1) }));
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

type Keyboard = { inline_keyboard?: { text: string; callback_data: string }[][] };

it('ratings by inline buttons in private chats; results only at close, per member only with 5 ballots', async () => {
  const db = await freshSqlite();
  const fake = new FakeTelegram();
  await fake.start();
  const config = loadConfig({ DATABASE_URL: db.url, BOT_ADMINS: `telegram:${admin.id}`, TELEGRAM_BOT_TOKEN: fake.token, TELEGRAM_API_ROOT: fake.apiRoot });
  const logger = pino({ level: 'silent' });
  const adapter = new TelegramAdapter({ token: fake.token, apiRoot: fake.apiRoot, logger, locale: 'zh-CN', commands: () => [], clock: systemClock, retryDelayMs: { initial: 5, max: 20 } });
  const app = createApp({ config, database: db, adapters: [adapter], logger, clock: systemClock, outbox: { idleMs: 20, rateTimeScale: 200 } });
  h = { fake, app, db };
  await app.start();
  const everyone = [admin, ...people];
  for (const p of everyone) fake.addChat({ id: p.id, type: 'private', first_name: p.first_name });
  const group = async (from: FakeUser, text: string): Promise<string[]> => {
    const before = fake.sent(village.id).length;
    const { updateId } = fake.injectGroupMessage({ chat: village, from, text });
    await fake.waitForConfirmed(updateId);
    await app.idle('telegram');
    return fake.sent(village.id).slice(before).map((c: CallRecord) => String(c.payload.text ?? ''));
  };
  await group(admin, '/bindchat 东北流村党支部');
  for (const p of people) {
    await group(p, '大家好');
    const { updateId } = fake.injectPrivateMessage({ from: p, text: '/whoami' });
    await fake.waitForConfirmed(updateId);
  }
  await app.idle('telegram');
  expect((await group(admin, '/review'))[0]).toContain('7 名党员参加');
  expect((await group(admin, '/review #1 测评'))[0]).toContain('每人对其他 6 名党员评');

  // Each member's private ballots: one message per other member, four buttons each.
  const ballotsOf = (u: FakeUser) => fake.sent(u.id).filter((c) => String(c.payload.text ?? '').startsWith('民主测评'));
  const first = ballotsOf(people[0]!);
  expect(first).toHaveLength(6);
  const keyboard = first[0]!.payload.reply_markup as Keyboard;
  expect(keyboard.inline_keyboard![0]!.map((b) => b.text)).toEqual(['优秀', '合格', '基本合格', '不合格']);
  const ballotFor = (voter: FakeUser, subject: string) => ballotsOf(voter).find((c) => String(c.payload.text).includes(`请评价 ${subject}（`))!;
  const press = async (voter: FakeUser, subject: string, k: number) => {
    const call = ballotFor(voter, subject);
    const data = (call.payload.reply_markup as Keyboard).inline_keyboard![0]![k]!.callback_data;
    const { updateId } = fake.injectCallbackQuery({ message: call.result as Parameters<FakeTelegram['injectCallbackQuery']>[0]['message'], from: voter, data });
    await fake.waitForConfirmed(updateId);
    await app.idle('telegram');
  };
  // 党员 7 is rated by all 6 others (4 优秀, 2 合格); 党员 1 only by 4.
  for (const [i, p] of people.slice(0, 6).entries()) await press(p, '党员 7', i < 4 ? 0 : 1);
  for (const p of people.slice(1, 5)) await press(p, '党员 1', 2);
  const privateTexts = everyone.flatMap((u) => fake.sent(u.id).map((c) => String(c.payload.text ?? '')));
  expect(privateTexts.filter((t) => t.includes('已收到你在'))).toHaveLength(10);
  expect(privateTexts.join('\n')).not.toMatch(/优秀 \d|不足5票/);

  // The group hears only that the rating closed; the per-member figures go to the secretary privately.
  const before = fake.sent(admin.id).length;
  expect(await group(admin, '/review #1 结束')).toEqual(['评议 #1 的民主测评已结束，结果已私聊发给你，供支委会评定，不在群里公布。']);
  expect(fake.sent(village.id).map((c) => String(c.payload.text ?? '')).join('\n')).not.toMatch(/优秀 \d|不足5票/);
  const results = fake.sent(admin.id).slice(before).map((c) => String(c.payload.text ?? '')).find((t) => t.includes('民主测评结果'))!;
  expect(results).toMatch(/党员 7（M\d+）：优秀 4，合格 2，基本合格 0，不合格 0（6 票）/);
  expect(results).toMatch(/党员 1（M\d+）：不足5票（4 票），不公布/);
});
