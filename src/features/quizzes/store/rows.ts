/**
 * The quiz slice's row shapes as the engine reads them, and the schemas of their stored strings.
 * The files of `store/` (one idea each) are the ONLY code that touches the slice's tables (Quiz,
 * QuizQuestion, QuizAnswer, QuizPrompt, QuizDay, QuizMistake, QuizDailySub, QuizBank,
 * QuizBankItem); every function runs in the caller's transaction. Other slices use `api.ts`.
 */
import { z } from 'zod';
import type { ChatRef } from '../../../bot/types.ts';

/** A quiz's status: running, finished after its last question, or stopped by a secretary. */
export const QuizStatus = z.enum(['running', 'finished', 'stopped']);
/** A personal question's kind: the daily question, or a review of the 错题本. */
export const PromptKind = z.enum(['daily', 'review']);
/** A personal question's status. */
export const PromptStatus = z.enum(['open', 'answered', 'expired']);
/** A stored option order (JSON array of option indexes). */
export const OptionOrder = z.array(z.number().int().min(0).max(25));

/** A quiz as the engine reads it. */
export interface QuizRow {
  readonly id: number;
  readonly chatId: number;
  readonly chat: ChatRef;
  readonly unitId: number | null;
  readonly startedById: number;
  readonly bankId: string;
  readonly bankName: string;
  readonly questionCount: number;
  readonly openSeconds: number;
  readonly status: z.infer<typeof QuizStatus>;
  readonly current: number;
  readonly createdAt: Date;
}

/** One question of a quiz. */
export interface QuizQuestionRow {
  readonly id: number;
  readonly quizId: number;
  readonly position: number;
  readonly questionKey: string;
  /** Shown option i is the bank's option `optionOrder[i]`. */
  readonly optionOrder: readonly number[];
  readonly openedAt: Date | null;
  readonly closesAt: Date | null;
  readonly closedAt: Date | null;
}

/** A member's answer to a quiz question. */
export interface QuizAnswerRow {
  readonly questionId: number;
  readonly memberId: number;
  readonly choice: number;
  readonly correct: boolean;
  readonly elapsedMs: number;
  readonly points: number;
  readonly credited: number;
}

/** A personal question waiting for (or given) an answer. */
export interface PromptRow {
  readonly id: number;
  readonly memberId: number;
  readonly kind: z.infer<typeof PromptKind>;
  readonly questionKey: string;
  readonly optionOrder: readonly number[];
  readonly day: string;
  readonly chat: ChatRef;
  readonly status: z.infer<typeof PromptStatus>;
}

/** An entry of the 错题本. */
export interface MistakeRow {
  readonly id: number;
  readonly memberId: number;
  readonly questionKey: string;
  readonly baseDay: string;
  readonly stage: number;
  readonly dueDay: string;
  readonly rights: number;
  readonly resolved: boolean;
}
