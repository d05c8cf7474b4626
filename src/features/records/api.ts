/** What other slices may use of the records slice: the ledger part of the annual evaluation. */
export { ledgerPart } from './report.ts';
