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
  await tx.quizDay.upsert({
    where: { memberId_day: { memberId, day } },
    create: { memberId, day, points: credited, answers: 1, correct: correct ? 1 : 0 },
    update: { points: { increment: credited }, answers: { increment: 1 }, correct: { increment: correct ? 1 : 0 } },
  });
  return credited;
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
