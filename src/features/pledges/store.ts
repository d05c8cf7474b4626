/**
 * The database functions of pledges: the only code that reads or writes the Pledge,
 * PledgeCheckin, PledgeExemption, PledgeReminder and PledgeSetting tables. Other features (the
 * annual evaluation, /report) call the exported functions of this feature, never these tables.
 * Every function takes the caller's transaction and the time as arguments (no clock here).
 */
import type { Tx } from '../../bot/feature.ts';
import { Prisma } from '../../db/generated/sqlite/client.ts';
import type { Attachment } from '../../bot/types.ts';
import type { IsoDate } from './dates.ts';
import { pledgeScope, pledgeStatus, type PledgeStatus, type PledgeView } from './rules.ts';
import type { PledgeScope } from './parse.ts';

/** A pledge to create: the fields of a pledge that its maker sets. */
export type NewPledge = Pick<PledgeView, 'scope' | 'unitId' | 'ownerId' | 'text' | 'target' | 'unitWord' | 'dueDate' | 'year'>;

/** Which pledges to list (all conditions must hold; an absent one does not filter). */
export interface PledgeFilter {
  readonly ids?: readonly number[];
  readonly unitIds?: readonly number[];
  readonly ownerId?: number;
  readonly year?: number;
  readonly statuses?: readonly PledgeStatus[];
  readonly scopes?: readonly PledgeScope[];
}

/** The conditions of `filter` as SQL (null: one of its lists is empty, so nothing matches). */
function whereOf(f: PledgeFilter): Prisma.Sql | null {
  const lists: [string, readonly (number | string)[] | undefined][] = [
    ['id', f.ids],
    ['unitId', f.unitIds],
    ['status', f.statuses],
    ['scope', f.scopes],
  ];
  if (lists.some(([, values]) => values?.length === 0)) return null;
  const parts = lists.flatMap(([column, values]) => (values ? [Prisma.sql`p.${Prisma.raw(`"${column}"`)} IN (${Prisma.join([...values])})`] : []));
  if (f.ownerId !== undefined) parts.push(Prisma.sql`p."ownerId" = ${f.ownerId}`);
  if (f.year !== undefined) parts.push(Prisma.sql`p."year" = ${f.year}`);
  return parts.length ? Prisma.sql`WHERE ${Prisma.join(parts, ' AND ')}` : Prisma.empty;
}

/** Creates a pledge and returns its id (the `#N` people use). */
export async function createPledge(tx: Tx, p: NewPledge, now: Date): Promise<number> {
  const row = await tx.pledge.create({
    data: { ...p, createdAt: now, updatedAt: now },
    select: { id: true },
  });
  return row.id;
}

/** A pledge row with its progress, as the one query of `listPledges` returns it. */
type PledgeProgressRow = {
  id: number;
  scope: string;
  unitId: number;
  ownerId: number;
  text: string;
  target: number | null;
  unitWord: string;
  dueDate: string | null;
  year: number;
  status: string;
  closeNote: string;
  createdAt: Date;
  progress: number | bigint | null;
  checkins: number | bigint;
  /** An aggregate: a Date on PostgreSQL, the stored text on SQLite. */
  lastCheckinAt: Date | string | null;
};

/**
 * Pledges matching `filter` with their progress (sum and count of check-ins not undone, and the
 * latest one), ordered: township, branch, then members' pledges, each by id. Read on every
 * check-in: one typed raw query (the pledges joined to their check-ins through the index on
 * pledgeId, undoneAt) instead of Prisma's two; the same SQL on SQLite and PostgreSQL
 * (test/features/pledges/checkin-statements.test.ts runs it on both).
 */
export async function listPledges(tx: Tx, filter: PledgeFilter): Promise<PledgeView[]> {
  const where = whereOf(filter);
  if (!where) return [];
  const rows = await tx.$queryRaw<PledgeProgressRow[]>`
    SELECT p."id", p."scope", p."unitId", p."ownerId", p."text", p."target", p."unitWord", p."dueDate", p."year", p."status",
      p."closeNote", p."createdAt", SUM(c."amount") AS "progress", COUNT(c."id") AS "checkins", MAX(c."createdAt") AS "lastCheckinAt"
    FROM "Pledge" p LEFT JOIN "PledgeCheckin" c ON c."pledgeId" = p."id" AND c."undoneAt" IS NULL
    ${where}
    GROUP BY p."id"
    ORDER BY p."id"`;
  const rank: Record<PledgeScope, number> = { township: 0, branch: 1, member: 2 };
  return rows
    .map(
      (r): PledgeView => ({
        id: r.id,
        scope: pledgeScope.parse(r.scope),
        unitId: r.unitId,
        ownerId: r.ownerId,
        text: r.text,
        target: r.target,
        unitWord: r.unitWord,
        dueDate: r.dueDate,
        year: r.year,
        status: pledgeStatus.parse(r.status),
        closeNote: r.closeNote,
        createdAt: r.createdAt,
        progress: Number(r.progress ?? 0),
        checkins: Number(r.checkins),
        lastCheckinAt: r.lastCheckinAt === null ? null : new Date(r.lastCheckinAt),
      }),
    )
    .sort((a, b) => rank[a.scope] - rank[b.scope] || a.id - b.id);
}

/** One pledge with its progress, or null. */
export async function getPledge(tx: Tx, id: number): Promise<PledgeView | null> {
  return (await listPledges(tx, { ids: [id] }))[0] ?? null;
}

/** Changes a pledge's wording, target, due date, year or status. */
export async function updatePledge(
  tx: Tx,
  id: number,
  patch: Partial<Pick<NewPledge, 'text' | 'target' | 'unitWord' | 'dueDate' | 'year'>> & { status?: PledgeStatus; closeNote?: string },
  now: Date,
): Promise<void> {
  const closing = patch.status !== undefined && patch.status !== 'open';
  await tx.pledge.update({ where: { id }, data: { ...patch, updatedAt: now, ...(closing ? { closedAt: now } : {}) } });
}

/** Counts a member's own open pledges of a year (to cap how many one may have). */
export async function countOpenPledges(tx: Tx, ownerId: number, year: number): Promise<number> {
  return tx.pledge.count({ where: { ownerId, year, status: 'open', scope: 'member' } });
}

/** A check-in to record. */
export interface NewCheckin {
  readonly pledgeId: number;
  readonly memberId: number;
  readonly amount: number;
  readonly note: string;
  readonly evidence: readonly Attachment[];
  /** The calendar day of `now` in the org time zone. */
  readonly localDay: IsoDate;
}

/**
 * Records a check-in; returns its id. One typed raw insert on every check-in (the same SQL on
 * SQLite and PostgreSQL, tested on both with `listPledges`).
 */
export async function addCheckin(tx: Tx, c: NewCheckin, now: Date): Promise<number> {
  const evidence = c.evidence.length
    ? JSON.stringify(c.evidence.slice(0, 10).map((a) => ({ kind: a.kind, ref: a.ref.slice(0, 500), ...(a.name ? { name: a.name.slice(0, 200) } : {}) })))
    : null;
  const rows = await tx.$queryRaw<{ id: number | bigint }[]>`
    INSERT INTO "PledgeCheckin" ("pledgeId", "memberId", "amount", "note", "evidence", "createdAt", "localDay")
    VALUES (${c.pledgeId}, ${c.memberId}, ${c.amount}, ${c.note}, ${evidence}, ${now}, ${c.localDay})
    RETURNING "id"`;
  return Number(rows[0]!.id);
}

/** A check-in as shown back to people. */
export interface CheckinView {
  readonly id: number;
  readonly pledgeId: number;
  readonly memberId: number;
  readonly amount: number;
  readonly note: string;
  readonly evidenceCount: number;
  readonly createdAt: Date;
  readonly localDay: IsoDate;
}

function toCheckinView(r: { id: number; pledgeId: number; memberId: number; amount: number; note: string; evidence: string | null; createdAt: Date; localDay: string }): CheckinView {
  let evidenceCount = 0;
  if (r.evidence) {
    try {
      const parsed: unknown = JSON.parse(r.evidence);
      evidenceCount = Array.isArray(parsed) ? parsed.length : 0;
    } catch {
      evidenceCount = 0;
    }
  }
  return { id: r.id, pledgeId: r.pledgeId, memberId: r.memberId, amount: r.amount, note: r.note, evidenceCount, createdAt: r.createdAt, localDay: r.localDay };
}

/** The member's latest check-in of `localDay` that was not undone (optionally on one pledge), or null. */
export async function lastCheckinOfDay(tx: Tx, memberId: number, localDay: IsoDate, pledgeId?: number): Promise<CheckinView | null> {
  const r = await tx.pledgeCheckin.findFirst({
    where: { memberId, localDay, undoneAt: null, ...(pledgeId !== undefined ? { pledgeId } : {}) },
    orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
  });
  return r ? toCheckinView(r) : null;
}

/** Marks a check-in undone (it then counts for nothing; the row stays for the record). */
export async function undoCheckin(tx: Tx, id: number, now: Date): Promise<void> {
  await tx.pledgeCheckin.update({ where: { id }, data: { undoneAt: now } });
}

/** The latest check-ins of a pledge that were not undone, newest first. */
export async function recentCheckins(tx: Tx, pledgeId: number, take: number): Promise<CheckinView[]> {
  const rows = await tx.pledgeCheckin.findMany({
    where: { pledgeId, undoneAt: null },
    orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
    take,
  });
  return rows.map(toCheckinView);
}

/** Number of check-ins (not undone) a member made in `year` (by local day). */
export async function countCheckinsOfYear(tx: Tx, memberId: number, year: number): Promise<number> {
  return tx.pledgeCheckin.count({ where: { memberId, undoneAt: null, localDay: { gte: `${year}-01-01`, lte: `${year}-12-31` } } });
}

/** An exemption from reminders. */
export interface ExemptionView {
  readonly memberId: number;
  readonly reason: string;
  readonly untilDate: IsoDate | null;
}

/** Sets a member's exemption, replacing any exemption in force. */
export async function setExemption(tx: Tx, e: ExemptionView & { setById: number }, now: Date): Promise<void> {
  await tx.pledgeExemption.updateMany({ where: { memberId: e.memberId, endedAt: null }, data: { endedAt: now } });
  await tx.pledgeExemption.create({
    data: { memberId: e.memberId, reason: e.reason, untilDate: e.untilDate, setById: e.setById, createdAt: now },
  });
}

/** Lifts a member's exemption; returns how many were in force (0: there was none). */
export async function endExemption(tx: Tx, memberId: number, today: IsoDate, now: Date): Promise<number> {
  const r = await tx.pledgeExemption.updateMany({
    where: { memberId, endedAt: null, OR: [{ untilDate: null }, { untilDate: { gte: today } }] },
    data: { endedAt: now },
  });
  return r.count;
}

/** Exemptions in force on `today` (of the given members, or all), by member id. */
export async function activeExemptions(tx: Tx, today: IsoDate, memberIds?: readonly number[]): Promise<Map<number, ExemptionView>> {
  const rows = await tx.pledgeExemption.findMany({
    where: {
      endedAt: null,
      OR: [{ untilDate: null }, { untilDate: { gte: today } }],
      ...(memberIds ? { memberId: { in: [...memberIds] } } : {}),
    },
    orderBy: { id: 'asc' },
  });
  return new Map(rows.map((r) => [r.memberId, { memberId: r.memberId, reason: r.reason, untilDate: r.untilDate }]));
}

/** Reminder settings of a unit. */
export interface ReminderSettings {
  /** Days without a check-in before the private nudge. */
  readonly staleDays: number;
  /** Days between escalation stages (nudge → group mention → secretary). */
  readonly escalateDays: number;
}

/** The settings of each listed unit (`fallback` where a unit has none). */
export async function reminderSettings(tx: Tx, unitIds: readonly number[], fallback: ReminderSettings): Promise<Map<number, ReminderSettings>> {
  const rows = await tx.pledgeSetting.findMany({ where: { unitId: { in: [...unitIds] } } });
  const out = new Map<number, ReminderSettings>(unitIds.map((u) => [u, fallback]));
  for (const r of rows) out.set(r.unitId, { staleDays: r.staleDays, escalateDays: r.escalateDays });
  return out;
}

/** Saves a unit's reminder settings. */
export async function saveReminderSettings(tx: Tx, unitId: number, s: ReminderSettings, byId: number, now: Date): Promise<void> {
  await tx.pledgeSetting.upsert({
    where: { unitId },
    create: { unitId, ...s, updatedById: byId, updatedAt: now },
    update: { ...s, updatedById: byId, updatedAt: now },
  });
}

/** Reminder stages, in escalation order. */
export const REMINDER_STAGES = ['nudge', 'group', 'secretary'] as const;

/** One escalation stage. */
export type ReminderStage = (typeof REMINDER_STAGES)[number];

/** A stage already sent for a member's idle spell. */
export interface ReminderRecord {
  readonly memberId: number;
  readonly stage: ReminderStage;
  readonly episode: string;
  readonly sentAt: Date;
}

/** The stages recorded for these members' idle spells (`episode` keys). */
export async function remindersOf(tx: Tx, episodes: ReadonlyMap<number, string>): Promise<ReminderRecord[]> {
  if (episodes.size === 0) return [];
  const rows = await tx.pledgeReminder.findMany({ where: { memberId: { in: [...episodes.keys()] } }, orderBy: { id: 'asc' } });
  return rows
    .filter((r) => episodes.get(r.memberId) === r.episode)
    .map((r) => ({ memberId: r.memberId, stage: r.stage as ReminderStage, episode: r.episode, sentAt: r.sentAt }))
    .filter((r) => (REMINDER_STAGES as readonly string[]).includes(r.stage));
}

/**
 * Records stages sent in one run, in one statement. The caller has read the ledger in the same
 * transaction (`remindersOf`) and records only stages not there; a concurrent run of another
 * instance that recorded the same stage makes this fail on the unique key, rolling that run back
 * (nothing sent twice).
 */
export async function recordReminders(tx: Tx, rows: readonly (ReminderRecord & { unitId: number })[]): Promise<void> {
  if (rows.length === 0) return;
  await tx.pledgeReminder.createMany({
    data: rows.map((r) => ({ memberId: r.memberId, unitId: r.unitId, stage: r.stage, episode: r.episode, sentAt: r.sentAt })),
  });
}
