/**
 * `/report [单位] [年份]`: every feature's section for a unit (a township includes its branches),
 * this year by default. Secretaries report on the units they manage; admins on any.
 */
import { command, UserError } from '../../../bot/feature.ts';
import type { CommandRegistry } from '../../../bot/registry.ts';
import { localParts } from '../../../bot/time.ts';
import { reportText } from '../render.ts';
import { collect, reportArgs, scopeFor } from '../scope.ts';

/** The /report command; `registry` is read lazily (it lists every feature). */
export function reportCommand(registry: () => CommandRegistry) {
  return command({
    name: 'report',
    aliases: ['报告'],
    minRole: 'secretary',
    summaryKey: 'report.report.summary',
    usageKey: 'report.report.usage',
    args: reportArgs,
    handler: async (ctx, { id, year, words }) => {
      if (id !== undefined) words.unshift(`#${id}`);
      const scope = await scopeFor(ctx, words.join(' '), year);
      const sections = (await collect(ctx, registry(), scope)).filter((s) => s.lines.length > 0);
      const shownYear = localParts(scope.from, ctx.timeZone).year;
      if (sections.length === 0) throw new UserError('report.error.empty', { unit: scope.unitName, year: shownYear });
      await ctx.audit('report.read', `unit ${scope.unitId} ${shownYear} (${sections.length} sections)`);
      ctx.reply(reportText(ctx.t, scope.unitName, shownYear, sections));
    },
  });
}
