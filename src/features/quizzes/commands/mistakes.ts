/** /mistakes: the 错题本, its due reviews sent privately where the platform can. */
import { noArgs } from '../../../bot/args.ts';
import { command, UserError, type Context } from '../../../bot/feature.ts';
import { PARTY_MEMBER } from '../../../bot/policy.ts';
import { privateChatsOf } from '../../../bot/roster.ts';
import { presentNextReview, showDay } from '../personal.ts';
import type { QuizSlice } from '../slice.ts';
import { dueMistakes, openMistakes } from '../store/mistakes.ts';
import { runningQuizInChat } from '../store/quizzes.ts';
import { localDay } from '../util.ts';

/** The /mistakes command. */
export function mistakesCommand(q: QuizSlice) {
  return command({
    name: 'mistakes',
    aliases: ['错题本', '错题'],
    minRole: PARTY_MEMBER,
    summaryKey: 'quizzes.mistakes.summary',
    usageKey: 'quizzes.mistakes.usage',
    args: noArgs,
    handler: (ctx) => mistakes(q, ctx),
  });
}

async function mistakes(q: QuizSlice, ctx: Context): Promise<void> {
  const today = localDay(ctx.now(), ctx.timeZone);
  const open = await openMistakes(ctx.db, ctx.member.id);
  const due = await dueMistakes(ctx.db, ctx.member.id, today);
  if (open.length === 0) return ctx.reply(ctx.t('quizzes.mistakes.none'));
  if (due.length === 0) return ctx.reply(ctx.t('quizzes.mistakes.notDue', { open: open.length, day: showDay(ctx.t, open[0]!.dueDay) }));
  let target = ctx.chat.ref;
  if (target.kind === 'group' && ctx.capabilities.privateMessages) {
    const own = (await privateChatsOf(ctx.db, ctx.member.id)).find((c) => c.platform === target.platform);
    if (own) target = own;
  }
  if (target.kind === 'group' && (await runningQuizInChat(ctx.db, ctx.chat.id))) throw new UserError('quizzes.mistakes.quizRunning');
  if (target !== ctx.chat.ref) ctx.reply(ctx.t('quizzes.mistakes.sentPrivately', { name: ctx.member.name, due: due.length }));
  ctx.send(target, ctx.t('quizzes.mistakes.header', { due: due.length, open: open.length }));
  await presentNextReview(ctx, q.catalog, ctx.member.id, target);
}
