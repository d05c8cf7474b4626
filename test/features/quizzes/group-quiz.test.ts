// A group quiz through the whole bot (inbox, router, outbox, scheduler) on a fresh SQLite file,
// with a manual clock: time limits, speed points, early close, the first answer counting, the
// daily cap, the final ranking, /rank and /whoami.
import { afterEach, describe, expect, it } from 'vitest';
import type { Database } from '../../../src/db/client.ts';
import { ManualClock } from '../../../src/clock.ts';
import { quizParticipation } from '../../../src/features/quizzes/api.ts';
import { describePg, freshPostgres, freshSqlite } from '../../support/db.ts';
import { startTestBot, type TestBot } from '../../support/app.ts';
import { lastQuestion, readShownQuestion } from './support.ts';

type Db = Database;
let bot: TestBot | undefined;
let db: Db | undefined;

afterEach(async () => {
  await bot?.stop();
  await db?.close();
  bot = undefined;
  db = undefined;
});

/** Texts delivered to the group since `from` (an index into the adapter's log). */
function groupTexts(b: TestBot, from: number): string[] {
  return b.adapter.sent
    .slice(from)
    .filter((d) => d.chat.chatId === '东北流村党支部' && d.message.kind === 'text')
    .map((d) => (d.message as { text: string }).text);
}

/** Moves the clock and runs what the scheduler has due; returns the group texts this produced. */
async function advance(b: TestBot, clock: ManualClock, ms: number): Promise<string[]> {
  const from = b.adapter.sent.length;
  clock.advance(ms);
  await b.app.scheduler.runDue();
  await b.app.idle();
  return groupTexts(b, from);
}

async function setUp(env: Record<string, string> = {}, fresh: () => Promise<Db> = freshSqlite): Promise<{ b: TestBot; clock: ManualClock }> {
  const clock = new ManualClock('2026-11-26T02:00:00Z'); // 10:00 in Asia/Shanghai
  db = await fresh();
  bot = await startTestBot(db, { clock, env });
  await bot.app.scheduler.stop(); // the test runs what is due itself, at the times it chooses
  await bot.say('管理员', '/bindchat 东北流村党支部');
  // Four members; 孙七 never answers. The admin belongs to the township only, never to the village.
  for (const name of ['张三', '李四', '王五', '孙七']) await bot.say(name, '大家好');
  return { b: bot, clock };
}

/** The full quiz of the first test, on a database made by `fresh` (SQLite, or PostgreSQL below). */
async function fullQuiz(fresh: () => Promise<Db>): Promise<void> {
  const { b, clock } = await setUp({}, fresh);
  const started = await b.say('张三', '/quiz 党章 3');
  expect(started[0]).toBe('答题 #1 开始：党章，共3题，每题30秒。答对得分，越快分越高。');
  expect(started[1]).toMatch(/^答题 #1 第1\/3题（30秒）\n/);
  const q1 = readShownQuestion(started[1]!);
  expect(q1.question.bankId).toBe('constitution');

  // Question 1: 张三 right after 3 s (10 points), 李四 right after 10 s (9), 王五 wrong after 20 s;
  // each is told privately the answer is in, not whether it is right.
  clock.advance(3_000);
  expect(await b.say('张三', q1.right)).toEqual(['已收到你对答题 #1 第1题的回答，本题结束后公布答案。']);
  clock.advance(7_000);
  expect(await b.say('李四', `选${q1.right}`)).toEqual(['已收到你对答题 #1 第1题的回答，本题结束后公布答案。']);
  clock.advance(10_000);
  expect(await b.say('王五', q1.wrong)).toEqual(['已收到你对答题 #1 第1题的回答，本题结束后公布答案。']);
  expect(await b.say('张三', q1.wrong)).toEqual(['张三，你已答过本题，以第一次作答为准。']);
  expect(await b.say('张三', '/quiz')).toEqual(['本群的答题 #1 还没结束，请结束后再开始。']);

  // Time is up at 30 s: the answer, the explanation with its source, who got it right.
  const closed1 = await advance(b, clock, 10_000);
  expect(closed1).toEqual([
    [
      '答题 #1 第1/3题结束。',
      `正确答案：${q1.right}. ${q1.options[q1.right.charCodeAt(0) - 65]}`,
      `解析：${q1.question.explanation}`,
      `出处：${q1.question.source}`,
      '3人作答，2人答对：张三、李四',
    ].join('\n'),
  ]);
  // Between questions a bare answer is ordinary chat, a typed one is told the question closed.
  expect(await b.say('王五', q1.right)).toEqual([]);
  expect(await b.say('王五', `/answer ${q1.right}`)).toEqual(['王五，本题已经结束，请等下一题。']);

  // The next question 5 s later.
  const opened2 = await advance(b, clock, 5_000);
  expect(opened2).toHaveLength(1);
  expect(opened2[0]).toMatch(/^答题 #1 第2\/3题（30秒）\n/);
  const q2 = readShownQuestion(opened2[0]!);

  // Question 2: 王五 right at 2 s (10), 李四 wrong at 4 s, 张三 right at 12 s (8): all three who
  // answered question 1 have answered, so it closes at once.
  clock.advance(2_000);
  expect(await b.say('王五', q2.right)).toEqual(['已收到你对答题 #1 第2题的回答，本题结束后公布答案。']);
  clock.advance(2_000);
  expect(await b.say('李四', `/answer #1 ${q2.wrong}`)).toEqual(['已收到你对答题 #1 第2题的回答，本题结束后公布答案。']);
  clock.advance(8_000);
  const early = await b.say('张三', q2.right.toLowerCase());
  expect(early).toHaveLength(1);
  expect(early[0]).toMatch(/^答题 #1 第2\/3题结束。\n/);
  expect(early[0]).toMatch(/\n3人作答，2人答对：王五、张三$/);

  // Question 3: only 张三 answers (right at 1 s: 10): no early close; time up ends the quiz.
  const opened3 = await advance(b, clock, 5_000);
  const q3 = readShownQuestion(lastQuestion(opened3));
  clock.advance(1_000);
  expect(await b.say('张三', q3.right)).toEqual(['已收到你对答题 #1 第3题的回答，本题结束后公布答案。']);
  expect(await advance(b, clock, 28_000)).toEqual([]);
  const end = await advance(b, clock, 1_000);
  expect(end).toHaveLength(2);
  expect(end[0]).toMatch(/\n1人作答，1人答对：张三$/);
  expect(end[1]).toBe(['答题 #1 结束，排名：', '1. 张三 答对3/3题 28分', '2. 王五 答对1/3题 10分', '3. 李四 答对1/3题 9分'].join('\n'));

  // Nothing more is scheduled; the ranking and the profile show the credited points.
  expect(await advance(b, clock, 60_000)).toEqual([]);
  await b.say('管理员', '/settings 公开积分榜 开'); // a public board is the unit's choice (off at first)
  expect(await b.say('李四', '/rank')).toEqual([
    ['东北流村党支部 学习积分榜：', '1. 张三 28分', '2. 王五 10分', '3. 李四 9分', '本单位4人，3人有积分。'].join('\n'),
  ]);
  expect((await b.say('孙七', '/rank'))[0]).toContain('你还没有积分。发送 /quiz 开始答题。');
  // The admin is no member of the village: asked in its group, they see its board, not a place on it.
  expect((await b.say('管理员', '/rank'))[0]).toContain('本单位4人，3人有积分。');
  // The township view (admins): branches by average points per member, then the top members.
  await b.say('管理员', '/bindchat 西岭村党支部', { chat: '西岭村' });
  await b.say('赵六', '大家好', { chat: '西岭村' });
  expect(await b.say('李四', '/rank 全镇')).toEqual(['只有管理员可以查看全镇积分榜。']);
  expect(await b.say('管理员', '/rank 全镇')).toEqual([
    [
      '全镇各支部学习积分（按人均）：',
      '1. 东北流村党支部 人均11.8分（3/4人有积分）',
      '2. 西岭村党支部 人均0.0分（0/1人有积分）',
      '全镇个人前十：',
      '1. 张三（东北流村党支部）28分',
      '2. 王五（东北流村党支部）10分',
      '3. 李四（东北流村党支部）9分',
    ].join('\n'),
  ]);
  const whoami = (await b.say('李四', '/whoami'))[0]!;
  expect(whoami).toContain('学习积分：累计9分，今天9/100分');
  expect(whoami).toContain('连续学习：1天；错题本：1道');

  // /report has a quiz section (this year so far); /export 答题 sends one row per member.
const report = (await b.say('管理员', '/report 东北流村党支部'))[0]!;
expect(report).toContain('【2026年理论学习答题】\n东北流村党支部：3/4人答过题（75%），答题7次，答对5次（71%），群内答题1场');
// Nothing about quizzes in a report of a year without any.
expect((await b.say('管理员', '/report 东北流村党支部 2025'))[0]).not.toContain('理论学习答题');
// A township's report has a line per branch and a total.
await b.say('管理员', '/bindchat 城关镇', { chat: '镇党委' });
expect((await b.say('管理员', '/report 城关镇'))[0]).toContain(
  [
    '【2026年理论学习答题】',
    '东北流村党支部：3/4人答过题（75%），答题7次，答对5次（71%），群内答题1场',
    '西岭村党支部：0/1人答过题（0%），答题0次，答对0次（0%），群内答题0场',
    '合计：3/5人答过题（60%），答题7次，答对5次（71%），群内答题1场',
  ].join('\n'),
);
// Text platforms get the CSV as text (the recording adapter has no files).
expect(await b.say('管理员', '/export 答题 东北流村党支部')).toEqual([
  '导出：2026年理论学习答题\n单位,姓名,积分,答题数,答对数\r\n东北流村党支部,张三,28,3,3\r\n东北流村党支部,王五,10,2,1\r\n东北流村党支部,李四,9,2,1\r\n东北流村党支部,孙七,0,0,0\r\n',
]);

const unitId = (await db!.db.orgUnit.findUniqueOrThrow({ where: { name: '东北流村党支部' } })).id;
  const from = new Date('2026-11-26T00:00:00Z');
  expect(await quizParticipation(db!.db, unitId, from, new Date('2026-11-27T00:00:00Z'))).toEqual({
    members: 4,
    participants: 3,
    answers: 7,
    correct: 5,
    quizzes: 1,
  });
  expect(await quizParticipation(db!.db, unitId, new Date('2026-11-27T00:00:00Z'), new Date('2026-11-28T00:00:00Z'))).toEqual({
    members: 4,
    participants: 0,
    answers: 0,
    correct: 0,
    quizzes: 0,
  });
}

describe('group quiz', () => {
  it('runs three questions with time limits, speed points, an early close and the final ranking', { timeout: 90_000 }, () => fullQuiz(freshSqlite));

  it('caps the points credited per day; the quiz ranking still shows what was earned; the cap resets the next day', async () => {
    const { b, clock } = await setUp({ QUIZ_DAILY_CAP: '25' });
    let shown = (await b.say('张三', '/quiz 纪律 3'))[1]!;
    for (let i = 0; i < 3; i++) {
      const q = readShownQuestion(shown);
      clock.advance(1_000);
      // 张三 alone: 10 points a question. Question 1 runs its full time; later ones close at once.
      const replies = await b.say('张三', q.right);
      if (i === 0) expect(replies).toEqual(['已收到你对答题 #1 第1题的回答，本题结束后公布答案。']);
      const texts = i === 0 ? await advance(b, clock, 29_000) : replies;
      if (i < 2) shown = lastQuestion(await advance(b, clock, 5_000));
      else expect(texts.at(-1)).toBe(['答题 #1 结束，排名：', '1. 张三 答对3/3题 30分', '有人今天的积分已到上限，超出部分不计入总积分。'].join('\n'));
    }
    expect((await b.say('张三', '/whoami'))[0]).toContain('学习积分：累计25分，今天25/25分');

    // The next day (local) the cap starts again.
    clock.set('2026-11-26T16:00:00Z'); // 00:00 on 27 November in Asia/Shanghai
    shown = (await b.say('张三', '/quiz 纪律 1'))[1]!;
    clock.advance(500);
    await b.say('张三', readShownQuestion(shown).right);
    await advance(b, clock, 30_000);
    const whoami = (await b.say('张三', '/whoami'))[0]!;
    expect(whoami).toContain('学习积分：累计35分，今天10/25分');
    expect(whoami).toContain('连续学习：2天');
  });

  it('refuses answers after the time limit even before the time-up task has run', async () => {
    const { b, clock } = await setUp();
    const q = readShownQuestion((await b.say('王五', '/quiz 支部工作 2'))[1]!);
    clock.advance(30_001);
    expect(await b.say('张三', q.right)).toEqual([]);
    expect(await b.say('张三', `/answer #1 ${q.right}`)).toEqual(['张三，本题已经结束，请等下一题。']);
    const closed = await advance(b, clock, 0);
    expect(closed[0]).toMatch(/\n本题没有人作答。$/);
    // Only the starter or a secretary stops a quiz; the ranking so far is posted.
    await advance(b, clock, 5_000);
    expect(await b.say('张三', '/quiz stop')).toEqual(['只有书记或发起人可以结束答题 #1。']);
    expect(await b.say('王五', '/quiz stop')).toEqual(['答题 #1 已提前结束，目前排名：\n没有人作答。']);
    expect(await b.say('王五', '/answer #1 A')).toEqual(['答题 #1 已经结束了。']);
    expect(await advance(b, clock, 60_000)).toEqual([]);
    expect(await b.say('王五', '/answer #99 A')).toEqual(['没有编号为 #99 的答题。']);
    expect(await b.say('王五', '/quiz 不存在的题库')).toEqual(['没有“不存在的题库”这个题库。现有题库：支部工作、党章、纪律处分、廉洁自律准则、本镇机制、党员教育管理、党费、党内政治生活准则、发展党员']);
  });
});

describePg('group quiz on PostgreSQL', () => {
  it('gives the same scores, ranking, leaderboards and participation', { timeout: 90_000 }, () => fullQuiz(freshPostgres));
});
