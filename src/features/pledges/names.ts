/**
 * The names a pledge's lines show (owners and units), read once for a batch of pledges, and the
 * two-line description of one pledge that /pledge and /checkin reply with.
 */
import type { Context } from '../../bot/feature.ts';
import { listUnits, membersByIds } from '../../bot/roster.ts';
import type { UnitRow } from '../../bot/roster-cache.ts';
import type { IsoDate } from './dates.ts';
import type { PledgeView } from './rules.ts';
import { progressLine, titleLine, type Names } from './render.ts';

/**
 * The names needed to show these pledges; `units` when the caller has just read them. The speaker
 * is known already (no look-up when every pledge is their own: the check-in's hot path).
 */
export async function namesFor(ctx: Context, pledges: readonly PledgeView[], units?: readonly UnitRow[]): Promise<Names> {
  const ownerIds = pledges.map((p) => p.ownerId);
  const members = ownerIds.every((id) => id === ctx.member.id) ? new Map([[ctx.member.id, ctx.member]]) : await membersByIds(ctx.db, ownerIds);
  return { members, units: new Map((units ?? (await listUnits(ctx.db))).map((u) => [u.id, u])) };
}

/** Title and progress of one pledge, two lines. */
export async function describe(ctx: Context, p: PledgeView, today: IsoDate, units?: readonly UnitRow[]): Promise<string> {
  const names = await namesFor(ctx, [p], units);
  return `${titleLine(ctx.t, p, names)}\n  ${progressLine(ctx.t, p, today)}`;
}
