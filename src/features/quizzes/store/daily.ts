/** Who receives the daily question (每日一题): each member's choice, else their unit's default. */
import type { Tx } from '../../../bot/feature.ts';
import { partyRoles } from '../../../bot/policy.ts';
import { membersOfUnit } from '../../../bot/roster.ts';

// Daily question subscriptions

/** Turns the daily question on or off for a member. */
export async function setDaily(tx: Tx, memberId: number, enabled: boolean, now: Date): Promise<void> {
  await tx.quizDailySub.upsert({ where: { memberId }, create: { memberId, enabled, updatedAt: now }, update: { enabled, updatedAt: now } });
}

/** Whether a member receives the daily question: their own choice, else their unit's default. */
export async function dailyEnabled(tx: Tx, memberId: number, unitDefault = false): Promise<boolean> {
  return (await tx.quizDailySub.findUnique({ where: { memberId } }))?.enabled ?? unitDefault;
}

/**
 * Members who receive the daily question, by id: those who turned it on, and in the units in
 * `defaultUnits` (their `/settings 每日一题 开`) every Party member who has not turned it off.
 */
export async function dailySubscribers(tx: Tx, defaultUnits: ReadonlySet<number> = new Set()): Promise<number[]> {
  const rows = await tx.quizDailySub.findMany({ select: { memberId: true, enabled: true } });
  const chosen = new Map(rows.map((r) => [r.memberId, r.enabled]));
  const ids = new Set(rows.filter((r) => r.enabled).map((r) => r.memberId));
  for (const unitId of defaultUnits) {
    for (const m of await membersOfUnit(tx, unitId, partyRoles())) if (chosen.get(m.id) !== false) ids.add(m.id);
  }
  return [...ids].sort((a, b) => a - b);
}
