/**
 * A month's payments as CSV (what a branch's treasurer keeps in Excel, GB18030 or UTF-8: the
 * adapter decodes it): one row per member, first column the member (`M12` or the name), an
 * optional second column the month (`2026-11`; else the month of the command). A header row is
 * skipped; blank rows are ignored.
 */
import { parse } from 'csv-parse/sync';
import { parseMonth } from './rules.ts';

/** Most rows in one import. */
export const MAX_DUES_ROWS = 1000;

/** One row read: who, which month, its 1-based line. */
export interface DuesRow {
  readonly line: number;
  readonly who: string;
  readonly month: string | null;
}

/** The rows of a dues CSV; throws 'tooMany' or 'unreadable' (a CsvError's message). */
export function parseDuesCsv(text: string, defaultMonth: string | null): DuesRow[] {
  const records = parse(text.replace(/^\uFEFF/, ''), { relaxColumnCount: true, skipEmptyLines: true, trim: true, bom: true }) as string[][];
  const rows: DuesRow[] = [];
  records.forEach((r, i) => {
    const who = (r[0] ?? '').trim();
    const monthCell = (r[1] ?? '').trim();
    if (i === 0 && /姓名|编号|党员|name|member/i.test(who)) return;
    if (!who) return;
    rows.push({ line: i + 1, who: who.slice(0, 40), month: monthCell ? parseMonth(monthCell) : defaultMonth });
  });
  if (rows.length > MAX_DUES_ROWS) throw new Error('tooMany');
  return rows;
}
