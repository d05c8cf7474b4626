/** What other slices may use of the pledges slice: the pledges part of the annual evaluation. */
export { pledgesPart } from './evaluation.ts';
/** Who is exempt from pledge reminders (`/pledges 免提醒`): other slices' reminders skip them too. */
export { activeExemptions } from './store.ts';
