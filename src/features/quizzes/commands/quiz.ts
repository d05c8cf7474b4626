/** /quiz: start or stop a group quiz, list the banks, and the daily and import sub-commands. */
import { command, UserError, type Context } from '../../../bot/feature.ts';
import { mayManageIn, PARTY_MEMBER } from '../../../bot/policy.ts';
import { quizArgs, type QuizArgs } from '../args.ts';
import { startQuiz } from '../engine/start.ts';
import { stopQuiz } from '../engine/steps.ts';
import type { QuizSlice } from '../slice.ts';
import { getQuiz, runningQuizInChat } from '../store/quizzes.ts';
import { quizDaily } from './quiz-daily.ts';
import { quizImport } from './quiz-import.ts';

/** The /quiz command (its `import` sub-command is for secretaries). */
export function quizCommand(q: QuizSlice) {
  return command({
    name: 'quiz',
    aliases: ['答题'],
    minRole: PARTY_MEMBER,
    summaryKey: 'quizzes.quiz.summary',
    usageKey: 'quizzes.quiz.usage',
    args: quizArgs,
    handler: (ctx, args) => runQuiz(q, ctx, args),
    subcommands: [{ name: 'import', minRole: 'secretary', summaryKey: 'quizzes.sub.import.summary', usageKey: 'quizzes.sub.import.usage', refusalKey: 'quizzes.import.forbidden' }],
    subcommandOf: (args) => (args.action === 'import' ? 'import' : undefined),
  });
}

async function runQuiz(q: QuizSlice, ctx: Context, args: QuizArgs): Promise<void> {
  switch (args.action) {
    case 'start':
      return start(q, ctx, args);
    case 'stop':
      return stop(ctx, args.id);
    case 'daily':
      return quizDaily(q, ctx, args.enabled);
    case 'import':
      return quizImport(q, ctx, args);
    case 'banks':
      return listBanks(q, ctx);
  }
}

async function listBanks(q: QuizSlice, ctx: Context): Promise<void> {
  const banks = await q.catalog.listBanks(ctx.db);
  const lines = banks.map((b) => ctx.t('quizzes.banks.line', { name: b.name, count: b.count, aliases: b.aliases.length ? ctx.t('quizzes.banks.aliases', { aliases: b.aliases.slice(0, 3).join('、') }) : '' }));
  ctx.reply([ctx.t('quizzes.banks.header'), ...lines, ctx.t('quizzes.banks.footer')].join('\n'));
}

async function start(q: QuizSlice, ctx: Context, args: { bank?: string; count?: number; seconds?: number }): Promise<void> {
  const running = await runningQuizInChat(ctx.db, ctx.chat.id);
  if (running) throw new UserError('quizzes.start.running', { id: running.id });
  const bank = args.bank ? await q.catalog.findBank(ctx.db, args.bank) : undefined;
  if (args.bank && !bank) {
    const names = (await q.catalog.listBanks(ctx.db)).map((b) => b.name).join('、');
    throw new UserError('quizzes.start.noBank', { name: args.bank, banks: names });
  }
  await startQuiz(ctx, q.catalog, q.settings, {
    chatId: ctx.chat.id,
    chat: ctx.chat.ref,
    unitId: ctx.chat.ref.kind === 'group' ? ctx.chat.unitId : ctx.member.unitId,
    memberId: ctx.member.id,
    bank,
    count: Math.min(args.count ?? q.settings.defaultCount, q.settings.maxCount),
    openSeconds: args.seconds ?? q.settings.openSeconds,
  });
}

async function stop(ctx: Context, id: number | undefined): Promise<void> {
  const quiz = id !== undefined ? await getQuiz(ctx.db, id) : await runningQuizInChat(ctx.db, ctx.chat.id);
  if (!quiz || quiz.chatId !== ctx.chat.id) throw new UserError(id !== undefined ? 'quizzes.answer.noQuiz' : 'quizzes.stop.none', { id: id ?? 0 });
  if (quiz.status !== 'running') throw new UserError('quizzes.answer.ended', { id: quiz.id });
  if (!(await mayManageIn(ctx.db, ctx.member, { unitId: quiz.unitId, ownerId: quiz.startedById }))) throw new UserError('quizzes.stop.forbidden', { id: quiz.id });
  await stopQuiz(ctx, quiz);
  await ctx.audit('quiz.stop', `quiz ${quiz.id}`);
}
