/**
 * The meetings slice's database functions: the only code touching `Meeting`, `MeetingSkip`,
 * `MeetingRsvp` and `MeetingAttendance`. Other features call `attendanceRate` (the annual
 * evaluation, /report) and `memberAttendance` (a member's own figures).
 */
import { z } from 'zod';
import type { Tx } from '../../bot/feature.ts';
import { membersByIds } from '../../bot/roster.ts';
import { exemptDuring } from '../care/api.ts';
import type { ChatRef, Platform } from '../../bot/types.ts';

/** A meeting as the feature uses it. */
export interface MeetingInfo {
  readonly id: number;
  readonly unitId: number;
  readonly title: string;
  readonly cron: string;
  readonly place: string;
  readonly remindMinutes: number;
  readonly template: string | null;
  readonly withSuggestions: boolean;
  /** Key of prompts/meeting-kinds.yaml, or null. */
  readonly kind: string | null;
  /** keep | skip | move, or null for the kind's default. */
  readonly holiday: string | null;
  readonly status: 'active' | 'cancelled';
  readonly createdAt: Date;
}

/** An RSVP answer: yes (到) or no (请假). */
export type RsvpAnswer = 'yes' | 'no';

/** What the secretary records per person: came, did not come, excused (请假). */
export const ATTENDANCE_STATUSES = ['present', 'absent', 'excused'] as const;

/** One of `ATTENDANCE_STATUSES`. */
export type AttendanceStatus = (typeof ATTENDANCE_STATUSES)[number];

const attendanceStatus = z.enum(ATTENDANCE_STATUSES);

interface MeetingRow {
  id: number;
  unitId: number;
  title: string;
  cron: string;
  place: string;
  remindMinutes: number;
  template: string | null;
  withSuggestions: boolean;
  kind: string | null;
  holiday: string | null;
  status: string;
  createdAt: Date;
}

function toInfo(r: MeetingRow): MeetingInfo {
  return {
    id: r.id,
    unitId: r.unitId,
    title: r.title,
    cron: r.cron,
    place: r.place,
    remindMinutes: r.remindMinutes,
    template: r.template,
    withSuggestions: r.withSuggestions,
    kind: r.kind,
    holiday: r.holiday,
    status: r.status === 'active' ? 'active' : 'cancelled',
    createdAt: r.createdAt,
  };
}

/** Creates meeting #N. */
export async function createMeeting(
  db: Tx,
  m: {
    unitId: number;
    title: string;
    cron: string;
    place: string;
    remindMinutes: number;
    template?: string | null;
    withSuggestions?: boolean;
    kind?: string | null;
    holiday?: string | null;
    createdById: number;
    now: Date;
  },
): Promise<MeetingInfo> {
  const row = await db.meeting.create({
    data: {
      unitId: m.unitId,
      title: m.title,
      cron: m.cron,
      place: m.place,
      remindMinutes: m.remindMinutes,
      template: m.template ?? null,
      withSuggestions: m.withSuggestions ?? false,
      kind: m.kind ?? null,
      holiday: m.holiday ?? null,
      status: 'active',
      createdById: m.createdById,
      createdAt: m.now,
    },
  });
  return toInfo(row);
}

/** Meeting #id, or null. */
export async function getMeeting(db: Tx, id: number): Promise<MeetingInfo | null> {
  const row = await db.meeting.findUnique({ where: { id } });
  return row ? toInfo(row) : null;
}

/** Active meetings of one unit, or of every unit (the scheduler's list), by id. */
export async function activeMeetings(db: Tx, unitId?: number): Promise<MeetingInfo[]> {
  const rows = await db.meeting.findMany({ where: { status: 'active', ...(unitId !== undefined ? { unitId } : {}) }, orderBy: { id: 'asc' } });
  return rows.map(toInfo);
}

/** The unit's active meeting enabled from a default schedule, or null. */
export async function meetingFromTemplate(db: Tx, unitId: number, template: string): Promise<MeetingInfo | null> {
  const row = await db.meeting.findFirst({ where: { unitId, template, status: 'active' }, orderBy: { id: 'asc' } });
  return row ? toInfo(row) : null;
}

/** Cancels a meeting for good (no more notices). */
export async function cancelMeeting(db: Tx, id: number, now: Date): Promise<void> {
  await db.meeting.update({ where: { id }, data: { status: 'cancelled', cancelledAt: now } });
}

/** Calls off one occurrence; false when it was already called off. */
export async function skipOccurrence(db: Tx, meetingId: number, startsAt: Date, byId: number, now: Date): Promise<boolean> {
  const existing = await db.meetingSkip.findUnique({ where: { meetingId_startsAt: { meetingId, startsAt } } });
  if (existing) return false;
  await db.meetingSkip.create({ data: { meetingId, startsAt, createdById: byId, createdAt: now } });
  return true;
}

/** Start times (ms) of the called-off occurrences of a meeting from `from` on. */
export async function skippedStarts(db: Tx, meetingId: number, from: Date): Promise<Set<number>> {
  const rows = await db.meetingSkip.findMany({ where: { meetingId, startsAt: { gte: from } }, select: { startsAt: true } });
  return new Set(rows.map((r) => r.startsAt.getTime()));
}

/** True when this occurrence was called off. */
export async function isSkipped(db: Tx, meetingId: number, startsAt: Date): Promise<boolean> {
  return (await db.meetingSkip.findUnique({ where: { meetingId_startsAt: { meetingId, startsAt } }, select: { id: true } })) !== null;
}

/** Records (or changes) a member's answer for one occurrence. */
export async function setRsvp(
  db: Tx,
  r: { meetingId: number; startsAt: Date; memberId: number; answer: RsvpAnswer; reason: string | null; now: Date },
): Promise<void> {
  await db.meetingRsvp.upsert({
    where: { meetingId_startsAt_memberId: { meetingId: r.meetingId, startsAt: r.startsAt, memberId: r.memberId } },
    create: { meetingId: r.meetingId, startsAt: r.startsAt, memberId: r.memberId, answer: r.answer, reason: r.reason, createdAt: r.now, updatedAt: r.now },
    update: { answer: r.answer, reason: r.reason, updatedAt: r.now },
  });
}

/** The answers for one occurrence, by member id. */
export async function rsvpsOf(db: Tx, meetingId: number, startsAt: Date): Promise<Map<number, { answer: RsvpAnswer; reason: string | null }>> {
  const rows = await db.meetingRsvp.findMany({ where: { meetingId, startsAt }, orderBy: { id: 'asc' } });
  return new Map(rows.map((r) => [r.memberId, { answer: r.answer === 'no' ? 'no' : 'yes', reason: r.reason }]));
}

/** How many said yes (到) and no (请假) for one occurrence. */
export async function rsvpCounts(db: Tx, meetingId: number, startsAt: Date): Promise<{ yes: number; no: number }> {
  const [yes, no] = await Promise.all([
    db.meetingRsvp.count({ where: { meetingId, startsAt, answer: 'yes' } }),
    db.meetingRsvp.count({ where: { meetingId, startsAt, answer: 'no' } }),
  ]);
  return { yes, no };
}

/** Records attendance marks for one occurrence (a later mark for the same person replaces the earlier). */
export async function recordAttendance(
  db: Tx,
  a: { meetingId: number; unitId: number; startsAt: Date; marks: readonly { memberId: number; status: AttendanceStatus }[]; byId: number; now: Date },
): Promise<void> {
  for (const m of a.marks) {
    await db.meetingAttendance.upsert({
      where: { meetingId_startsAt_memberId: { meetingId: a.meetingId, startsAt: a.startsAt, memberId: m.memberId } },
      create: { meetingId: a.meetingId, unitId: a.unitId, startsAt: a.startsAt, memberId: m.memberId, status: m.status, recordedById: a.byId, recordedAt: a.now },
      update: { status: m.status, recordedById: a.byId, recordedAt: a.now },
    });
  }
}

/** The recorded attendance of one occurrence, by member id. */
export async function attendanceOf(db: Tx, meetingId: number, startsAt: Date): Promise<Map<number, AttendanceStatus>> {
  const rows = await db.meetingAttendance.findMany({ where: { meetingId, startsAt } });
  return new Map(rows.map((r) => [r.memberId, attendanceStatus.catch('absent').parse(r.status)]));
}

/** Attendance counts of one person or one unit. `rate` = present / (present + absent + excused). */
export interface AttendanceCounts {
  readonly present: number;
  readonly absent: number;
  readonly excused: number;
  /** present ÷ all recorded marks (excused counts as not present), 0…1; null when nothing was recorded. */
  readonly rate: number | null;
}

/** One member's line in a unit's attendance. */
export interface MemberAttendance extends AttendanceCounts {
  readonly memberId: number;
  readonly name: string;
}

/** A unit's attendance over a period: for /report and the annual evaluation. */
export interface AttendanceSummary extends AttendanceCounts {
  /** Meeting occurrences of the unit with at least one mark recorded in the period. */
  readonly meetings: number;
  /** Everyone with a mark, highest rate first, then by name. */
  readonly members: readonly MemberAttendance[];
}

function counts(present: number, absent: number, excused: number): AttendanceCounts {
  const total = present + absent + excused;
  return { present, absent, excused, rate: total === 0 ? null : present / total };
}

/**
 * Attendance of the meetings of unit `unitId` that started in [`from`, `to`): how many
 * occurrences had attendance recorded, the marks (present / absent / excused) and the rate,
 * for the unit and per member. Only what secretaries recorded with /attendance counts (an RSVP is
 * not attendance).
 */
export async function attendanceRate(db: Tx, unitId: number, from: Date, to: Date): Promise<AttendanceSummary> {
  const all = await db.meetingAttendance.findMany({
    where: { unitId, startsAt: { gte: from, lt: to } },
    select: { meetingId: true, startsAt: true, memberId: true, status: true },
  });
  // Exempt members (条例第二十三条) are not counted (the period's UTC day is close enough for the bound).
  const exempt = await exemptDuring(db, [...new Set(all.map((r) => r.memberId))], from, to, 'UTC');
  const rows = all.filter((r) => !exempt.has(r.memberId));
  const occurrences = new Set<string>();
  const per = new Map<number, [number, number, number]>();
  let p = 0;
  let a = 0;
  let e = 0;
  for (const r of rows) {
    occurrences.add(`${r.meetingId}@${r.startsAt.getTime()}`);
    const c = per.get(r.memberId) ?? [0, 0, 0];
    const s = attendanceStatus.catch('absent').parse(r.status);
    if (s === 'present') {
      c[0]++;
      p++;
    } else if (s === 'absent') {
      c[1]++;
      a++;
    } else {
      c[2]++;
      e++;
    }
    per.set(r.memberId, c);
  }
  const named = await membersByIds(db, [...per.keys()]);
  const members: MemberAttendance[] = [...per].map(([memberId, [mp, ma, me]]) => ({ memberId, name: named.get(memberId)?.name ?? `#${memberId}`, ...counts(mp, ma, me) }));
  members.sort((x, y) => (y.rate ?? -1) - (x.rate ?? -1) || x.name.localeCompare(y.name, 'zh-CN') || x.memberId - y.memberId);
  return { meetings: occurrences.size, ...counts(p, a, e), members };
}

/** One member's attendance over meetings that started in [`from`, `to`) (any unit). */
export async function memberAttendance(db: Tx, memberId: number, from: Date, to: Date): Promise<AttendanceCounts> {
  const rows = await db.meetingAttendance.groupBy({
    by: ['status'],
    where: { memberId, startsAt: { gte: from, lt: to } },
    _count: { _all: true },
  });
  const n = (s: AttendanceStatus) => rows.find((r) => r.status === s)?._count._all ?? 0;
  return counts(n('present'), n('absent'), n('excused'));
}

/** A group chat of a unit and whether it is a masses chat (residents, not members). */
export interface UnitChat {
  readonly ref: ChatRef;
  readonly masses: boolean;
}

/** The group chats bound to a unit, masses chats marked. */
export async function unitChats(db: Tx, unitId: number): Promise<UnitChat[]> {
  const rows = await db.chat.findMany({ where: { unitId, kind: 'group' }, orderBy: { id: 'asc' } });
  return rows.map((c) => ({ ref: { platform: c.platform as Platform, chatId: c.externalId, kind: 'group' as const, title: c.title }, masses: c.masses }));
}
