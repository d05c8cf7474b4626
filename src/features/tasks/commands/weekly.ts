/**
 * `/weekly 内容` (周报): a unit's weekly report for this week (Monday to Sunday), due before the
 * Monday cadre meeting. The unit's secretary (or an admin in the unit's chat) sends it; a second
 * report in a week is kept too (the latest is what the agenda reads as sent).
 */
import { actingUnitIn } from '../../../bot/policy.ts';
import { command, UserError, type Context } from '../../../bot/feature.ts';
import { localDateKey } from '../../../bot/time.ts';
import { weeklyArgs } from '../args.ts';
import { weekStartOf } from '../rules.ts';
import { addWeeklyReport } from '../store.ts';

async function handle(ctx: Context, text: string): Promise<void> {
  const unitId = await actingUnitIn(ctx.db, ctx.member, ctx.unitId);
  if (unitId === null) throw new UserError('tasks.error.notBound');
  const weekStart = weekStartOf(localDateKey(ctx.now(), ctx.timeZone));
  await addWeeklyReport(ctx.db, { unitId, weekStart, memberId: ctx.member.id, text, now: ctx.now() });
  ctx.reply(ctx.t('tasks.weekly.done', { chars: [...text].length }));
}

/** The /weekly command. */
export const weeklyCommand = command({
  name: 'weekly',
  aliases: ['周报'],
  minRole: 'secretary',
  summaryKey: 'tasks.weekly.summary',
  usageKey: 'tasks.weekly.usage',
  args: weeklyArgs,
  handler: handle,
});
