/** The records slice's part of the annual evaluation: completeness of the 三会一课 ledger. */
import type { MeetingKind } from '../meetings/api.ts';
import type { EvaluationPart } from '../evaluation/api.ts';
import { unitLedger } from './ledger.ts';

/**
 * Each unit's share of its required meetings (三会一课 periods already due) held with minutes, from
 * its ledger of the year (`unitLedger`); units with nothing due yet are left out.
 */
export function ledgerPart(kinds: readonly MeetingKind[]): EvaluationPart {
  return {
    key: 'ledger',
    labelKey: 'evaluation.part.ledger',
    async scores(db, unitIds, period) {
      const out = new Map<number, number>();
      for (const id of unitIds) {
        const l = await unitLedger(db, id, period.year, kinds, period.timeZone, period.to);
        if (l.completeness !== null) out.set(id, l.completeness * 100);
      }
      return out;
    },
  };
}
