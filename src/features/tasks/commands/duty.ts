/**
 * `/duty [@someone|单位]` (分工): the chain for a person (what they answer for, and who answers for
 * them) or for a unit (its 包村 cadre and the committee member above). Without an argument: the
 * sender's own chain.
 */
import { command, type Context, type MemberInfo } from '../../../bot/feature.ts';
import { findUnitByName, getMember, unitName } from '../../../bot/roster.ts';
import { dutyArgs } from '../args.ts';
import { isPersonToken, repliedPerson, resolvePerson, shortLabel as personLabel } from '../../../bot/people.ts';
import { cadreOfUnit, dutiesOf, supervisorOf } from '../store.ts';

async function labelOf(ctx: Context, id: number | null): Promise<string> {
  const m = id === null ? null : await getMember(ctx.db, id);
  return m ? personLabel(m) : ctx.t('tasks.duty.nobody');
}

async function personChain(ctx: Context, m: MemberInfo): Promise<string> {
  const { units, members } = await dutiesOf(ctx.db, m.id);
  const unitNames = await Promise.all(units.map((u) => unitName(ctx.db, u)));
  const cadres = await Promise.all(members.map((id) => labelOf(ctx, id)));
  return [
    ctx.t('tasks.duty.person', { who: personLabel(m) }),
    ctx.t('tasks.duty.units', { list: unitNames.filter(Boolean).join('、') || ctx.t('tasks.duty.nothing') }),
    ...(cadres.length ? [ctx.t('tasks.duty.cadres', { list: cadres.join('、') })] : []),
    ctx.t('tasks.duty.above', { who: await labelOf(ctx, await supervisorOf(ctx.db, m.id)) }),
  ].join('\n');
}

async function unitChain(ctx: Context, unit: { id: number; name: string }): Promise<string> {
  const cadre = await cadreOfUnit(ctx.db, unit.id);
  const above = cadre === null ? null : await supervisorOf(ctx.db, cadre);
  return [ctx.t('tasks.duty.unit', { unit: unit.name }), ctx.t('tasks.duty.cadre', { who: await labelOf(ctx, cadre) }), ctx.t('tasks.duty.above', { who: await labelOf(ctx, above) })].join('\n');
}

async function handle(ctx: Context, { target }: { target: string }): Promise<void> {
  if (target && !isPersonToken(target)) {
    const unit = await findUnitByName(ctx.db, target);
    if (unit) return ctx.reply(await unitChain(ctx, unit));
  }
  const person = target ? (await resolvePerson(ctx, target, null)).member : ((await repliedPerson(ctx)) ?? ctx.member);
  ctx.reply(await personChain(ctx, person));
}

/** The /duty command. */
export const dutyCommand = command({
  name: 'duty',
  aliases: ['分工'],
  minRole: 'masses',
  summaryKey: 'tasks.duty.summary',
  usageKey: 'tasks.duty.usage',
  args: dutyArgs,
  handler: handle,
});
