/**
 * The records rules, pure: how the sections of /minutes read (议题, 决议, 主持人, 记录人), the period
 * of a ledger note, the bounds of a ledger period, and what a period of the 台账 shows. No
 * database, no clock: `now` is given.
 */
import { zonedToUtc } from '../../bot/time.ts';
import type { Frequency } from '../meetings/api.ts';
import type { MinutesRecord } from './store.ts';

/** Longest 议题 or 决议 (characters). */
export const MAX_SECTION = 2000;

const LABELS: Readonly<Record<string, 'topics' | 'decisions' | 'host' | 'recorder'>> = {
  议题: 'topics', 议程: 'topics', topics: 'topics',
  决议: 'decisions', 决定: 'decisions', decisions: 'decisions',
  主持人: 'host', 主持: 'host', host: 'host',
  记录人: 'recorder', 记录: 'recorder', recorder: 'recorder',
};
const LABEL_RE = new RegExp(`(?:^|\\s)(${Object.keys(LABELS).sort((a, b) => b.length - a.length).join('|')})\\s*[:：]`, 'gi');

/** Parsed arguments of /minutes. */
export interface MinutesArgs {
  readonly id: number;
  readonly date: string | null;
  /** Null when only showing. */
  readonly fields: { topics: string; decisions: string; host: string | null; recorder: string | null } | null;
}

/** Splits the text after `#N [日期]` into its labelled sections; null when something is malformed. */
export function readSections(text: string): MinutesArgs['fields'] | 'bad' {
  const labels = [...text.matchAll(LABEL_RE)];
  if (!labels.length) return text.trim() ? 'bad' : null;
  if (text.slice(0, labels[0]!.index).trim()) return 'bad';
  const got: Record<string, string> = {};
  labels.forEach((m, i) => {
    const key = LABELS[m[1]!.toLowerCase()]!;
    const end = i + 1 < labels.length ? labels[i + 1]!.index : text.length;
    got[key] = text.slice(m.index + m[0].length, end).trim();
  });
  const topics = got.topics ?? '';
  const decisions = got.decisions ?? '';
  if (!topics || !decisions || [...topics].length > MAX_SECTION || [...decisions].length > MAX_SECTION) return 'bad';
  return { topics, decisions, host: got.host?.replace(/^@/, '') || null, recorder: got.recorder?.replace(/^@/, '') || null };
}

/** The period of an excuse note: `2026-02`, `2月`, `2026-Q1`, `第1季度`, `2026`, `全年` (the year defaults to this one). */
export function parsePeriod(text: string, thisYear: number): { year: number; month: number; months: number } | null {
  const t = text.normalize('NFKC').trim().toUpperCase();
  const digits = '一二三四'.split('');
  const yearOf = (y: string | undefined) => (y ? Number(y) : thisYear);
  let m = /^(?:(\d{4})[-./年])?(\d{1,2})月?$/.exec(t);
  if (m && !(m[1] === undefined && !t.endsWith('月'))) {
    const month = Number(m[2]);
    return month >= 1 && month <= 12 ? { year: yearOf(m[1]), month, months: 1 } : null;
  }
  m = /^(?:(\d{4})[-./年]?)?(?:Q([1-4])|第?([1-4一二三四])季度?)$/.exec(t);
  if (m) {
    const q = m[2] ? Number(m[2]) : digits.includes(m[3]!) ? digits.indexOf(m[3]!) + 1 : Number(m[3]);
    return { year: yearOf(m[1]), month: (q - 1) * 3 + 1, months: 3 };
  }
  m = /^(?:(\d{4})年?|全年)$/.exec(t);
  return m ? { year: yearOf(m[1]), month: 1, months: 12 } : null;
}

/** What one period of one kind shows. */
export type PeriodStatus = 'held' | 'noMinutes' | 'excused' | 'missing' | 'pending';

/** Periods of a year at each frequency. */
export const PERIODS: Readonly<Record<Exclude<Frequency, 'none'>, number>> = { monthly: 12, quarterly: 4, yearly: 1 };

/** Start and end (exclusive) of period `index` of `year` at `frequency`, in the org time zone. */
export function periodBounds(year: number, frequency: Exclude<Frequency, 'none'>, index: number, timeZone: string): [Date, Date] {
  const months = 12 / PERIODS[frequency];
  const first = (index - 1) * months + 1;
  const start = zonedToUtc(year, first, 1, 0, 0, timeZone);
  const endMonth = first + months;
  const end = endMonth > 12 ? zonedToUtc(year + 1, 1, 1, 0, 0, timeZone) : zonedToUtc(year, endMonth, 1, 0, 0, timeZone);
  return [start, end];
}

/** What a period shows: held with minutes, held without, excused (every passed occurrence called off, once due), missing, or not yet due. */
export function cellStatus(starts: readonly Date[], skips: ReadonlySet<number>, minutes: readonly MinutesRecord[], due: boolean, now: Date): PeriodStatus {
  if (minutes.length) return 'held';
  const passed = starts.filter((t) => t <= now);
  if (passed.some((t) => !skips.has(t.getTime()))) return 'noMinutes';
  if (passed.length && passed.every((t) => skips.has(t.getTime())) && due) return 'excused';
  return due ? 'missing' : 'pending';
}
