/** Who a meetings command acts for: the chat's unit, and whether the speaker manages its meetings. */
import { UserError, type Context } from '../../bot/feature.ts';
import { managesUnitIn } from '../../bot/policy.ts';

/** The unit this chat speaks for, or a clear refusal. */
export function requireUnit(ctx: Context): number {
  if (ctx.unitId === null) throw new UserError('meetings.error.notBound');
  return ctx.unitId;
}

/** Refuses unless the speaker manages the unit's meetings (the policy's parent-unit rule). */
export async function requireManager(ctx: Context, unitId: number): Promise<void> {
  if (!(await managesUnitIn(ctx.db, ctx.member, unitId))) throw new UserError('meetings.error.otherUnit');
}
