/** `/results #N`, `/close #N`, `/turnout #N`: what a poll shows, when, and to whom. */
import { command, UserError, type CommandSpec, type Context } from '../../../bot/feature.ts';
import { canManage, closeIfOverdue, deliver, privateChatFor, requirePoll, sameChat } from '../access.ts';
import { pollIdArgs, resultsArgs } from '../args.ts';
import { scrubAfterSecretWrite } from '../../../db/client.ts';
import { SECRET_TABLES } from '../landing.ts';
import { closePoll, pollChat, resultsMessages, type PollsRuntime } from '../lifecycle.ts';
import { eligibleMembers, voterIds, type Poll } from '../store.ts';
import { formatStamp } from '../time.ts';
import { refuseGrading } from '../grading.ts';
import { seesUnitIn } from '../../../bot/policy.ts';

/** The "until close" note of a refusal. */
function untilWhen(ctx: Context, poll: Poll): string {
  return poll.closesAt ? ctx.t('polls.results.hiddenUntil', { time: formatStamp(poll.closesAt, ctx.timeZone) }) : '';
}

/**
 * Shows results, with the chart picture only when asked (`/results #N 图`; the close posts it
 * anyway). An anonymous poll shows none to anyone before it closes (no differencing of
 * /results after each vote); a named hidden one only to its managers, privately.
 */
async function showResults(ctx: Context, id: number, chart: boolean, runtime: PollsRuntime): Promise<void> {
  let poll = await requirePoll(ctx, id);
  await refuseGrading(ctx, poll, runtime, 'polls.results.grading');
  const manager = await canManage(ctx, poll.unitId);
  if (!manager && !(await seesUnitIn(ctx.db, ctx.member, poll.unitId))) throw new UserError('polls.error.otherUnit', { id });
  const wasOpen = poll.status === 'open';
  poll = await closeIfOverdue(ctx, poll, runtime);
  if (wasOpen && poll.status === 'closed' && sameChat(pollChat(poll), ctx.chat.ref)) return; // the close just posted them here
  const open = poll.status === 'open';
  if (open && poll.anonymous) throw new UserError('polls.results.anonUntilClose', { id, when: untilWhen(ctx, poll) });
  const early = open && poll.hideResults;
  if (early && !manager) throw new UserError('polls.results.hidden', { id, when: untilWhen(ctx, poll) });
  let target = ctx.chat.ref;
  if (early && target.kind === 'group') {
    const mine = await privateChatFor(ctx);
    if (!mine) throw new UserError('polls.results.hiddenInGroup', { id });
    target = mine;
  }
  const prefix = early ? `${ctx.t('polls.results.earlyNote')}\n` : '';
  const messages = await resultsMessages(ctx, poll, target.platform, { prefix, chart });
  if (early) await ctx.audit('poll.results.read', `#${id} before close`);
  if (!sameChat(target, ctx.chat.ref)) ctx.reply(ctx.t('polls.results.sentPrivately', { id }));
  for (const m of messages) deliver(ctx, target, m);
}

/** `/results #N`. */
export function resultsCommand(runtime: PollsRuntime): CommandSpec {
  return command({
    name: 'results',
    aliases: ['结果'],
    minRole: 'masses',
    summaryKey: 'polls.results.summary',
    usageKey: 'polls.results.usage',
    args: resultsArgs,
    handler: (ctx, { id, chart }) => showResults(ctx, id, chart, runtime),
  });
}

/** `/close #N`: closes and posts the results in the poll's chat. */
export function closeCommand(runtime: PollsRuntime): CommandSpec {
  return command({
    name: 'close',
    aliases: ['结束'],
    minRole: 'secretary',
    summaryKey: 'polls.close.summary',
    usageKey: 'polls.close.usage',
    args: pollIdArgs,
    handler: async (ctx, { id }) => {
      const poll = await requirePoll(ctx, id);
      if (!(await canManage(ctx, poll.unitId))) throw new UserError('polls.error.notManager');
      await refuseGrading(ctx, poll, runtime, 'polls.close.grading');
      const deliveries = await closePoll(ctx, id, runtime);
      if (!deliveries) throw new UserError('polls.close.already', { id });
      // The batch structure was erased in this transaction: truncate the WAL / vacuum its dead versions.
      if (poll.anonymous) ctx.afterCommit((db) => scrubAfterSecretWrite(db, SECRET_TABLES));
      for (const d of deliveries) deliver(ctx, d.chat, d.message);
      if (!sameChat(pollChat(poll), ctx.chat.ref)) ctx.reply(ctx.t('polls.close.elsewhere', { id, chat: poll.chatTitle }));
      await ctx.audit('poll.close', `#${id}`);
    },
  });
}

/** `/turnout #N`: who has not voted yet (never how anyone voted). */
export function turnoutCommand(): CommandSpec {
  return command({
    name: 'turnout',
    aliases: ['未投票'],
    minRole: 'secretary',
    summaryKey: 'polls.turnout.summary',
    usageKey: 'polls.turnout.usage',
    args: pollIdArgs,
    handler: async (ctx, { id }) => {
      const poll = await requirePoll(ctx, id);
      if (!(await canManage(ctx, poll.unitId))) throw new UserError('polls.error.notManager');
      const voters = await voterIds(ctx.db, id);
      const eligible = await eligibleMembers(ctx.db, poll);
      const missing = eligible.filter((m) => !voters.has(m.id));
      const head = { id, eligible: eligible.length, voted: eligible.length - missing.length, missing: missing.length };
      await ctx.audit('poll.turnout.read', `#${id} unit ${poll.unitId} (${head.voted}/${head.eligible})`);
      if (missing.length === 0) {
        ctx.reply(ctx.t('polls.turnout.all', head));
        return;
      }
      ctx.reply(`${ctx.t('polls.turnout.header', head)}\n${missing.map((m) => m.name).join(ctx.t('polls.listSeparator'))}`);
    },
  });
}
