/**
 * Wall-clock time in the organisation's time zone (`BOT_TIMEZONE`). Times are stored in UTC;
 * people see and type local ones, and calendar days (`YYYY-MM-DD`) are local days. Pure functions
 * on `Intl`, correct across daylight-saving changes; no `new Date()` here. Every feature and the
 * scheduler use these, so "today" means the same day everywhere.
 */

/** A local calendar date written `YYYY-MM-DD`. */
export type IsoDate = string;

/** The local calendar parts of an instant in a time zone. */
export interface LocalParts {
  readonly year: number;
  readonly month: number;
  readonly day: number;
  readonly hour: number;
  readonly minute: number;
  /** 0 = Sunday … 6 = Saturday. */
  readonly weekday: number;
}

const partsFormatters = new Map<string, Intl.DateTimeFormat>();
const WEEKDAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const ZH_WEEKDAYS = ['周日', '周一', '周二', '周三', '周四', '周五', '周六'];
const EN_MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const two = (n: number) => String(n).padStart(2, '0');

/**
 * The last instant asked for in each time zone and its parts: one message asks for the same
 * `ctx.now()` several times (today, the year, a due date's line), and `formatToParts` is the
 * costly part (about 10 µs a call).
 */
const lastParts = new Map<string, { readonly ms: number; readonly parts: LocalParts }>();

/** The local date and time of `date` in `timeZone`. */
export function localParts(date: Date, timeZone: string): LocalParts {
  const ms = date.getTime();
  const last = lastParts.get(timeZone);
  if (last?.ms === ms) return last.parts;
  const parts = formatParts(date, timeZone);
  lastParts.set(timeZone, { ms, parts });
  return parts;
}

/** `localParts` worked out by `Intl`. */
function formatParts(date: Date, timeZone: string): LocalParts {
  let f = partsFormatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      weekday: 'short',
    });
    partsFormatters.set(timeZone, f);
  }
  const parts = f.formatToParts(date);
  const get = (type: string) => parts.find((p) => p.type === type)?.value ?? '';
  const num = (type: string) => Number(get(type) || NaN);
  return {
    year: num('year'),
    month: num('month'),
    day: num('day'),
    hour: num('hour') % 24,
    minute: num('minute'),
    weekday: WEEKDAYS.indexOf(get('weekday')),
  };
}

/** `YYYY-MM-DD` of `date` in `timeZone` (compares calendar days). */
export function localDateKey(date: Date, timeZone: string): IsoDate {
  const p = localParts(date, timeZone);
  return `${p.year}-${two(p.month)}-${two(p.day)}`;
}

/** The date `n` days after `day` (`n` may be negative). */
export function addDays(day: IsoDate, n: number): IsoDate {
  return new Date(Date.parse(`${day}T00:00:00Z`) + n * 86_400_000).toISOString().slice(0, 10);
}

/** Whole days from `from` to `to` (positive when `to` is later). */
export function daysBetween(from: IsoDate, to: IsoDate): number {
  return Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / 86_400_000);
}

/**
 * The UTC instant of a wall-clock time in `timeZone`: the earlier one when a change of offset makes
 * it ambiguous, the first existing minute after it when the change skips it.
 */
export function zonedToUtc(year: number, month: number, day: number, hour: number, minute: number, timeZone: string): Date {
  const wanted = Date.UTC(year, month - 1, day, hour, minute);
  let guess = wanted;
  // Each step corrects by the offset at the guess; three settle every real zone.
  for (let i = 0; i < 3; i++) {
    const p = localParts(new Date(guess), timeZone);
    const diff = Date.UTC(p.year, p.month - 1, p.day, p.hour, p.minute) - wanted;
    if (diff === 0) break;
    guess -= diff;
  }
  return new Date(guess);
}

/** The instant a local date (`YYYY-MM-DD`) starts in `timeZone`. */
export function localMidnight(dateKey: IsoDate, timeZone: string): Date {
  const [y, m, d] = dateKey.split('-').map(Number) as [number, number, number];
  return zonedToUtc(y, m, d, 0, 0, timeZone);
}

/** The instant 1 January of `year` starts in `timeZone`. */
export function startOfYear(year: number, timeZone: string): Date {
  return zonedToUtc(year, 1, 1, 0, 0, timeZone);
}

/** An instant in `timeZone` as `2026-12-01 20:00`: exact and sortable, for close times and files. */
export function formatStamp(date: Date, timeZone: string): string {
  const p = localParts(date, timeZone);
  return `${p.year}-${two(p.month)}-${two(p.day)} ${two(p.hour)}:${two(p.minute)}`;
}

/**
 * A short local date and time for people: `11月29日 周日 09:00` (zh-CN) or `Sun 29 Nov 09:00`
 * (en). The year is added when it is not the year of `now`.
 */
export function formatLocal(date: Date, timeZone: string, locale: 'zh-CN' | 'en', now?: Date): string {
  const p = localParts(date, timeZone);
  const hm = `${two(p.hour)}:${two(p.minute)}`;
  const showYear = now !== undefined && localParts(now, timeZone).year !== p.year;
  if (locale === 'zh-CN') return `${showYear ? `${p.year}年` : ''}${p.month}月${p.day}日 ${ZH_WEEKDAYS[p.weekday]} ${hm}`;
  return `${WEEKDAYS[p.weekday]} ${p.day} ${EN_MONTHS[p.month - 1]}${showYear ? ` ${p.year}` : ''} ${hm}`;
}

/** A local date without the time: `11月29日 周日` / `Sun 29 Nov`. */
export function formatLocalDate(date: Date, timeZone: string, locale: 'zh-CN' | 'en'): string {
  const p = localParts(date, timeZone);
  if (locale === 'zh-CN') return `${p.month}月${p.day}日 ${ZH_WEEKDAYS[p.weekday]}`;
  return `${WEEKDAYS[p.weekday]} ${p.day} ${EN_MONTHS[p.month - 1]}`;
}

/**
 * Reads a calendar date typed by a person, relative to `now` in `timeZone`: `2026-11-29`,
 * `2026/11/29`, `11-29`, `11/29`, `11月29日`, `11月29号`, `2026年11月29日`. A date without a year
 * is the next such day from today on (today included). Returns `YYYY-MM-DD`, or null.
 */
export function parseLocalDate(text: string, now: Date, timeZone: string): IsoDate | null {
  const m = /^(?:(\d{4})[-/.年])?(\d{1,2})[-/.月](\d{1,2})[日号]?$/.exec(text.trim());
  if (!m) return null;
  const month = Number(m[2]);
  const day = Number(m[3]);
  if (month < 1 || month > 12 || day < 1 || day > 31) return null;
  const today = localParts(now, timeZone);
  let year = m[1] ? Number(m[1]) : today.year;
  if (!m[1] && (month < today.month || (month === today.month && day < today.day))) year++;
  // Reject 2月30日 and the like.
  const probe = new Date(Date.UTC(year, month - 1, day));
  if (probe.getUTCMonth() !== month - 1) return null;
  return `${year}-${two(month)}-${two(day)}`;
}
