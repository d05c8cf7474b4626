/**
 * The report rules, pure: how `/report` and `/export` read their words (an optional `#N`, an
 * optional year, the rest naming a unit or a section), the period a report covers, and which
 * tables a section word picks. No database, no clock: `now` is given.
 */
import type { SectionExport } from '../../bot/feature.ts';
import { startOfYear } from '../../bot/time.ts';

/** What `/report …` or `/export …` asked for. */
export interface ReportRequest {
  readonly id: number | undefined;
  readonly year: number | undefined;
  /** The other words, in order (a unit's name, or a section word then a unit's name). */
  readonly words: string[];
}

/** Longest text the other words may make (characters). */
const MAX_WORDS = 60;

/**
 * Reads the words after /report or /export: `#N` or `N` (before any other word) is an id, four
 * digits (`2025`, `2025年`, `2025年度`) a year between 2000 and 2100. Null when out of bounds.
 */
export function readReportRequest(tokens: readonly string[]): ReportRequest | null {
  let year: number | undefined;
  let id: number | undefined;
  const words: string[] = [];
  for (const token of tokens) {
    const y = /^(\d{4})年?(?:度)?$/.exec(token);
    const n = /^#?(\d{1,9})$/.exec(token);
    if (y && year === undefined) year = Number(y[1]);
    else if (n && id === undefined && words.length === 0) id = Number(n[1]);
    else words.push(token);
  }
  const rest = words.join(' ');
  if ([...rest].length > MAX_WORDS || (year !== undefined && (year < 2000 || year > 2100)) || (id !== undefined && id < 1)) return null;
  return { id, year, words };
}

/** The period of a report on `year` in `timeZone`: the year's start, to its end or `now`, whichever is first. */
export function reportPeriod(year: number, now: Date, timeZone: string): { from: Date; to: Date } {
  const end = startOfYear(year + 1, timeZone);
  return { from: startOfYear(year, timeZone), to: end < now ? end : now };
}

/** The tables a section word picks (by key or any alias, any case); every table without a word. */
export function pickTables<T extends { readonly table: SectionExport }>(tables: readonly T[], word: string | undefined): T[] {
  const w = word?.toLowerCase();
  return w ? tables.filter(({ table }) => table.key === w || table.aliases.some((a) => a.toLowerCase() === w)) : [...tables];
}
