/** The pledges lines of /whoami: open and done pledges this year, check-ins this year, an exemption. */
import type { Context } from '../../bot/feature.ts';
import { todayOf } from './dates.ts';
import { outcomeOf } from './rules.ts';
import { activeExemptions, countCheckinsOfYear, listPledges } from './store.ts';

/** Lines for /whoami (none for someone with no pledge this year and no exemption). */
export async function profileLines(ctx: Context): Promise<string[]> {
  const { today, year } = todayOf(ctx);
  const pledges = (await listPledges(ctx.db, { ownerId: ctx.member.id, scopes: ['member'], year })).filter((p) => p.status !== 'withdrawn');
  const lines: string[] = [];
  if (pledges.length) {
    const done = pledges.filter((p) => outcomeOf(p) === 'done').length;
    lines.push(ctx.t('pledges.profile.line', { count: pledges.length, done, checkins: await countCheckinsOfYear(ctx.db, ctx.member.id, year) }));
  }
  const exemption = (await activeExemptions(ctx.db, today, [ctx.member.id])).get(ctx.member.id);
  if (exemption) lines.push(ctx.t('pledges.profile.exempt', { reason: exemption.reason }));
  return lines;
}
