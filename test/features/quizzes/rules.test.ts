import { describe, expect, it } from 'vitest';
import path from 'node:path';
import { loadConfig } from '../../../src/config.ts';
import { loadPrompts, translator } from '../../../src/bot/i18n.ts';
import { quizRankingText } from '../../../src/features/quizzes/render.ts';
import { rankAnswers, speedPoints } from '../../../src/features/quizzes/rules/quiz.ts';
import { answerArgs, isStartableBankName, quizArgs, rankArgs } from '../../../src/features/quizzes/args.ts';
import { optionOrderFor, pickQuestions, readAnswer } from '../../../src/features/quizzes/rules/questions.ts';
import { streakOf } from '../../../src/features/quizzes/leaderboard.ts';
import { reviewOffset } from '../../../src/features/quizzes/rules/reviews.ts';
import { addDays, localDay } from '../../../src/features/quizzes/util.ts';
import type { Question } from '../../../src/features/quizzes/banks/model.ts';

const input = (text: string, raw = text) => ({ text, tokens: text ? text.split(/[ \n]+/) : [], raw });

const single: Question = { key: 'k1', bankId: 'b', type: 'single', text: '?', options: ['甲', '乙', '丙', '丁'], answer: 1, explanation: 'e', source: 's' };
const tf: Question = { key: 'k2', bankId: 'b', type: 'truefalse', text: '?', options: [], answer: 1, explanation: 'e', source: 's' };

describe('quiz rules', () => {
  it('scores 5 plus one point per fifth of the time left', () => {
    expect([0, 5_999, 6_000, 12_000, 17_999, 24_000, 29_999, 30_000].map((ms) => speedPoints(30_000 - ms, 30))).toEqual([10, 10, 9, 8, 8, 6, 6, 5]);
    expect(speedPoints(-1, 30)).toBe(5);
  });

  it('shuffles options deterministically per quiz and never shuffles true/false', () => {
    expect(optionOrderFor(single, 'quiz:7:0')).toEqual(optionOrderFor(single, 'quiz:7:0'));
    expect(optionOrderFor(single, 'quiz:7:0').sort()).toEqual([0, 1, 2, 3]);
    const orders = new Set(Array.from({ length: 20 }, (_, i) => optionOrderFor(single, `quiz:${i}:0`).join('')));
    expect(orders.size).toBeGreaterThan(5);
    expect(optionOrderFor(tf, 'quiz:7:1')).toEqual([0, 1]);
    const pool = Array.from({ length: 30 }, (_, i) => ({ ...single, key: `q${i}` }));
    expect(pickQuestions(pool, 5, 3)).toEqual(pickQuestions(pool, 5, 3));
    expect(new Set(pickQuestions(pool, 5, 3).map((p) => p.questionKey)).size).toBe(5);
  });

  it('reads bare answers: letters, numbers, 选B, full width; true/false as 对/错 or A/B', () => {
    expect(['B', 'b', '２', '选B', 'Ｂ', '第二个', 'E', '5', '我觉得B'].map((t) => readAnswer(single, t))).toEqual([1, 1, 1, 1, 1, 1, undefined, undefined, undefined]);
    expect(['对', '错', 'A', 'B', '正确', '×', '0', 'C'].map((t) => readAnswer(tf, t))).toEqual([0, 1, 0, 1, 0, 1, undefined, undefined]);
  });

  it('parses /quiz arguments', () => {
    expect(quizArgs.parse(input(''))).toEqual({ action: 'start' });
    expect(quizArgs.parse(input('党章 10'))).toEqual({ action: 'start', bank: '党章', count: 10 });
    expect(quizArgs.parse(input('十题 党章 60秒'))).toEqual({ action: 'start', bank: '党章', count: 10, seconds: 60 });
    expect(quizArgs.parse(input('支部 工作 3'))).toEqual({ action: 'start', bank: '支部 工作', count: 3 });
    expect(quizArgs.parse(input('daily on'))).toEqual({ action: 'daily', enabled: true });
    expect(quizArgs.parse(input('每日一题 关'))).toEqual({ action: 'daily', enabled: false });
    expect(quizArgs.parse(input('daily'))).toEqual({ action: 'daily' });
    expect(quizArgs.parse(input('stop #4'))).toEqual({ action: 'stop', id: 4 });
    expect(quizArgs.parse(input('banks'))).toEqual({ action: 'banks' });
    expect(quizArgs.parse(input('import 党史 题库.csv'))).toEqual({ action: 'import', name: '党史', file: '题库.csv' });
    expect(quizArgs.parse(input('import 党史\na,b|c,A,d,e', 'import 党史\n"a，x",b|c,A,d,e'))).toEqual({ action: 'import', name: '党史', csv: '"a，x",b|c,A,d,e' });
    // The name alone: the CSV comes as a file sent with the command (the handler reads the attachment).
    expect(quizArgs.parse(input('import 党史'))).toEqual({ action: 'import', name: '党史' });
    for (const bad of ['21', '0题', '党章 5 6', '5秒', '601秒', 'daily maybe', 'stop x', 'import', 'import 题库.csv', 'import ../etc/passwd.csv', 'import 党史 ../../x.csv', '长'.repeat(41)]) {
      expect(quizArgs.safeParse(input(bad)).success, bad).toBe(false);
    }
  });

  it('accepts as bank names only what /quiz <name> would start', () => {
    expect(['党史', '二十大 报告', 'Party History', '🙂学习'].map(isStartableBankName)).toEqual([true, true, true, true]);
    expect(['daily', '导入', 'stop', 'banks', '10', '十题', '30秒', '党史 5', ''].map(isStartableBankName)).toEqual([false, false, false, false, false, false, false, false, false]);
  });

  it('parses /answer and /rank arguments', () => {
    expect(answerArgs.parse(input('#3 B'))).toEqual({ id: 3, text: 'B' });
    expect(answerArgs.parse(input('#3 q2 1'))).toEqual({ id: 3, position: 1, text: '1' });
    expect(answerArgs.parse(input('3 第二题 对'))).toEqual({ id: 3, position: 1, text: '对' });
    expect(answerArgs.parse(input('B'))).toEqual({ text: 'B' });
    for (const bad of ['', '#3', '#0 A', '#3 q99 A', 'x'.repeat(21)]) expect(answerArgs.safeParse(input(bad)).success, bad).toBe(false);
    expect(rankArgs.parse(input(''))).toEqual({ scope: 'unit' });
    expect(rankArgs.parse(input('全镇'))).toEqual({ scope: 'township' });
    expect(rankArgs.safeParse(input('foo')).success).toBe(false);
  });

  it('counts streaks of local days, alive until the end of the day after the last answer', () => {
    const today = '2026-11-26';
    expect(streakOf([], today)).toBe(0);
    expect(streakOf(['2026-11-26', '2026-11-25', '2026-11-24', '2026-11-22'], today)).toBe(3);
    expect(streakOf(['2026-11-25', '2026-11-24'], today)).toBe(2);
    expect(streakOf(['2026-11-24'], today)).toBe(0);
    expect(streakOf(['2026-03-01', '2026-02-28'], '2026-03-01')).toBe(2);
  });

  it('uses the org time zone for days and schedules reviews after 1, 3 and 7 days, then weekly', () => {
    expect(localDay(new Date('2026-11-25T16:30:00Z'), 'Asia/Shanghai')).toBe('2026-11-26');
    expect(localDay(new Date('2026-11-25T15:59:59Z'), 'Asia/Shanghai')).toBe('2026-11-25');
    expect(addDays('2026-12-31', 1)).toBe('2027-01-01');
    expect([0, 1, 2, 3, 4].map(reviewOffset)).toEqual([1, 3, 7, 14, 21]);
  });

  it('reads the quiz settings from the environment, with one clear line for a bad value', () => {
    const c = loadConfig({});
    expect([c.QUIZ_QUESTION_SECONDS, c.QUIZ_DAILY_CAP, c.QUIZ_DAILY_CRON]).toEqual([30, 100, '0 8 * * *']);
    expect(loadConfig({ QUIZ_QUESTION_SECONDS: '45', QUIZ_DAILY_CAP: '50', QUIZ_DAILY_CRON: '30 7 * * 1-5' })).toMatchObject({ QUIZ_QUESTION_SECONDS: 45, QUIZ_DAILY_CAP: 50, QUIZ_DAILY_CRON: '30 7 * * 1-5' });
    expect(() => loadConfig({ QUIZ_QUESTION_SECONDS: '5' })).toThrow('QUIZ_QUESTION_SECONDS: must be 10-600 seconds (got "5")');
    expect(() => loadConfig({ QUIZ_DAILY_CAP: 'many' })).toThrow(/^QUIZ_DAILY_CAP: /);
    expect(() => loadConfig({ QUIZ_DAILY_CRON: 'every morning' })).toThrow('QUIZ_DAILY_CRON: must be a 5-field cron expression, e.g. 0 8 * * * (got "every morning")');
  });

  it('ranks a quiz by points then right answers (ties share a rank, faster first) and shows the first ten', () => {
    const t = translator(loadPrompts(path.resolve(import.meta.dirname, '../../../prompts')), 'zh-CN');
    const a = (memberId: number, points: number, correct: boolean, elapsedMs: number) => ({ questionId: 1, memberId, choice: 0, correct, elapsedMs, points, credited: points });
    const names = new Map(Array.from({ length: 12 }, (_, i) => [i + 1, `党员${i + 1}`]));
    const ranked = rankAnswers([a(1, 10, true, 3000), a(2, 10, true, 1000), a(3, 0, false, 500), a(1, 8, true, 9000), a(2, 8, true, 9000), a(4, 0, false, 100)], names);
    expect(ranked.map((r) => [r.rank, r.name, r.points, r.correct])).toEqual([
      [1, '党员2', 18, 2],
      [1, '党员1', 18, 2],
      [3, '党员4', 0, 0],
      [3, '党员3', 0, 0],
    ]);
    const many = rankAnswers(Array.from({ length: 12 }, (_, i) => a(i + 1, 20 - i, true, 1000)), names);
    expect(quizRankingText(t, { id: 9, questionCount: 1, stopped: false }, many, false).split('\n').slice(-2)).toEqual(['10. 党员10 答对1/1题 11分', '……另有2人，共12人参加。']);
  });
});
