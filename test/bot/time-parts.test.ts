// `localParts` asks `Intl` once per instant and time zone (#18: a check-in asked it twice for the
// same `ctx.now()`: today and the year), and still answers every instant and zone exactly.
import { afterEach, expect, it, vi } from 'vitest';
import { localDateKey, localParts, zonedToUtc } from '../../src/bot/time.ts';
import { todayOf } from '../../src/features/pledges/dates.ts';

afterEach(() => {
  vi.restoreAllMocks();
});

it('formats one instant once, and each new instant or zone anew', () => {
  const spy = vi.spyOn(Intl.DateTimeFormat.prototype, 'formatToParts');
  const now = new Date('2026-11-26T16:30:00Z');
  expect(todayOf({ now: () => now, timeZone: 'Asia/Shanghai' })).toEqual({ today: '2026-11-27', year: 2026 });
  expect(spy).toHaveBeenCalledTimes(1);
  expect(localParts(now, 'Asia/Shanghai')).toEqual({ year: 2026, month: 11, day: 27, hour: 0, minute: 30, weekday: 5 });
  expect(spy).toHaveBeenCalledTimes(1);
  // Another zone, then another instant: each asked anew, each right.
  expect(localDateKey(now, 'America/New_York')).toBe('2026-11-26');
  expect(localDateKey(new Date('2026-11-26T15:59:59Z'), 'Asia/Shanghai')).toBe('2026-11-26');
  expect(localDateKey(now, 'Asia/Shanghai')).toBe('2026-11-27');
  expect(spy).toHaveBeenCalledTimes(4);
  // A skipped wall-clock time still resolves as before (zonedToUtc asks several instants in turn).
  expect(zonedToUtc(2026, 3, 8, 2, 30, 'America/New_York').toISOString()).toBe('2026-03-08T07:30:00.000Z');
});
