/**
 * RSVP (到 / 请假) for the next occurrence of a meeting. Three ways to answer:
 * - commands: `/rsvp [#N] [yes|no] [理由]`, `#到 [#N]`, `/leave [#N] [理由]`, `#请假 [#N] 理由`
 *   (and `@先锋 到`): any time, for the next occurrence (one that started less than an hour ago
 *   still counts as "next");
 * - a bare `到` or `请假 理由` in a group chat of the unit, but only while a meeting's RSVP is
 *   open there: from the reminder (at least a day before the start) until an hour after the
 *   start. Anything else, `到了` or `请假的人多吗`, is ordinary chat.
 * An RSVP is not attendance: the secretary records who came with /attendance. /leave is /rsvp's
 * "no" form and shares its handler, so both commands sit here.
 */
import { belongsTo, isPartyMember, PARTY_MEMBER } from '../../../bot/policy.ts';
import { z } from 'zod';
import { argInput } from '../../../bot/args.ts';
import { command, UserError, type Context } from '../../../bot/feature.ts';
import { requireUnit } from '../access.ts';
import { nextStart } from '../calendar.ts';
import { when } from '../render.ts';
import { bareAnswersOpenAt, readBareAnswer, readRsvp, RSVP_AFTER_START_MS, type RsvpArgs } from '../rules.ts';
import { activeMeetings, getMeeting, rsvpCounts, setRsvp, type MeetingInfo, type RsvpAnswer } from '../store.ts';

/** Zod schema of /rsvp (`yes`) or /leave (`no`) (rules.ts reads them). */
function rsvpSchema(defaultAnswer: RsvpAnswer) {
  return argInput.transform((a, ctx): RsvpArgs => {
    const r = readRsvp(a.tokens, defaultAnswer);
    if (r) return r;
    ctx.addIssue({ code: 'custom', message: 'reason too long' });
    return z.NEVER;
  });
}

/** The next occurrence that takes answers: started less than an hour ago, or later. */
async function answerableStart(ctx: Context, m: MeetingInfo): Promise<Date | null> {
  return nextStart(ctx.db, m, ctx.timeZone, new Date(ctx.now().getTime() - RSVP_AFTER_START_MS));
}

/** Records the answer and replies with the meeting, its time and the counts. */
async function record(ctx: Context, m: MeetingInfo, startsAt: Date, answer: RsvpAnswer, reason: string | null): Promise<void> {
  await setRsvp(ctx.db, { meetingId: m.id, startsAt, memberId: ctx.member.id, answer, reason, now: ctx.now() });
  const counts = await rsvpCounts(ctx.db, m.id, startsAt);
  const vars = { name: ctx.member.name, id: m.id, title: m.title, time: when(ctx, startsAt), yes: counts.yes, no: counts.no };
  if (answer === 'yes') ctx.reply(ctx.t('meetings.rsvp.yes', vars));
  else ctx.reply(ctx.t(reason ? 'meetings.rsvp.noReason' : 'meetings.rsvp.no', { ...vars, reason: reason ?? '' }));
}

/** /rsvp, #到, /leave, #请假: answers for meeting #N, or the unit's soonest one. */
async function rsvpHandler(ctx: Context, args: RsvpArgs): Promise<void> {
  if (args.id !== null) {
    const m = await getMeeting(ctx.db, args.id);
    // Only the meeting's own unit answers its roll call; another unit's meeting is as good as absent.
    if (!m || !belongsTo(ctx.member, m.unitId)) throw new UserError('meetings.error.notFound', { id: args.id });
    if (m.status !== 'active') throw new UserError('meetings.rsvp.cancelled', { id: m.id, title: m.title });
    const start = await answerableStart(ctx, m);
    if (!start) throw new UserError('meetings.rsvp.noUpcoming', { id: m.id, title: m.title });
    await record(ctx, m, start, args.answer, args.reason);
    return;
  }
  const unitId = requireUnit(ctx);
  let best: { m: MeetingInfo; start: Date } | undefined;
  for (const m of await activeMeetings(ctx.db, unitId)) {
    const start = await answerableStart(ctx, m);
    if (start && (!best || start < best.start)) best = { m, start };
  }
  if (!best) throw new UserError('meetings.rsvp.none');
  await record(ctx, best.m, best.start, args.answer, args.reason);
}

/**
 * A bare `到` or `请假 理由` in a group chat while a meeting of the chat's unit has its RSVP open
 * (see the module comment). Returns false, touching nothing, for anything else.
 */
export async function bareAnswer(ctx: Context, text: string): Promise<boolean> {
  const bare = readBareAnswer(text);
  if (!bare) return false;
  if (ctx.chat.ref.kind !== 'group' || ctx.chat.unitId === null || !isPartyMember(ctx.member)) return false;
  const now = ctx.now().getTime();
  let best: { m: MeetingInfo; start: Date } | undefined;
  for (const m of await activeMeetings(ctx.db, ctx.chat.unitId)) {
    const start = await answerableStart(ctx, m);
    if (!start) continue;
    if (now < bareAnswersOpenAt(start, m.remindMinutes)) continue;
    if (!best || start < best.start) best = { m, start };
  }
  if (!best) return false;
  await record(ctx, best.m, best.start, bare.answer, bare.reason);
  return true;
}

/** `/rsvp [#N] [yes|no] [理由]` and `#到`: yes unless the word says no. */
export const rsvpCommand = command({
  name: 'rsvp',
  aliases: ['到'],
  minRole: PARTY_MEMBER,
  summaryKey: 'meetings.rsvp.summary',
  usageKey: 'meetings.rsvp.usage',
  args: rsvpSchema('yes'),
  handler: rsvpHandler,
});

/** `/leave [#N] [理由]` and `#请假 理由`: always no (the same answer path as /rsvp). */
export const leaveCommand = command({
  name: 'leave',
  aliases: ['请假'],
  minRole: PARTY_MEMBER,
  summaryKey: 'meetings.leave.summary',
  usageKey: 'meetings.leave.usage',
  args: rsvpSchema('no'),
  handler: rsvpHandler,
});
