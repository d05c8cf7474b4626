/**
 * `/dues` (党费): a member sees their own months; its sub-commands `/dues paid` (dues-paid.ts) and
 * `/dues import` (dues-import.ts) are the secretary's. No money is handled and no amount asked.
 */
import { command, type CommandSpec, type Context } from '../../../bot/feature.ts';
import { PARTY_MEMBER } from '../../../bot/policy.ts';
import { duesArgs, duesSubcommand } from '../args.ts';
import { thisMonth } from '../month.ts';
import { monthsBetween } from '../rules.ts';
import { paidMonths } from '../store.ts';
import { importPayments } from './dues-import.ts';
import { recordForMember } from './dues-paid.ts';

/** `/dues`: this year's months, paid ✓ or not ✗, up to this month. */
async function showMine(ctx: Context): Promise<void> {
  const paid = new Set(await paidMonths(ctx.db, ctx.member.id));
  const now = thisMonth(ctx);
  const year = now.slice(0, 4);
  const cells = monthsBetween(`${year}-01`, now).map((m) => `${Number(m.slice(5))}${ctx.t(paid.has(m) ? 'dues.mine.paid' : 'dues.mine.unpaid')}`);
  const ahead = [...paid].filter((m) => m > now).length;
  const lines = [ctx.t('dues.mine.header', { year }), cells.join(' ')];
  if (ahead > 0) lines.push(ctx.t('dues.mine.ahead', { count: ahead }));
  lines.push(ctx.t('dues.mine.footer'));
  ctx.reply(lines.join('\n'));
}

/** The /dues command and its sub-commands. */
export const duesCommand: CommandSpec = command({
  name: 'dues',
  aliases: ['党费'],
  minRole: PARTY_MEMBER,
  summaryKey: 'dues.summary',
  usageKey: 'dues.usage',
  args: duesArgs,
  subcommands: [
    { name: 'paid', minRole: 'secretary', summaryKey: 'dues.paid.summary', usageKey: 'dues.paid.usage', refusalKey: 'dues.error.notManager' },
    { name: 'import', minRole: 'secretary', summaryKey: 'dues.import.summary', usageKey: 'dues.import.usage', refusalKey: 'dues.error.notManager' },
  ],
  subcommandOf: duesSubcommand,
  handler: async (ctx, a) => {
    if (a.kind === 'mine') return showMine(ctx);
    if (a.kind === 'paid') return recordForMember(ctx, a);
    return importPayments(ctx, a);
  },
});
