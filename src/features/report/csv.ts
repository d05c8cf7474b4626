/**
 * CSV files for chat (`/export`, `/ledger 导出`, the Monday agenda): the table is queued as a
 * `render` message and turned into the file by the outbox when it sends it, after the event's
 * transaction has committed (src/outbox/deferred.ts).
 */
import { stringify } from 'csv-stringify/sync';
import type { CsvTable } from '../../bot/feature.ts';
import type { OutgoingMessage, RenderLater } from '../../bot/types.ts';

/** The name under which the report feature registers `renderCsvFile`. */
export const CSV_RENDERER = 'report.csv';

/** What the outbox stores for a CSV until it sends it. */
interface CsvInput {
  readonly fileName: string;
  readonly rows: readonly (readonly string[])[];
  readonly caption: string;
}

/** Cells a spreadsheet would run as a formula (`=`, `+`, `-`, `@` first) get a leading apostrophe. */
function defused(rows: readonly (readonly string[])[]): string[][] {
  return rows.map((row) => row.map((cell) => (/^[=+\-@\t\r]/.test(cell) ? `'${cell}` : cell)));
}

/** The CSV text of a table (CRLF lines, formulas defused). */
function csvText(rows: readonly (readonly string[])[]): string {
  return stringify(defused(rows), { record_delimiter: '\r\n' });
}

/**
 * A CSV file for chat: UTF-8 with a byte-order mark (so spreadsheet programs read Chinese
 * correctly), hostile cells kept as text; rendered at send time. Platforms without files get the
 * caption and the text.
 */
export function csvFile(table: CsvTable, caption: string): RenderLater {
  const fileName = `${table.fileName.replace(/[\\/:*?"<>|\s]+/g, '_').slice(0, 80) || 'export'}.csv`;
  const input: CsvInput = { fileName, rows: table.rows, caption };
  return { kind: 'render', renderer: CSV_RENDERER, input, produces: 'file', fallbackText: `${caption}\n${csvText(table.rows)}` };
}

/** The renderer of `csvFile`: the file itself. */
export async function renderCsvFile(input: unknown): Promise<Extract<OutgoingMessage, { kind: 'file' }>> {
  const { fileName, rows, caption } = input as CsvInput;
  const text = csvText(rows);
  return {
    kind: 'file',
    fileName,
    mimeType: 'text/csv',
    contentBase64: Buffer.from(`\uFEFF${text}`, 'utf8').toString('base64'),
    caption,
    fallbackText: `${caption}\n${text}`,
  };
}
