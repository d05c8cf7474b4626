/**
 * The shared in-memory shape of question banks: a `Bank` of `Question`s, whether read from the
 * YAML files in `prompts/quizzes/` (see `load.ts`) or imported from CSV by a secretary (stored in
 * the database, see `store/banks.ts`).
 */

/** The two kinds of question. */
export const QUESTION_TYPES = ['single', 'truefalse'] as const;

/** A kind of question: one correct option out of 2-6, or a statement that is true or false. */
export type QuestionType = (typeof QUESTION_TYPES)[number];

/**
 * One question, normalised. `answer` is the 0-based index of the correct option; for a true/false
 * question the options are shown as "A. 正确  B. 错误", so `answer` is 0 for true and 1 for false
 * and `options` is empty (the labels come from the prompts).
 */
export interface Question {
  /** Unique across all banks: the file question id, or `import-<bank>-<row>` for imported ones. */
  readonly key: string;
  readonly bankId: string;
  readonly type: QuestionType;
  readonly text: string;
  readonly options: readonly string[];
  readonly answer: number;
  readonly explanation: string;
  readonly source: string;
  /** The sentences of the source that decide the answer (file banks; `npm run banks:check` finds each). */
  readonly quotes?: readonly Quote[];
  /** The bank topic this question belongs to (one of its bank's `topics`). */
  readonly topic?: string;
  /** Show the options in their written order (numbers, durations): never shuffled. */
  readonly keepOrder?: boolean;
}

/** A sentence quoted from a source text: `document` names `docs/sources/<document>.md`. */
export interface Quote {
  readonly document: string | undefined;
  readonly text: string;
}

/** A bank of questions with the names members may call it by. */
export interface Bank {
  /** Short id: the file's `id`, or `import-<n>` for a bank imported from CSV. */
  readonly id: string;
  readonly name: string;
  readonly aliases: readonly string[];
  readonly description: string;
  readonly questions: readonly Question[];
  /** Topic tags of the bank (file banks); each question may name one. */
  readonly topics?: readonly string[];
  /** Day (`YYYY-MM-DD`) the bank was last checked against its sources. */
  readonly reviewed?: string;
  /** True for a bank of the township's own practice rather than a national rule. */
  readonly local?: boolean;
}
