/** The dues slice's database functions: the only code that touches DuesMonth and DuesWarning. */
import type { Tx } from '../../bot/feature.ts';

/** Records months paid for a member (months already recorded stay as they were); returns how many were new. */
export async function recordPaid(db: Tx, p: { memberId: number; unitId: number; months: readonly string[]; source: 'command' | 'import'; by: number; now: Date }): Promise<number> {
  const have = new Set((await db.duesMonth.findMany({ where: { memberId: p.memberId, month: { in: [...p.months] } }, select: { month: true } })).map((r) => r.month));
  const fresh = p.months.filter((m) => !have.has(m));
  for (const month of fresh) {
    await db.duesMonth.create({ data: { memberId: p.memberId, month, unitId: p.unitId, source: p.source, recordedById: p.by, recordedAt: p.now } });
  }
  return fresh.length;
}

/** The months a member has paid, sorted. */
export async function paidMonths(db: Tx, memberId: number): Promise<string[]> {
  const rows = await db.duesMonth.findMany({ where: { memberId }, orderBy: { month: 'asc' }, select: { month: true } });
  return rows.map((r) => r.month);
}

/** Months paid per member of a unit's ledger, by member id. */
export async function paidByMember(db: Tx, memberIds: readonly number[]): Promise<Map<number, Set<string>>> {
  const out = new Map<number, Set<string>>();
  if (memberIds.length === 0) return out;
  for (const r of await db.duesMonth.findMany({ where: { memberId: { in: [...memberIds] } }, select: { memberId: true, month: true } })) {
    out.set(r.memberId, (out.get(r.memberId) ?? new Set()).add(r.month));
  }
  return out;
}

/** The first month recorded in a unit's ledger (when the unit started keeping it), or null. */
export async function ledgerStart(db: Tx, unitId: number): Promise<string | null> {
  return (await db.duesMonth.findFirst({ where: { unitId }, orderBy: { month: 'asc' }, select: { month: true } }))?.month ?? null;
}

/** Units that keep a dues ledger. */
export async function unitsWithLedger(db: Tx): Promise<number[]> {
  return (await db.duesMonth.groupBy({ by: ['unitId'] })).map((r) => r.unitId);
}

/** Records a warning (false when this one was already sent). */
export async function claimWarning(db: Tx, memberId: number, months: number, sinceMonth: string, now: Date): Promise<boolean> {
  if (await db.duesWarning.findUnique({ where: { memberId_months_sinceMonth: { memberId, months, sinceMonth } } })) return false;
  await db.duesWarning.create({ data: { memberId, months, sinceMonth, sentAt: now } });
  return true;
}
