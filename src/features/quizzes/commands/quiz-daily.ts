/** `/quiz daily [on|off]`: a member's opt-in to the daily question (每日一题), or its status. */
import type { Context } from '../../../bot/feature.ts';
import { privateChatsOf } from '../../../bot/roster.ts';
import { settingOn } from '../../settings/api.ts';
import type { QuizSlice } from '../slice.ts';
import { dailyEnabled, setDaily } from '../store/daily.ts';

/** `HH:MM` of a daily cron `M H * * *`, or undefined for other schedules. */
function dailyTime(cron: string): string | undefined {
  const m = /^(\d{1,2}) (\d{1,2}) \* \* \*$/.exec(cron.trim());
  return m ? `${m[2]!.padStart(2, '0')}:${m[1]!.padStart(2, '0')}` : undefined;
}

/** Turns the daily question on or off (`enabled`), or says whether it is on (undefined). */
export async function quizDaily(q: QuizSlice, ctx: Context, enabled: boolean | undefined): Promise<void> {
  const time = dailyTime(q.dailyCron);
  const when = time ? ctx.t('quizzes.daily.at', { time }) : ctx.t('quizzes.daily.scheduled');
  if (enabled === undefined) {
    const on = await dailyEnabled(ctx.db, ctx.member.id, await settingOn(ctx.db, ctx.member.unitId, 'dailyQuestion'));
    ctx.reply(ctx.t(on ? 'quizzes.daily.statusOn' : 'quizzes.daily.statusOff', { when }));
    return;
  }
  await setDaily(ctx.db, ctx.member.id, enabled, ctx.now());
  if (!enabled) {
    ctx.reply(ctx.t('quizzes.daily.off'));
    return;
  }
  const reachable = (await privateChatsOf(ctx.db, ctx.member.id)).some((c) => ctx.capabilitiesOf(c.platform).privateMessages);
  ctx.reply(ctx.t('quizzes.daily.on', { when }) + (reachable ? '' : `\n${ctx.t('quizzes.daily.unreachable')}`));
}
