/**
 * Answers to a group quiz's open question. A member's first answer counts; a later one is refused
 * briefly. First answers are not acknowledged one by one in a group (a burst of replies floods the
 * group, and personal-account platforms ban accounts that burst); the result after each question
 * names who got it right. A wrong answer puts the question into the member's 错题本 (see
 * personal.ts for reviews). Scoring and the early close are the pure `rules/quiz.ts`.
 */
import type { BaseContext } from '../../../bot/context.ts';
import type { Context, Tx } from '../../../bot/feature.ts';
import type { Question } from '../banks/model.ts';
import type { Catalog } from '../catalog.ts';
import { readAnswer } from '../rules/questions.ts';
import { closesEarly, scoreAnswer, type QuizSettings } from '../rules/quiz.ts';
import { recordWrong } from '../store/mistakes.ts';
import { creditDay } from '../store/points.ts';
import { addAnswer, answersToQuestion, hasAnswered, quizQuestion } from '../store/quizzes.ts';
import type { QuizQuestionRow, QuizRow } from '../store/rows.ts';
import { localDay } from '../util.ts';
import { closeQuestion } from './steps.ts';

/** How an answer to a quiz question went. */
export type QuizAnswerOutcome =
  /** Stored (first answer). */
  | 'recorded'
  /** The member had answered this question already: the first answer counts. */
  | 'already'
  /** No question is open (between questions, time up, or an answer to an earlier question). */
  | 'closed'
  /** The text is not an answer to this question. */
  | 'unparsed';

/** What answering needs: the context, and when the answer arrived (`Context.receivedAt`). */
type AnswerEnv = BaseContext & Pick<Context, 'receivedAt'>;

/** What an answer to a quiz's open question would meet, before anything is recorded. */
export type AnswerPreview =
  | { readonly kind: 'closed' | 'unparsed' | 'already' }
  | { readonly kind: 'open'; readonly row: QuizQuestionRow; readonly q: Question; readonly shown: number };

/**
 * Checks an answer without recording it: the question is closed, the text is no answer to it,
 * the member already answered, or it is open to them (with the shown option picked).
 */
export async function previewAnswer(env: AnswerEnv, catalog: Catalog, quiz: QuizRow, memberId: number, text: string, position?: number): Promise<AnswerPreview> {
  if (quiz.status !== 'running' || quiz.current < 0) return { kind: 'closed' };
  if (position !== undefined && position !== quiz.current) return { kind: 'closed' };
  const row = await quizQuestion(env.db, quiz.id, quiz.current);
  // Judged by when the answer arrived: under a backlog it may be processed after the close.
  if (!row || !row.openedAt || !row.closesAt || row.closedAt || env.receivedAt > row.closesAt) return { kind: 'closed' };
  const q = await catalog.question(env.db, row.questionKey);
  if (!q) return { kind: 'closed' };
  const shown = readAnswer(q, text);
  if (shown === undefined) return { kind: 'unparsed' };
  if (await hasAnswered(env.db, row.id, memberId)) return { kind: 'already' };
  return { kind: 'open', row, q, shown };
}

/**
 * Records a member's answer to the open question of a running quiz. `position` (0-based), when
 * given, is the question the answer was meant for (native polls say so); an answer to any other
 * question than the open one is `closed`. May close the question early (`closesEarly`).
 */
export async function answerQuiz(
  env: AnswerEnv,
  catalog: Catalog,
  settings: QuizSettings,
  quiz: QuizRow,
  memberId: number,
  text: string,
  position?: number,
): Promise<QuizAnswerOutcome> {
  return (await recordAnswer(env, catalog, settings, quiz, memberId, await previewAnswer(env, catalog, quiz, memberId, text, position))).outcome;
}

/** How recording an answer went, and whether the answer closed its question early (its result is out). */
export interface AnswerRecorded {
  readonly outcome: QuizAnswerOutcome;
  readonly closedEarly: boolean;
}

/**
 * Records an answer as `previewAnswer` found it, in the same event: a bare answer's claim has
 * looked already, so its run passes that preview instead of reading the question and the
 * member's answer again. The answer's row and its credited points are one statement, the day's
 * points another (a first answer that loses a race with another stored meanwhile is `already`).
 */
export async function recordAnswer(env: AnswerEnv, catalog: Catalog, settings: QuizSettings, quiz: QuizRow, memberId: number, preview: AnswerPreview): Promise<AnswerRecorded> {
  if (preview.kind !== 'open') return { outcome: preview.kind, closedEarly: false };
  const { row, q, shown } = preview;
  if (!row.openedAt || !row.closesAt) return { outcome: 'closed', closedEarly: false };
  const now = env.receivedAt;
  const scored = scoreAnswer({ optionOrder: row.optionOrder, shown, answer: q.answer, openedAt: row.openedAt, closesAt: row.closesAt, openSeconds: quiz.openSeconds, now });
  const day = localDay(now, env.timeZone);
  const credited = await addAnswer(env.db, { questionId: row.id, memberId, ...scored, answeredAt: now }, day, settings.dailyCap);
  if (credited === null) return { outcome: 'already', closedEarly: false };
  await creditDay(env.db, memberId, day, credited, scored.correct);
  if (!scored.correct) await recordWrong(env.db, memberId, q.key, day, now);

  if (!(await everyoneAnswered(env.db, quiz, row))) return { outcome: 'recorded', closedEarly: false };
  await closeQuestion(env, catalog, settings, quiz, row);
  return { outcome: 'recorded', closedEarly: true };
}

/** Reads who answered the previous and the open question, and asks `closesEarly`. */
async function everyoneAnswered(tx: Tx, quiz: QuizRow, row: QuizQuestionRow): Promise<boolean> {
  const privateChat = quiz.chat.kind === 'private';
  if (privateChat || row.position === 0) return closesEarly({ privateChat, position: row.position, previous: new Set(), current: new Set() });
  const prev = await quizQuestion(tx, quiz.id, row.position - 1);
  if (!prev) return false;
  const previous = new Set((await answersToQuestion(tx, prev.id)).map((a) => a.memberId));
  if (previous.size === 0) return false;
  const current = new Set((await answersToQuestion(tx, row.id)).map((a) => a.memberId));
  return closesEarly({ privateChat, position: row.position, previous, current });
}
