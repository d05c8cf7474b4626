/** `/meetings`: the unit's meetings with their next two starts and the answers so far (anyone). */
import { noArgs } from '../../../bot/args.ts';
import { command, type Context } from '../../../bot/feature.ts';
import { requireUnit } from '../access.ts';
import { upcomingStarts } from '../calendar.ts';
import { leadText, when } from '../render.ts';
import { activeMeetings, rsvpCounts } from '../store.ts';

/** /meetings: the unit's meetings with the next two starts and the answers so far. */
async function listHandler(ctx: Context): Promise<void> {
  const unitId = requireUnit(ctx);
  const meetings = await activeMeetings(ctx.db, unitId);
  if (!meetings.length) {
    ctx.reply(ctx.t('meetings.meetings.empty'));
    return;
  }
  const rows: { next: number; lines: string[] }[] = [];
  for (const m of meetings) {
    const [next, after] = await upcomingStarts(ctx.db, m, ctx.timeZone, ctx.now(), 2);
    const counts = next ? await rsvpCounts(ctx.db, m.id, next) : { yes: 0, no: 0 };
    rows.push({
      next: next?.getTime() ?? Number.MAX_SAFE_INTEGER,
      lines: [
        ctx.t('meetings.meetings.line', { id: m.id, title: m.title, next: next ? when(ctx, next) : '—', place: m.place }),
        ctx.t('meetings.meetings.detail', { after: after ? when(ctx, after) : '—', lead: leadText(ctx, m.remindMinutes), yes: counts.yes, no: counts.no }),
      ],
    });
  }
  rows.sort((a, b) => a.next - b.next);
  ctx.reply([ctx.t('meetings.meetings.header', { count: meetings.length }), ...rows.flatMap((r) => r.lines)].join('\n'));
}

/** The /meetings command. */
export const meetingsCommand = command({
  name: 'meetings',
  aliases: ['会议列表'],
  minRole: 'masses',
  summaryKey: 'meetings.meetings.summary',
  usageKey: 'meetings.meetings.usage',
  args: noArgs,
  handler: (ctx) => listHandler(ctx),
});
