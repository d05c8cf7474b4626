/**
 * Showing and reading times in the org time zone (`BOT_TIMEZONE`). Times are stored in UTC; people
 * see and type local ones. Shared by the scheduler's reports and the meetings feature.
 */

/** The local calendar parts of an instant in `timeZone`. */
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

/** The local date and time of `date` in `timeZone`. */
export function localParts(date: Date, timeZone: string): LocalParts {
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
export function localDateKey(date: Date, timeZone: string): string {
  const p = localParts(date, timeZone);
  return `${p.year}-${String(p.month).padStart(2, '0')}-${String(p.day).padStart(2, '0')}`;
}

const ZH_WEEKDAYS = ['周日', '周一', '周二', '周三', '周四', '周五', '周六'];
const EN_MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/**
 * A short local date and time for people: `11月29日 周日 09:00` (zh-CN) or `Sun 29 Nov 09:00`
 * (en). The year is added when it is not the year of `now`.
 */
export function formatLocal(date: Date, timeZone: string, locale: 'zh-CN' | 'en', now?: Date): string {
  const p = localParts(date, timeZone);
  const hm = `${String(p.hour).padStart(2, '0')}:${String(p.minute).padStart(2, '0')}`;
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
export function parseLocalDate(text: string, now: Date, timeZone: string): string | null {
  const s = text.trim();
  const m = /^(?:(\d{4})[-/.年])?(\d{1,2})[-/.月](\d{1,2})[日号]?$/.exec(s);
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
  return `${year}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
}

/**
 * The instant a local date (`YYYY-MM-DD`) starts in `timeZone`: its midnight, or the first
 * existing minute after it on a day where midnight is skipped.
 */
export function localMidnight(dateKey: string, timeZone: string): Date {
  const [y, m, d] = dateKey.split('-').map(Number) as [number, number, number];
  const wanted = Date.UTC(y, m - 1, d);
  let guess = wanted;
  for (let i = 0; i < 3; i++) {
    const p = localParts(new Date(guess), timeZone);
    const shown = Date.UTC(p.year, p.month - 1, p.day, p.hour, p.minute);
    const diff = shown - wanted;
    if (diff === 0) break;
    guess -= diff;
  }
  return new Date(guess);
}
