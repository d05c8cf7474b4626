/**
 * Wall-clock time in the organisation's time zone (`BOT_TIMEZONE`): times are stored in UTC and
 * shown and typed in local time. Pure functions on `Intl`, correct across daylight-saving changes.
 */

/** Offset of `tz` from UTC at the instant `utcMs`, in milliseconds (east positive). */
function offsetMs(utcMs: number, tz: string): number {
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone: tz,
    hourCycle: 'h23',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
  }).formatToParts(new Date(utcMs));
  const get = (type: string) => Number(parts.find((p) => p.type === type)?.value ?? 0);
  const asUtc = Date.UTC(get('year'), get('month') - 1, get('day'), get('hour'), get('minute'), get('second'));
  return asUtc - Math.floor(utcMs / 1000) * 1000;
}

/** The UTC instant of a wall-clock time in `tz` (the earlier one when a DST change makes it ambiguous). */
export function zonedToUtc(year: number, month: number, day: number, hour: number, minute: number, tz: string): Date {
  const guess = Date.UTC(year, month - 1, day, hour, minute);
  let utc = guess - offsetMs(guess, tz);
  utc = guess - offsetMs(utc, tz);
  return new Date(utc);
}

/** The wall-clock fields of an instant in `tz`. */
export function localParts(at: Date, tz: string): { year: number; month: number; day: number; hour: number; minute: number } {
  const shifted = new Date(at.getTime() + offsetMs(at.getTime(), tz));
  return {
    year: shifted.getUTCFullYear(),
    month: shifted.getUTCMonth() + 1,
    day: shifted.getUTCDate(),
    hour: shifted.getUTCHours(),
    minute: shifted.getUTCMinutes(),
  };
}

/** Shows an instant in `tz` as `2026-12-01 20:00`. */
export function formatLocal(at: Date, tz: string): string {
  const p = localParts(at, tz);
  const two = (n: number) => String(n).padStart(2, '0');
  return `${p.year}-${two(p.month)}-${two(p.day)} ${two(p.hour)}:${two(p.minute)}`;
}

/** The first instant of the calendar year of `at` in `tz` (1 January 00:00 local), as UTC. */
export function startOfYear(at: Date, tz: string): Date {
  return zonedToUtc(localParts(at, tz).year, 1, 1, 0, 0, tz);
}
