/**
 * The 台账: for one unit and year, every required meeting kind period by period (month, quarter or
 * year, as prompts/meeting-kinds.yaml or the unit's own rule says) with what happened: held with
 * minutes, held without minutes (an occurrence passed, nothing recorded), excused (every occurrence
 * of the period called off), missing, or not yet due, computed over the meetings slice's rows
 * (the rule of a period is `cellStatus`, rules.ts).
 */
import type { Tx } from '../../bot/feature.ts';
import { localDateKey, localMidnight, localParts, zonedToUtc } from '../../bot/time.ts';
import { nextCronTimes } from '../../scheduler/cron.ts';
import { unitFrequencies, type Frequency, type MeetingKind } from '../meetings/api.ts';
import { skippedStarts } from '../meetings/api.ts';
import { skippedForHoliday } from '../meetings/api.ts';
import { heldAt } from '../meetings/api.ts';
import { cellStatus, periodBounds, PERIODS, type PeriodStatus } from './rules.ts';
import { unitExcuses, unitMinutes, type LedgerExcuse, type MinutesRecord } from './store.ts';

/** One period: `index` is the month (1-12), the quarter (1-4) or 1 for the year. */
export interface LedgerCell {
  readonly index: number;
  readonly status: PeriodStatus;
  /** The minutes of the period's held occurrences. */
  readonly minutes: readonly MinutesRecord[];
  /** An admin's reason when the period is excused by a note (`/ledger 说明`). */
  readonly note: string | null;
}

/** One kind's row. */
export interface LedgerRow {
  readonly kind: MeetingKind;
  readonly frequency: Exclude<Frequency, 'none'>;
  readonly cells: readonly LedgerCell[];
}

/**
 * A unit's ledger for one year. `required` counts the periods already due that were not excused
 * (a holiday, every occurrence called off, or an admin's note); `held` those held with minutes.
 */
export interface Ledger {
  readonly year: number;
  readonly rows: readonly LedgerRow[];
  readonly required: number;
  readonly held: number;
  /** held ÷ required, 0…1; null when nothing is due yet. */
  readonly completeness: number | null;
}

interface KindMeeting {
  id: number;
  cron: string;
  holiday: string | null;
  createdAt: Date;
  cancelledAt: Date | null;
}

/** Held starts (moved off holidays under `move`) of a meeting whose cron time is in [from, to), from the day it was added until it was cancelled. */
function startsIn(m: KindMeeting, timeZone: string, from: Date, to: Date): Date[] {
  const added = localMidnight(localDateKey(m.createdAt, timeZone), timeZone);
  const begin = from > added ? from : added;
  const stop = m.cancelledAt && m.cancelledAt < to ? m.cancelledAt : to;
  const out: Date[] = [];
  let after = new Date(begin.getTime() - 1);
  while (out.length < 400) {
    const batch = nextCronTimes(m.cron, timeZone, after, 32);
    for (const t of batch) {
      if (t >= stop) return out;
      out.push(heldAt(m, t, timeZone));
    }
    if (!batch.length) return out;
    after = batch[batch.length - 1]!;
  }
  return out;
}

/** The reason of the first note of `kind` overlapping the months of [from, to), or null. */
function noteFor(excuses: readonly LedgerExcuse[], kind: string, from: Date, to: Date, year: number, timeZone: string): string | null {
  const first = localParts(from, timeZone).month;
  const last = to.getTime() >= zonedToUtc(year + 1, 1, 1, 0, 0, timeZone).getTime() ? 12 : localParts(to, timeZone).month - 1;
  const e = excuses.find((x) => x.kind === kind && x.month <= last && x.month + x.months - 1 >= first);
  return e?.reason ?? null;
}

/** Computes unit `unitId`'s ledger of `year` as of `now`. */
export async function unitLedger(db: Tx, unitId: number, year: number, kinds: readonly MeetingKind[], timeZone: string, now: Date): Promise<Ledger> {
  const frequencies = await unitFrequencies(db, unitId, kinds);
  // A branch keeps the branch kinds; the township's own meetings are the township kinds.
  const township = (await db.orgUnit.findUnique({ where: { id: unitId }, select: { kind: true } }))?.kind === 'township';
  const meetings = await db.meeting.findMany({ where: { unitId, kind: { not: null } }, select: { id: true, cron: true, kind: true, holiday: true, createdAt: true, cancelledAt: true } });
  const yearFrom = zonedToUtc(year, 1, 1, 0, 0, timeZone);
  const minutes = await unitMinutes(db, unitId, yearFrom, zonedToUtc(year + 1, 1, 1, 0, 0, timeZone));
  const excuses = await unitExcuses(db, unitId, year);
  const rows: LedgerRow[] = [];
  let required = 0;
  let held = 0;
  for (const kind of kinds) {
    const frequency = frequencies.get(kind.key) ?? 'none';
    if (frequency === 'none' || kind.township !== township) continue;
    const ofKind = meetings.filter((m) => m.kind === kind.key);
    const skips = new Set<number>();
    for (const m of ofKind) for (const s of await skippedStarts(db, m.id, yearFrom)) skips.add(s);
    // Occurrences on a statutory holiday under a skip rule count as called off (excused).
    for (const m of ofKind) {
      for (const t of startsIn(m, timeZone, yearFrom, zonedToUtc(year + 1, 1, 1, 0, 0, timeZone))) {
        if (skippedForHoliday(m, kinds, t, timeZone)) skips.add(t.getTime());
      }
    }
    const cells: LedgerCell[] = [];
    for (let index = 1; index <= PERIODS[frequency]; index++) {
      const [from, to] = periodBounds(year, frequency, index, timeZone);
      if (from > now) {
        cells.push({ index, status: 'pending', minutes: [], note: null });
        continue;
      }
      const due = to <= now;
      const starts = ofKind.flatMap((m) => startsIn(m, timeZone, from, to));
      const ids = new Set(ofKind.map((m) => m.id));
      const mins = minutes.filter((r) => ids.has(r.meetingId) && r.startsAt >= from && r.startsAt < to);
      const note = noteFor(excuses, kind.key, from, to, year, timeZone);
      const status = mins.length || note === null ? cellStatus(starts, skips, mins, due, now) : 'excused';
      if ((due && status !== 'excused') || status === 'held') {
        required++;
        if (status === 'held') held++;
      }
      cells.push({ index, status, minutes: mins, note: status === 'excused' ? note : null });
    }
    rows.push({ kind, frequency, cells });
  }
  return { year, rows, required, held, completeness: required ? held / required : null };
}

/** The year `now` falls in, in the org time zone. */
export function currentYear(now: Date, timeZone: string): number {
  return localParts(now, timeZone).year;
}
