/**
 * The quiz feature's database functions: the ONLY code that touches its tables (Quiz,
 * QuizQuestion, QuizAnswer, QuizPrompt, QuizDay, QuizMistake, QuizDailySub, QuizBank,
 * QuizBankItem). Other features call the exported functions (e.g. `quizParticipation` for /report).
 * Every function runs in the caller's transaction. One idea a file in `store/`; this file only gathers them.
 */
export * from './store/rows.ts';
export * from './store/quizzes.ts';
export * from './store/points.ts';
export * from './store/prompts.ts';
export * from './store/mistakes.ts';
export * from './store/daily.ts';
export * from './store/banks.ts';
export * from './store/stats.ts';
