/** `/poll` (choice poll) and `/rate` (0-100 rating): checking, creating, scheduling, announcing. */
import { command, UsageError, UserError, type CommandSpec, type Context } from '../../../bot/feature.ts';
import { canManage } from '../access.ts';
import { pollArgs, rateArgs, type PollFlags } from '../args.ts';
import { newSalt } from '../codes.ts';
import { ANON_MIN_BALLOTS, reminderTime } from '../lifecycle.ts';
import { announcement } from '../render.ts';
import { launchFormal } from '../formal/launch.ts';
import { createPoll, type Audience, type Poll } from '../store.ts';
import { parseCloseTime } from '../time.ts';

/** Who may launch and manage polls. */
/** Most options of a choice poll. */
export const MAX_OPTIONS = 20;
/** Longest option label. */
export const MAX_OPTION_LENGTH = 60;
/** Longest question or rated subject. */
export const MAX_QUESTION_LENGTH = 200;
/** Default `--min` of an anonymous poll (and the lowest allowed). */
export const DEFAULT_MIN_BALLOTS = ANON_MIN_BALLOTS;

/** Task kinds this feature registers with the scheduler. */
export const TASK_CLOSE = 'polls.close';
export const TASK_REMIND = 'polls.remind';

/** Checks the limits of a new poll and reads its close time; refusals say exactly what is wrong. */
export function validateNewPoll(ctx: Context, question: string, options: readonly string[], flags: PollFlags): Date | null {
  if ([...question].length > MAX_QUESTION_LENGTH) throw new UserError('polls.poll.questionTooLong', { max: MAX_QUESTION_LENGTH });
  if (options.length > MAX_OPTIONS) throw new UserError('polls.poll.tooManyOptions', { max: MAX_OPTIONS });
  if (options.some((o) => [...o].length > MAX_OPTION_LENGTH)) throw new UserError('polls.poll.optionTooLong', { max: MAX_OPTION_LENGTH });
  if (new Set(options).size !== options.length) throw new UserError('polls.poll.duplicateOption');
  if (flags.min !== undefined && (flags.min < 1 || flags.min > 1000)) throw new UserError('polls.rate.badMin');
  if (flags.min !== undefined && flags.anon && flags.min < ANON_MIN_BALLOTS) throw new UserError('polls.rate.minAtLeast5');
  if (flags.close === undefined) return null;
  const r = parseCloseTime(flags.close, ctx.now(), ctx.timeZone);
  if (!r.ok) throw new UserError(`polls.poll.close.${r.problem}`, { value: flags.close.slice(0, 30) });
  return r.at;
}

/** The unit a new poll belongs to (this group's), checking the speaker may launch it there. */
export async function unitForNewPoll(ctx: Context): Promise<number> {
  if (ctx.chat.ref.kind !== 'group' || ctx.chat.unitId === null) throw new UserError('polls.error.needGroup');
  if (!(await canManage(ctx, ctx.chat.unitId))) throw new UserError('polls.error.notManager');
  return ctx.chat.unitId;
}

/** What a new poll is made of. */
export interface NewPollData {
  kind: 'choice' | 'rating';
  question: string;
  options: string[];
  flags: PollFlags;
  closesAt: Date | null;
  unitId: number;
  /** Who votes, when the flags do not say (a formal vote: `formal`). */
  audience?: Audience;
}

/** The fewest ballots before results show: at least 5 for any anonymous poll, `--min` for a named rating. */
function minBallotsFor(data: NewPollData): number {
  if (data.flags.anon) return Math.max(ANON_MIN_BALLOTS, data.flags.min ?? ANON_MIN_BALLOTS);
  return data.kind === 'rating' ? (data.flags.min ?? 0) : 0;
}

/** Creates, schedules and announces a poll; returns it. */
export async function launch(ctx: Context, data: NewPollData): Promise<Poll> {
  const { flags } = data;
  const audience: Audience = data.audience ?? flags.audience ?? (ctx.chat.masses ? 'all' : 'members');
  const poll = await createPoll(ctx.db, {
    kind: data.kind,
    question: data.question,
    options: data.options,
    multiple: data.kind === 'choice' && flags.multi,
    anonymous: flags.anon,
    hideResults: flags.hide || flags.anon,
    minBallots: minBallotsFor(data),
    audience,
    unitId: data.unitId,
    createdById: ctx.member.id,
    chatId: ctx.chat.id,
    platform: ctx.chat.ref.platform,
    chatExternalId: ctx.chat.ref.chatId,
    chatTitle: (ctx.chat.ref.title ?? ctx.chat.ref.chatId).slice(0, 200),
    salt: newSalt(),
    closesAt: data.closesAt,
    createdAt: ctx.now(),
  });
  if (poll.closesAt) {
    await ctx.scheduleTask({ kind: TASK_CLOSE, key: `${TASK_CLOSE}:${poll.id}`, dueAt: poll.closesAt, payload: { pollId: poll.id } });
    const remindAt = reminderTime(ctx.now(), poll.closesAt);
    if (remindAt) await ctx.scheduleTask({ kind: TASK_REMIND, key: `${TASK_REMIND}:${poll.id}`, dueAt: remindAt, payload: { pollId: poll.id } });
  }
  await ctx.audit(`poll.create`, `#${poll.id} ${poll.kind}${poll.anonymous ? ' anonymous' : ''}`);
  ctx.reply(announcement(ctx, poll, ctx.capabilities.buttons));
  return poll;
}

/** `/poll 问题 | 选项1 | 选项2 …`. */
export const pollCommand: CommandSpec = command({
  name: 'poll',
  aliases: ['投票'],
  minRole: 'secretary',
  summaryKey: 'polls.poll.summary',
  usageKey: 'polls.poll.usage',
  args: pollArgs,
  handler: async (ctx, { question, options, flags }) => {
    if (flags.formal || flags.quorum !== undefined) return launchFormal(ctx, { question, options, flags });
    const unitId = await unitForNewPoll(ctx);
    if (options.length < 2) throw new UsageError('polls.poll.twoOptions');
    const closesAt = validateNewPoll(ctx, question, options, flags);
    if (flags.min !== undefined && !flags.anon) throw new UsageError('polls.poll.minIsForRatings');
    await launch(ctx, { kind: 'choice', question, options, flags, closesAt, unitId });
  },
});

/** `/rate 对象`. */
export const rateCommand: CommandSpec = command({
  name: 'rate',
  aliases: ['测评'],
  minRole: 'secretary',
  summaryKey: 'polls.rate.summary',
  usageKey: 'polls.rate.usage',
  args: rateArgs,
  handler: async (ctx, { subject, flags }) => {
    const unitId = await unitForNewPoll(ctx);
    const closesAt = validateNewPoll(ctx, subject, [], flags);
    await launch(ctx, { kind: 'rating', question: subject, options: [], flags, closesAt, unitId });
  },
});
