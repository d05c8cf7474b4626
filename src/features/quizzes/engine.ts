/**
 * The group quiz: quiz #N runs in one chat, one question at a time. Opening a question schedules
 * its time-up task; closing it (time up, or every participant has answered) posts the answer and
 * the explanation and schedules the next question after a short pause; after the last one the
 * quiz's ranking is posted. All timed steps are durable one-off tasks of the scheduler, and each
 * step is a plain exported function (tested directly with a manual clock) that checks the quiz's
 * state first, so a task that runs twice, late, or after an early close does nothing wrong.
 *
 * Decisions:
 * - Early close: from the second question on, a question closes as soon as every member who
 *   answered the previous question has answered it (the first question always runs its full time,
 *   because nobody knows yet who is playing). In a private chat it closes at the one answer.
 * - Points for a right answer: 5, plus 1-5 for speed — one point for each fifth of the time left
 *   (answered in the first fifth: 10; in the last fifth: 6). Wrong answers earn 0. What a member is
 *   credited each day is capped (`dailyCap`); the quiz's own ranking shows the points earned.
 * - A member's first answer counts; a later one is refused briefly. First answers are not
 *   acknowledged one by one in a group (a burst of replies floods the group, and personal-account
 *   platforms ban accounts that burst); the result after each question names who got it right.
 * - A wrong answer puts the question into the member's 错题本 (see personal.ts for reviews).
 */
import type { BaseContext } from '../../bot/context.ts';
import type { Tx } from '../../bot/feature.ts';
import type { ChatRef } from '../../bot/types.ts';
import { parseChoice, parseTrueFalse } from '../../bot/answers.ts';
import { membersByIds } from '../../bot/roster.ts';
import { optionCount, type Bank, type Question } from './banks.ts';
import type { Catalog } from './catalog.ts';
import { nativeKeyOf, questionResultText, quizQuestionMessage, quizRankingText, type QuizRankLine, type QuestionSlot } from './render.ts';
import {
  addAnswer,
  answersOfQuiz,
  answersToQuestion,
  createQuiz,
  creditAnswer,
  endQuiz,
  findAnswer,
  getQuiz,
  markQuestionClosed,
  markQuestionOpen,
  quizQuestion,
  recordWrong,
  type QuizAnswerRow,
  type QuizQuestionRow,
  type QuizRow,
} from './store.ts';
import { identityOrder, localDay, seededShuffle } from './util.ts';

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

/** Task kind: a question's time is up. Payload `{ quizId, position }`. */
export const TASK_TIME_UP = 'quizzes.timeUp';
/** Task kind: open the next question. Payload `{ quizId, position }`. */
export const TASK_OPEN = 'quizzes.open';

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

function slotOf(quiz: QuizRow, position: number): QuestionSlot {
  return { quizId: quiz.id, position, total: quiz.questionCount, openSeconds: quiz.openSeconds };
}

/** What `/quiz` asks for. */
export interface StartRequest {
  readonly chatId: number;
  readonly chat: ChatRef;
  readonly unitId: number | null;
  readonly memberId: number;
  /** The bank, or undefined to mix every file bank. */
  readonly bank: Bank | undefined;
  readonly count: number;
  readonly openSeconds: number;
}

/** Starts quiz #N: announces it and opens the first question. Returns the quiz as it is then. */
export async function startQuiz(env: BaseContext, catalog: Catalog, settings: QuizSettings, req: StartRequest): Promise<QuizRow> {
  const pool = req.bank ? req.bank.questions : catalog.fileQuestions();
  const count = Math.min(req.count, pool.length);
  const bankName = req.bank?.name ?? env.t('quizzes.bank.mixed');
  const { quiz, questions } = await createQuiz(
    env.db,
    {
      chatId: req.chatId,
      chat: req.chat,
      unitId: req.unitId,
      startedById: req.memberId,
      bankId: req.bank?.id ?? '',
      bankName,
      openSeconds: req.openSeconds,
      now: env.now(),
    },
    (id) => pickQuestions(pool, count, id),
  );
  const short = count < req.count ? env.t('quizzes.start.short', { count }) : '';
  env.send(quiz.chat, env.t('quizzes.start.intro', { id: quiz.id, bank: bankName, count, seconds: quiz.openSeconds }) + short);
  await openQuestion(env, catalog, settings, quiz, questions[0]!);
  return (await getQuiz(env.db, quiz.id))!;
}

/** Opens a question: sends it and schedules its time-up. Does nothing when it is open already. */
async function openQuestion(env: BaseContext, catalog: Catalog, settings: QuizSettings, quiz: QuizRow, row: QuizQuestionRow): Promise<void> {
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
 * time when it fires early.
 */
export async function questionTimeUp(env: BaseContext, catalog: Catalog, settings: QuizSettings, quizId: number, position: number): Promise<void> {
  const quiz = await getQuiz(env.db, quizId);
  if (!quiz || quiz.status !== 'running') return;
  const row = await quizQuestion(env.db, quizId, position);
  if (!row || !row.openedAt || !row.closesAt || row.closedAt) return;
  if (env.now() < row.closesAt) {
    await env.scheduleTask({ kind: TASK_TIME_UP, key: `quiz:${quizId}:${position + 1}:timeup`, dueAt: row.closesAt, payload: { quizId, position } });
    return;
  }
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

/**
 * Names of members by id, in one query; an unknown id shows as #id.
 */
async function namesOf(tx: Tx, ids: readonly number[]): Promise<Map<number, string>> {
  const found = await membersByIds(tx, ids);
  return new Map(ids.map((id) => [id, found.get(id)?.name ?? `#${id}`]));
}

/** Closes a question (once), posts its result, then schedules the next question or finishes. */
async function closeQuestion(env: BaseContext, catalog: Catalog, settings: QuizSettings, quiz: QuizRow, row: QuizQuestionRow): Promise<void> {
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
  if (row.position + 1 < quiz.questionCount) {
    await env.scheduleTask({
      kind: TASK_OPEN,
      key: `quiz:${quiz.id}:${row.position + 2}:open`,
      dueAt: new Date(now.getTime() + settings.pauseSeconds * 1000),
      payload: { quizId: quiz.id, position: row.position + 1 },
    });
  } else {
    await finishQuiz(env, quiz, 'finished');
  }
}

/** Ranks a quiz's answers: points, then right answers (ties share a rank), then total time. */
export function rankAnswers(answers: readonly QuizAnswerRow[], names: ReadonlyMap<number, string>): (QuizRankLine & { memberId: number; elapsedMs: number })[] {
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
export type AnswerPreview =
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
 * question than the open one is `closed`. May close the question early (see the module comment).
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
  const choice = row.optionOrder[shown]!;
  const correct = choice === q.answer;
  const points = correct ? speedPoints(row.closesAt.getTime() - now.getTime(), quiz.openSeconds) : 0;
  const day = localDay(now, env.timeZone);
  const credited = await creditAnswer(env.db, memberId, day, points, correct, settings.dailyCap);
  await addAnswer(env.db, { questionId: row.id, memberId, choice, correct, elapsedMs: now.getTime() - row.openedAt.getTime(), points, credited, answeredAt: now });
  if (!correct) await recordWrong(env.db, memberId, q.key, day, now);

  if (await everyoneAnswered(env.db, quiz, row)) await closeQuestion(env, catalog, settings, quiz, row);
  return 'recorded';
}

/** True when the open question may close early (see the module comment). */
async function everyoneAnswered(tx: Tx, quiz: QuizRow, row: QuizQuestionRow): Promise<boolean> {
  if (quiz.chat.kind === 'private') return true;
  if (row.position === 0) return false;
  const prev = await quizQuestion(tx, quiz.id, row.position - 1);
  if (!prev) return false;
  const before = new Set((await answersToQuestion(tx, prev.id)).map((a) => a.memberId));
  if (before.size === 0) return false;
  const now = new Set((await answersToQuestion(tx, row.id)).map((a) => a.memberId));
  return [...before].every((id) => now.has(id));
}
