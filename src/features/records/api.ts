/** What other slices may use of the records slice: the ledger part of the annual evaluation. */
export { ledgerPart } from './report.ts';
/** Photo and file evidence (minutes, task progress): found in the 10 minutes before a command, stored after commit. */
export { evidenceOf, storeEvidenceAfterCommit } from './evidence.ts';
