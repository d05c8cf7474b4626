/**
 * When a meeting happens: its start times from the cron expression in the org time zone, with
 * called-off occurrences left out. An occurrence is named by its start time (`startsAt`).
 */
import type { Tx } from '../../bot/feature.ts';
import { nextCronTimes, prevCronTime } from '../../scheduler/cron.ts';
import { localDateKey, localMidnight } from '../../bot/time.ts';
import { skippedStarts, type MeetingInfo } from './store.ts';

/** The next `count` starts strictly after `after`, called-off ones left out. */
export async function upcomingStarts(db: Tx, m: MeetingInfo, timeZone: string, after: Date, count: number): Promise<Date[]> {
  const skips = await skippedStarts(db, m.id, after);
  const out: Date[] = [];
  let from = after;
  // Each round fetches enough to get past every skip; two rounds suffice unless skips pile up.
  for (let round = 0; round < 5 && out.length < count; round++) {
    const batch = nextCronTimes(m.cron, timeZone, from, count + skips.size);
    for (const t of batch) {
      if (!skips.has(t.getTime())) out.push(t);
      if (out.length === count) break;
    }
    if (batch.length < count + skips.size) break;
    from = batch[batch.length - 1]!;
  }
  return out;
}

/** The next start strictly after `after` (not called off), or null. */
export async function nextStart(db: Tx, m: MeetingInfo, timeZone: string, after: Date): Promise<Date | null> {
  return (await upcomingStarts(db, m, timeZone, after, 1))[0] ?? null;
}

/** The latest start at or before `at` (not called off), looking back at most 20 occurrences, or null. */
export async function lastStart(db: Tx, m: MeetingInfo, timeZone: string, at: Date): Promise<Date | null> {
  const skips = await skippedStarts(db, m.id, new Date(0));
  let before = new Date(at.getTime() + 1);
  for (let i = 0; i < 20; i++) {
    const t = prevCronTime(m.cron, timeZone, before);
    if (!t) return null;
    if (!skips.has(t.getTime())) return t;
    before = t;
  }
  return null;
}

/** The start on local date `dateKey` (`YYYY-MM-DD`), called off or not, or null when there is none. */
export function startOnDate(m: MeetingInfo, timeZone: string, dateKey: string): Date | null {
  const dayStart = localMidnight(dateKey, timeZone);
  for (const t of nextCronTimes(m.cron, timeZone, new Date(dayStart.getTime() - 1), 3)) {
    const key = localDateKey(t, timeZone);
    if (key === dateKey) return t;
    if (key > dateKey) return null;
  }
  return null;
}
