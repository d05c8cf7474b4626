/** Points per local day, the days a member answered (streaks) and all-time totals. */
import type { Tx } from '../../../bot/feature.ts';

// Points per day, streaks and totals

/** A member's points and answers on a local day. */
export async function dayRecord(tx: Tx, memberId: number, day: string): Promise<{ points: number; answers: number; correct: number }> {
  const r = await tx.quizDay.findUnique({ where: { memberId_day: { memberId, day } } });
  return { points: r?.points ?? 0, answers: r?.answers ?? 0, correct: r?.correct ?? 0 };
}

/**
 * Credits points for one answer on a day, within the daily cap. Returns the points actually
 * credited (0 once the cap is reached). The answer counts toward the streak either way.
 */
export async function creditAnswer(tx: Tx, memberId: number, day: string, points: number, correct: boolean, cap: number): Promise<number> {
  const current = await dayRecord(tx, memberId, day);
  const credited = Math.max(0, Math.min(points, cap - current.points));
  await creditDay(tx, memberId, day, credited, correct);
  return credited;
}

/**
 * Adds one answer and `credited` points (already within the cap) to a member's day. One typed
 * raw upsert, the same SQL on SQLite and PostgreSQL (the group quiz's answers pay it every time).
 */
export async function creditDay(tx: Tx, memberId: number, day: string, credited: number, correct: boolean): Promise<void> {
  await tx.$executeRaw`
    INSERT INTO "QuizDay" ("memberId", "day", "points", "answers", "correct") VALUES (${memberId}, ${day}, ${credited}, 1, ${correct ? 1 : 0})
    ON CONFLICT ("memberId", "day") DO UPDATE SET "points" = "QuizDay"."points" + excluded."points",
      "answers" = "QuizDay"."answers" + 1, "correct" = "QuizDay"."correct" + excluded."correct"`;
}

/** Local days (newest first, at most `limit`) on which a member answered at least one question. */
export async function answerDays(tx: Tx, memberId: number, limit = 400): Promise<string[]> {
  const rows = await tx.quizDay.findMany({ where: { memberId, answers: { gt: 0 } }, orderBy: { day: 'desc' }, take: limit, select: { day: true } });
  return rows.map((r) => r.day);
}

/** Total credited points per member (all time), for the given members; absent ones have 0. */
export async function totalPoints(tx: Tx, memberIds: readonly number[]): Promise<Map<number, number>> {
  const out = new Map<number, number>();
  if (memberIds.length === 0) return out;
  for (let i = 0; i < memberIds.length; i += 500) {
    const rows = await tx.quizDay.groupBy({ by: ['memberId'], where: { memberId: { in: memberIds.slice(i, i + 500) } }, _sum: { points: true } });
    for (const r of rows) out.set(r.memberId, r._sum.points ?? 0);
  }
  return out;
}
