/** The meetings line of /whoami: the speaker's attendance this year, if any was recorded. */
import type { Context } from '../../bot/feature.ts';
import { localMidnight, localParts } from '../../bot/time.ts';
import { countsText } from './render.ts';
import { memberAttendance } from './store.ts';

/** Lines for /whoami (none before any attendance of the speaker was recorded this year). */
export async function profileLines(ctx: Context): Promise<string[]> {
  const year = localParts(ctx.now(), ctx.timeZone).year;
  const c = await memberAttendance(ctx.db, ctx.member.id, localMidnight(`${year}-01-01`, ctx.timeZone), new Date(ctx.now().getTime() + 1));
  if (c.rate === null) return [];
  return [ctx.t('meetings.profile', { year, figures: countsText(ctx.t, c) })];
}
