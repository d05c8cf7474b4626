/** /rank: the unit's leaderboard (when the unit shows one), the township's for admins, else one's own standing. */
import { command, UserError, type Context } from '../../../bot/feature.ts';
import { privateChatsOf } from '../../../bot/roster.ts';
import { settingOn } from '../../settings/api.ts';
import { rankArgs } from '../args.ts';
import { ownStanding, townshipLeaderboard, unitLeaderboard } from '../leaderboard.ts';
import { localDay } from '../util.ts';

/** The /rank command (its `全镇` sub-command is for admins). */
export const rankCommand = command({
  name: 'rank',
  aliases: ['积分榜', '排行榜'],
  minRole: 'masses',
  summaryKey: 'quizzes.rank.summary',
  usageKey: 'quizzes.rank.usage',
  args: rankArgs,
  subcommands: [{ name: '全镇', minRole: 'admin', summaryKey: 'quizzes.sub.township.summary', usageKey: 'quizzes.sub.township.usage', refusalKey: 'quizzes.rank.adminOnly' }],
  subcommandOf: (args) => (args.scope === 'township' ? '全镇' : undefined),
  handler: async (ctx, { scope }) => {
    if (scope === 'township') {
      return ctx.reply(await townshipLeaderboard(ctx.db, ctx.t));
    }
    if (ctx.unitId === null) throw new UserError('quizzes.rank.noUnit');
    if (!(await settingOn(ctx.db, ctx.unitId, 'leaderboard'))) return replyOwnStanding(ctx);
    ctx.reply(await unitLeaderboard(ctx.db, ctx.t, ctx.unitId, ctx.member.id));
  },
});

/**
 * `/rank` in a unit without a public leaderboard: the member's own points and streak only. In a
 * group it goes privately where the platform allows (with a one-line pointer), else one short line.
 */
async function replyOwnStanding(ctx: Context): Promise<void> {
  const { points, streak } = await ownStanding(ctx.db, ctx.member.id, localDay(ctx.now(), ctx.timeZone));
  const text = ctx.t(points > 0 ? 'quizzes.rank.own' : 'quizzes.rank.ownNone', { points, days: streak });
  if (ctx.chat.ref.kind === 'private') return ctx.reply(text);
  const chats = (await privateChatsOf(ctx.db, ctx.member.id)).filter((c) => ctx.capabilitiesOf(c.platform).privateMessages);
  const mine = chats.find((c) => c.platform === ctx.chat.ref.platform) ?? chats[0];
  if (!mine) return ctx.reply(ctx.t('quizzes.rank.ownLine', { name: ctx.member.name, points, days: streak }));
  ctx.send(mine, text);
  ctx.reply(ctx.t('quizzes.rank.sentPrivately', { name: ctx.member.name }));
}
