/**
 * Close times of polls: `--close 24h`, `--close 30m`, `--close 2d` (also `24小时`, `30分钟`, `2天`),
 * `--close 2026-12-01 20:00`, `--close 2026-12-01` (end of that day, 23:59) and `--close 20:00`
 * (the next 20:00), read in the organisation's time zone and stored in UTC. Pure functions.
 */

import { localParts, zonedToUtc } from '../../bot/time.ts';

export { formatStamp } from '../../bot/time.ts';

/** Shortest time a poll may stay open. */
export const MIN_OPEN_MS = 60_000;
/** Longest time a poll may stay open (a year and a day). */
export const MAX_OPEN_MS = 366 * 24 * 3600_000;

/** Why a close time was refused. */
export type CloseTimeProblem = 'format' | 'past' | 'tooFar';

/** The result of reading a close time. */
export type CloseTimeResult = { ok: true; at: Date } | { ok: false; problem: CloseTimeProblem };

const UNIT_MS: Record<string, number> = {
  m: 60_000,
  min: 60_000,
  分钟: 60_000,
  分: 60_000,
  h: 3600_000,
  小时: 3600_000,
  时: 3600_000,
  d: 86_400_000,
  天: 86_400_000,
};

/** True when y-m-d is a real calendar date. */
function validDate(y: number, m: number, d: number): boolean {
  const t = new Date(Date.UTC(y, m - 1, d));
  return t.getUTCFullYear() === y && t.getUTCMonth() === m - 1 && t.getUTCDate() === d;
}

/**
 * Reads the value of `--close` (one or two tokens, already normalised to half-width) relative to
 * `now` in time zone `tz`.
 */
export function parseCloseTime(text: string, now: Date, tz: string): CloseTimeResult {
  const s = text.trim().toLowerCase();
  let at: Date | undefined;
  const dur = /^(\d{1,4}) ?(min|m|分钟|分|h|小时|时|d|天)$/.exec(s);
  const dateTime = /^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})(?: (\d{1,2}):(\d{2}))?$/.exec(s);
  const timeOnly = /^(\d{1,2}):(\d{2})$/.exec(s);
  if (dur) {
    at = new Date(now.getTime() + Number(dur[1]) * UNIT_MS[dur[2]!]!);
  } else if (dateTime) {
    const [y, mo, d] = [Number(dateTime[1]), Number(dateTime[2]), Number(dateTime[3])];
    const hasTime = dateTime[4] !== undefined;
    const [h, mi] = hasTime ? [Number(dateTime[4]), Number(dateTime[5])] : [23, 59];
    if (!validDate(y, mo, d) || h > 23 || mi > 59) return { ok: false, problem: 'format' };
    at = zonedToUtc(y, mo, d, h, mi, tz);
  } else if (timeOnly) {
    const [h, mi] = [Number(timeOnly[1]), Number(timeOnly[2])];
    if (h > 23 || mi > 59) return { ok: false, problem: 'format' };
    const today = localParts(now, tz);
    at = zonedToUtc(today.year, today.month, today.day, h, mi, tz);
    if (at.getTime() <= now.getTime()) at = new Date(at.getTime() + 86_400_000);
  } else {
    return { ok: false, problem: 'format' };
  }
  const ahead = at.getTime() - now.getTime();
  if (ahead < MIN_OPEN_MS) return { ok: false, problem: 'past' };
  if (ahead > MAX_OPEN_MS) return { ok: false, problem: 'tooFar' };
  return { ok: true, at };
}
