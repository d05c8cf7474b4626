/** What other slices may use of the report slice: a table as a CSV file message. */
export { csvFile } from './csv.ts';
