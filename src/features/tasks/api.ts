/** What other slices may use of the tasks slice: the Monday agenda. */
export { mondayAgenda } from './agenda.ts';
export { tasksPart } from './report.ts';
