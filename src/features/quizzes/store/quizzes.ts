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

/** The running quiz of a chat (at most one), or null. */
export async function runningQuizInChat(tx: Tx, chatId: number): Promise<QuizRow | null> {
  const r = await tx.quiz.findFirst({ where: { chatId, status: 'running' }, orderBy: { id: 'desc' } });
  return r ? toQuiz(r) : null;
}

/** The question at `position` of a quiz, or null. */
export async function quizQuestion(tx: Tx, quizId: number, position: number): Promise<QuizQuestionRow | null> {
  const r = await tx.quizQuestion.findUnique({ where: { quizId_position: { quizId, position } } });
  return r ? toQuestionRow(r) : null;
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

/** A member's answer to a question, or null. */
export async function findAnswer(tx: Tx, questionId: number, memberId: number): Promise<QuizAnswerRow | null> {
  return tx.quizAnswer.findUnique({ where: { questionId_memberId: { questionId, memberId } } });
}

/** Stores a member's first answer to a question. */
export async function addAnswer(tx: Tx, a: QuizAnswerRow & { answeredAt: Date }): Promise<void> {
  await tx.quizAnswer.create({ data: a });
}

/** Answers to one question, oldest first. */
export async function answersToQuestion(tx: Tx, questionId: number): Promise<QuizAnswerRow[]> {
  return tx.quizAnswer.findMany({ where: { questionId }, orderBy: { id: 'asc' } });
}

/** Every answer of a quiz (for its ranking). */
export async function answersOfQuiz(tx: Tx, quizId: number): Promise<QuizAnswerRow[]> {
  return tx.quizAnswer.findMany({ where: { question: { quizId } }, orderBy: { id: 'asc' } });
}
