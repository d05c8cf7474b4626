/**
 * The 错题本's review schedule, as plain functions: reviews fall due 1, 3 and 7 days after the
 * mistake, then every 7 days, never earlier than tomorrow; two right answers resolve a mistake.
 */
import { addDays } from '../util.ts';

/** Days after the mistake at which reviews fall due: 1, 3, 7, then every 7 days. */
const REVIEW_OFFSETS: readonly number[] = [1, 3, 7];

/** Right answers in reviews that resolve a mistake. */
export const RIGHTS_TO_RESOLVE = 2;

/** Days after the base day at which review number `stage` (0-based) is due. */
export function reviewOffset(stage: number): number {
  return REVIEW_OFFSETS[stage] ?? REVIEW_OFFSETS[REVIEW_OFFSETS.length - 1]! + 7 * (stage - REVIEW_OFFSETS.length + 1);
}

/** Where a mistake's schedule stands. */
export interface ReviewState {
  /** Local day of the (last) wrong answer outside a review: the reviews count from it. */
  readonly baseDay: string;
  /** Reviews done since `baseDay`. */
  readonly stage: number;
  /** Right answers in reviews. */
  readonly rights: number;
}

/** The schedule after a review answered on `today`: the next stage, its due day, and whether it is resolved. */
export function afterReview(m: ReviewState, correct: boolean, today: string): { rights: number; stage: number; dueDay: string; resolved: boolean } {
  const rights = m.rights + (correct ? 1 : 0);
  const stage = m.stage + 1;
  const scheduled = addDays(m.baseDay, reviewOffset(stage));
  const tomorrow = addDays(today, 1);
  return { rights, stage, dueDay: scheduled > tomorrow ? scheduled : tomorrow, resolved: rights >= RIGHTS_TO_RESOLVE };
}
