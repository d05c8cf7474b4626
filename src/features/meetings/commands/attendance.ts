/**
 * Attendance, recorded by the secretary after a meeting (an RSVP is not attendance):
 * - `/attendance #N [日期]` shows the roll call (点名表) of the latest occurrence (or the one on that
 *   date): the unit's members and anyone who answered, numbered, with their RSVP and any mark;
 * - `/attendance #N [日期] 到:张三,李四 缺:王五 假:赵六` records marks by name or by roll-call
 *   number (`到:1,2 缺:3`), so replying to the roll call is a list of numbers. A later mark for
 *   the same person replaces the earlier one. One unknown or ambiguous name refuses the whole
 *   command (nothing recorded);
 * - `/attendance` alone: this year's attendance of the unit, per member.
 * "The latest occurrence" is the last start at most 30 minutes from now, so the roll call can be
 * taken as the meeting begins.
 */
import { partyRoles, seesUnitIn } from '../../../bot/policy.ts';
import { z } from 'zod';
import { argInput } from '../../../bot/args.ts';
import { command, UserError, type Context } from '../../../bot/feature.ts';
import type { MemberInfo } from '../../../bot/feature.ts';
import { membersByIds, membersOfUnit, unitName } from '../../../bot/roster.ts';
import { resolvePerson } from '../../../bot/people.ts';
import { localDateKey, localMidnight, localParts, parseLocalDate } from '../../../bot/time.ts';
import { requireManager, requireUnit } from '../access.ts';
import { lastStart, startOnDate } from '../calendar.ts';
import { countsText, percent, when } from '../render.ts';
import { isMalformed, nearestDateKey, readAttendanceArgs, type AttendanceArgs } from '../rules.ts';
import {
  attendanceOf,
  attendanceRate,
  getMeeting,
  recordAttendance,
  rsvpsOf,
  type AttendanceStatus,
  type MeetingInfo,
} from '../store.ts';
import type { PromptKey } from '../../../bot/prompt-keys.ts';

/** A roll call can be taken this long before the start. */
const EARLY_MS = 30 * 60_000;
/** Members shown in the yearly summary. */
const SUMMARY_LINES = 40;

/** Zod schema of /attendance's arguments (rules.ts reads them). */
const attendanceArgs = argInput.transform((a, ctx): AttendanceArgs => {
  const r = readAttendanceArgs(a.tokens);
  if (!isMalformed(r)) return r;
  ctx.addIssue({ code: 'custom', message: r.malformed });
  return z.NEVER;
});

/**
 * The roll call of an occurrence: the unit's members (not masses) in pinyin order, then others who
 * answered or were marked. The numbers a secretary replies with index this same list.
 */
async function rollCall(ctx: Context, m: MeetingInfo, startsAt: Date): Promise<MemberInfo[]> {
  const byName = (x: MemberInfo, y: MemberInfo) => x.name.localeCompare(y.name, 'zh-CN') || x.id - y.id;
  const list = (await membersOfUnit(ctx.db, m.unitId, partyRoles())).sort(byName);
  const seen = new Set(list.map((x) => x.id));
  const extraIds = [...(await rsvpsOf(ctx.db, m.id, startsAt)).keys(), ...(await attendanceOf(ctx.db, m.id, startsAt)).keys()];
  const extras = [...(await membersByIds(ctx.db, extraIds.filter((id) => !seen.has(id)))).values()].sort(byName);
  return [...list, ...extras];
}

/** The occurrence an /attendance refers to: on `date`, or the latest that has begun (or begins within 30 min). */
async function targetStart(ctx: Context, m: MeetingInfo, date: string | null): Promise<Date> {
  const horizon = new Date(ctx.now().getTime() + EARLY_MS);
  // Occurrences from the day the meeting was added on (one held that morning can still be recorded).
  const firstDay = localMidnight(localDateKey(m.createdAt, ctx.timeZone), ctx.timeZone);
  if (date !== null) {
    const key = /^\d{4}/.test(date) ? parseLocalDate(date, ctx.now(), ctx.timeZone) : nearestDateKey(date, ctx.now(), ctx.timeZone);
    if (!key) throw new UserError('meetings.attendance.badDate', { date });
    const start = startOnDate(m, ctx.timeZone, key);
    if (!start) throw new UserError('meetings.attendance.noneOnDate', { id: m.id, date: key });
    if (start > horizon) throw new UserError('meetings.attendance.notYet', { id: m.id, time: when(ctx, start) });
    if (start < firstDay) throw new UserError('meetings.attendance.beforeAdded', { id: m.id, date: key });
    return start;
  }
  const start = await lastStart(ctx.db, m, ctx.timeZone, horizon);
  if (!start || start < firstDay) throw new UserError('meetings.attendance.noneYet', { id: m.id, title: m.title });
  return start;
}

const MARK_KEY: Readonly<Record<AttendanceStatus, PromptKey>> = {
  present: 'meetings.attendance.mark.present',
  absent: 'meetings.attendance.mark.absent',
  excused: 'meetings.attendance.mark.excused',
};

/** The roll call of an occurrence: each person numbered, with their RSVP and any mark. */
async function showRollCall(ctx: Context, m: MeetingInfo, startsAt: Date, people: readonly MemberInfo[], head: Record<string, string | number>): Promise<void> {
  const rsvps = await rsvpsOf(ctx.db, m.id, startsAt);
  const marks = await attendanceOf(ctx.db, m.id, startsAt);
  const lines = [ctx.t('meetings.attendance.rollHead', head)];
  people.forEach((p, i) => {
    const r = rsvps.get(p.id);
    const answer = r ? (r.answer === 'yes' ? ctx.t('meetings.attendance.rsvpYes') : ctx.t('meetings.attendance.rsvpNo', { reason: r.reason ?? '' }).trim()) : ctx.t('meetings.attendance.rsvpNone');
    const mark = marks.get(p.id);
    lines.push(ctx.t(mark ? 'meetings.attendance.rollLineMarked' : 'meetings.attendance.rollLine', {
      n: i + 1,
      name: p.name,
      answer,
      mark: mark ? ctx.t(MARK_KEY[mark]) : '',
    }));
  });
  if (!people.length) lines.push(ctx.t('meetings.attendance.rollEmpty'));
  lines.push(ctx.t('meetings.attendance.rollFooter', { id: m.id }));
  ctx.reply(lines.join('\n'));
}

/** Resolves every name or roll-call number first: one bad name refuses the whole command. */
async function chosenMarks(ctx: Context, m: MeetingInfo, people: readonly MemberInfo[], marks: Extract<AttendanceArgs, { action: 'record' }>['marks']): Promise<Map<number, { status: AttendanceStatus; who: string }>> {
  const chosen = new Map<number, { status: AttendanceStatus; who: string }>();
  const unknown: string[] = [];
  for (const mark of marks) {
    let person: MemberInfo | undefined;
    if (/^\d{1,4}$/.test(mark.who)) {
      person = people[Number(mark.who) - 1];
      if (!person) throw new UserError('meetings.attendance.badNumber', { n: mark.who, max: people.length, id: m.id });
    } else {
      const inRoll = people.filter((p) => p.name === mark.who);
      if (inRoll.length > 1) throw new UserError('meetings.attendance.ambiguous', { name: mark.who });
      person = inRoll[0] ?? (await personOfUnit(ctx, mark.who, m.unitId));
      if (!person) {
        unknown.push(mark.who);
        continue;
      }
    }
    const prev = chosen.get(person.id);
    if (prev && prev.status !== mark.status) throw new UserError('meetings.attendance.twice', { name: person.name });
    chosen.set(person.id, mark);
  }
  if (unknown.length) throw new UserError('meetings.attendance.unknown', { names: unknown.join('、') });
  return chosen;
}

/** /attendance: summary, roll call, or record marks. */
async function attendanceHandler(ctx: Context, args: AttendanceArgs): Promise<void> {
  if (args.action === 'summary') return summary(ctx);
  const m = await getMeeting(ctx.db, args.id);
  if (!m) throw new UserError('meetings.error.notFound', { id: args.id });
  await requireManager(ctx, m.unitId);
  const startsAt = await targetStart(ctx, m, args.date);
  const people = await rollCall(ctx, m, startsAt);
  const head = { id: m.id, title: m.title, time: when(ctx, startsAt) };
  if (args.action === 'rollcall') return showRollCall(ctx, m, startsAt, people, head);

  const chosen = await chosenMarks(ctx, m, people, args.marks);
  await recordAttendance(ctx.db, {
    meetingId: m.id,
    unitId: m.unitId,
    startsAt,
    marks: [...chosen].map(([memberId, v]) => ({ memberId, status: v.status })),
    byId: ctx.member.id,
    now: ctx.now(),
  });
  await ctx.audit('meeting.attendance', `meeting ${m.id} ${startsAt.toISOString()} ${chosen.size} marks`);
  const all = await attendanceOf(ctx.db, m.id, startsAt);
  let p = 0;
  let a = 0;
  let e = 0;
  for (const s of all.values()) {
    if (s === 'present') p++;
    else if (s === 'absent') a++;
    else e++;
  }
  const total = p + a + e;
  ctx.reply(
    ctx.t('meetings.attendance.recorded', {
      ...head,
      count: chosen.size,
      figures: countsText(ctx.t, { present: p, absent: a, excused: e, rate: total ? p / total : null }),
    }),
  );
}

/** This year's attendance of the chat's unit, per member. */
async function summary(ctx: Context): Promise<void> {
  const unitId = requireUnit(ctx);
  if (!(await seesUnitIn(ctx.db, ctx.member, unitId))) throw new UserError('meetings.error.otherUnit');
  const year = localParts(ctx.now(), ctx.timeZone).year;
  const from = localMidnight(`${year}-01-01`, ctx.timeZone);
  const s = await attendanceRate(ctx.db, unitId, from, new Date(ctx.now().getTime() + 1));
  const unit = (await unitName(ctx.db, unitId)) ?? '';
  if (s.meetings === 0) {
    ctx.reply(ctx.t('meetings.attendance.summaryEmpty', { unit, year }));
    return;
  }
  const lines = [ctx.t('meetings.attendance.summaryHead', { unit, year, meetings: s.meetings, figures: countsText(ctx.t, s) })];
  for (const mem of s.members.slice(0, SUMMARY_LINES)) {
    lines.push(ctx.t('meetings.attendance.summaryLine', { name: mem.name, rate: percent(mem.rate), present: mem.present, total: mem.present + mem.absent + mem.excused }));
  }
  if (s.members.length > SUMMARY_LINES) lines.push(ctx.t('meetings.attendance.summaryMore', { count: s.members.length - SUMMARY_LINES }));
  ctx.reply(lines.join('\n'));
}

/** A member of the meeting's unit a mark names (`M12`, a mention, a unique name); undefined if nobody there. */
async function personOfUnit(ctx: Context, who: string, unitId: number): Promise<MemberInfo | undefined> {
  try {
    return (await resolvePerson(ctx, who, unitId)).member;
  } catch (err) {
    if (err instanceof UserError && err.key === 'core.people.noPerson') return undefined;
    throw err;
  }
}

/** The /attendance command. */
export const attendanceCommand = command({
  name: 'attendance',
  aliases: ['考勤', '出勤'],
  minRole: 'secretary',
  summaryKey: 'meetings.attendance.summary',
  usageKey: 'meetings.attendance.usage',
  args: attendanceArgs,
  handler: attendanceHandler,
});
