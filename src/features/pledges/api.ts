/** What other slices may use of the pledges slice: the pledges part of the annual evaluation. */
export { pledgesPart } from './report.ts';
