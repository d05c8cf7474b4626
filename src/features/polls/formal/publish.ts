/**
 * `/publish #N` (公开): posts a closed formal vote's decision and outcome to the unit's masses
 * chats (两公开 of 四议两公开), once. Only a manager of the poll's unit may publish it.
 */
import { command, UserError, type CommandSpec, type Context } from '../../../bot/feature.ts';
import { unitName } from '../../../bot/roster.ts';
import { canManage, requirePoll } from '../access.ts';
import { pollIdArgs } from '../args.ts';
import { tallyPoll, turnoutOf } from '../lifecycle.ts';
import type { Poll } from '../store.ts';
import { formatStamp } from '../time.ts';
import { formalResultOf, outcomeWords } from './results.ts';
import { getFormal, markPublished, massesChatsOfUnit } from './store.ts';

/** The notice posted to the masses chat: unit, question, figures, outcome, when it closed. */
async function noticeText(ctx: Context, poll: Poll): Promise<string> {
  const tally = await tallyPoll(ctx.db, poll);
  const { voted, eligible } = await turnoutOf(ctx.db, poll);
  const f = await formalResultOf(ctx.db, poll, tally, voted, eligible);
  if (!f) throw new UserError('polls.publish.notFormal', { id: poll.id });
  const figures = ctx.t('polls.publish.figures', { due: f.result.due, attended: f.result.attended, inFavour: f.result.inFavour });
  return ctx.t('polls.publish.post', {
    unit: (await unitName(ctx.db, poll.unitId)) ?? '',
    question: poll.question,
    figures,
    outcome: outcomeWords(ctx.t, f.result),
    time: formatStamp(poll.closedAt ?? ctx.now(), ctx.timeZone),
  });
}

/** Publishes poll #id after the checks; replies how many chats got it. */
async function publish(ctx: Context, id: number): Promise<void> {
  const poll = await requirePoll(ctx, id);
  if (!(await canManage(ctx, poll.unitId))) throw new UserError('polls.error.notManager');
  const formal = await getFormal(ctx.db, id);
  if (!formal) throw new UserError('polls.publish.notFormal', { id });
  if (poll.status !== 'closed') throw new UserError('polls.publish.notClosed', { id });
  if (formal.publishedAt) throw new UserError('polls.publish.already', { id, time: formatStamp(formal.publishedAt, ctx.timeZone) });
  const chats = await massesChatsOfUnit(ctx.db, poll.unitId);
  if (chats.length === 0) throw new UserError('polls.publish.noMassesChat');
  const text = await noticeText(ctx, poll);
  if (!(await markPublished(ctx.db, id, ctx.member.id, ctx.now()))) throw new UserError('polls.publish.already', { id, time: formatStamp(ctx.now(), ctx.timeZone) });
  for (const chat of chats) ctx.send(chat, text);
  await ctx.audit('poll.publish', `#${id} to ${chats.length} masses chat(s)`);
  ctx.reply(ctx.t('polls.publish.done', { id, count: chats.length }));
}

/** The publish command. */
export const publishCommand: CommandSpec = command({
  name: 'publish',
  aliases: ['公开', '公示'],
  minRole: 'secretary',
  summaryKey: 'polls.publish.summary',
  usageKey: 'polls.publish.usage',
  args: pollIdArgs,
  handler: async (ctx, { id }) => publish(ctx, id),
});
