/** The pledges part of the annual evaluation (双考评): the share of a unit's pledges completed. */
import { partFromRate, type EvaluationPart } from '../evaluation/api.ts';
import type { Tx } from '../../bot/feature.ts';
import { outcomeOf } from './rules.ts';
import { listPledges } from './store.ts';

/** Completion of a unit's pledges in a year, for the annual evaluation (双考评). */
export interface PledgeCompletion {
  /** Pledges of the year in the unit (its own and its members'), withdrawn ones left out. */
  readonly total: number;
  /** Of those, the ones whose outcome is done. */
  readonly completed: number;
  /** completed / total, between 0 and 1; 0 when there are none. */
  readonly share: number;
  /** False when the unit pledged nothing that year: the evaluation should not score it as 0%. */
  readonly hasData: boolean;
}

/** The share of a unit's pledges of `year` that were completed (withdrawn ones left out). */
export async function pledgeCompletion(tx: Tx, unitId: number, year: number): Promise<PledgeCompletion> {
  const pledges = await listPledges(tx, { unitIds: [unitId], year, statuses: ['open', 'done'] });
  const completed = pledges.filter((p) => outcomeOf(p) === 'done').length;
  return { total: pledges.length, completed, share: pledges.length ? completed / pledges.length : 0, hasData: pledges.length > 0 };
}

/** The pledges part of the annual evaluation: pledge completion of the year (units without pledges left out). */
export const pledgesPart: EvaluationPart = partFromRate('pledges', 'evaluation.part.pledges', async (db, unitId, period) => {
  const c = await pledgeCompletion(db, unitId, period.year);
  return c.hasData ? c.share : null;
});
