/**
 * Calendar dates of the organisation's time zone, for pledges: due dates are calendar days
 * (`YYYY-MM-DD`, no time), "today" and "the day of a check-in" are read in the org time zone, and
 * "days without a check-in" counts calendar days. Pure functions; no `new Date()` here (`todayOf` reads the context's clock it is given).
 */

import type { BaseContext } from '../../bot/context.ts';
import { daysBetween, localDateKey, type IsoDate } from '../../bot/time.ts';

export { daysBetween, type IsoDate } from '../../bot/time.ts';

/** The calendar date of instant `d` in `timeZone`, as `YYYY-MM-DD`. */
export const localDate = localDateKey;

/** The year of instant `d` in `timeZone`. */
export function localYear(d: Date, timeZone: string): number {
  return Number(localDate(d, timeZone).slice(0, 4));
}

/** True when year, month and day form a real calendar date (2026-02-30 does not). */
export function isRealDate(year: number, month: number, day: number): boolean {
  if (!Number.isInteger(year) || !Number.isInteger(month) || !Number.isInteger(day)) return false;
  if (year < 1 || year > 9999 || month < 1 || month > 12 || day < 1) return false;
  const d = new Date(Date.UTC(year, month - 1, day));
  return d.getUTCFullYear() === year && d.getUTCMonth() === month - 1 && d.getUTCDate() === day;
}

/** The result of reading a date a person typed. */
export type DateReading = { ok: true; date: IsoDate } | { ok: false; reason: 'format' | 'impossible' };

/**
 * Reads a date as people type it: `2026-12-31`, `2026/12/31`, `2026.12.31`, `2026年12月31日`,
 * `20261231`, one-digit month and day (`2026-6-1`), and full-width digits (already folded by the
 * grammar, but folded here too). `impossible` means it has the shape of a date but no such day
 * exists (2026-02-30, 2026-13-01), so the reply can say so instead of showing the usage.
 */
export function readDate(text: string): DateReading {
  const s = text.replace(/[０-９]/g, (c) => String.fromCharCode(c.charCodeAt(0) - 0xfee0)).trim();
  const m =
    /^(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?$/.exec(s) ?? /^(\d{4})(\d{2})(\d{2})$/.exec(s);
  if (!m) return { ok: false, reason: 'format' };
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  if (!isRealDate(y, mo, d)) return { ok: false, reason: 'impossible' };
  return { ok: true, date: `${m[1]}-${String(mo).padStart(2, '0')}-${String(d).padStart(2, '0')}` };
}

/**
 * The share of a period that has elapsed on `today` (0 before it starts, 1 on or after its last
 * day), counting whole days; used to tell whether a pledge's progress is on track.
 */
export function elapsedShare(start: IsoDate, end: IsoDate, today: IsoDate): number {
  const total = daysBetween(start, end) + 1;
  if (total <= 0) return 1;
  const done = daysBetween(start, today) + 1;
  return Math.min(1, Math.max(0, done / total));
}

/** Today's calendar date and year in the org time zone, by the context's clock. */
export function todayOf(ctx: Pick<BaseContext, 'now' | 'timeZone'>): { today: IsoDate; year: number } {
  const now = ctx.now();
  return { today: localDate(now, ctx.timeZone), year: localYear(now, ctx.timeZone) };
}
