/**
 * The contract of the annual evaluation (定类升级): a slice contributes a part of the composite by
 * exporting an `EvaluationPart` from its own api.ts and listing it in `src/features/index.ts`
 * (one export plus one line); its weight is keyed by `key` in `prompts/evaluation.yaml`.
 */
import type { Tx } from '../../bot/feature.ts';
import type { PromptKey } from '../../bot/prompt-keys.ts';

/** The period a ranking covers: the year in the org time zone, from 1 January to now (or to its end). */
export interface EvaluationPeriod {
  readonly year: number;
  readonly from: Date;
  readonly to: Date;
  readonly timeZone: string;
}

/** One part of the composite. */
export interface EvaluationPart {
  /** Key of its weight in `prompts/evaluation.yaml` (`pledges`, `ledger`, …). */
  readonly key: string;
  /** Prompt key of its name in the report (`承诺完成`). */
  readonly labelKey: PromptKey;
  /**
   * Each unit's score on a 0-100 scale. A unit without data for this part is left out of the map
   * (never scored 0): the composite then leaves the part out for that unit.
   */
  scores(db: Tx, unitIds: readonly number[], period: EvaluationPeriod): Promise<ReadonlyMap<number, number>>;
}

/** A part from a per-unit rate in [0, 1] (null = no data): the rate × 100, units without data left out. */
export function partFromRate(key: string, labelKey: PromptKey, rate: (db: Tx, unitId: number, period: EvaluationPeriod) => Promise<number | null>): EvaluationPart {
  return {
    key,
    labelKey,
    async scores(db, unitIds, period) {
      const out = new Map<number, number>();
      for (const id of unitIds) {
        const r = await rate(db, id, period);
        if (r !== null && Number.isFinite(r)) out.set(id, Math.min(100, Math.max(0, r * 100)));
      }
      return out;
    },
  };
}
