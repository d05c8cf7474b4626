/**
 * Dues rules, pure: who owes dues, reading typed months (`2026-11`, `2026-09..2026-11`,
 * `2026-09,2026-11`, `2026年11月`), walking months, how far ahead a month may be recorded, and the
 * run of unpaid months that warns the secretary at 3 and at 6 (党员教育管理工作条例第三十一条: six
 * months without paying may lead to removal).
 */
import type { Role } from '../../bot/types.ts';

/** The run lengths at which the secretary is told, once each per run. */
export const WARN_AT: readonly number[] = [3, 6];
/** Most months recorded by one command. */
export const MAX_MONTHS = 24;

const MONTH = /^(\d{4})\s*(?:[-/.年])\s*(\d{1,2})\s*月?$/;

/** `YYYY-MM` of a typed month, or null. */
export function parseMonth(text: string): string | null {
  const m = MONTH.exec(text.trim());
  if (!m) return null;
  const month = Number(m[2]);
  if (month < 1 || month > 12) return null;
  return `${m[1]}-${String(month).padStart(2, '0')}`;
}

/** The month after `month` (`2026-12` → `2027-01`). */
export function nextMonth(month: string): string {
  const [y, m] = month.split('-').map(Number) as [number, number];
  return m === 12 ? `${y + 1}-01` : `${y}-${String(m + 1).padStart(2, '0')}`;
}

/** The month before `month`. */
export function previousMonth(month: string): string {
  const [y, m] = month.split('-').map(Number) as [number, number];
  return m === 1 ? `${y - 1}-12` : `${y}-${String(m - 1).padStart(2, '0')}`;
}

/** Months from `from` through `to` (inclusive); empty when `to` is before `from`. */
export function monthsBetween(from: string, to: string): string[] {
  const out: string[] = [];
  for (let m = from; m <= to && out.length <= 1200; m = nextMonth(m)) out.push(m);
  return out;
}

/**
 * The months a text names: single months, ranges `A..B` (also `A~B`, `A至B`, `A-B` between two
 * full months) and lists separated by commas, 、 or spaces. Null when any part is unreadable, a
 * range runs backwards, or there are more than MAX_MONTHS.
 */
export function parseMonths(text: string): string[] | null {
  const parts = text.split(/[,，、;；\s]+/u).filter((p) => p !== '');
  if (parts.length === 0) return null;
  const out = new Set<string>();
  for (const part of parts) {
    const range = /^(.+?)(?:\.\.|~|～|至|到)(.+)$/u.exec(part);
    if (range) {
      const a = parseMonth(range[1]!);
      const b = parseMonth(range[2]!);
      if (!a || !b || b < a) return null;
      for (const m of monthsBetween(a, b)) out.add(m);
    } else {
      const m = parseMonth(part);
      if (!m) return null;
      out.add(m);
    }
    if (out.size > MAX_MONTHS) return null;
  }
  return [...out].sort();
}

/** A run of unpaid months ending at the last month due. */
export interface UnpaidRun {
  /** Unpaid months in a row, up to and including `lastDue` (0 when `lastDue` is paid). */
  readonly months: number;
  /** Its first month (null when `months` is 0). */
  readonly since: string | null;
}

/** The run of unpaid months ending at `lastDue`, counting no month before `start`. */
export function unpaidRun(paid: ReadonlySet<string>, start: string, lastDue: string): UnpaidRun {
  let months = 0;
  let since: string | null = null;
  for (let m = lastDue; m >= start && !paid.has(m); m = previousMonth(m)) {
    months++;
    since = m;
  }
  return { months, since };
}

/** The thresholds a run has reached (3, 6), for warnings once each. */
export function thresholdsReached(run: UnpaidRun): number[] {
  return WARN_AT.filter((n) => run.months >= n);
}

/** Share of months paid among `due` months, 0-100, or null without any month due. */
export function regularity(paidCount: number, dueCount: number): number | null {
  return dueCount > 0 ? Math.round((100 * paidCount) / dueCount) : null;
}

/** The roles that pay dues: the Party members of a unit (预备党员 too: 党章第八条), not residents. */
export function partyMemberRoles(): Role[] {
  return ['secretary', 'member', 'probationary'];
}

/** The first of `months` more than a year after `thisMonth` (a typo like 2062-11), or undefined. */
export function farAheadMonth(months: readonly string[], thisMonth: string): string | undefined {
  const limit = monthsBetween(thisMonth, '9999-12').slice(0, 13).at(-1)!;
  return months.find((m) => m > limit);
}
