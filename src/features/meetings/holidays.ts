/**
 * China's statutory holidays and 调休 from the maintained `chinese-days` package (1.5.7): whether a
 * local date is a statutory holiday, a working day (a 调休 working Saturday counts as one) or a plain
 * weekend, and the next working day. A year the package does not know (the State Council publishes
 * the next year's schedule in November; a new package release carries it) is `unknown`, never
 * guessed: `npm update chinese-days` after the release brings it.
 */
import chineseDays from 'chinese-days';
import { localDateKey, localParts, zonedToUtc, type IsoDate } from '../../bot/time.ts';

/** What a local date is for meetings. */
export type DayKind = 'holiday' | 'workday' | 'weekend' | 'unknown';

/** A statutory day's detail carries `English,中文,天数`; plain days carry only the weekday name. */
function named(date: IsoDate): boolean {
  return chineseDays.getDayDetail(date).name.includes(',');
}

/** True when the package has the year's official schedule (National Day, 1 October, is always named). */
export function yearKnown(year: number): boolean {
  return named(`${year}-10-01`);
}

/** Answers already computed: the package's look-ups are slow (milliseconds) and the calendar asks often. */
const kindCache = new Map<IsoDate, DayKind>();
const workdayCache = new Map<IsoDate, IsoDate>();

/** The kind of local date `date` (`YYYY-MM-DD`). */
export function dayKind(date: IsoDate): DayKind {
  let kind = kindCache.get(date);
  if (kind === undefined) {
    if (!yearKnown(Number(date.slice(0, 4)))) kind = 'unknown';
    else if (chineseDays.isWorkday(date)) kind = 'workday';
    else kind = named(date) ? 'holiday' : 'weekend';
    if (kindCache.size > 20_000) kindCache.clear();
    kindCache.set(date, kind);
  }
  return kind;
}

/** The first working day after `date` (a 调休 Saturday included). */
export function nextWorkday(date: IsoDate): IsoDate {
  let next = workdayCache.get(date);
  if (next === undefined) {
    next = chineseDays.findWorkday(1, date);
    if (workdayCache.size > 20_000) workdayCache.clear();
    workdayCache.set(date, next);
  }
  return next;
}

/**
 * Where an occurrence scheduled at `startsAt` is held under the `move` rule: on a statutory holiday,
 * the same local time on the next working day (a 调休 Saturday counts); otherwise (and in a year the
 * calendar does not know) where it was scheduled.
 */
export function movedStart(startsAt: Date, timeZone: string): Date {
  const key = localDateKey(startsAt, timeZone);
  if (dayKind(key) !== 'holiday') return startsAt;
  const [y, mo, d] = nextWorkday(key).split('-').map(Number) as [number, number, number];
  const p = localParts(startsAt, timeZone);
  return zonedToUtc(y, mo, d, p.hour, p.minute, timeZone);
}
