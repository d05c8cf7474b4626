/**
 * When a meeting happens: its start times from the cron expression in the org time zone, with
 * called-off occurrences left out. An occurrence is named by the time it is held (`startsAt`): for a
 * meeting under the `move` holiday rule, a cron time on a statutory holiday is held at the same time
 * on the next working day (holidays.ts), and that moved time is the occurrence's name everywhere
 * (notices, 到 / 请假, roll call, minutes, the 台账).
 */
import type { Tx } from '../../bot/feature.ts';
import { nextCronTimes, prevCronTime } from '../../scheduler/cron.ts';
import { addDays, localDateKey, localMidnight } from '../../bot/time.ts';
import { movedStart } from './holidays.ts';
import { skippedStarts, type MeetingInfo } from './store.ts';

/** Longest a holiday run (with the weekend after it) can push an occurrence, in days. */
const MAX_MOVE_DAYS = 16;
const DAY_MS = 86_400_000;

/** True when the meeting's occurrences on a statutory holiday move to the next working day. */
export function movesOnHoliday(m: Pick<MeetingInfo, 'holiday'>): boolean {
  return m.holiday === 'move';
}

/** Where the occurrence of cron time `t` is held. */
export function heldAt(m: Pick<MeetingInfo, 'holiday'>, t: Date, timeZone: string): Date {
  return movesOnHoliday(m) ? movedStart(t, timeZone) : t;
}

/** Cron times after `from`, in batches, until `enough` says the list suffices (at most 400). */
function cronTimesFrom(cron: string, timeZone: string, from: Date, enough: (times: readonly Date[]) => boolean): Date[] {
  const out: Date[] = [];
  let cursor = from;
  while (out.length < 400 && !enough(out)) {
    const batch = nextCronTimes(cron, timeZone, cursor, 8);
    out.push(...batch);
    if (batch.length < 8) break;
    cursor = batch[batch.length - 1]!;
  }
  return out;
}

/**
 * The held times strictly after `after`, in order, without duplicates (several holiday occurrences
 * moved onto one day are one occurrence). Under `move`, cron times up to MAX_MOVE_DAYS earlier count.
 */
function heldTimesAfter(m: Pick<MeetingInfo, 'cron' | 'holiday'>, timeZone: string, after: Date, count: number): Date[] {
  if (!movesOnHoliday(m)) return nextCronTimes(m.cron, timeZone, after, count);
  const from = new Date(after.getTime() - MAX_MOVE_DAYS * DAY_MS);
  const raw = cronTimesFrom(m.cron, timeZone, from, (ts) => ts.filter((t) => t > after).length >= count);
  const seen = new Set<number>();
  const out: Date[] = [];
  for (const t of raw.map((c) => heldAt(m, c, timeZone)).sort((x, y) => x.getTime() - y.getTime())) {
    if (t <= after || seen.has(t.getTime())) continue;
    seen.add(t.getTime());
    out.push(t);
  }
  return out.slice(0, count);
}

/** The next `count` starts strictly after `after`, called-off ones left out. */
export async function upcomingStarts(db: Tx, m: MeetingInfo, timeZone: string, after: Date, count: number): Promise<Date[]> {
  const skips = await skippedStarts(db, m.id, after);
  const out: Date[] = [];
  let from = after;
  // Each round fetches enough to get past every skip; two rounds suffice unless skips pile up.
  for (let round = 0; round < 5 && out.length < count; round++) {
    const batch = heldTimesAfter(m, timeZone, from, count + skips.size);
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
  let best: Date | null = null;
  for (let i = 0; i < 20; i++) {
    const t = prevCronTime(m.cron, timeZone, before);
    if (!t) break;
    const held = heldAt(m, t, timeZone);
    if (held <= at && !skips.has(held.getTime()) && (!best || held > best)) best = held;
    // A moved time is later than its cron time: once one is found, older cron times cannot beat it
    // unless they were moved too, which happens within MAX_MOVE_DAYS.
    if (best && (!movesOnHoliday(m) || t.getTime() < best.getTime() - MAX_MOVE_DAYS * DAY_MS)) break;
    before = t;
  }
  return best;
}

/** The start held on local date `dateKey` (`YYYY-MM-DD`), called off or not, or null when there is none. */
export function startOnDate(m: Pick<MeetingInfo, 'cron' | 'holiday'>, timeZone: string, dateKey: string): Date | null {
  const dayStart = localMidnight(dateKey, timeZone);
  const dayEnd = localMidnight(addDays(dateKey, 1), timeZone);
  const from = movesOnHoliday(m) ? new Date(dayStart.getTime() - MAX_MOVE_DAYS * DAY_MS) : dayStart;
  const raw = cronTimesFrom(m.cron, timeZone, new Date(from.getTime() - 1), (ts) => ts.some((t) => t >= dayEnd));
  const held = raw.map((t) => heldAt(m, t, timeZone)).filter((t) => localDateKey(t, timeZone) === dateKey);
  return held.sort((x, y) => x.getTime() - y.getTime())[0] ?? null;
}
