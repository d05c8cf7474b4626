/**
 * RSVP (到 / 请假) for the next occurrence of a meeting. Three ways to answer:
 * - commands: `/rsvp [#N] [yes|no] [理由]`, `#到 [#N]`, `/leave [#N] [理由]`, `#请假 [#N] 理由`
 *   (and `@先锋 到`): any time, for the next occurrence (one that started less than an hour ago
 *   still counts as "next");
 * - a bare `到` or `请假 理由` in a group chat of the unit, but only while a meeting's RSVP is
 *   open there: from the reminder (at least a day before the start) until an hour after the
 *   start. Anything else, `到了` or `请假的人多吗`, is ordinary chat.
 * An RSVP is not attendance: the secretary records who came with /attendance.
 */
import { belongsTo, isPartyMember } from '../../bot/policy.ts';
import { z } from 'zod';
import { argInput, idToken } from '../../bot/args.ts';
import { UserError, type Context } from '../../bot/feature.ts';
import { nextStart } from './calendar.ts';
import { requireUnit } from './manage.ts';
import { when } from './render.ts';
import { activeMeetings, getMeeting, rsvpCounts, setRsvp, type MeetingInfo, type RsvpAnswer } from './store.ts';

/** An occurrence that started less than this ago still takes answers. */
export const RSVP_AFTER_START_MS = 60 * 60_000;
/** Bare answers are taken from at least this long before the start (or from the reminder, if earlier). */
export const BARE_WINDOW_BEFORE_MS = 24 * 60 * 60_000;
/** Longest reason kept (characters). */
export const MAX_REASON = 200;

const YES_WORDS = new Set(['yes', 'y', '到', '参加', '是', '能', '去']);
const NO_WORDS = new Set(['no', 'n', '请假', '不参加', '否', '不能', '不去']);

/** Parsed arguments of /rsvp and /leave. */
export interface RsvpArgs {
  readonly id: number | null;
  readonly answer: RsvpAnswer;
  readonly reason: string | null;
}

function rsvpSchema(defaultAnswer: RsvpAnswer) {
  return argInput.transform((a, ctx): RsvpArgs => {
    const tokens = [...a.tokens];
    let id: number | null = null;
    const maybeId = idToken.safeParse(tokens[0] ?? '');
    if (maybeId.success && tokens[0]!.startsWith('#')) {
      id = maybeId.data;
      tokens.shift();
    } else if (maybeId.success && defaultAnswer === 'yes') {
      id = maybeId.data;
      tokens.shift();
    }
    let answer = defaultAnswer;
    const word = (tokens[0] ?? '').toLowerCase();
    if (defaultAnswer === 'yes' && YES_WORDS.has(word)) tokens.shift();
    else if (defaultAnswer === 'yes' && NO_WORDS.has(word)) {
      answer = 'no';
      tokens.shift();
    }
    const reason = tokens.join(' ').trim();
    if ([...reason].length > MAX_REASON) {
      ctx.addIssue({ code: 'custom', message: 'reason too long' });
      return z.NEVER;
    }
    return { id, answer, reason: reason || null };
  });
}

/** `/rsvp [#N] [yes|no] [理由]` and `#到`: yes unless the word says no. */
export const rsvpArgs = rsvpSchema('yes');
/** `/leave [#N] [理由]` and `#请假 理由`: always no. */
export const leaveArgs = rsvpSchema('no');

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
export async function rsvpHandler(ctx: Context, args: RsvpArgs): Promise<void> {
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

const BARE_YES = /^到[!！~～]*$/;
const BARE_NO = /^请假(?:$|[ ,:;，：；]+([\s\S]*)$)/;

/**
 * A bare `到` or `请假 理由` in a group chat while a meeting of the chat's unit has its RSVP open
 * (see the module comment). Returns false, touching nothing, for anything else.
 */
export async function bareAnswer(ctx: Context, text: string): Promise<boolean> {
  const yes = BARE_YES.test(text);
  const no = yes ? null : BARE_NO.exec(text);
  if (!yes && !no) return false;
  if (ctx.chat.ref.kind !== 'group' || ctx.chat.unitId === null || !isPartyMember(ctx.member)) return false;
  const now = ctx.now().getTime();
  let best: { m: MeetingInfo; start: Date } | undefined;
  for (const m of await activeMeetings(ctx.db, ctx.chat.unitId)) {
    const start = await answerableStart(ctx, m);
    if (!start) continue;
    const opens = start.getTime() - Math.max(m.remindMinutes * 60_000, BARE_WINDOW_BEFORE_MS);
    if (now < opens) continue;
    if (!best || start < best.start) best = { m, start };
  }
  if (!best) return false;
  const reason = no ? (no[1] ?? '').trim().slice(0, MAX_REASON) || null : null;
  await record(ctx, best.m, best.start, yes ? 'yes' : 'no', reason);
  return true;
}
