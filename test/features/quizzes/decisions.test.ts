// The pure decisions of the quiz slice (src/features/quizzes/rules/): scoring an answer, the early
// close, which question comes next, the review schedule and the content rules of a bank question.
import { describe, expect, it } from 'vitest';
import type { Question } from '../../../src/features/quizzes/banks/model.ts';
import { foldName, letterIndex, questionContentProblems } from '../../../src/features/quizzes/rules/banks.ts';
import { optionCount } from '../../../src/features/quizzes/rules/questions.ts';
import { closesEarly, nextPosition, scoreAnswer } from '../../../src/features/quizzes/rules/quiz.ts';
import { afterReview, RIGHTS_TO_RESOLVE } from '../../../src/features/quizzes/rules/reviews.ts';

const at = (s: number) => new Date(Date.UTC(2026, 11, 2, 8, 0, s));

describe('scoring an answer', () => {
  const open = { optionOrder: [2, 0, 3, 1], answer: 3, openedAt: at(0), closesAt: at(30), openSeconds: 30 };

  it('maps the shown option to the bank option and scores a right one by the time left', () => {
    // Shown C is bank option 3 (the answer): answered after 4 s, 26 s of 30 left → 5 + ceil(5·26/30) = 10.
    expect(scoreAnswer({ ...open, shown: 2, now: at(4) })).toEqual({ choice: 3, correct: true, points: 10, elapsedMs: 4000 });
    // After 25 s, 5 s left → 5 + ceil(5·5/30) = 6.
    expect(scoreAnswer({ ...open, shown: 2, now: at(25) })).toEqual({ choice: 3, correct: true, points: 6, elapsedMs: 25000 });
  });

  it('gives a wrong answer 0 points whatever the speed, and keeps the bank option it chose', () => {
    expect(scoreAnswer({ ...open, shown: 0, now: at(1) })).toEqual({ choice: 2, correct: false, points: 0, elapsedMs: 1000 });
  });

  it('refuses a shown option that is not on screen', () => {
    expect(() => scoreAnswer({ ...open, shown: 4, now: at(1) })).toThrow(RangeError);
  });
});

describe('the early close', () => {
  const s = (position: number, previous: number[], current: number[], privateChat = false) => ({ privateChat, position, previous: new Set(previous), current: new Set(current) });

  it('never closes the first question of a group early, and always closes at the one answer in a private chat', () => {
    expect(closesEarly(s(0, [], [1, 2, 3]))).toBe(false);
    expect(closesEarly(s(0, [], [1], true))).toBe(true);
    expect(closesEarly(s(3, [1, 2], [], true))).toBe(true);
  });

  it('closes once everyone who answered the previous question has answered this one', () => {
    expect(closesEarly(s(1, [1, 2], [1]))).toBe(false);
    expect(closesEarly(s(1, [1, 2], [2, 1]))).toBe(true);
    expect(closesEarly(s(2, [1, 2], [1, 2, 3]))).toBe(true);
    expect(closesEarly(s(2, [1, 2], [1, 3]))).toBe(false);
  });

  it('runs the full time when nobody answered the previous question', () => {
    expect(closesEarly(s(2, [], [1]))).toBe(false);
  });
});

describe('the next question', () => {
  it('is the following position until the last one, then none', () => {
    expect([0, 1, 2, 3].map((p) => nextPosition(p, 3))).toEqual([1, 2, undefined, undefined]);
    expect(nextPosition(0, 1)).toBeUndefined();
  });
});

describe('the review schedule', () => {
  it('moves a mistake through 1, 3, 7 days after it, then weekly, and resolves it at the second right answer', () => {
    const first = afterReview({ baseDay: '2026-11-01', stage: 0, rights: 0 }, true, '2026-11-02');
    expect(first).toEqual({ rights: 1, stage: 1, dueDay: '2026-11-04', resolved: false });
    const wrong = afterReview({ baseDay: '2026-11-01', stage: 1, rights: 1 }, false, '2026-11-04');
    expect(wrong).toEqual({ rights: 1, stage: 2, dueDay: '2026-11-08', resolved: false });
    const later = afterReview({ baseDay: '2026-11-01', stage: 3, rights: 0 }, false, '2026-11-15');
    expect(later.dueDay).toBe('2026-11-22');
    expect(afterReview({ baseDay: '2026-11-01', stage: 2, rights: RIGHTS_TO_RESOLVE - 1 }, true, '2026-11-08').resolved).toBe(true);
  });

  it('is never due earlier than tomorrow, even when a review was answered late', () => {
    expect(afterReview({ baseDay: '2026-11-01', stage: 0, rights: 0 }, false, '2026-11-30').dueDay).toBe('2026-12-01');
  });
});

describe('bank content rules', () => {
  it('finds an answer letter beyond the options and names the range', () => {
    expect(questionContentProblems(['甲', '乙', '丙'], 'D')).toEqual(['answer: D is out of range (3 options, A-C)']);
    expect(questionContentProblems(['甲', '乙', '丙'], 'C')).toEqual([]);
  });

  it('finds an option repeated in another width, case or spacing', () => {
    expect(questionContentProblems(['ＡＢ', 'c d', 'ab', 'CD'], 'A')).toEqual(['options: option 3 repeats option 1 ("ab")', 'options: option 4 repeats option 2 ("CD")']);
  });

  it('folds names for comparison and reads letters as indexes', () => {
    expect(foldName(' 党 史 ')).toBe('党史');
    expect(foldName('ＰＡＲＴＹ History')).toBe('partyhistory');
    expect(['A', 'B', 'F'].map(letterIndex)).toEqual([0, 1, 5]);
  });

  it('counts two options for a true/false question', () => {
    const q: Question = { key: 'k', bankId: 'b', type: 'truefalse', text: '?', options: [], answer: 0, explanation: 'e', source: 's' };
    expect(optionCount(q)).toBe(2);
    expect(optionCount({ ...q, type: 'single', options: ['a', 'b', 'c'] })).toBe(3);
  });
});
