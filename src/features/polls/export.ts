/** `/export #N` for a poll (the report feature's command asks each feature for its item #N). */
import { UserError, type Context } from '../../bot/feature.ts';
import { membersByIds } from '../../bot/roster.ts';
import { canManage } from './access.ts';
import { hiddenByMin, minBallotsOf, tallyPoll, turnoutOf } from './lifecycle.ts';
import { exportRows } from './render.ts';
import { getPoll, namedBallots } from './store.ts';
import { isGrading } from './grading.ts';

/**
 * The CSV rows of a poll, or null when there is no poll #id. Refused while a hidden or anonymous
 * poll is open (an export is a result), and under the poll's minimum of ballots; an anonymous
 * poll's export never names a voter.
 */
export async function exportPoll(ctx: Context, id: number): Promise<{ fileName: string; rows: string[][] } | null> {
  const poll = await getPoll(ctx.db, id);
  if (!poll) return null;
  if (!(await canManage(ctx, poll.unitId))) throw new UserError('polls.error.notManager');
  if (isGrading(poll)) throw new UserError('polls.error.exportGrading', { id });
  if (poll.status === 'open' && (poll.hideResults || poll.anonymous)) throw new UserError('polls.error.exportOpen', { id });
  const tally = await tallyPoll(ctx.db, poll);
  if (hiddenByMin(poll, tally)) throw new UserError('polls.results.tooFewClosed', { id, min: minBallotsOf(poll), count: tally.ballots });
  const { voted, eligible } = await turnoutOf(ctx.db, poll);
  const voters = [];
  if (!poll.anonymous) {
    const ballots = await namedBallots(ctx.db, poll);
    const names = await membersByIds(ctx.db, ballots.map((b) => b.memberId));
    for (const b of ballots) voters.push({ name: names.get(b.memberId)?.name ?? `#${b.memberId}`, ballot: b });
  }
  await ctx.audit('poll.export', `#${id}`);
  return { fileName: `poll-${id}`, rows: exportRows(ctx.t, poll, tally, voted, eligible, ctx.timeZone, voters) };
}
