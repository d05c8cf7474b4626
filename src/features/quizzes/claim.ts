/** Bare answers (a message of just "A" or "对"): the quiz slice's claims on them (see `settleAnswerClaims`). */
import type { AnswerClaim, Context } from '../../bot/feature.ts';
import { isPartyMember } from '../../bot/policy.ts';
import { answerInGroup } from './commands/answer.ts';
import { previewAnswer } from './engine/answer.ts';
import { readAnswer } from './rules/questions.ts';
import { answerPersonal } from './personal.ts';
import type { QuizSlice } from './slice.ts';
import { openPromptIn } from './store/prompts.ts';
import { runningQuizInChat } from './store/quizzes.ts';

/** Claims on a bare answer: the chat's quiz question, or this member's personal question. */
export async function claimAnswer(q: QuizSlice, ctx: Context, text: string): Promise<AnswerClaim[]> {
  if (!isPartyMember(ctx.member) || [...text].length > 20) return [];
  const quiz = await runningQuizInChat(ctx.db, ctx.chat.id);
  if (quiz) {
    const preview = await previewAnswer(ctx, q.catalog, quiz, ctx.member.id, text);
    if (preview.kind === 'already') return [{ kind: 'answered', reply: ctx.t('quizzes.answer.already', { name: ctx.member.name }) }];
    if (preview.kind === 'open') {
      const label = ctx.t('quizzes.answer.claimLabel', { id: quiz.id, position: preview.row.position + 1 });
      return [{ kind: 'awaiting', label, command: `/answer #${quiz.id} ${text}`, run: () => answerInGroup(q, ctx, quiz, preview) }];
    }
  }
  const prompt = await openPromptIn(ctx.db, ctx.member.id, ctx.chat.ref);
  const question = prompt ? await q.catalog.question(ctx.db, prompt.questionKey) : undefined;
  if (!prompt || !question || readAnswer(question, text) === undefined) return [];
  const run = async () => void (await answerPersonal(ctx, q.catalog, q.settings, prompt, text));
  return [{ kind: 'awaiting', label: ctx.t('quizzes.answer.claimPersonal'), command: `/answer ${text}`, run }];
}
