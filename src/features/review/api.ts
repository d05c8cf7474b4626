/** What other slices may use of the review slice: the evaluation part and the 台账 line. */
export { reviewPart, reviewScore } from './report.ts';
export { reviewLedgerLine } from './ledger.ts';
/** The review a 民主测评 grading belongs to (the polls slice points its refusals there). */
export { reviewOfPoll } from './store.ts';
