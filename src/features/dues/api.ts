/**
 * What other slices ask the dues slice: the annual evaluation's "dues regularity" part, 0-100
 * (months paid among months due in the year, over the unit's Party members, counting from the
 * unit's first recorded month), or null when the unit keeps no ledger for that year.
 */
import type { Tx } from '../../bot/feature.ts';
import { membersOfUnit } from '../../bot/roster.ts';
import { localDateKey } from '../../bot/time.ts';
import type { EvaluationPart } from '../evaluation/api.ts';
import { monthsBetween, partyMemberRoles, previousMonth, regularity } from './rules.ts';
import { ledgerStart, paidByMember } from './store.ts';

/** Dues regularity of a unit in `year`, 0-100, or null (no ledger); `thisMonth` bounds the current year. */
export async function duesRegularityScore(db: Tx, unitId: number, year: number, thisMonth: string): Promise<number | null> {
  const start = await ledgerStart(db, unitId);
  if (!start) return null;
  const from = start > `${year}-01` ? start : `${year}-01`;
  const to = thisMonth.slice(0, 4) === String(year) ? previousMonth(thisMonth) : `${year}-12`;
  const months = monthsBetween(from, to);
  if (months.length === 0) return null;
  const members = await membersOfUnit(db, unitId, partyMemberRoles());
  const paid = await paidByMember(db, members.map((m) => m.id));
  const paidCount = members.reduce((n, m) => n + months.filter((mo) => paid.get(m.id)?.has(mo)).length, 0);
  return regularity(paidCount, months.length * members.length);
}

/** The dues part of the annual evaluation (`dues` in prompts/evaluation.yaml; weight 0 by default). */
export const duesPart: EvaluationPart = {
  key: 'dues',
  labelKey: 'evaluation.part.dues',
  async scores(db, unitIds, period) {
    const out = new Map<number, number>();
    const thisMonth = localDateKey(period.to, period.timeZone).slice(0, 7);
    for (const id of unitIds) {
      const v = await duesRegularityScore(db, id, period.year, thisMonth);
      if (v !== null) out.set(id, v);
    }
    return out;
  },
};
