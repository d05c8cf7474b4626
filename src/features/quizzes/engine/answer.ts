/**
 * Answers to a group quiz's open question. A member's first answer counts; a later one is refused
 * briefly. First answers are not acknowledged one by one in a group (a burst of replies floods the
 * group, and personal-account platforms ban accounts that burst); the result after each question
 * names who got it right. A wrong answer puts the question into the member's 错题本 (see
 * personal.ts for reviews). Scoring and the early close are the pure `rules/quiz.ts`.
 */
import type { BaseContext } from '../../../bot/context.ts';
import type { Tx } from '../../../bot/feature.ts';
import type { Question } from '../banks/model.ts';
import type { Catalog } from '../catalog.ts';
import { readAnswer } from '../rules/questions.ts';
import { closesEarly, scoreAnswer, type QuizSettings } from '../rules/quiz.ts';
import { recordWrong } from '../store/mistakes.ts';
import { creditAnswer } from '../store/points.ts';
import { addAnswer, answersToQuestion, findAnswer, quizQuestion } from '../store/quizzes.ts';
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

/** What an answer to a quiz's open question would meet, before anything is recorded. */
type AnswerPreview =
  | { readonly kind: 'closed' | 'unparsed' | 'already' }
  | { readonly kind: 'open'; readonly row: QuizQuestionRow; readonly q: Question; readonly shown: number };

/**
 * Checks an answer without recording it: the question is closed, the text is no answer to it,
 * the member already answered, or it is open to them (with the shown option picked).
 */
export async function previewAnswer(env: BaseContext, catalog: Catalog, quiz: QuizRow, memberId: number, text: string, position?: number): Promise<AnswerPreview> {
  if (quiz.status !== 'running' || quiz.current < 0) return { kind: 'closed' };
  if (position !== undefined && position !== quiz.current) return { kind: 'closed' };
  const row = await quizQuestion(env.db, quiz.id, quiz.current);
  if (!row || !row.openedAt || !row.closesAt || row.closedAt || env.now() > row.closesAt) return { kind: 'closed' };
  const q = await catalog.question(env.db, row.questionKey);
  if (!q) return { kind: 'closed' };
  const shown = readAnswer(q, text);
  if (shown === undefined) return { kind: 'unparsed' };
  if (await findAnswer(env.db, row.id, memberId)) return { kind: 'already' };
  return { kind: 'open', row, q, shown };
}

/**
 * Records a member's answer to the open question of a running quiz. `position` (0-based), when
 * given, is the question the answer was meant for (native polls say so); an answer to any other
 * question than the open one is `closed`. May close the question early (`closesEarly`).
 */
export async function answerQuiz(
  env: BaseContext,
  catalog: Catalog,
  settings: QuizSettings,
  quiz: QuizRow,
  memberId: number,
  text: string,
  position?: number,
): Promise<QuizAnswerOutcome> {
  const preview = await previewAnswer(env, catalog, quiz, memberId, text, position);
  if (preview.kind !== 'open') return preview.kind;
  const { row, q, shown } = preview;
  if (!row.openedAt || !row.closesAt) return 'closed';
  const now = env.now();
  const scored = scoreAnswer({ optionOrder: row.optionOrder, shown, answer: q.answer, openedAt: row.openedAt, closesAt: row.closesAt, openSeconds: quiz.openSeconds, now });
  const day = localDay(now, env.timeZone);
  const credited = await creditAnswer(env.db, memberId, day, scored.points, scored.correct, settings.dailyCap);
  await addAnswer(env.db, { questionId: row.id, memberId, ...scored, credited, answeredAt: now });
  if (!scored.correct) await recordWrong(env.db, memberId, q.key, day, now);

  if (await everyoneAnswered(env.db, quiz, row)) await closeQuestion(env, catalog, settings, quiz, row);
  return 'recorded';
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
