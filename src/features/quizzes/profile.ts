/** The quiz lines of /whoami: points (today of the daily cap), streak and open mistakes. */
import type { Context } from '../../bot/feature.ts';
import { isPartyMember } from '../../bot/policy.ts';
import { streakOf } from './leaderboard.ts';
import type { QuizSlice } from './slice.ts';
import { openMistakes } from './store/mistakes.ts';
import { answerDays, dayRecord, totalPoints } from './store/points.ts';
import { localDay } from './util.ts';

/** Points, streak and open mistakes for /whoami (none for non-members). */
export async function quizProfileLines(q: QuizSlice, ctx: Context): Promise<string[]> {
  if (!isPartyMember(ctx.member)) return [];
  const today = localDay(ctx.now(), ctx.timeZone);
  const total = (await totalPoints(ctx.db, [ctx.member.id])).get(ctx.member.id) ?? 0;
  const day = await dayRecord(ctx.db, ctx.member.id, today);
  const streak = streakOf(await answerDays(ctx.db, ctx.member.id), today);
  const open = (await openMistakes(ctx.db, ctx.member.id)).length;
  return [
    ctx.t('quizzes.profile.points', { total, today: day.points, cap: q.settings.dailyCap }),
    ctx.t('quizzes.profile.streak', { days: streak, mistakes: open }),
  ];
}
