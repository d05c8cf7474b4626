/** The 错题本: a member's wrong answers and their spaced reviews. */
import type { Tx } from '../../../bot/feature.ts';
import { addDays } from '../util.ts';
import { afterReview, reviewOffset } from '../rules/reviews.ts';
import type { MistakeRow } from './rows.ts';

function toMistake(r: { id: number; memberId: number; questionKey: string; baseDay: string; stage: number; dueDay: string; rights: number; resolvedAt: Date | null }): MistakeRow {
  return { id: r.id, memberId: r.memberId, questionKey: r.questionKey, baseDay: r.baseDay, stage: r.stage, dueDay: r.dueDay, rights: r.rights, resolved: r.resolvedAt !== null };
}

/**
 * Records a wrong answer (outside a review): the question enters the 错题本, or its schedule starts
 * again from today (a resolved one is reopened with its count of right answers back at 0).
 * Returns the day its first review is due. One typed raw upsert (every wrong answer of a group
 * quiz pays it), the same SQL on SQLite and PostgreSQL.
 */
export async function recordWrong(tx: Tx, memberId: number, questionKey: string, today: string, now: Date): Promise<Pick<MistakeRow, 'dueDay'>> {
  const dueDay = addDays(today, reviewOffset(0));
  await tx.$executeRaw`
    INSERT INTO "QuizMistake" ("memberId", "questionKey", "baseDay", "stage", "dueDay", "rights", "createdAt")
    VALUES (${memberId}, ${questionKey}, ${today}, 0, ${dueDay}, 0, ${now})
    ON CONFLICT ("memberId", "questionKey") DO UPDATE SET "baseDay" = excluded."baseDay", "stage" = excluded."stage", "dueDay" = excluded."dueDay",
      "rights" = CASE WHEN "QuizMistake"."resolvedAt" IS NULL THEN "QuizMistake"."rights" ELSE 0 END, "resolvedAt" = NULL`;
  return { dueDay };
}

/**
 * Records a review answer of an open mistake: a right one counts toward the two that resolve it;
 * either way the next review is due at the next step of the schedule (1, 3, 7 days after the
 * mistake, then weekly), never earlier than tomorrow. Returns the updated row (null if none open).
 */
export async function recordReview(tx: Tx, memberId: number, questionKey: string, correct: boolean, today: string, now: Date): Promise<MistakeRow | null> {
  const m = await tx.quizMistake.findUnique({ where: { memberId_questionKey: { memberId, questionKey } } });
  if (!m || m.resolvedAt) return null;
  const next = afterReview(m, correct, today);
  const r = await tx.quizMistake.update({
    where: { id: m.id },
    data: { rights: next.rights, stage: next.stage, dueDay: next.dueDay, resolvedAt: next.resolved ? now : null },
  });
  return toMistake(r);
}

/** The open mistake of a member for a question, or null. */
export async function openMistake(tx: Tx, memberId: number, questionKey: string): Promise<MistakeRow | null> {
  const r = await tx.quizMistake.findUnique({ where: { memberId_questionKey: { memberId, questionKey } } });
  return r && !r.resolvedAt ? toMistake(r) : null;
}

/** Open mistakes due on or before `today`, the longest waiting first. */
export async function dueMistakes(tx: Tx, memberId: number, today: string): Promise<MistakeRow[]> {
  const rows = await tx.quizMistake.findMany({ where: { memberId, resolvedAt: null, dueDay: { lte: today } }, orderBy: [{ dueDay: 'asc' }, { id: 'asc' }] });
  return rows.map(toMistake);
}

/** All open mistakes of a member, next due first. */
export async function openMistakes(tx: Tx, memberId: number): Promise<MistakeRow[]> {
  const rows = await tx.quizMistake.findMany({ where: { memberId, resolvedAt: null }, orderBy: [{ dueDay: 'asc' }, { id: 'asc' }] });
  return rows.map(toMistake);
}
