/**
 * `/polls` (投票列表): what is open in this unit, with ids and deadlines, so nobody has to remember
 * `#N`. Each line shows the id, the kind, the question and the deadline, and whether the asker has
 * voted; only polls the asker may vote in are listed (a masses member sees the ratings open to them).
 */
import { noArgs } from '../../../bot/args.ts';
import { command, UserError, type CommandSpec, type Context } from '../../../bot/feature.ts';
import { isEligible, openPollsOfUnit, votedPollIds } from '../store.ts';
import { formatStamp } from '../time.ts';
import { isGrading } from '../grading.ts';

/** Lists the unit's open polls and ratings the asker may vote in. */
async function listOpen(ctx: Context): Promise<void> {
  if (ctx.unitId === null) throw new UserError('polls.list.noUnit');
  const now = ctx.now();
  const open = (await openPollsOfUnit(ctx.db, ctx.unitId)).filter((p) => isEligible(p, ctx.member) && (p.closesAt === null || p.closesAt > now));
  if (open.length === 0) return ctx.reply(ctx.t('polls.list.none'));
  const voted = await votedPollIds(ctx.db, ctx.member.id, open.map((p) => p.id));
  const lines = open.map((p) =>
    // A 民主测评 grading's question names its review ("民主测评（评议 #N）：请评价 …"); it has no deadline of its own.
    isGrading(p) ? ctx.t('polls.list.gradingLine', { id: p.id, question: p.question, mine: ctx.t(voted.has(p.id) ? 'polls.list.voted' : 'polls.list.notVoted') }) : ctx.t('polls.list.line', {
      id: p.id,
      kind: ctx.t(p.kind === 'rating' ? 'polls.list.rating' : 'polls.list.choice'),
      question: p.question,
      deadline: p.closesAt ? ctx.t('polls.list.until', { time: formatStamp(p.closesAt, ctx.timeZone) }) : ctx.t('polls.list.noDeadline'),
      mine: ctx.t(voted.has(p.id) ? 'polls.list.voted' : 'polls.list.notVoted'),
    }),
  );
  ctx.reply([ctx.t('polls.list.header', { count: open.length }), ...lines, ctx.t('polls.list.footer')].join('\n'));
}

/** The `/polls` command. */
export const pollsListCommand: CommandSpec<unknown> = command({
  name: 'polls',
  aliases: ['投票列表'],
  minRole: 'masses',
  summaryKey: 'polls.list.summary',
  usageKey: 'polls.list.usage',
  args: noArgs,
  handler: listOpen,
});
