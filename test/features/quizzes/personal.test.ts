// Personal questions through the whole bot with a manual clock: the 错题本 review schedule of one
// wrong answer over 8 days, and the daily question (每日一题) sent by the scheduler to members who
// opted in, answered by a bare answer in the private chat.
import { afterEach, describe, expect, it } from 'vitest';
import type { Database } from '../../../src/db/client.ts';
import { ManualClock } from '../../../src/clock.ts';
import { describePg, freshPostgres, freshSqlite } from '../../support/db.ts';
import { startTestBot, type TestBot } from '../../support/app.ts';
import { readShownQuestion } from './support.ts';

type Db = Database;
let bot: TestBot | undefined;
let db: Db | undefined;

afterEach(async () => {
  await bot?.stop();
  await db?.close();
  bot = undefined;
  db = undefined;
});

const dm = { private: true } as const;

/** 10:00 in Asia/Shanghai on 26 November + `days`. */
function morning(days: number): string {
  return new Date(Date.parse('2026-11-26T02:00:00Z') + days * 86_400_000).toISOString();
}

/** One wrong answer reviewed over 8 days, on a database made by `fresh`. */
async function reviewSchedule(fresh: () => Promise<Db>): Promise<void> {
  const clock = new ManualClock(morning(0));
  db = await fresh();
  const b = (bot = await startTestBot(db, { clock }));
  await b.app.scheduler.stop(); // the test runs what is due itself
  // 张三 is on the roster: he spoke in the bound village group (a stranger's private chat gets the join hint).
  await b.say('管理员', '/bindchat 东北流村党支部');
  await b.say('张三', '到');

  // Day 0: a one-person quiz in the private chat closes at the answer; 张三 answers wrong.
  const shown = await b.say('张三', '/quiz 党章 1', dm);
  const q = readShownQuestion(shown[1]!);
  const result = await b.say('张三', q.wrong, dm);
  expect(result[0]).toMatch(/\n1人作答，没有人答对。$/);
  expect(result[1]).toBe('答题 #1 结束，排名：\n1. 张三 答对0/1题 0分');
  expect(await b.say('张三', '/mistakes', dm)).toEqual(['错题本里有1道题，今天没有要复习的。下次复习：11月27日。']);

  // Day 1: due. Answered wrong: it stays, next at day 3.
  clock.set(morning(1));
  const review1 = await b.say('张三', '/mistakes', dm);
  expect(review1[0]).toBe('错题复习：今天1道（错题本共1道）。答对两次就移出错题本。');
  expect(review1[1]).toMatch(/^错题复习（党章），还剩1道\n/);
  const r1 = readShownQuestion(review1[1]!);
  expect(r1.question.key).toBe(q.question.key);
  const answer1 = await b.say('张三', r1.wrong, dm);
  expect(answer1[0]).toMatch(/^回答错误。\n正确答案：/);
  expect(answer1[0]).toMatch(/\n这道题已答对0\/2次，下次复习：11月29日。$/);
  expect(answer1[1]).toBe('今天的错题复习完了。');

  // Day 2: not due.
  clock.set(morning(2));
  expect(await b.say('张三', '/mistakes', dm)).toEqual(['错题本里有1道题，今天没有要复习的。下次复习：11月29日。']);

  // Day 3: answered right once (5 points), next at day 7.
  clock.set(morning(3));
  const r3 = readShownQuestion((await b.say('张三', '/mistakes', dm))[1]!);
  const answer3 = await b.say('张三', `答案是${r3.right}`, dm);
  expect(answer3[0]).toMatch(/^回答正确。\n/);
  expect(answer3[0]).toMatch(/\n得5分。\n这道题已答对1\/2次，下次复习：12月3日。$/);

  // Days 4 to 6: not due.
  for (const day of [4, 5, 6]) {
    clock.set(morning(day));
    expect(await b.say('张三', '/mistakes', dm)).toEqual(['错题本里有1道题，今天没有要复习的。下次复习：12月3日。']);
  }

  // Day 7: right the second time: out of the book.
  clock.set(morning(7));
  const r7 = readShownQuestion((await b.say('张三', '/mistakes', dm))[1]!);
  const answer7 = await b.say('张三', r7.right, dm);
  expect(answer7[0]).toMatch(/\n得5分。\n这道题已答对两次，移出错题本。$/);
  expect(answer7[1]).toBe('今天的错题复习完了。');

  // Day 8: empty.
  clock.set(morning(8));
  expect(await b.say('张三', '/mistakes', dm)).toEqual(['你的错题本是空的。']);
  // A bare answer with nothing open: the bot says nothing awaits an answer.
  expect(await b.say('张三', 'A', dm)).toEqual(['现在没有等你回答的题目或投票。发送 /help 查看能用的命令。']);
  expect(await b.say('张三', '/answer A', dm)).toEqual(['现在没有等你回答的题目。发送 /quiz 开始答题。']);
  const whoami = (await b.say('张三', '/whoami', dm))[0]!;
  expect(whoami).toContain('学习积分：累计10分，今天0/100分');
  expect(whoami).toContain('连续学习：1天；错题本：0道');
}

describe('错题本', () => {
  it('brings a wrong answer back after 1, 3 and 7 days until it is answered right twice', { timeout: 90_000 }, () => reviewSchedule(freshSqlite));

  it('/mistakes in a group sends the review privately where the platform allows it', async () => {
    const clock = new ManualClock(morning(0));
    db = await freshSqlite();
    const b = (bot = await startTestBot(db, { clock }));
    await b.app.scheduler.stop(); // the test runs what is due itself
    await b.say('管理员', '/bindchat 东北流村党支部');
    const q = readShownQuestion((await b.say('李四', '/quiz 党章 1'))[1]!);
    await b.say('李四', q.wrong);
    clock.set(morning(1));
    const before = b.adapter.sent.length;
    expect(await b.say('李四', '/mistakes')).toEqual(expect.arrayContaining(['李四，1道错题已私信发给你。']));
    const toDm = b.adapter.sent.slice(before).filter((d) => d.chat.kind === 'private' && d.chat.chatId === '李四');
    expect(toDm).toHaveLength(2);
    // A bare answer in the group does not answer the private review.
    expect(await b.say('李四', readShownQuestion((toDm[1]!.message as { text: string }).text).right)).toEqual([]);
    const answered = await b.say('李四', readShownQuestion((toDm[1]!.message as { text: string }).text).right, dm);
    expect(answered[0]).toMatch(/^回答正确。/);
  });
});

describe('每日一题', () => {
  it('is sent privately at 08:00 to members who opted in, once, and answered by a bare answer', async () => {
    const clock = new ManualClock('2026-11-26T02:00:00Z');
    db = await freshSqlite();
    const b = (bot = await startTestBot(db, { clock }));
    await b.app.scheduler.stop(); // the test runs what is due itself
    await b.say('管理员', '/bindchat 东北流村党支部');
    expect(await b.say('张三', '/quiz daily on')).toEqual(['已开启每日一题，每天08:00私信发给你。']);
    expect(await b.say('李四', '/quiz 每日一题 开')).toEqual(['已开启每日一题，每天08:00私信发给你。']);
    expect(await b.say('李四', '/quiz daily')).toEqual(['你已开启每日一题，每天08:00私信发给你。发送 /quiz daily off 关闭。']);
    expect(await b.say('王五', '/quiz daily off')).toEqual(['已关闭每日一题。']);
    // 李四 answers a quiz question wrong today: it will be due tomorrow and becomes his daily question.
    const q = readShownQuestion((await b.say('李四', '/quiz 党章 1'))[1]!);
    await b.say('李四', q.wrong);
    clock.advance(30_000);
    await b.app.scheduler.runDue();

    // 08:00 on 27 November in Asia/Shanghai.
    const before = b.adapter.sent.length;
    clock.set('2026-11-27T00:00:00Z');
    await b.app.scheduler.runDue();
    await b.app.idle();
    const sent = b.adapter.sent.slice(before).filter((d) => d.chat.kind === 'private');
    expect(sent.map((d) => d.chat.chatId).sort()).toEqual(['张三', '李四']);
    const text = (who: string) => (sent.find((d) => d.chat.chatId === who)!.message as { text: string }).text;
    expect(text('张三')).toMatch(/^每日一题（(党章|支部工作|纪律处分)）\n/);
    expect(readShownQuestion(text('李四')).question.key).toBe(q.question.key);

    // Running again sends nothing new.
    clock.advance(60_000);
    await b.app.scheduler.runDue();
    await b.app.idle();
    expect(b.adapter.sent.slice(before).filter((d) => d.chat.kind === 'private')).toHaveLength(2);

    const zs = readShownQuestion(text('张三'));
    const reply = await b.say('张三', zs.right, dm);
    expect(reply[0]).toMatch(/^回答正确。\n正确答案：.+\n解析：.+\n出处：.+\n得5分。$/);
    expect(await b.say('张三', zs.right, dm)).toEqual(['现在没有等你回答的题目或投票。发送 /help 查看能用的命令。']);
    const ls = readShownQuestion(text('李四'));
    const lreply = await b.say('李四', ls.right, dm);
    expect(lreply[0]).toMatch(/\n得5分。\n这道题已答对1\/2次，下次复习：11月29日。$/);
  });
});

describePg('错题本 on PostgreSQL', () => {
  it('keeps the same review schedule', { timeout: 90_000 }, () => reviewSchedule(freshPostgres));
});
