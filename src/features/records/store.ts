/**
 * The records slice's database functions: the only code touching `MeetingMinutes`. A correction
 * writes a new version and marks the earlier one superseded, so every version stays (audit).
 */
import { z } from 'zod';
import type { Tx } from '../../bot/feature.ts';
import type { Db } from '../../db/client.ts';
import { mergeStored } from './evidence.ts';

/**
 * A photo or file of the minutes (evidence.ts): the adapter's reference and, once fetched after the
 * commit, the stored copy (`path` under the data directory, `sha256`, `size`) or why there is none.
 */
export interface MinutesAttachment {
  readonly kind: 'photo' | 'file';
  readonly platform: string;
  readonly ref: string;
  readonly name: string | null;
  readonly sha256?: string;
  readonly size?: number;
  readonly path?: string;
  /** unsupported: the platform cannot fetch files; tooBig: over the limit; failed: the fetch failed. */
  readonly problem?: 'unsupported' | 'tooBig' | 'failed';
}

const attachmentList = z.array(
  z.object({
    kind: z.enum(['photo', 'file']), platform: z.string(), ref: z.string(), name: z.string().nullable(),
    sha256: z.string().optional(), size: z.number().optional(), path: z.string().optional(), problem: z.enum(['unsupported', 'tooBig', 'failed']).optional(),
  }),
);

/**
 * Records the fetched (or not fetched) attachments on minutes row `id` (after the minutes
 * committed), merged by reference into what the row holds now: a photo attached meanwhile stays.
 */
export async function setMinutesAttachments(db: Tx | Db, id: number, attachments: readonly MinutesAttachment[]): Promise<void> {
  const row = await db.meetingMinutes.findUnique({ where: { id }, select: { attachments: true } });
  const merged = mergeStored(row ? parseAttachments(row.attachments) : [], attachments);
  await db.meetingMinutes.update({ where: { id }, data: { attachments: JSON.stringify(merged) } });
}

/** Adds attachments to minutes row `id` in the event's transaction (photos sent after /minutes). */
export async function addMinutesAttachments(db: Tx, id: number, added: readonly MinutesAttachment[]): Promise<MinutesAttachment[]> {
  const row = await db.meetingMinutes.findUniqueOrThrow({ where: { id }, select: { attachments: true } });
  const all = [...parseAttachments(row.attachments), ...added];
  await db.meetingMinutes.update({ where: { id }, data: { attachments: JSON.stringify(all) } });
  return all;
}

/** The current minutes `memberId` entered in chat `chatKey` since `since`, latest first; null when none. */
export async function minutesEnteredSince(db: Tx, memberId: number, chatKey: string, since: Date): Promise<MinutesRecord | null> {
  const row = await db.meetingMinutes.findFirst({
    where: { enteredById: memberId, enteredIn: chatKey, supersededAt: null, enteredAt: { gte: since } },
    orderBy: [{ enteredAt: 'desc' }, { id: 'desc' }],
    select: columns,
  });
  return row ? toRecord(row) : null;
}

/** One version of the minutes of one occurrence. */
export interface MinutesRecord {
  readonly id: number;
  readonly meetingId: number;
  readonly unitId: number;
  readonly startsAt: Date;
  readonly version: number;
  readonly topics: string;
  readonly decisions: string;
  readonly hostId: number;
  readonly recorderId: number;
  readonly expected: number;
  readonly present: number;
  readonly absences: string;
  readonly attachments: readonly MinutesAttachment[];
  readonly late: boolean;
  readonly enteredAt: Date;
  readonly supersededAt: Date | null;
}

type Row = Omit<MinutesRecord, 'attachments'> & { attachments: string; enteredIn?: string | null };

function parseAttachments(json: string): MinutesAttachment[] {
  try {
    return attachmentList.catch([]).parse(JSON.parse(json));
  } catch {
    return [];
  }
}

function toRecord(r: Row): MinutesRecord {
  const { enteredIn: _chat, ...rest } = r;
  return { ...rest, attachments: parseAttachments(r.attachments) };
}

/** The minutes to write: everything but the version, which `saveMinutes` assigns. */
export type NewMinutes = Omit<MinutesRecord, 'id' | 'version' | 'supersededAt' | 'enteredAt'> & { readonly enteredById: number; readonly now: Date; readonly enteredIn?: string };

/** Saves the minutes of an occurrence as its next version; the current one (if any) is superseded. Returns the new version. */
export async function saveMinutes(db: Tx, m: NewMinutes): Promise<MinutesRecord> {
  const current = await currentMinutes(db, m.meetingId, m.startsAt);
  if (current) await db.meetingMinutes.update({ where: { id: current.id }, data: { supersededAt: m.now } });
  const row = await db.meetingMinutes.create({
    data: {
      meetingId: m.meetingId,
      unitId: m.unitId,
      startsAt: m.startsAt,
      version: (current?.version ?? 0) + 1,
      topics: m.topics,
      decisions: m.decisions,
      hostId: m.hostId,
      recorderId: m.recorderId,
      expected: m.expected,
      present: m.present,
      absences: m.absences,
      attachments: JSON.stringify(m.attachments),
      late: m.late,
      enteredById: m.enteredById,
      enteredAt: m.now,
      enteredIn: m.enteredIn ?? null,
    },
  });
  return toRecord(row);
}

const columns = {
  id: true, meetingId: true, unitId: true, startsAt: true, version: true, topics: true, decisions: true, hostId: true,
  recorderId: true, expected: true, present: true, absences: true, attachments: true, late: true, enteredAt: true, supersededAt: true,
} as const;

/** The current (latest) minutes of an occurrence, or null. */
export async function currentMinutes(db: Tx, meetingId: number, startsAt: Date): Promise<MinutesRecord | null> {
  const row = await db.meetingMinutes.findFirst({ where: { meetingId, startsAt, supersededAt: null }, orderBy: { version: 'desc' }, select: columns });
  return row ? toRecord(row) : null;
}

/** Every version of an occurrence's minutes, oldest first. */
export async function minutesHistory(db: Tx, meetingId: number, startsAt: Date): Promise<MinutesRecord[]> {
  const rows = await db.meetingMinutes.findMany({ where: { meetingId, startsAt }, orderBy: { version: 'asc' }, select: columns });
  return rows.map(toRecord);
}

/** The current minutes of a unit's occurrences that started in [`from`, `to`), by start. */
export async function unitMinutes(db: Tx, unitId: number, from: Date, to: Date): Promise<MinutesRecord[]> {
  const rows = await db.meetingMinutes.findMany({
    where: { unitId, supersededAt: null, startsAt: { gte: from, lt: to } },
    orderBy: [{ startsAt: 'asc' }, { meetingId: 'asc' }],
    select: columns,
  });
  return rows.map(toRecord);
}


/** An admin's note excusing a kind for months `month` … `month + months - 1` of `year`. */
export interface LedgerExcuse {
  readonly kind: string;
  readonly year: number;
  readonly month: number;
  readonly months: number;
  readonly reason: string;
}

/** Writes (or replaces the reason of) an excuse note; true when it replaced an earlier one. */
export async function saveExcuse(db: Tx, e: LedgerExcuse & { unitId: number; byId: number; now: Date }): Promise<boolean> {
  const key = { unitId: e.unitId, kind: e.kind, year: e.year, month: e.month, months: e.months };
  const existing = await db.ledgerExcuse.findUnique({ where: { unitId_kind_year_month_months: key }, select: { id: true } });
  await db.ledgerExcuse.upsert({
    where: { unitId_kind_year_month_months: key },
    create: { ...key, reason: e.reason, byId: e.byId, at: e.now },
    update: { reason: e.reason, byId: e.byId, at: e.now },
  });
  return existing !== null;
}

/** A unit's excuse notes of `year`. */
export async function unitExcuses(db: Tx, unitId: number, year: number): Promise<LedgerExcuse[]> {
  return db.ledgerExcuse.findMany({ where: { unitId, year }, orderBy: [{ month: 'asc' }, { id: 'asc' }], select: { kind: true, year: true, month: true, months: true, reason: true } });
}
