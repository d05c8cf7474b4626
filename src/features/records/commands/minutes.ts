/**
 * Minutes (会议记录) of one occurrence of a meeting: `/minutes #N [日期] 议题：… 决议：… [主持人：…]
 * [记录人：…]`. Multi-line text is kept as typed. 主持人 and 记录人 are an `M<n>` member id or a name
 * (default: the sender). 应到 / 实到 / 缺席及原因 come from the roll call recorded with /attendance
 * and the 请假 answers; photos and files sent with the message are kept as the adapter's references.
 * A record entered after the meeting day is 补录; a second /minutes for the same occurrence is a
 * correction (a new version; the earlier stays). `/minutes #N [日期]` alone shows the minutes to the
 * unit's members.
 */
import { z } from 'zod';
import { argInput, idToken } from '../../../bot/args.ts';
import { command, UserError, type Context, type MemberInfo } from '../../../bot/feature.ts';
import { hasRole, PARTY_MEMBER, partyRoles, seesUnitIn } from '../../../bot/policy.ts';
import { membersByIds, membersOfUnit } from '../../../bot/roster.ts';
import { isPersonToken, resolvePerson } from '../../../bot/people.ts';
import { localDateKey, parseLocalDate } from '../../../bot/time.ts';
import { lastStart, startOnDate } from '../../meetings/api.ts';
import { requireManager } from '../../meetings/api.ts';
import { when } from '../../meetings/api.ts';
import { attendanceOf, getMeeting, rsvpsOf, type MeetingInfo } from '../../meetings/api.ts';
import { chatKeyOf, evidenceOf, storeEvidenceAfterCommit } from '../evidence.ts';
import { setMinutesAttachments, currentMinutes, minutesHistory, saveMinutes, type MinutesAttachment, type MinutesRecord } from '../store.ts';
import { readSections, type MinutesArgs } from '../rules.ts';

/** Zod schema of /minutes' arguments (the raw text, so line breaks stay). */
const minutesArgs = argInput.transform((a, ctx): MinutesArgs => {
  const m = /^\s*(\S+)\s*([\s\S]*)$/.exec(a.raw.replace(/[＃]/g, '#'));
  const id = idToken.safeParse(m?.[1] ?? '');
  if (!m || !id.success) {
    ctx.addIssue({ code: 'custom', message: '#N expected' });
    return z.NEVER;
  }
  let rest = m[2]!;
  let date: string | null = null;
  const d = /^(\d{4}[-/.年]\d{1,2}[-/.月]\d{1,2}[日号]?|\d{1,2}[-/.月]\d{1,2}[日号]?)(?:\s+|$)/.exec(rest);
  if (d) {
    date = d[1]!;
    rest = rest.slice(d[0].length);
  }
  const fields = readSections(rest);
  if (fields === 'bad') {
    ctx.addIssue({ code: 'custom', message: '议题：… 决议：…' });
    return z.NEVER;
  }
  return { id: id.data, date, fields };
});

/** A date as typed; without a year, the latest such day up to today (minutes are of past meetings). */
function pastDateKey(ctx: Context, text: string): string | null {
  const key = parseLocalDate(text, ctx.now(), ctx.timeZone);
  if (!key || /^\d{4}/.test(text.trim())) return key;
  const today = localDateKey(ctx.now(), ctx.timeZone);
  for (const year of [Number(today.slice(0, 4)), Number(today.slice(0, 4)) - 1]) {
    const candidate = parseLocalDate(`${year}-${key.slice(5)}`, ctx.now(), ctx.timeZone);
    if (candidate && candidate <= today) return candidate;
  }
  return key;
}

/** The occurrence meant: on `date`, or the latest that has begun. Never one in the future. */
async function occurrence(ctx: Context, m: MeetingInfo, date: string | null): Promise<Date> {
  if (date === null) {
    const start = await lastStart(ctx.db, m, ctx.timeZone, ctx.now());
    if (!start) throw new UserError('records.minutes.noneYet', { id: m.id, title: m.title });
    return start;
  }
  const key = pastDateKey(ctx, date);
  if (!key) throw new UserError('records.minutes.badDate', { date });
  const start = startOnDate(m, ctx.timeZone, key);
  if (!start) throw new UserError('records.minutes.noneOnDate', { id: m.id, date: key });
  if (start > ctx.now()) throw new UserError('records.minutes.notYet', { id: m.id, time: when(ctx, start) });
  return start;
}

/** 主持人 / 记录人: `M<n>`, a name in the unit (or anywhere, when unique), or the sender. */
async function person(ctx: Context, who: string | null): Promise<MemberInfo> {
  if (who === null) return ctx.member;
  // 主持人 and 记录人 may come from the township: looked up everywhere, by id, mention or a unique name.
  return (await resolvePerson(ctx, isPersonToken(who) ? who : `@${who}`, null)).member;
}

/** 应到 / 实到 / 缺席及原因 from the roll call and the 请假 answers; refuses when no roll call was taken. */
async function rollFigures(ctx: Context, m: MeetingInfo, startsAt: Date): Promise<{ expected: number; present: number; absences: string }> {
  const marks = await attendanceOf(ctx.db, m.id, startsAt);
  if (!marks.size) throw new UserError('records.minutes.noRollCall', { id: m.id, time: when(ctx, startsAt) });
  const rsvps = await rsvpsOf(ctx.db, m.id, startsAt);
  // 应到: everyone marked, and the unit's members and secretary who were not (an admin only when marked).
  const ids = new Set([...marks.keys(), ...(await membersOfUnit(ctx.db, m.unitId, partyRoles().filter((r) => !hasRole({ role: r }, 'admin')))).map((x) => x.id)]);
  const names = await membersByIds(ctx.db, [...ids]);
  let present = 0;
  const absences: string[] = [];
  for (const id of ids) {
    const mark = marks.get(id);
    if (mark === 'present') {
      present++;
      continue;
    }
    const reason = rsvps.get(id)?.reason ?? (mark === 'excused' || rsvps.get(id)?.answer === 'no' ? ctx.t('records.minutes.reasonLeave') : ctx.t('records.minutes.reasonNone'));
    absences.push(`${names.get(id)?.name ?? `M${id}`}：${reason}`);
  }
  return { expected: ids.size, present, absences: absences.join('\n') };
}

/** The evidence of a new version: the earlier version's (kept) and what was sent now, each once. */
async function attachmentsFor(ctx: Context, meetingId: number, startsAt: Date): Promise<MinutesAttachment[]> {
  const earlier = (await currentMinutes(ctx.db, meetingId, startsAt))?.attachments ?? [];
  const fresh = (await evidenceOf(ctx)).filter((a) => !earlier.some((e) => e.ref === a.ref && e.platform === a.platform));
  return [...earlier, ...fresh];
}

/** /minutes: record (secretary of the unit, admins) or show (the unit's members). */
async function minutesHandler(ctx: Context, args: MinutesArgs, dataDir: string): Promise<void> {
  const m = await getMeeting(ctx.db, args.id);
  if (!m) throw new UserError('meetings.error.notFound', { id: args.id });
  if (args.fields === null) return showMinutes(ctx, m, args.date);
  await requireManager(ctx, m.unitId);
  const startsAt = await occurrence(ctx, m, args.date);
  const host = await person(ctx, args.fields.host);
  const recorder = await person(ctx, args.fields.recorder);
  const roll = await rollFigures(ctx, m, startsAt);
  const late = localDateKey(ctx.now(), ctx.timeZone) > localDateKey(startsAt, ctx.timeZone);
  const attachments = await attachmentsFor(ctx, m.id, startsAt);
  const saved = await saveMinutes(ctx.db, {
    meetingId: m.id, unitId: m.unitId, startsAt, topics: args.fields.topics, decisions: args.fields.decisions,
    hostId: host.id, recorderId: recorder.id, ...roll, attachments, late, enteredById: ctx.member.id, enteredIn: chatKeyOf(ctx), now: ctx.now(),
  });
  await ctx.audit('minutes.save', `meeting ${m.id} ${startsAt.toISOString()} v${saved.version}`);
  const lines = [ctx.t(saved.version > 1 ? 'records.minutes.corrected' : 'records.minutes.saved', { id: m.id, title: m.title, time: when(ctx, startsAt), version: saved.version })];
  lines.push(ctx.t('records.minutes.people', { host: host.name, recorder: recorder.name, expected: roll.expected, present: roll.present }));
  if (roll.absences) lines.push(ctx.t('records.minutes.absent', { list: roll.absences.split('\n').join('；') }));
  if (saved.attachments.length) lines.push(attachmentLine(ctx, saved.attachments));
  if (late) lines.push(ctx.t('records.minutes.late', { date: localDateKey(ctx.now(), ctx.timeZone) }));
  ctx.reply(lines.join('\n'));
  storeEvidenceAfterCommit(ctx, dataDir, m.unitId, saved.attachments, (db, stored) => setMinutesAttachments(db, saved.id, stored));
}

/** 附件 N 个, with what became of them: stored (checked), being stored, or noted only (the platform cannot fetch files). */
function attachmentLine(ctx: Context, list: readonly MinutesAttachment[]): string {
  const stored = list.filter((a) => a.sha256).length;
  const unsupported = list.filter((a) => a.problem === 'unsupported' || (!a.sha256 && !a.problem && !ctx.capabilitiesOf(a.platform).downloads)).length;
  const failed = list.filter((a) => a.problem === 'tooBig' || a.problem === 'failed').length;
  const pending = list.length - stored - unsupported - failed;
  const parts = (
    [['stored', stored], ['pending', pending], ['noted', unsupported], ['failed', failed]] as const
  ).filter(([, n]) => n > 0).map(([key, n]) => ctx.t(`records.minutes.attachment.${key}`, { n }));
  return `${ctx.t('records.minutes.attachments', { count: list.length })}（${parts.join('，')}）`;
}

/** The minutes as the unit's members read them. */
export async function minutesText(ctx: Context, m: MeetingInfo, r: MinutesRecord, versions: number): Promise<string> {
  const names = await membersByIds(ctx.db, [r.hostId, r.recorderId]);
  const lines = [
    ctx.t('records.minutes.showHead', { id: m.id, title: m.title, time: when(ctx, r.startsAt), place: m.place }),
    ctx.t('records.minutes.people', { host: names.get(r.hostId)?.name ?? '—', recorder: names.get(r.recorderId)?.name ?? '—', expected: r.expected, present: r.present }),
  ];
  if (r.absences) lines.push(ctx.t('records.minutes.absent', { list: r.absences.split('\n').join('；') }));
  lines.push(ctx.t('records.minutes.topics', { text: r.topics }), ctx.t('records.minutes.decisions', { text: r.decisions }));
  if (r.attachments.length) lines.push(attachmentLine(ctx, r.attachments));
  if (r.late) lines.push(ctx.t('records.minutes.late', { date: localDateKey(r.enteredAt, ctx.timeZone) }));
  if (versions > 1) lines.push(ctx.t('records.minutes.versions', { count: versions }));
  return lines.join('\n');
}

async function showMinutes(ctx: Context, m: MeetingInfo, date: string | null): Promise<void> {
  if (!(await seesUnitIn(ctx.db, ctx.member, m.unitId))) throw new UserError('records.minutes.otherUnit');
  const startsAt = await occurrence(ctx, m, date);
  const r = await currentMinutes(ctx.db, m.id, startsAt);
  if (!r) throw new UserError('records.minutes.none', { id: m.id, title: m.title, time: when(ctx, startsAt) });
  ctx.reply(await minutesText(ctx, m, r, (await minutesHistory(ctx.db, m.id, startsAt)).length));
}

/** The /minutes command; photos and files are stored under `dataDir`. */
export function minutesCommand(dataDir: string) {
  return command({
    name: 'minutes',
    aliases: ['纪要', '会议记录'],
    minRole: PARTY_MEMBER,
    summaryKey: 'records.minutes.summary',
    usageKey: 'records.minutes.usage',
    args: minutesArgs,
    handler: (ctx, args) => minutesHandler(ctx, args, dataDir),
  });
}
