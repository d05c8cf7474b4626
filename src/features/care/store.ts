/**
 * The care slice's database functions: the only code that touches CareExemption, CareHeldNotice
 * and CareGreeting. Days are local `YYYY-MM-DD` in the org time zone; an exemption holds from its
 * creation through `untilDay` (inclusive), or until ended.
 */
import type { Tx } from '../../bot/feature.ts';

/** An exemption as the slice works with it. */
export interface Exemption {
  readonly id: number;
  readonly memberId: number;
  readonly unitId: number;
  readonly reason: string;
  readonly away: boolean;
  readonly contactId: number | null;
  readonly untilDay: string | null;
  readonly createdAt: Date;
}

/** What a new exemption is made of. */
export type NewExemption = Omit<Exemption, 'id'> & { readonly createdById: number };

/** The filter of exemptions in force at `now` (local day `today`; `now` null: at any time of that day). */
function inForce(now: Date | null, today: string) {
  return { endedAt: null, ...(now ? { createdAt: { lte: now } } : {}), OR: [{ untilDay: null }, { untilDay: { gte: today } }] };
}

/** Ends a member's exemptions in force (a new one replaces them); returns how many ended. */
export async function endExemptions(db: Tx, memberId: number, now: Date): Promise<number> {
  const { count } = await db.careExemption.updateMany({ where: { memberId, endedAt: null }, data: { endedAt: now } });
  return count;
}

/** Records an exemption, replacing any earlier one of the member. */
export async function createExemption(db: Tx, e: NewExemption): Promise<Exemption> {
  await endExemptions(db, e.memberId, e.createdAt);
  return db.careExemption.create({ data: { ...e } });
}

/** The exemptions in force among some members (or of a unit's members), by member id. */
export async function exemptionsInForce(db: Tx, where: { unitId?: number; memberIds?: readonly number[] }, now: Date | null, today: string): Promise<Map<number, Exemption>> {
  if (where.memberIds && where.memberIds.length === 0) return new Map();
  const rows = await db.careExemption.findMany({
    where: { ...inForce(now, today), ...(where.unitId !== undefined ? { unitId: where.unitId } : {}), ...(where.memberIds ? { memberId: { in: [...where.memberIds] } } : {}) },
    orderBy: { id: 'asc' },
  });
  return new Map(rows.map((r) => [r.memberId, r]));
}

/** Holds a notice for an away member's contact (their digest). */
export async function holdNotice(db: Tx, memberId: number, contactId: number, text: string, now: Date): Promise<void> {
  await db.careHeldNotice.create({ data: { memberId, contactId, text: text.slice(0, 1000), createdAt: now } });
}

/** Holds a notice unless the same one was already held for this member since `since` (false then). */
export async function holdNoticeOnce(db: Tx, memberId: number, contactId: number, text: string, now: Date, since: Date): Promise<boolean> {
  const body = text.slice(0, 1000);
  if (await db.careHeldNotice.findFirst({ where: { memberId, contactId, text: body, createdAt: { gte: since } }, select: { id: true } })) return false;
  await holdNotice(db, memberId, contactId, body, now);
  return true;
}

/** Takes (reads and deletes) every held notice, grouped by contact, oldest first. */
export async function takeHeldNotices(db: Tx): Promise<Map<number, { memberId: number; text: string; createdAt: Date }[]>> {
  const rows = await db.careHeldNotice.findMany({ orderBy: { id: 'asc' }, take: 5000 });
  if (rows.length > 0) await db.careHeldNotice.deleteMany({ where: { id: { in: rows.map((r) => r.id) } } });
  const out = new Map<number, { memberId: number; text: string; createdAt: Date }[]>();
  for (const r of rows) out.set(r.contactId, [...(out.get(r.contactId) ?? []), r]);
  return out;
}

/** Records a 政治生日 greeting for `year` (false when one was already sent). */
export async function claimGreeting(db: Tx, memberId: number, year: number, now: Date): Promise<boolean> {
  if (await db.careGreeting.findUnique({ where: { memberId_year: { memberId, year } } })) return false;
  await db.careGreeting.create({ data: { memberId, year, sentAt: now } });
  return true;
}

/** Members (not removed) with a 入党日期, for the 政治生日 pass. */
export async function membersWithJoinDate(db: Tx): Promise<{ id: number; name: string; joinedPartyOn: Date }[]> {
  const rows = await db.member.findMany({ where: { joinedPartyOn: { not: null }, removedAt: null }, select: { id: true, name: true, joinedPartyOn: true } });
  return rows.flatMap((r) => (r.joinedPartyOn ? [{ id: r.id, name: r.name, joinedPartyOn: r.joinedPartyOn }] : []));
}

/** The ids among `memberIds` exempt at some time in [from, to) (`fromDay` = the local day of `from`). */
export async function exemptSometimeIn(db: Tx, memberIds: readonly number[], from: Date, to: Date, fromDay: string): Promise<Set<number>> {
  if (memberIds.length === 0) return new Set();
  const rows = await db.careExemption.findMany({
    where: {
      memberId: { in: [...memberIds] },
      createdAt: { lt: to },
      AND: [{ OR: [{ endedAt: null }, { endedAt: { gt: from } }] }, { OR: [{ untilDay: null }, { untilDay: { gte: fromDay } }] }],
    },
    select: { memberId: true },
  });
  return new Set(rows.map((r) => r.memberId));
}
