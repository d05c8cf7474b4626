/**
 * What other slices ask the care slice (条例第二十三条, 第三十三条): is a member exempt now, which
 * of a unit's members are, and — for a 流动党员 with a named contact — hold a notice for the
 * contact's digest instead of reminding the member. Reminder code calls `remindable` (or
 * `isExempt`) before sending; rate code leaves `exemptIds` out of both the count and the whole.
 */
import type { Tx } from '../../bot/feature.ts';
import { localDateKey, localMidnight } from '../../bot/time.ts';
import { exemptionsInForce, exemptSometimeIn, holdNotice, holdNoticeOnce } from './store.ts';

/** True when `memberId` is exempt at `now` (reminders, attendance, study and check-in rates). */
export async function isExempt(db: Tx, memberId: number, now: Date, timeZone: string): Promise<boolean> {
  return (await exemptionsInForce(db, { memberIds: [memberId] }, now, localDateKey(now, timeZone))).size > 0;
}

/** The ids of a unit's members exempt at `now`. */
export async function exemptIds(db: Tx, unitId: number, now: Date, timeZone: string): Promise<Set<number>> {
  return new Set((await exemptionsInForce(db, { unitId }, now, localDateKey(now, timeZone))).keys());
}

/** The ids among `memberIds` exempt at `now` (one query, for reminders to many people). */
export async function exemptAmong(db: Tx, memberIds: readonly number[], now: Date, timeZone: string): Promise<Set<number>> {
  return new Set((await exemptionsInForce(db, { memberIds }, now, localDateKey(now, timeZone))).keys());
}

/**
 * Whether to remind `memberId` now: false when exempt. An exempt 流动党员 with a named contact gets
 * `notice` held for the contact's morning digest instead (nothing is held without a notice text).
 */
export async function remindable(db: Tx, memberId: number, now: Date, timeZone: string, notice?: string): Promise<boolean> {
  const e = (await exemptionsInForce(db, { memberIds: [memberId] }, now, localDateKey(now, timeZone))).get(memberId);
  if (!e) return true;
  if (notice && e.away && e.contactId !== null) await holdNotice(db, memberId, e.contactId, notice, now);
  return false;
}

/** Of `memberIds`, those to remind now (see `remindable`; `noticeFor` gives each one's notice text). */
export async function remindableAmong(db: Tx, memberIds: readonly number[], now: Date, timeZone: string, noticeFor?: (memberId: number) => string): Promise<number[]> {
  const found = await exemptionsInForce(db, { memberIds }, now, localDateKey(now, timeZone));
  const out: number[] = [];
  for (const id of memberIds) {
    const e = found.get(id);
    if (!e) out.push(id);
    else if (noticeFor && e.away && e.contactId !== null) await holdNotice(db, id, e.contactId, noticeFor(id), now);
  }
  return out;
}

/**
 * For a daily reminder job: of `memberIds` (all exempt or not), each exempt 流动党员 with a named
 * contact has `noticeFor(id)` — the reminder they would have had — held for the contact's morning
 * digest, at most once per member, text and local day (a job run twice holds it once). Returns the
 * ids held for.
 */
export async function holdDailyReminders(db: Tx, memberIds: readonly number[], now: Date, timeZone: string, noticeFor: (memberId: number) => string): Promise<number[]> {
  const today = localDateKey(now, timeZone);
  const since = localMidnight(today, timeZone);
  const held: number[] = [];
  for (const e of (await exemptionsInForce(db, { memberIds }, now, today)).values()) {
    if (e.away && e.contactId !== null && (await holdNoticeOnce(db, e.memberId, e.contactId, noticeFor(e.memberId), now, since))) held.push(e.memberId);
  }
  return held;
}

/** The ids among `memberIds` exempt on local day `day` (rates computed for a day, not an instant). */
export async function exemptOnDay(db: Tx, memberIds: readonly number[], day: string): Promise<Set<number>> {
  return new Set((await exemptionsInForce(db, { memberIds }, null, day)).keys());
}

/**
 * A notice posted to a unit's chats (a meeting notice) is also held for the digest of the contact
 * of each of the unit's exempt 流动党员, who may not read the group.
 */
export async function holdForAwayMembers(db: Tx, unitId: number, notice: string, now: Date, timeZone: string): Promise<void> {
  for (const e of (await exemptionsInForce(db, { unitId }, now, localDateKey(now, timeZone))).values()) {
    if (e.away && e.contactId !== null) await holdNotice(db, e.memberId, e.contactId, notice, now);
  }
}

/** The ids among `memberIds` exempt at some time in [from, to): left out of that period's rates. */
export async function exemptDuring(db: Tx, memberIds: readonly number[], from: Date, to: Date, timeZone: string): Promise<Set<number>> {
  return exemptSometimeIn(db, memberIds, from, to, localDateKey(from, timeZone));
}
