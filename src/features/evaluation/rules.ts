/**
 * The rules of the annual evaluation of branches (定类升级), pure: a composite on a 100-point scale
 * from the parts other slices contribute (pledge completion, meeting attendance, satisfaction
 * ratings, the meetings ledger, tasks on time; see api.ts), with a weight per part key and the
 * category thresholds 先进 / 一般 / 后进 read from `prompts/evaluation.yaml` (validated with zod at
 * start-up).
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
import { round1 } from '../polls/api.ts';

/** One part of the composite, named by the key of its weight. */
export type PartKey = string;

/** The categories, best first. */
export type Category = 'advanced' | 'average' | 'backward';

const score = z.number().min(0).max(100);

/**
 * Schema of `prompts/evaluation.yaml` for the parts `keys`: a weight per part key (an unknown key
 * is refused; a part without a weight weighs 0), the category thresholds and the coverage rule.
 */
export function evaluationConfigSchema(keys: readonly string[]) {
  return z
    .object({
      weights: z.record(z.string(), z.number().min(0)).superRefine((w, c) => {
        for (const k of Object.keys(w)) if (!keys.includes(k)) c.addIssue({ code: 'custom', path: [k], message: `no such part (parts: ${keys.join(', ')})` });
      }),
      thresholds: z.object({ advanced: score, average: score }).strict(),
      minCoverage: z.number().min(0).max(1).default(0.5),
    })
    .strict()
    .transform((c) => ({ ...c, weights: Object.fromEntries(keys.map((k) => [k, c.weights[k] ?? 0])) as Readonly<Record<PartKey, number>> }))
    .refine((c) => keys.some((p) => c.weights[p]! > 0), { message: 'at least one weight must be above 0', path: ['weights'] })
    .refine((c) => c.thresholds.advanced > c.thresholds.average, {
      message: 'thresholds.advanced must be above thresholds.average',
      path: ['thresholds'],
    });
}

/** The validated evaluation settings. */
export interface EvaluationConfig {
  /** Weight of each part key (0 for a part the file gives none). */
  readonly weights: Readonly<Record<PartKey, number>>;
  readonly thresholds: { readonly advanced: number; readonly average: number };
  readonly minCoverage: number;
}

/**
 * Reads and validates `evaluation.yaml` in `promptsDir`. Throws one clear line naming the file and
 * the field on a bad value (start-up stops there).
 */
export function loadEvaluationConfig(promptsDir: string, keys: readonly string[]): EvaluationConfig {
  const file = path.join(promptsDir, 'evaluation.yaml');
  let raw: unknown;
  try {
    raw = parse(readFileSync(file, 'utf8'));
  } catch (err) {
    throw new Error(`${file}: ${err instanceof Error ? err.message.split('\n')[0] : String(err)}`, { cause: err });
  }
  const r = evaluationConfigSchema(keys).safeParse(raw);
  if (!r.success) {
    const issue = r.error.issues[0]!;
    throw new Error(`${file}: ${issue.path.join('.') || '(top)'}: ${issue.message}`);
  }
  return r.data;
}

/** Each part's score on a 0-100 scale, or null (or absent) when there is no data for it. */
export type PartScores = Readonly<Record<PartKey, number | null | undefined>>;

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
  const keys = Object.keys(config.weights);
  const total = keys.reduce((s, p) => s + config.weights[p]!, 0);
  let weighted = 0;
  let present = 0;
  const missing: PartKey[] = [];
  for (const p of keys) {
    const w = config.weights[p]!;
    const v = parts[p];
    if (v === null || v === undefined) {
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
