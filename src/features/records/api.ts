/** What other slices may use of the records slice: the ledger part of the annual evaluation. */
export { ledgerPart } from './evaluation.ts';
/** Photo and file evidence (minutes, task progress): found in the 10 minutes before a command, stored after commit. */
export { chatKeyOf, evidenceOf, evidenceWord, freshEvidence, laterEvidenceSince, mergeStored, storeEvidenceAfterCommit } from './evidence.ts';
/** A photo or file kept as evidence (the platform's reference, and once stored its checksum and path). */
export type { MinutesAttachment } from './store.ts';
