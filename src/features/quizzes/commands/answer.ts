/** /answer: a typed or native answer to the chat's quiz question, or to the member's personal question. */
import { command, UsageError, UserError, type Context } from '../../../bot/feature.ts';
import { PARTY_MEMBER } from '../../../bot/policy.ts';
import { privateChatsOf } from '../../../bot/roster.ts';
import { answerArgs, type AnswerArgs } from '../args.ts';
import { previewAnswer, recordAnswer, type AnswerPreview } from '../engine/answer.ts';
import { answerPersonal } from '../personal.ts';
import type { QuizSlice } from '../slice.ts';
import { openPromptIn } from '../store/prompts.ts';
import { getQuiz, runningQuizInChat } from '../store/quizzes.ts';
import type { QuizRow } from '../store/rows.ts';

/** The /answer command. */
export function answerCommand(q: QuizSlice) {
  return command({
    name: 'answer',
    aliases: ['答'],
    minRole: PARTY_MEMBER,
    summaryKey: 'quizzes.answer.summary',
    usageKey: 'quizzes.answer.usage',
    args: answerArgs,
    handler: (ctx, args) => answer(q, ctx, args),
  });
}

async function answer(q: QuizSlice, ctx: Context, args: AnswerArgs): Promise<void> {
  const nativeAnswer = ctx.incoming.content.type === 'poll_answer';
  const quiz = args.id !== undefined ? await getQuiz(ctx.db, args.id) : await runningQuizInChat(ctx.db, ctx.chat.id);
  if (args.id !== undefined && (!quiz || quiz.chatId !== ctx.chat.id)) throw new UserError('quizzes.answer.noQuiz', { id: args.id });
  if (quiz) {
    if (quiz.status !== 'running') {
      if (!nativeAnswer) ctx.reply(ctx.t('quizzes.answer.ended', { id: quiz.id }));
      return;
    }
    const position = quiz.current;
    const preview = await previewAnswer(ctx, q.catalog, quiz, ctx.member.id, args.text, args.position);
    const { outcome, closedEarly } = await recordAnswer(ctx, q.catalog, q.settings, quiz, ctx.member.id, preview);
    if (outcome === 'unparsed') throw new UsageError();
    if (outcome === 'recorded' && !nativeAnswer && !closedEarly) await acknowledge(ctx, quiz, position);
    if (outcome === 'already') ctx.reply(ctx.t('quizzes.answer.already', { name: ctx.member.name }));
    if (outcome === 'closed' && !nativeAnswer) ctx.reply(ctx.t('quizzes.answer.closed', { name: ctx.member.name }));
    return;
  }
  const prompt = await openPromptIn(ctx.db, ctx.member.id, ctx.chat.ref);
  if (!prompt) throw new UserError('quizzes.answer.nothing');
  if (!(await answerPersonal(ctx, q.catalog, q.settings, prompt, args.text))) throw new UsageError();
}

/**
 * Records a bare answer to the open question of the chat's quiz, as the claim's `preview` found
 * it in this event (not read again), and acknowledges it.
 */
export async function answerInGroup(q: QuizSlice, ctx: Context, quiz: QuizRow, preview: AnswerPreview): Promise<void> {
  const position = quiz.current;
  const { outcome, closedEarly } = await recordAnswer(ctx, q.catalog, q.settings, quiz, ctx.member.id, preview);
  if (outcome === 'recorded' && !closedEarly) await acknowledge(ctx, quiz, position);
}

/**
 * Tells a member in a group that their answer counted, without saying whether it is right:
 * privately where the platform can, else one short line in the group. An answer that closed the
 * question early gets none (the result is out): its callers leave it out.
 */
async function acknowledge(ctx: Context, quiz: QuizRow, position: number): Promise<void> {
  if (ctx.chat.ref.kind !== 'group') return;
  const own = ctx.capabilities.privateMessages ? (await privateChatsOf(ctx.db, ctx.member.id)).find((c) => c.platform === ctx.chat.ref.platform) : undefined;
  if (own) ctx.send(own, ctx.t('quizzes.answer.ack', { id: quiz.id, position: position + 1 }));
  else ctx.reply(ctx.t('quizzes.answer.ackGroup', { name: ctx.member.name }));
}
