// A group quiz answer's statements (#18, the county's peak), on SQLite and PostgreSQL: the bare
// answer recorded as its claim previewed it, the answer row with its credited points worked out by
// the database in the same INSERT, the day and a mistake one raw upsert each. The rules still
// hold: the first answer counts and a second is refused, an answer after the close time is not
// taken, the daily cap limits what is credited (partly, then nothing), a wrong answer enters the
// 错题本 and reopens a resolved mistake. On SQLite a right bare answer costs 5 statements of the
// quiz (it was 9), a wrong one 6 (it was 11).
import { afterEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../../src/clock.ts';
import type { Database } from '../../../src/db/client.ts';
import { recordWrong } from '../../../src/features/quizzes/store/mistakes.ts';
import { creditDay, dayRecord } from '../../../src/features/quizzes/store/points.ts';
import { addAnswer, hasAnswered, quizQuestion, runningQuizInChat } from '../../../src/features/quizzes/store/quizzes.ts';
import { startTrace, stopTrace } from '../../../bench/sqltrace.ts';
import { describePg, freshPostgres, freshSqlite } from '../../support/db.ts';
import { startTestBot, type TestBot } from '../../support/app.ts';
import { readShownQuestion } from './support.ts';

const GROUP = '东北流村党支部';

let db: Database | undefined;
let bot: TestBot | undefined;
afterEach(async () => {
  await bot?.stop();
  await db?.close();
  bot = db = undefined;
});

/** A bound group with three members and one quiz question open for 360 s; the scheduler stopped. */
async function start(fresh: () => Promise<Database>) {
  db = await fresh();
  const clock = new ManualClock('2026-11-26T02:00:00Z');
  bot = await startTestBot(db, { clock, env: { BOT_ADMINS: 'console:管理员' } });
  await bot.app.scheduler.stop(); // the time-up never runs by itself: the late answer below meets an open row
  await bot.say('管理员', `/bindchat ${GROUP}`);
  for (const name of ['张三', '李四', '王五']) await bot.say(name, '大家好');
  const started = await bot.say('管理员', '/quiz 党章 1 360秒');
  return { b: bot, clock, database: db, q: readShownQuestion(started[1]!) };
}

async function answerRules(fresh: () => Promise<Database>): Promise<void> {
  const { b, clock, database, q } = await start(fresh);
  const tx = database.db;
  const member = async (name: string) => (await tx.platformIdentity.findFirstOrThrow({ where: { externalId: name } })).memberId!;
  const [zhang, li, wang] = [await member('张三'), await member('李四'), await member('王五')];
  const quiz = (await runningQuizInChat(tx, (await tx.chat.findFirstOrThrow({ where: { externalId: GROUP } })).id))!;
  expect(quiz).toMatchObject({ id: 1, status: 'running', current: 0, openSeconds: 360, chat: { chatId: GROUP, kind: 'group' } });
  const row = (await quizQuestion(tx, quiz.id, 0))!;
  expect(row.openedAt).toEqual(clock.now());
  expect(row.closesAt).toEqual(new Date(clock.now().getTime() + 360_000));
  expect(row.closedAt).toBeNull();
  expect(await quizQuestion(tx, quiz.id, 1)).toBeNull();

  // A right answer: acknowledged, stored once with its points credited to the day.
  clock.advance(3_000);
  expect(await b.say('张三', q.right)).toEqual(['已收到你对答题 #1 第1题的回答，本题结束后公布答案。']);
  // Twice: the first counts.
  expect(await b.say('张三', q.wrong)).toEqual(['张三，你已答过本题，以第一次作答为准。']);
  expect(await b.say('张三', `/answer ${q.wrong}`)).toEqual(['张三，你已答过本题，以第一次作答为准。']);
  const answers = await tx.quizAnswer.findMany({ where: { questionId: row.id }, orderBy: { id: 'asc' } });
  expect(answers).toHaveLength(1);
  expect(answers[0]).toMatchObject({ memberId: zhang, correct: true, elapsedMs: 3_000, answeredAt: clock.now() });
  expect(answers[0]!.credited).toBe(answers[0]!.points);
  expect(answers[0]!.points).toBeGreaterThan(0);
  expect(await dayRecord(tx, zhang, '2026-11-26')).toEqual({ points: answers[0]!.points, answers: 1, correct: 1 });
  expect(await hasAnswered(tx, row.id, zhang)).toBe(true);
  expect(await hasAnswered(tx, row.id, li)).toBe(false);

  // A wrong answer: stored with no points, the day counts it, the question enters the 错题本.
  expect(await b.say('李四', q.wrong)).toEqual(['已收到你对答题 #1 第1题的回答，本题结束后公布答案。']);
  expect(await tx.quizAnswer.findUniqueOrThrow({ where: { questionId_memberId: { questionId: row.id, memberId: li } } })).toMatchObject({ correct: false, points: 0, credited: 0 });
  expect(await dayRecord(tx, li, '2026-11-26')).toEqual({ points: 0, answers: 1, correct: 0 });
  const mistake = await tx.quizMistake.findUniqueOrThrow({ where: { memberId_questionKey: { memberId: li, questionKey: q.question.key } } });
  expect(mistake).toMatchObject({ baseDay: '2026-11-26', stage: 0, dueDay: '2026-11-27', rights: 0, resolvedAt: null, createdAt: clock.now() });

  // After the close time (the time-up not run yet): not taken.
  clock.advance(360_000);
  expect(await b.say('王五', `/answer ${q.right}`)).toEqual(['王五，本题已经结束，请等下一题。']);
  expect(await tx.quizAnswer.count({ where: { memberId: wang } })).toBe(0);
  expect(await dayRecord(tx, wang, '2026-11-26')).toEqual({ points: 0, answers: 0, correct: 0 });

  // The daily cap, worked out by the database: partly credited, then nothing; a second answer of
  // the same member to the same question stores nothing and credits nothing.
  const answer = (memberId: number, points: number) => ({ questionId: row.id, memberId, choice: 0, correct: true, elapsedMs: 1_000, points, answeredAt: clock.now() });
  await creditDay(tx, wang, '2026-11-26', 95, true);
  expect(await addAnswer(tx, answer(wang, 10), '2026-11-26', 100)).toBe(5);
  expect(await addAnswer(tx, answer(wang, 10), '2026-11-26', 100)).toBeNull();
  expect(await addAnswer(tx, answer(wang + 1000, 10), '2026-11-26', 100)).toBe(10); // no day row yet: the whole points
  await creditDay(tx, wang + 2000, '2026-11-26', 100, true);
  expect(await addAnswer(tx, answer(wang + 2000, 10), '2026-11-26', 100)).toBe(0);
  await creditDay(tx, wang + 3000, '2026-11-26', 120, true); // over a cap lowered since: nothing, never negative
  expect(await addAnswer(tx, answer(wang + 3000, 10), '2026-11-26', 100)).toBe(0);
  expect(await addAnswer(tx, answer(wang + 4000, 10), '2026-11-25', 5)).toBe(5);

  // A mistake made again: its schedule starts again; a resolved one reopens with no rights.
  await tx.quizMistake.update({ where: { id: mistake.id }, data: { stage: 2, dueDay: '2026-12-01', rights: 1 } });
  expect(await recordWrong(tx, li, q.question.key, '2026-11-28', clock.now())).toEqual({ dueDay: '2026-11-29' });
  expect(await tx.quizMistake.findUniqueOrThrow({ where: { id: mistake.id } })).toMatchObject({ baseDay: '2026-11-28', stage: 0, dueDay: '2026-11-29', rights: 1, resolvedAt: null, createdAt: mistake.createdAt });
  await tx.quizMistake.update({ where: { id: mistake.id }, data: { rights: 2, resolvedAt: clock.now() } });
  await recordWrong(tx, li, q.question.key, '2026-11-30', clock.now());
  expect(await tx.quizMistake.findUniqueOrThrow({ where: { id: mistake.id } })).toMatchObject({ baseDay: '2026-11-30', stage: 0, rights: 0, resolvedAt: null });
  expect(await tx.quizMistake.count()).toBe(1);
}

describe('a quiz answer on SQLite', () => {
  it('keeps every rule of an answer with its raw statements', { timeout: 60_000 }, () => answerRules(freshSqlite));

  it('a right bare answer costs 5 statements of the quiz, a wrong one 6', { timeout: 60_000 }, async () => {
    const { b, clock, q } = await start(freshSqlite);
    await b.app.outbox.stop();
    const quizStatements = async (name: string, text: string) => {
      clock.advance(1_000);
      startTrace();
      expect(await b.app.handle(b.adapter.message(name, text, { chat: GROUP, sentAt: clock.now() }))).toBe('done');
      return stopTrace()
        .map((s) => /(?:FROM|INTO|UPDATE)\s+(?:`main`\.)?[`"]?(Quiz\w*)/i.exec(s.sql)?.[1])
        .filter((t) => t !== undefined);
    };
    expect(await quizStatements('张三', q.right)).toEqual(['Quiz', 'QuizQuestion', 'QuizAnswer', 'QuizAnswer', 'QuizDay']);
    expect(await quizStatements('李四', q.wrong)).toEqual(['Quiz', 'QuizQuestion', 'QuizAnswer', 'QuizAnswer', 'QuizDay', 'QuizMistake']);
  });
});

describePg('a quiz answer on PostgreSQL', () => {
  it('keeps every rule of an answer with its raw statements', { timeout: 90_000 }, () => answerRules(freshPostgres));
});
