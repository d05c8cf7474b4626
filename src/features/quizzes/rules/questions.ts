/**
 * How a question is shown and how a typed answer is read, as plain functions: the option count,
 * the option order (a shuffle fixed by a seed, so a restart renders the same quiz again), the
 * questions drawn for a quiz, and answer matching.
 */
import { parseChoice, parseTrueFalse } from '../../../bot/answers.ts';
import type { Question } from '../banks/model.ts';
import { identityOrder, seededShuffle } from '../util.ts';

/** Number of options a question shows. */
export function optionCount(q: Question): number {
  return q.type === 'truefalse' ? 2 : q.options.length;
}

/**
 * The shown option order of a question: a shuffle fixed by `seed`; true/false and questions marked
 * `keepOrder` (numbers, durations in their natural order) are never shuffled.
 */
export function optionOrderFor(q: Question, seed: string): number[] {
  const order = identityOrder(optionCount(q));
  return q.type === 'truefalse' || q.keepOrder === true ? order : seededShuffle(order, seed);
}

/** The questions of quiz #quizId: `count` drawn from `pool` and their option orders, fixed by the id. */
export function pickQuestions(pool: readonly Question[], count: number, quizId: number): { questionKey: string; optionOrder: number[] }[] {
  return seededShuffle(pool, `quiz:${quizId}`)
    .slice(0, count)
    .map((q, position) => ({ questionKey: q.key, optionOrder: optionOrderFor(q, `quiz:${quizId}:${position}`) }));
}

/**
 * Reads a typed answer to a question as the index of the shown option, or undefined when the text
 * is not an answer. True/false questions accept 对/错 and the like as well as A/B and 1/2.
 */
export function readAnswer(q: Question, text: string): number | undefined {
  if (q.type === 'truefalse') {
    const v = parseTrueFalse(text);
    return v === undefined ? undefined : v ? 0 : 1;
  }
  return parseChoice(text, q.options.length);
}
