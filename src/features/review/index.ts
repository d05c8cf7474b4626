/**
 * The review slice: 民主评议党员 (条例第十七条, 党员教育管理工作条例第十八条). `/review [年份]` opens a
 * unit's yearly review (Party members, 预备党员 included, minus those exempt under 第二十三条 via the
 * care slice); each is asked privately for a self-assessment (`/selfreview`, a correction adds a
 * version); `/review #N 测评` opens the anonymous 民主测评 on the polls slice's secret-ballot
 * machinery (one anonymous grading per member; nobody sees a figure before close; per member
 * only with at least 5 ballots; the gradings close only here, not by `/close`); `/review #N 结束` sends the
 * results to the secretary privately (for the 支委会, never a group); `/review #N 结果 @x 合格`
 * records the 支委会's decision, which the 台账 and /report show. One command a file in
 * `commands/`; `steps.ts` the steps of /review; the pure readings in `rules.ts`.
 */
import type { Feature } from '../../bot/feature.ts';
import type { PollsRuntime } from '../polls/api.ts';
import { reviewCommand } from './commands/review.ts';
import { selfReviewCommand } from './commands/selfreview.ts';
import { reportSections } from './report.ts';

/** Builds the review feature on the polls slice's runtime (the staged anonymous ballots). */
export function reviewFeature(runtime: PollsRuntime): Feature {
  return {
    name: 'review',
    commands: [reviewCommand(runtime), selfReviewCommand],
    reportSections: (ctx, scope) => reportSections(ctx, scope),
  };
}
