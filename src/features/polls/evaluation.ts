/**
 * The annual evaluation of branches (定类升级): a composite on a 100-point scale from three parts —
 * pledge completion (the pledges feature), meeting attendance (the meetings feature) and
 * satisfaction ratings (this feature's closed rating polls) — with weights and the category
 * thresholds 先进 / 一般 / 后进 read from `prompts/evaluation.yaml` (validated with zod at start-up).
 *
 * Missing data is never counted as zero. A part without data is left out and the composite is the
 * weighted mean of the parts that have data (their weights rescaled to sum to 1); the result says
 * which parts are missing, and a category is given only when the parts with data carry at least
 * `minCoverage` of the total weight. A branch with no data at all has no composite and is listed
 * last, unranked.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import { z } from 'zod';
import type { Tx } from '../../bot/feature.ts';
import { round1 } from './tally.ts';

/** The three parts of the composite, in display order. */
export const PARTS = ['pledges', 'attendance', 'satisfaction'] as const;

/** One part of the composite. */
export type PartKey = (typeof PARTS)[number];

/** The categories, best first. */
export type Category = 'advanced' | 'average' | 'backward';

const score = z.number().min(0).max(100);

/** Schema of `prompts/evaluation.yaml`. */
export const EvaluationConfigSchema = z
  .object({
    weights: z.object({
      pledges: z.number().min(0),
      attendance: z.number().min(0),
      satisfaction: z.number().min(0),
    }).strict(),
    thresholds: z.object({ advanced: score, average: score }).strict(),
    minCoverage: z.number().min(0).max(1).default(0.5),
  })
  .strict()
  .refine((c) => PARTS.some((p) => c.weights[p] > 0), { message: 'at least one weight must be above 0', path: ['weights'] })
  .refine((c) => c.thresholds.advanced > c.thresholds.average, {
    message: 'thresholds.advanced must be above thresholds.average',
    path: ['thresholds'],
  });

/** The validated evaluation settings. */
export type EvaluationConfig = z.output<typeof EvaluationConfigSchema>;

/**
 * Reads and validates `evaluation.yaml` in `promptsDir`. Throws one clear line naming the file and
 * the field on a bad value (start-up stops there).
 */
export function loadEvaluationConfig(promptsDir: string): EvaluationConfig {
  const file = path.join(promptsDir, 'evaluation.yaml');
  let raw: unknown;
  try {
    raw = parse(readFileSync(file, 'utf8'));
  } catch (err) {
    throw new Error(`${file}: ${err instanceof Error ? err.message.split('\n')[0] : String(err)}`, { cause: err });
  }
  const r = EvaluationConfigSchema.safeParse(raw);
  if (!r.success) {
    const issue = r.error.issues[0]!;
    throw new Error(`${file}: ${issue.path.join('.') || '(top)'}: ${issue.message}`);
  }
  return r.data;
}

/** Each part's score on a 0-100 scale, or null when there is no data for it. */
export type PartScores = Readonly<Record<PartKey, number | null>>;

/** A unit's composite. */
export interface Composite {
  /** Weighted mean of the parts with data, one decimal; null when no part has data. */
  readonly score: number | null;
  /** Share of the total weight carried by parts with data (0-1). */
  readonly coverage: number;
  /** Parts without data (left out, not counted as zero). */
  readonly missing: readonly PartKey[];
  /** Null when there is no score or the coverage is below `minCoverage`. */
  readonly category: Category | null;
}

/** Computes the composite of one unit from its part scores. Pure. */
export function composite(parts: PartScores, config: EvaluationConfig): Composite {
  const total = PARTS.reduce((s, p) => s + config.weights[p], 0);
  let weighted = 0;
  let present = 0;
  const missing: PartKey[] = [];
  for (const p of PARTS) {
    const w = config.weights[p];
    const v = parts[p];
    if (v === null) {
      if (w > 0) missing.push(p);
      continue;
    }
    weighted += w * Math.min(100, Math.max(0, v));
    present += w;
  }
  if (present === 0) return { score: null, coverage: 0, missing, category: null };
  const value = round1(weighted / present);
  const coverage = present / total;
  let category: Category | null = null;
  if (coverage + 1e-9 >= config.minCoverage) {
    category = value >= config.thresholds.advanced ? 'advanced' : value >= config.thresholds.average ? 'average' : 'backward';
  }
  return { score: value, coverage, missing, category };
}

/** One row of the ranking. */
export interface RankedUnit {
  readonly unitId: number;
  readonly name: string;
  readonly parts: PartScores;
  readonly composite: Composite;
  /** 1-based rank; equal scores share a rank (1, 1, 3); null when the unit has no score. */
  readonly rank: number | null;
}

/** Ranks units by composite, best first; units without a score come last, by name. Pure. */
export function rankUnits(
  rows: readonly { unitId: number; name: string; parts: PartScores }[],
  config: EvaluationConfig,
): RankedUnit[] {
  const scored = rows.map((r) => ({ ...r, composite: composite(r.parts, config) }));
  scored.sort((a, b) => {
    const sa = a.composite.score;
    const sb = b.composite.score;
    if (sa === null || sb === null) return sa === sb ? a.name.localeCompare(b.name, 'zh-CN') : sa === null ? 1 : -1;
    return sb - sa || a.name.localeCompare(b.name, 'zh-CN');
  });
  const out: RankedUnit[] = [];
  scored.forEach((r, i) => {
    const prev = out[i - 1];
    let rank: number | null = null;
    if (r.composite.score !== null) rank = prev && prev.composite.score === r.composite.score ? prev.rank : i + 1;
    out.push({ ...r, rank });
  });
  return out;
}

/**
 * A rate in [0, 1] for one unit over [from, to), or null when there is nothing to measure (no
 * pledges due, no meetings held). Provided by other features.
 */
export type RateSource = (tx: Tx, unitId: number, from: Date, to: Date) => Promise<number | null>;

/**
 * What the evaluation reads from other features. Each is optional: a source that is not wired
 * (its feature is not installed) means "no data" for that part, shown as such.
 */
export interface EvaluationSources {
  /** Pledge completion of the unit (pledges feature): share of targets reached, 0-1. */
  readonly pledgeCompletion?: RateSource;
  /** Meeting attendance of the unit (meetings feature `attendanceRate`): 0-1. */
  readonly attendanceRate?: RateSource;
}

/** Turns a 0-1 rate into a 0-100 score, keeping null. */
export function rateToScore(rate: number | null): number | null {
  if (rate === null || !Number.isFinite(rate)) return null;
  return Math.min(100, Math.max(0, rate * 100));
}
