/** `/dues paid @x 2026-09..2026-11`: a secretary records months paid for a member of a unit they manage. */
import { UsageError, UserError, type Context } from '../../../bot/feature.ts';
import { personLabel, targetPerson } from '../../../bot/people.ts';
import type { DuesArgs } from '../args.ts';
import { managedUnit } from '../manager.ts';
import { thisMonth } from '../month.ts';
import { farAheadMonth, parseMonths } from '../rules.ts';
import { recordPaid } from '../store.ts';

/** `/dues paid @x 月份…`. */
export async function recordForMember(ctx: Context, a: Extract<DuesArgs, { kind: 'paid' }>): Promise<void> {
  const unitId = await managedUnit(ctx);
  const found = await targetPerson(ctx, a.person, unitId);
  if (!found) throw new UsageError('dues.paid.whom');
  const months = parseMonths(a.months);
  if (!months) throw new UserError('dues.paid.badMonths', { value: a.months.slice(0, 30) });
  const far = farAheadMonth(months, thisMonth(ctx));
  if (far) throw new UserError('dues.paid.tooFarAhead', { month: far });
  const fresh = await recordPaid(ctx.db, { memberId: found.member.id, unitId, months, source: 'command', by: ctx.member.id, now: ctx.now() });
  await ctx.audit('dues.paid', `M${found.member.id} ${months.join(',')}`);
  ctx.reply(ctx.t('dues.paid.done', { who: await personLabel(ctx, found.member), months: months.join('、'), fresh, already: months.length - fresh }));
}
