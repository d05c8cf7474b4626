/** Starting a group quiz (`/quiz`): quiz #N runs in one chat, one question at a time. */
import type { BaseContext } from '../../../bot/context.ts';
import type { ChatRef } from '../../../bot/types.ts';
import type { Bank } from '../banks/model.ts';
import type { Catalog } from '../catalog.ts';
import { pickQuestions } from '../rules/questions.ts';
import type { QuizSettings } from '../rules/quiz.ts';
import { createQuiz, getQuiz } from '../store/quizzes.ts';
import type { QuizRow } from '../store/rows.ts';
import { openQuestion } from './steps.ts';

/** What `/quiz` asks for. */
export interface StartRequest {
  readonly chatId: number;
  readonly chat: ChatRef;
  readonly unitId: number | null;
  readonly memberId: number;
  /** The bank, or undefined to mix every file bank. */
  readonly bank: Bank | undefined;
  readonly count: number;
  readonly openSeconds: number;
}

/** Starts quiz #N: announces it and opens the first question. Returns the quiz as it is then. */
export async function startQuiz(env: BaseContext, catalog: Catalog, settings: QuizSettings, req: StartRequest): Promise<QuizRow> {
  const pool = req.bank ? req.bank.questions : catalog.fileQuestions();
  const count = Math.min(req.count, pool.length);
  const bankName = req.bank?.name ?? env.t('quizzes.bank.mixed');
  const { quiz, questions } = await createQuiz(
    env.db,
    {
      chatId: req.chatId,
      chat: req.chat,
      unitId: req.unitId,
      startedById: req.memberId,
      bankId: req.bank?.id ?? '',
      bankName,
      openSeconds: req.openSeconds,
      now: env.now(),
    },
    (id) => pickQuestions(pool, count, id),
  );
  const short = count < req.count ? env.t('quizzes.start.short', { count }) : '';
  env.send(quiz.chat, env.t('quizzes.start.intro', { id: quiz.id, bank: bankName, count, seconds: quiz.openSeconds }) + short);
  await openQuestion(env, catalog, settings, quiz, questions[0]!);
  return (await getQuiz(env.db, quiz.id))!;
}
