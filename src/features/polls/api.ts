/** What other slices may use of the polls slice: the chart font, rounding, and the satisfaction part of the annual evaluation. */
export { CHART_FONT_FAMILY, chartFontPath } from './chart.ts';
export { round1 } from './tally.ts';
export { satisfactionPart } from './report.ts';
/** Secret gradings (the review slice's 民主测评) on the anonymous-ballot machinery. */
export { closeSecretGrading, gradingButtons, isGrading, newPollsRuntime, openSecretGrading, type GradingResult } from './grading.ts';
export type { PollsRuntime } from './lifecycle.ts';
