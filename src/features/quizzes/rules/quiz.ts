/**
 * The rules of the group quiz, as plain functions of their inputs (no database, no clock): the
 * configurable settings, how long a question may stay open, the points of an answer, when a
 * question closes early, which question comes next, and the final ranking.
 *
 * Decisions:
 * - Early close: from the second question on, a question closes as soon as every member who
 *   answered the previous question has answered it (the first question always runs its full time,
 *   because nobody knows yet who is playing). In a private chat it closes at the one answer.
 * - Points for a right answer: 5, plus 1-5 for speed — one point for each fifth of the time left
 *   (answered in the first fifth: 10; in the last fifth: 6). Wrong answers earn 0. What a member is
 *   credited each day is capped (`dailyCap`); the quiz's own ranking shows the points earned.
 * - Ranking: points, then right answers (ties share a rank), then total time.
 */
import type { QuizRankLine } from '../render.ts';
import type { QuizAnswerRow } from '../store/rows.ts';

/** The quiz rules that are configurable. */
export interface QuizSettings {
  /** Seconds each question stays open (default; `/quiz … 60秒` overrides per quiz). */
  readonly openSeconds: number;
  /** Seconds between a question's result and the next question. */
  readonly pauseSeconds: number;
  /** Points a member may be credited per local day. */
  readonly dailyCap: number;
  /** Questions in a quiz when none is asked for, and the most allowed. */
  readonly defaultCount: number;
  readonly maxCount: number;
  /** Points for a right answer to a personal question (daily question, review). */
  readonly personalPoints: number;
}

/** Fewest seconds a question may stay open (time enough to read it). */
export const MIN_OPEN_SECONDS = 10;
/** Most seconds a question may stay open (ten minutes; native quizzes are clamped to the platform's `maxOpenSeconds`). */
export const MAX_OPEN_SECONDS = 600;

/** Points for a right answer with `remainingMs` of `openSeconds` left: 5 + one per fifth left (6-10). */
export function speedPoints(remainingMs: number, openSeconds: number): number {
  const total = openSeconds * 1000;
  const left = Math.max(0, Math.min(total, remainingMs));
  return 5 + Math.ceil((5 * left) / total);
}

/** An answer to an open question, as `scoreAnswer` reads it. */
export interface AnswerAt {
  /** Shown option i is the bank's option `optionOrder[i]`. */
  readonly optionOrder: readonly number[];
  /** The shown option the member picked (0-based). */
  readonly shown: number;
  /** The bank's correct option. */
  readonly answer: number;
  readonly openedAt: Date;
  readonly closesAt: Date;
  readonly openSeconds: number;
  readonly now: Date;
}

/** What an answer is worth: the bank option chosen, right or not, its points and time taken. */
export interface ScoredAnswer {
  readonly choice: number;
  readonly correct: boolean;
  readonly points: number;
  readonly elapsedMs: number;
}

/** Scores an answer: a right one earns `speedPoints` for the time left, a wrong one 0. */
export function scoreAnswer(a: AnswerAt): ScoredAnswer {
  const choice = a.optionOrder[a.shown];
  if (choice === undefined) throw new RangeError(`shown option ${a.shown} is not among ${a.optionOrder.length}`);
  const correct = choice === a.answer;
  const points = correct ? speedPoints(a.closesAt.getTime() - a.now.getTime(), a.openSeconds) : 0;
  return { choice, correct, points, elapsedMs: a.now.getTime() - a.openedAt.getTime() };
}

/** Who has answered, as `closesEarly` reads it. */
export interface AnswerersSoFar {
  readonly privateChat: boolean;
  /** 0-based position of the open question. */
  readonly position: number;
  /** Members who answered the previous question. */
  readonly previous: ReadonlySet<number>;
  /** Members who answered the open question. */
  readonly current: ReadonlySet<number>;
}

/** True when the open question may close before its time (see the module comment). */
export function closesEarly(s: AnswerersSoFar): boolean {
  if (s.privateChat) return true;
  if (s.position === 0 || s.previous.size === 0) return false;
  return [...s.previous].every((id) => s.current.has(id));
}

/** The question after `position` in a quiz of `questionCount`, or undefined after the last one. */
export function nextPosition(position: number, questionCount: number): number | undefined {
  return position + 1 < questionCount ? position + 1 : undefined;
}

/** One member's line of a quiz's ranking. */
export type RankedMember = QuizRankLine & { memberId: number; elapsedMs: number };

/** Ranks a quiz's answers: points, then right answers (ties share a rank), then total time. */
export function rankAnswers(answers: readonly QuizAnswerRow[], names: ReadonlyMap<number, string>): RankedMember[] {
  const by = new Map<number, { memberId: number; points: number; correct: number; elapsedMs: number }>();
  for (const a of answers) {
    const e = by.get(a.memberId) ?? { memberId: a.memberId, points: 0, correct: 0, elapsedMs: 0 };
    e.points += a.points;
    e.correct += a.correct ? 1 : 0;
    e.elapsedMs += a.elapsedMs;
    by.set(a.memberId, e);
  }
  const sorted = [...by.values()].sort(
    (x, y) => y.points - x.points || y.correct - x.correct || x.elapsedMs - y.elapsedMs || x.memberId - y.memberId,
  );
  let rank = 0;
  return sorted.map((e, i) => {
    const prev = sorted[i - 1];
    if (!prev || prev.points !== e.points || prev.correct !== e.correct) rank = i + 1;
    return { ...e, rank, name: names.get(e.memberId) ?? `#${e.memberId}` };
  });
}
