/** Group quizzes in the database: quiz #N, its questions (open, closed) and the members' answers. */
import type { Tx } from '../../../bot/feature.ts';
import type { Platform } from '../../../bot/types.ts';
import { OptionOrder, QuizStatus, type QuizAnswerRow, type QuizQuestionRow, type QuizRow } from './rows.ts';

type RawQuiz = {
  id: number; chatId: number; chatPlatform: string; chatExternalId: string; chatKind: string; chatTitle: string;
  unitId: number | null; startedById: number; bankId: string; bankName: string; questionCount: number;
  openSeconds: number; status: string; current: number; createdAt: Date;
};

function toQuiz(r: RawQuiz): QuizRow {
  return {
    id: r.id,
    chatId: r.chatId,
    chat: { platform: r.chatPlatform as Platform, chatId: r.chatExternalId, kind: r.chatKind === 'private' ? 'private' : 'group', title: r.chatTitle },
    unitId: r.unitId,
    startedById: r.startedById,
    bankId: r.bankId,
    bankName: r.bankName,
    questionCount: r.questionCount,
    openSeconds: r.openSeconds,
    status: QuizStatus.parse(r.status),
    current: r.current,
    createdAt: r.createdAt,
  };
}

function toQuestionRow(r: { id: number; quizId: number; position: number; questionKey: string; optionOrder: string; openedAt: Date | null; closesAt: Date | null; closedAt: Date | null }): QuizQuestionRow {
  return { ...r, optionOrder: OptionOrder.parse(JSON.parse(r.optionOrder)) };
}

// Quizzes

/** What `createQuiz` stores: the quiz's own fields (the rest follow from its questions) and when. */
export type NewQuiz = Pick<QuizRow, 'chatId' | 'chat' | 'unitId' | 'startedById' | 'bankId' | 'bankName' | 'openSeconds'> & { readonly now: Date };

/**
 * Creates quiz #N with its questions. `pick(id)` chooses the questions once the id is known (the
 * shuffle is seeded by it): question keys and their shown option order.
 */
export async function createQuiz(
  tx: Tx,
  data: NewQuiz,
  pick: (quizId: number) => { questionKey: string; optionOrder: readonly number[] }[],
): Promise<{ quiz: QuizRow; questions: QuizQuestionRow[] }> {
  const row = await tx.quiz.create({
    data: {
      chatId: data.chatId,
      chatPlatform: data.chat.platform,
      chatExternalId: data.chat.chatId,
      chatKind: data.chat.kind,
      chatTitle: (data.chat.title ?? data.chat.chatId).slice(0, 200),
      unitId: data.unitId,
      startedById: data.startedById,
      bankId: data.bankId,
      bankName: data.bankName,
      questionCount: 0,
      openSeconds: data.openSeconds,
      createdAt: data.now,
    },
  });
  const picked = pick(row.id);
  const questions: QuizQuestionRow[] = [];
  for (const [position, p] of picked.entries()) {
    const q = await tx.quizQuestion.create({
      data: { quizId: row.id, position, questionKey: p.questionKey, optionOrder: JSON.stringify(p.optionOrder) },
    });
    questions.push(toQuestionRow(q));
  }
  const updated = await tx.quiz.update({ where: { id: row.id }, data: { questionCount: picked.length } });
  return { quiz: toQuiz(updated), questions };
}

/** Quiz #id, or null. */
export async function getQuiz(tx: Tx, id: number): Promise<QuizRow | null> {
  const r = await tx.quiz.findUnique({ where: { id } });
  return r ? toQuiz(r) : null;
}

/**
 * The running quiz of a chat (at most one), or null. Read on every bare answer in a chat (and by
 * every /answer): a typed raw query, the same SQL on SQLite and PostgreSQL, like the other hot
 * reads and writes of an answer here and in points.ts and mistakes.ts
 * (test/features/quizzes/answer-statements.test.ts runs them on both).
 */
export async function runningQuizInChat(tx: Tx, chatId: number): Promise<QuizRow | null> {
  const rows = await tx.$queryRaw<RawQuiz[]>`
    SELECT "id", "chatId", "chatPlatform", "chatExternalId", "chatKind", "chatTitle", "unitId", "startedById", "bankId",
      "bankName", "questionCount", "openSeconds", "status", "current", "createdAt"
    FROM "Quiz" WHERE "chatId" = ${chatId} AND "status" = 'running' ORDER BY "id" DESC LIMIT 1`;
  return rows[0] ? toQuiz(rows[0]) : null;
}

/** The question at `position` of a quiz, or null (read on every answer: a typed raw query). */
export async function quizQuestion(tx: Tx, quizId: number, position: number): Promise<QuizQuestionRow | null> {
  const rows = await tx.$queryRaw<Parameters<typeof toQuestionRow>[0][]>`
    SELECT "id", "quizId", "position", "questionKey", "optionOrder", "openedAt", "closesAt", "closedAt"
    FROM "QuizQuestion" WHERE "quizId" = ${quizId} AND "position" = ${position}`;
  return rows[0] ? toQuestionRow(rows[0]) : null;
}

/**
 * Marks a question open (and the quiz's current position). Returns false when it was already
 * opened (a re-run of the task): nothing changes then.
 */
export async function markQuestionOpen(tx: Tx, q: QuizQuestionRow, openedAt: Date, closesAt: Date): Promise<boolean> {
  const { count } = await tx.quizQuestion.updateMany({ where: { id: q.id, openedAt: null }, data: { openedAt, closesAt } });
  if (count === 0) return false;
  await tx.quiz.update({ where: { id: q.quizId }, data: { current: q.position } });
  return true;
}

/** Marks a question closed; false when it was closed already (only one closer wins). */
export async function markQuestionClosed(tx: Tx, questionId: number, closedAt: Date): Promise<boolean> {
  const { count } = await tx.quizQuestion.updateMany({ where: { id: questionId, closedAt: null, openedAt: { not: null } }, data: { closedAt } });
  return count === 1;
}

/** Ends a running quiz (finished or stopped); false when it was not running. */
export async function endQuiz(tx: Tx, quizId: number, status: 'finished' | 'stopped', now: Date): Promise<boolean> {
  const { count } = await tx.quiz.updateMany({ where: { id: quizId, status: 'running' }, data: { status, finishedAt: now } });
  return count === 1;
}

/** True when the member has answered the question (read on every answer: a typed raw query). */
export async function hasAnswered(tx: Tx, questionId: number, memberId: number): Promise<boolean> {
  const rows = await tx.$queryRaw<unknown[]>`SELECT 1 AS "one" FROM "QuizAnswer" WHERE "questionId" = ${questionId} AND "memberId" = ${memberId}`;
  return rows.length > 0;
}

/**
 * Stores a member's first answer to a question with the points it may credit, and returns them:
 * `points` within what the daily cap `cap` leaves of the member's points on `day` (0 once it is
 * reached), worked out by the database from the day's row in the same statement, so an answer
 * costs no read of it. Null when the member had answered already (nothing is stored then). The
 * caller credits the day with what it returns (`creditDay`). One typed raw statement, the same
 * SQL on SQLite and PostgreSQL.
 */
export async function addAnswer(tx: Tx, a: Omit<QuizAnswerRow, 'credited'> & { answeredAt: Date }, day: string, cap: number): Promise<number | null> {
  const rows = await tx.$queryRaw<{ credited: number | bigint }[]>`
    INSERT INTO "QuizAnswer" ("questionId", "memberId", "choice", "correct", "elapsedMs", "points", "credited", "answeredAt")
    VALUES (${a.questionId}, ${a.memberId}, ${a.choice}, ${a.correct}, ${a.elapsedMs}, ${a.points},
      (SELECT CASE WHEN x."room" <= 0 THEN 0 WHEN x."room" < CAST(${a.points} AS INTEGER) THEN x."room" ELSE CAST(${a.points} AS INTEGER) END
       FROM (SELECT CAST(${cap} AS INTEGER) - COALESCE(MAX(d."points"), 0) AS "room" FROM "QuizDay" d WHERE d."memberId" = ${a.memberId} AND d."day" = ${day}) x),
      ${a.answeredAt})
    ON CONFLICT ("questionId", "memberId") DO NOTHING
    RETURNING "credited"`;
  return rows[0] ? Number(rows[0].credited) : null;
}

/** Answers to one question, oldest first. */
export async function answersToQuestion(tx: Tx, questionId: number): Promise<QuizAnswerRow[]> {
  return tx.quizAnswer.findMany({ where: { questionId }, orderBy: { id: 'asc' } });
}

/** Every answer of a quiz (for its ranking). */
export async function answersOfQuiz(tx: Tx, quizId: number): Promise<QuizAnswerRow[]> {
  return tx.quizAnswer.findMany({ where: { question: { quizId } }, orderBy: { id: 'asc' } });
}
