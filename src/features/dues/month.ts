/** The dues slice's reading of the clock: this month in the org time zone. */
import type { Context } from '../../bot/feature.ts';
import { localParts } from '../../bot/time.ts';

/** This month `YYYY-MM` in the org time zone. */
export function thisMonth(ctx: Pick<Context, 'now' | 'timeZone'>): string {
  const p = localParts(ctx.now(), ctx.timeZone);
  return `${p.year}-${String(p.month).padStart(2, '0')}`;
}
