// A group quiz on Telegram: the real TelegramAdapter (telegraf over HTTP) against the fake Bot API
// server. Questions go out as native quiz polls (non-anonymous, the right option marked, open for
// the time limit) and members answer them with poll_answer updates, which come back to the quiz as
// `/answer #N qK k`. A manual clock drives the question times; the test runs the outbox and the
// scheduler itself, so every number is exact.
import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { TelegramAdapter } from '../../../src/adapters/telegram/adapter.ts';
import { createApp, type App } from '../../../src/app.ts';
import { loadConfig } from '../../../src/config.ts';
import { ManualClock } from '../../../src/clock.ts';
import { FakeTelegram, type CallRecord, type FakeUser } from '../../support/fake-telegram.ts';
import { freshSqlite } from '../../support/db.ts';
import type { Db as PrismaDb } from '../../../src/db/client.ts';

const admin: FakeUser = { id: 1001, first_name: '管理员' };
const zhang: FakeUser = { id: 2001, first_name: '张三' };
const li: FakeUser = { id: 2002, first_name: '李四' };
const wang: FakeUser = { id: 2003, first_name: '王五' };
const group = { id: -1009001, title: '东北流村党支部群' };

interface Harness {
  readonly fake: FakeTelegram;
  readonly app: App;
  readonly adapter: TelegramAdapter;
  readonly db: Awaited<ReturnType<typeof freshSqlite>>;
  readonly clock: ManualClock;
}
let h: Harness | undefined;

afterEach(async () => {
  if (h) {
    await h.adapter.stop();
    await h.fake.stop();
    await h.db.close();
  }
  h = undefined;
});

async function build(): Promise<Harness> {
  const clock = new ManualClock('2026-11-26T02:00:00Z');
  const db = await freshSqlite();
  const fake = new FakeTelegram({ clock: () => clock.now().getTime() });
  await fake.start();
  fake.addChat({ id: group.id, type: 'supergroup', title: group.title });
  const config = loadConfig({ DATABASE_URL: db.url, BOT_ADMINS: `telegram:${admin.id}`, TELEGRAM_BOT_TOKEN: fake.token, TELEGRAM_API_ROOT: fake.apiRoot });
  const logger = pino({ level: 'silent' });
  const ref: { app?: App } = {};
  const adapter = new TelegramAdapter({
    token: fake.token,
    apiRoot: fake.apiRoot,
    logger,
    locale: 'zh-CN',
    commands: () => ref.app!.registry.commands.map((c) => ({ name: c.name, description: ref.app!.translate(c.summaryKey) })),
    clock,
    retryDelayMs: { initial: 5, max: 20 },
    // No pacing: the test's clock is the quiz's clock and must not move to let messages out.
    rateLimits: { perChatIntervalMs: 0, perGroupPerMinute: 100_000, globalPerSecond: 100_000 },
  });
  const app = (ref.app = createApp({ config, database: db, adapters: [adapter], logger, clock, outbox: { idleMs: 3_600_000 } }));
  await adapter.start(async (incoming) => {
    await app.inbox.receive(incoming);
  });
  h = { fake, app, adapter, db, clock };
  return h;
}

/** Sends everything in the outbox now. */
async function flush(x: Harness): Promise<void> {
  for (let i = 0; i < 100; i++) {
    if ((await x.db.db.outboxMessage.count({ where: { status: { in: ['pending', 'sending'] } } })) === 0) return;
    await x.app.outbox.tick();
  }
  throw new Error('the outbox did not empty');
}

/** A group message from `from`, processed and its replies sent. */
async function say(x: Harness, from: FakeUser, text: string): Promise<void> {
  const { updateId } = x.fake.injectGroupMessage({ chat: group, from, text, date: Math.floor(x.clock.now().getTime() / 1000) });
  await x.fake.waitForConfirmed(updateId);
  await flush(x);
}

/** A vote on a native poll, processed and its replies sent. */
async function vote(x: Harness, poll: CallRecord, user: FakeUser, option: number): Promise<void> {
  const updateId = x.fake.injectPollAnswer({ pollId: (poll.result as { poll: { id: string } }).poll.id, user, optionIds: [option] });
  await x.fake.waitForConfirmed(updateId);
  await flush(x);
}

/** Moves the clock, runs the scheduler's due tasks and sends their messages. */
async function advance(x: Harness, ms: number): Promise<void> {
  x.clock.advance(ms);
  await x.app.scheduler.runDue();
  await flush(x);
}

const groupTexts = (x: Harness): string[] => x.fake.sent(group.id).filter((c) => c.method === 'sendMessage').map((c) => String(c.payload.text));

/** Turns on the unit's public leaderboard (off at first: a unit's choice, /settings 公开积分榜). */
async function publicLeaderboard(db: PrismaDb): Promise<void> {
  const unit = await db.orgUnit.findFirstOrThrow({ where: { name: '东北流村党支部' } });
  await db.unitSetting.create({ data: { unitId: unit.id, key: 'leaderboard', on: true, updatedById: 1, updatedAt: new Date() } });
}

describe('Telegram: a group quiz with native quiz polls', () => {
  it('sends quiz polls, scores poll answers by speed, closes them and posts the ranking', { timeout: 90_000 }, async () => {
    const x = await build();
    await say(x, admin, '/bindchat 东北流村党支部');
    await say(x, zhang, '/quiz 党章 2');
    expect(groupTexts(x).at(-1)).toBe('答题 #1 开始：党章，共2题，每题30秒。答对得分，越快分越高。');
    const poll1 = x.fake.callsOf('sendPoll')[0]!;
    expect(poll1.payload).toMatchObject({ chat_id: String(group.id), type: 'quiz', is_anonymous: false, open_period: 30 });
    expect(String(poll1.payload.question)).toMatch(/^第1\/2题：/);
    const right1 = Number(poll1.payload.correct_option_id);
    const options1 = poll1.payload.options as unknown[];
    const wrong1 = (right1 + 1) % options1.length;

    // 张三 right at 3 s (10), 李四 right at 10 s (9), 王五 wrong at 20 s: no message for any of them.
    const sentBefore = x.fake.sent(group.id).length;
    x.clock.advance(3_000);
    await vote(x, poll1, zhang, right1);
    x.clock.advance(7_000);
    await vote(x, poll1, li, right1);
    x.clock.advance(10_000);
    await vote(x, poll1, wang, wrong1);
    expect(x.fake.sent(group.id)).toHaveLength(sentBefore);

    // Time up at 30 s: the poll is stopped and the answer posted.
    await advance(x, 10_000);
    expect(x.fake.callsOf('stopPoll').map((c) => c.payload.message_id)).toEqual([(poll1.result as { message_id: number }).message_id]);
    expect(groupTexts(x).at(-1)).toMatch(/^答题 #1 第1\/2题结束。\n正确答案：[A-F]\. .+\n解析：.+\n出处：.+\n3人作答，2人答对：张三、李四$/);

    // Question 2 after the pause; a late vote on question 1 changes nothing.
    await advance(x, 5_000);
    const poll2 = x.fake.callsOf('sendPoll')[1]!;
    expect(String(poll2.payload.question)).toMatch(/^第2\/2题：/);
    const right2 = Number(poll2.payload.correct_option_id);
    await vote(x, poll1, zhang, right1);
    expect(await x.db.db.quizAnswer.count()).toBe(3);

    // Everyone who answered question 1 answers question 2: it closes at once and the quiz ends.
    x.clock.advance(1_000);
    await vote(x, poll2, wang, right2); // 10
    x.clock.advance(5_000);
    await vote(x, poll2, zhang, right2); // 9
    x.clock.advance(6_000);
    await vote(x, poll2, li, (right2 + 1) % (poll2.payload.options as unknown[]).length);
    expect(x.fake.callsOf('stopPoll')).toHaveLength(2);
    expect(groupTexts(x).slice(-2)[0]).toMatch(/\n3人作答，2人答对：王五、张三$/);
    expect(groupTexts(x).at(-1)).toBe(['答题 #1 结束，排名：', '1. 张三 答对2/2题 19分', '2. 王五 答对1/2题 10分', '3. 李四 答对1/2题 9分'].join('\n'));

    // The time-up of question 2 is due later and does nothing; the leaderboard agrees.
    await advance(x, 60_000);
    expect(x.fake.callsOf('stopPoll')).toHaveLength(2);
    await publicLeaderboard(x.db.db);
    await say(x, li, '/rank');
    expect(groupTexts(x).at(-1)).toBe(['东北流村党支部 学习积分榜：', '1. 张三 19分', '2. 王五 10分', '3. 李四 9分', '本单位3人，3人有积分。'].join('\n'));
  });
});

describe('Telegram: a question bank sent as a CSV file', () => {
  const CSV = [
    '题目,选项,答案,解析,出处',
    '党的最高领导机关是什么？,党的全国代表大会和它所产生的中央委员会|中央纪律检查委员会|国务院,A,党的最高领导机关是党的全国代表大会和它所产生的中央委员会。,《中国共产党章程》第二章第十条',
    '答案超范围的题,甲|乙|丙,D,解析,出处',
  ].join('\r\n');

  /** A group message with a document, processed and its replies sent. */
  async function sendFile(x: Harness, caption: string | undefined, document: { fileId: string; fileName: string; bytes?: Buffer }): Promise<void> {
    const { updateId } = x.fake.injectGroupMessage({ chat: group, from: admin, ...(caption !== undefined ? { caption } : {}), document, date: Math.floor(x.clock.now().getTime() / 1000) });
    await x.fake.waitForConfirmed(updateId);
    await flush(x);
  }

  it('imports the file sent with the caption /quiz import 名称, and only files addressed to the bot are fetched', { timeout: 90_000 }, async () => {
    const x = await build();
    await say(x, admin, '/bindchat 东北流村党支部');

    // A spreadsheet shared in the group without a command is not downloaded.
    await sendFile(x, undefined, { fileId: 'shared', fileName: '名单.csv', bytes: Buffer.from('a,b\n') });
    await sendFile(x, '大家看看这个表', { fileId: 'shared2', fileName: '名单.csv', bytes: Buffer.from('a,b\n') });
    expect(x.fake.callsOf('getFile')).toHaveLength(0);

    // Excel's "CSV UTF-8" starts with a byte-order mark.
    const bytes = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(CSV, 'utf8')]);
    await sendFile(x, '/quiz import 党章补充', { fileId: 'bank-1', fileName: '题库.csv', bytes });
    expect(x.fake.callsOf('getFile').map((c) => c.payload.file_id)).toEqual(['bank-1']);
    expect(x.fake.callsOf('downloadFile')).toHaveLength(1);
    expect(groupTexts(x).at(-1)).toBe(['题库“党章补充”导入完成：接受1行，拒绝1行。', '第3行：答案“D”超出范围，只有3个选项', '发送“/quiz 党章补充”开始答题。'].join('\n'));
    await say(x, zhang, '/quiz 党章补充 1');
    expect(groupTexts(x).at(-1)).toBe('答题 #1 开始：党章补充，共1题，每题30秒。答对得分，越快分越高。');
    expect(String(x.fake.callsOf('sendPoll')[0]!.payload.question)).toContain('党的最高领导机关是什么？');

    // A file Telegram cannot hand over, and one too big to read, get a clear answer and no bank.
    await sendFile(x, '/quiz import 党史', { fileId: 'gone', fileName: '党史.csv' });
    expect(groupTexts(x).at(-1)).toBe('没能读取文件“党史.csv”。请确认是CSV文件（UTF-8或Excel导出的CSV），再发一次，或者换行后直接粘贴CSV内容。');
    await sendFile(x, '/quiz import 党史', { fileId: 'big', fileName: '党史.csv', bytes: Buffer.alloc(300_000, 0x41) });
    expect(groupTexts(x).at(-1)).toBe('CSV太大了，最多200 kB。');
    expect(x.fake.callsOf('getFile').map((c) => c.payload.file_id)).toEqual(['bank-1', 'gone']);
    // The command alone, without a file or a CSV, gets the usage.
    await say(x, admin, '/quiz import 党史');
    expect(groupTexts(x).at(-1)).toContain('/quiz import 题库名');
    expect(await x.db.db.quizBank.count()).toBe(1);
  });
});
