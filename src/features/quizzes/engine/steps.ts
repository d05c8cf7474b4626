/**
 * The timed life of a group quiz's questions: open, time up, close (answer, explanation, who got it
 * right), the next question after a short pause, and the ranking after the last one (or at an
 * early stop). All timed steps are durable one-off tasks of the scheduler, and each step checks the
 * quiz's state first, so a task that runs twice, late, or after an early close does nothing wrong.
 * The decisions themselves are the pure `rules/quiz.ts`.
 */
import type { BaseContext } from '../../../bot/context.ts';
import type { Tx } from '../../../bot/feature.ts';
import { membersByIds } from '../../../bot/roster.ts';
import { recheckCloseAt } from '../../../bot/backlog.ts';
import type { Catalog } from '../catalog.ts';
import { nativeKeyOf, questionResultText, quizQuestionMessage, quizRankingText, type QuestionSlot } from '../render.ts';
import { nextPosition, rankAnswers, type QuizSettings } from '../rules/quiz.ts';
import { answersOfQuiz, answersToQuestion, endQuiz, getQuiz, markQuestionClosed, markQuestionOpen, quizQuestion } from '../store/quizzes.ts';
import type { QuizQuestionRow, QuizRow } from '../store/rows.ts';

/** Task kind: a question's time is up. Payload `{ quizId, position }`. */
export const TASK_TIME_UP = 'quizzes.timeUp';
/** Task kind: open the next question. Payload `{ quizId, position }`. */
export const TASK_OPEN = 'quizzes.open';

function slotOf(quiz: QuizRow, position: number): QuestionSlot {
  return { quizId: quiz.id, position, total: quiz.questionCount, openSeconds: quiz.openSeconds };
}

/** Names of members by id, in one query; an unknown id shows as #id. */
async function namesOf(tx: Tx, ids: readonly number[]): Promise<Map<number, string>> {
  const found = await membersByIds(tx, ids);
  return new Map(ids.map((id) => [id, found.get(id)?.name ?? `#${id}`]));
}

/** Opens a question: sends it and schedules its time-up. Does nothing when it is open already. */
export async function openQuestion(env: BaseContext, catalog: Catalog, settings: QuizSettings, quiz: QuizRow, row: QuizQuestionRow): Promise<void> {
  const now = env.now();
  const closesAt = new Date(now.getTime() + quiz.openSeconds * 1000);
  if (!(await markQuestionOpen(env.db, row, now, closesAt))) return;
  const q = await catalog.question(env.db, row.questionKey);
  if (!q) {
    // The question disappeared from its bank since the quiz started: skip it.
    env.send(quiz.chat, env.t('quizzes.question.missing', { n: row.position + 1 }));
    await closeQuestion(env, catalog, settings, { ...quiz, current: row.position }, { ...row, openedAt: now, closesAt });
    return;
  }
  env.send(quiz.chat, quizQuestionMessage(env, quiz.chat, slotOf(quiz, row.position), q, row.optionOrder));
  await env.scheduleTask({
    kind: TASK_TIME_UP,
    key: `quiz:${quiz.id}:${row.position + 1}:timeup`,
    dueAt: closesAt,
    payload: { quizId: quiz.id, position: row.position },
  });
}

/**
 * The time-up task of question `position` of quiz #quizId: closes the question (answer,
 * explanation, who got it right) and moves on. Does nothing when the quiz has ended or the
 * question is already closed (it closed early, or the task ran twice); runs again at the right
 * time when it fires early, and a little later while answers that arrived before the close are
 * still waiting to be processed (backlog.ts).
 */
export async function questionTimeUp(env: BaseContext, catalog: Catalog, settings: QuizSettings, quizId: number, position: number): Promise<void> {
  const quiz = await getQuiz(env.db, quizId);
  if (!quiz || quiz.status !== 'running') return;
  const row = await quizQuestion(env.db, quizId, position);
  if (!row || !row.openedAt || !row.closesAt || row.closedAt) return;
  const now = env.now();
  const rearm = (dueAt: Date) => env.scheduleTask({ kind: TASK_TIME_UP, key: `quiz:${quizId}:${position + 1}:timeup`, dueAt, payload: { quizId, position } });
  if (now < row.closesAt) return rearm(row.closesAt);
  // Answers that arrived in time but still wait to be processed count: look again shortly.
  const recheck = await recheckCloseAt(env.db, quiz.chat.platform, row.closesAt, now);
  if (recheck) return rearm(recheck);
  await closeQuestion(env, catalog, settings, quiz, row);
}

/**
 * The open task of question `position`: opens it if the quiz is still running and the previous
 * question is closed. Idempotent.
 */
export async function openNextQuestion(env: BaseContext, catalog: Catalog, settings: QuizSettings, quizId: number, position: number): Promise<void> {
  const quiz = await getQuiz(env.db, quizId);
  if (!quiz || quiz.status !== 'running' || quiz.current !== position - 1) return;
  const prev = await quizQuestion(env.db, quizId, position - 1);
  if (!prev || !prev.closedAt) return;
  const row = await quizQuestion(env.db, quizId, position);
  if (!row || row.openedAt) return;
  await openQuestion(env, catalog, settings, quiz, row);
}

/** Closes a question (once), posts its result, then schedules the next question or finishes. */
export async function closeQuestion(env: BaseContext, catalog: Catalog, settings: QuizSettings, quiz: QuizRow, row: QuizQuestionRow): Promise<void> {
  const now = env.now();
  if (!(await markQuestionClosed(env.db, row.id, now))) return;
  const slot = slotOf(quiz, row.position);
  env.send(quiz.chat, { kind: 'stop_poll', nativeKey: nativeKeyOf(slot) });
  const q = await catalog.question(env.db, row.questionKey);
  if (q) {
    const answers = await answersToQuestion(env.db, row.id);
    const names = await namesOf(env.db, answers.filter((a) => a.correct).map((a) => a.memberId));
    const rightNames = answers.filter((a) => a.correct).map((a) => names.get(a.memberId) ?? '?');
    env.send(quiz.chat, questionResultText(env.t, slot, q, row.optionOrder, { answered: answers.length, rightNames }));
  }
  const next = nextPosition(row.position, quiz.questionCount);
  if (next === undefined) {
    await finishQuiz(env, quiz, 'finished');
    return;
  }
  await env.scheduleTask({
    kind: TASK_OPEN,
    key: `quiz:${quiz.id}:${next + 1}:open`,
    dueAt: new Date(now.getTime() + settings.pauseSeconds * 1000),
    payload: { quizId: quiz.id, position: next },
  });
}

/** Ends a quiz and posts its ranking. */
async function finishQuiz(env: BaseContext, quiz: QuizRow, status: 'finished' | 'stopped'): Promise<void> {
  if (!(await endQuiz(env.db, quiz.id, status, env.now()))) return;
  const answers = await answersOfQuiz(env.db, quiz.id);
  const names = await namesOf(env.db, answers.map((a) => a.memberId));
  const capped = answers.some((a) => a.credited < a.points);
  env.send(quiz.chat, quizRankingText(env.t, { id: quiz.id, questionCount: quiz.questionCount, stopped: status === 'stopped' }, rankAnswers(answers, names), capped));
}

/**
 * Stops a running quiz early (a secretary or whoever started it): the open question closes
 * without result, and the ranking so far is posted.
 */
export async function stopQuiz(env: BaseContext, quiz: QuizRow): Promise<void> {
  const row = quiz.current >= 0 ? await quizQuestion(env.db, quiz.id, quiz.current) : null;
  if (row && row.openedAt && !row.closedAt && (await markQuestionClosed(env.db, row.id, env.now()))) {
    env.send(quiz.chat, { kind: 'stop_poll', nativeKey: nativeKeyOf({ quizId: quiz.id, position: row.position }) });
  }
  await finishQuiz(env, quiz, 'stopped');
}
