/** The unit a secretary's `/dues paid` or `/dues import` acts for. */
import { UserError, type Context } from '../../bot/feature.ts';
import { actingUnitIn, managesUnitIn } from '../../bot/policy.ts';

/** The unit the secretary acts for, refusing when they manage none here. */
export async function managedUnit(ctx: Context): Promise<number> {
  const unitId = await actingUnitIn(ctx.db, ctx.member, ctx.chat.unitId);
  if (unitId === null || !(await managesUnitIn(ctx.db, ctx.member, unitId))) throw new UserError('dues.error.notManager');
  return unitId;
}
