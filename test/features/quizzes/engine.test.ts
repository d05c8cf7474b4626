// The quiz steps called directly, as the scheduler would call them, with a manual clock: the
// time-up of a question, run early, on time, twice, and after an early close.
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../../src/clock.ts';
import { loadPrompts, translator } from '../../../src/bot/i18n.ts';
import type { ChatRef, QueuedMessage } from '../../../src/bot/types.ts';
import type { TaskSpec } from '../../../src/scheduler/contract.ts';
import { loadBanks } from '../../../src/features/quizzes/banks/load.ts';
import { Catalog } from '../../../src/features/quizzes/catalog.ts';
import { answerQuiz } from '../../../src/features/quizzes/engine/answer.ts';
import { startQuiz } from '../../../src/features/quizzes/engine/start.ts';
import { openNextQuestion, questionTimeUp, TASK_OPEN, TASK_TIME_UP } from '../../../src/features/quizzes/engine/steps.ts';
import type { QuizSettings } from '../../../src/features/quizzes/rules/quiz.ts';
import { getQuiz } from '../../../src/features/quizzes/store/quizzes.ts';
import { freshSqlite } from '../../support/db.ts';
import { baseContext } from '../../support/base-context.ts';

const root = path.resolve(import.meta.dirname, '../../..');
const t = translator(loadPrompts(path.join(root, 'prompts')), 'zh-CN');
const catalog = new Catalog(loadBanks(path.join(root, 'prompts', 'quizzes')));
const settings: QuizSettings = { openSeconds: 30, pauseSeconds: 5, dailyCap: 100, defaultCount: 5, maxCount: 20, personalPoints: 5 };
const chat: ChatRef = { platform: 'console', chatId: '测试群', kind: 'group', title: '测试群' };

type Db = Awaited<ReturnType<typeof freshSqlite>>;
let db: Db | undefined;
afterEach(async () => {
  await db?.close();
  db = undefined;
});

/** A quiz environment over the database with a manual clock, recording what it sends and schedules. */
function env(database: Db, clock: ManualClock) {
  const sent: QueuedMessage[] = [];
  const tasks: TaskSpec[] = [];
  const e = baseContext({
    db: database.db,
    now: () => clock.now(),
    t,
    send: (_c, m) => void sent.push(typeof m === 'string' ? { kind: 'text', text: m } : m),
    scheduleTask: async (s) => void tasks.push(s),
  });
  return { e, sent, tasks };
}

const kinds = (ms: readonly QueuedMessage[]) => ms.map((m) => (m.kind === 'text' ? m.text.split('\n')[0] : m.kind));

describe('question time-up', () => {
  it('closes the question when due, not before, once; then schedules the next question', async () => {
    db = await freshSqlite();
    const clock = new ManualClock('2026-11-26T02:00:00Z');
    const { e, sent, tasks } = env(db, clock);
    const quiz = await startQuiz(e, catalog, settings, { chatId: 1, chat, unitId: null, memberId: 1, bank: undefined, count: 2, openSeconds: 30 });
    expect(kinds(sent)).toEqual(['答题 #1 开始：综合，共2题，每题30秒。答对得分，越快分越高。', 'quiz']);
    const q = sent[1] as Extract<QueuedMessage, { kind: 'quiz' }>;
    expect(q).toMatchObject({ answerCommand: '/answer #1 q1', nativeKey: 'quiz:1:1', openSeconds: 30 });
    expect(q.fallbackText.split('\n')[0]).toBe('答题 #1 第1/2题（30秒）');
    expect(tasks).toEqual([{ kind: TASK_TIME_UP, key: 'quiz:1:1:timeup', dueAt: new Date('2026-11-26T02:00:30Z'), payload: { quizId: 1, position: 0 } }]);

    // Run early (a clock skew between instances): re-armed for the right time, nothing closed.
    clock.advance(10_000);
    sent.length = 0;
    await questionTimeUp(e, catalog, settings, quiz.id, 0);
    expect(sent).toEqual([]);
    expect(tasks.at(-1)).toEqual({ kind: TASK_TIME_UP, key: 'quiz:1:1:timeup', dueAt: new Date('2026-11-26T02:00:30Z'), payload: { quizId: 1, position: 0 } });

    // A right answer at 10 s, then the time is up.
    const right = String(q.correctIndex + 1);
    expect(await answerQuiz(e, catalog, settings, quiz, 7, right)).toBe('recorded');
    expect(await answerQuiz(e, catalog, settings, quiz, 7, right)).toBe('already');
    expect(await answerQuiz(e, catalog, settings, quiz, 8, 'hello')).toBe('unparsed');
    expect(await answerQuiz(e, catalog, settings, quiz, 8, right, 1)).toBe('closed');
    clock.set('2026-11-26T02:00:30Z');
    expect(await answerQuiz(e, catalog, settings, quiz, 8, right)).toBe('recorded');
    clock.advance(1);
    expect(await answerQuiz(e, catalog, settings, quiz, 9, right)).toBe('closed');
    await questionTimeUp(e, catalog, settings, quiz.id, 0);
    expect(kinds(sent)).toEqual(['stop_poll', '答题 #1 第1/2题结束。']);
    expect((sent[1] as { text: string }).text.split('\n').at(-1)).toMatch(/^2人作答，2人答对：#7、#8$/);
    expect(tasks.at(-1)).toEqual({ kind: TASK_OPEN, key: 'quiz:1:2:open', dueAt: new Date('2026-11-26T02:00:35.001Z'), payload: { quizId: 1, position: 1 } });
    const answers = await db.db.quizAnswer.findMany({ orderBy: { memberId: 'asc' } });
    expect(answers.map((a) => [a.memberId, a.points, a.credited, a.elapsedMs])).toEqual([
      [7, 9, 9, 10_000],
      [8, 5, 5, 30_000],
    ]);

    // Running the same task again does nothing.
    sent.length = 0;
    const before = tasks.length;
    await questionTimeUp(e, catalog, settings, quiz.id, 0);
    expect(sent).toEqual([]);
    expect(tasks).toHaveLength(before);

    // Opening the next question twice opens it once.
    clock.advance(5_000);
    await openNextQuestion(e, catalog, settings, quiz.id, 1);
    await openNextQuestion(e, catalog, settings, quiz.id, 1);
    expect(kinds(sent)).toEqual(['quiz']);
    expect((sent[0] as { nativeKey: string }).nativeKey).toBe('quiz:1:2');
    // An early close (7 and 8 both answer) ends the quiz; the pending time-up then does nothing.
    const again = (await getQuiz(db.db, quiz.id))!;
    const right2 = String((sent[0] as { correctIndex: number }).correctIndex + 1);
    sent.length = 0;
    expect(await answerQuiz(e, catalog, settings, again, 8, right2)).toBe('recorded');
    expect(sent).toEqual([]);
    expect(await answerQuiz(e, catalog, settings, again, 7, right2)).toBe('recorded');
    expect(kinds(sent)).toEqual(['stop_poll', '答题 #1 第2/2题结束。', '答题 #1 结束，排名：']);
    expect((sent[2] as { text: string }).text).toBe('答题 #1 结束，排名：\n1. #7 答对2/2题 19分\n2. #8 答对2/2题 15分');
    sent.length = 0;
    clock.advance(60_000);
    await questionTimeUp(e, catalog, settings, quiz.id, 1);
    expect(sent).toEqual([]);
    expect((await getQuiz(db.db, quiz.id))!.status).toBe('finished');
  });
});
