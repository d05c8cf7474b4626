/**
 * Counting, kept pure so every number shown, exported or charted comes from one place: a choice
 * poll's counts per option and a rating poll's count, mean, median and score bands. Tallies are
 * always recomputed from the ballots (no running counters that could drift), from groups of
 * identical ballots so the database does the per-ballot work (store.ts `ballotGroups`).
 */

/** A choice poll's tally: `counts[i]` ballots chose option i (a multi-choice ballot counts once per option). */
export interface ChoiceTally {
  readonly kind: 'choice';
  readonly counts: readonly number[];
  /** Ballots cast (not option marks). */
  readonly ballots: number;
}

/** One score band of a rating's distribution, e.g. 90-100. */
export interface Band {
  /** Stable key for prompts and CSV: `90-100`, `80-89`, `60-79`, `0-59`. */
  readonly key: BandKey;
  readonly min: number;
  readonly max: number;
  readonly count: number;
}

/** A rating poll's tally. `mean` and `median` are null when there are no ballots. */
export interface RatingTally {
  readonly kind: 'rating';
  readonly ballots: number;
  readonly mean: number | null;
  readonly median: number | null;
  /** Bands from the highest down: 90-100, 80-89, 60-79, below 60 (spec: issue 7). */
  readonly bands: readonly Band[];
}

/** Either tally. */
export type Tally = ChoiceTally | RatingTally;

/** A score band's key. */
export type BandKey = '90-100' | '80-89' | '60-79' | '0-59';

/** The score bands of the spec, highest first. */
export const BANDS: readonly { key: BandKey; min: number; max: number }[] = [
  { key: '90-100', min: 90, max: 100 },
  { key: '80-89', min: 80, max: 89 },
  { key: '60-79', min: 60, max: 79 },
  { key: '0-59', min: 0, max: 59 },
];

/** Identical ballots counted together: what a GROUP BY over the ballots returns. */
export interface BallotGroup<T> {
  /** The ballot's content: 0-based option indexes (choice) or a score (rating). */
  readonly value: T;
  /** How many ballots have exactly this content. */
  readonly count: number;
}

/**
 * Counts choice ballots given as groups of identical ballots. Each ballot is a list of 0-based
 * option indexes; an index out of range (which validation prevents) is ignored rather than counted
 * somewhere wrong, and an index repeated within one ballot counts once.
 */
export function tallyChoiceGroups(optionCount: number, groups: readonly BallotGroup<readonly number[]>[]): ChoiceTally {
  const counts = new Array<number>(optionCount).fill(0);
  let ballots = 0;
  for (const g of groups) {
    ballots += g.count;
    for (const i of new Set(g.value)) if (Number.isInteger(i) && i >= 0 && i < optionCount) counts[i]! += g.count;
  }
  return { kind: 'choice', counts, ballots };
}

/** Counts choice ballots one by one (see tallyChoiceGroups). */
export function tallyChoices(optionCount: number, ballots: readonly (readonly number[])[]): ChoiceTally {
  return tallyChoiceGroups(optionCount, ballots.map((value) => ({ value, count: 1 })));
}

/** Rounds to one decimal place (half away from zero), for means and medians shown to people. */
export function round1(x: number): number {
  return Math.sign(x) * Math.round(Math.abs(x) * 10 + 1e-9) / 10;
}

/**
 * Summarises rating scores (integers 0-100) given as groups of equal scores: count, mean and
 * median rounded to one decimal, and the count per band. The median of an even count is the mean
 * of the two middle scores. Linear in the number of groups (at most 101), not of ballots.
 */
export function tallyScoreGroups(groups: readonly BallotGroup<number>[]): RatingTally {
  const sorted = groups.filter((g) => g.count > 0).sort((a, b) => a.value - b.value);
  const n = sorted.reduce((a, g) => a + g.count, 0);
  const bands = BANDS.map((b) => ({ ...b, count: sorted.reduce((a, g) => a + (g.value >= b.min && g.value <= b.max ? g.count : 0), 0) }));
  if (n === 0) return { kind: 'rating', ballots: 0, mean: null, median: null, bands };
  const sum = sorted.reduce((a, g) => a + g.value * g.count, 0);
  /** The score at 0-based position `k` of the sorted ballots. */
  const at = (k: number): number => {
    let seen = 0;
    for (const g of sorted) {
      seen += g.count;
      if (k < seen) return g.value;
    }
    return sorted[sorted.length - 1]!.value;
  };
  const mid = Math.floor(n / 2);
  const median = n % 2 === 1 ? at(mid) : (at(mid - 1) + at(mid)) / 2;
  return { kind: 'rating', ballots: n, mean: round1(sum / n), median: round1(median), bands };
}

/** Summarises rating scores one by one (see tallyScoreGroups). */
export function tallyScores(scores: readonly number[]): RatingTally {
  return tallyScoreGroups(scores.map((value) => ({ value, count: 1 })));
}

/** Formats a number for people: integers as is, others with one decimal (`87.5`). */
export function formatNumber(x: number): string {
  return Number.isInteger(x) ? String(x) : x.toFixed(1);
}

/** A percentage of `part` in `whole`, rounded to a whole number; 0 when `whole` is 0. */
export function percent(part: number, whole: number): number {
  return whole > 0 ? Math.round((part / whole) * 100) : 0;
}
