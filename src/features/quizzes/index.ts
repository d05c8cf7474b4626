/**
 * The study quiz slice (理论学习): `/quiz` (group quizzes, the daily question opt-in, CSV import,
 * the list of banks), `/answer` (typed and native answers), `/rank`, `/mistakes`, the bare answers
 * of `onPlainText`, points and streak lines for `/whoami`, and the timed work (question time-up,
 * next question, the daily question) registered with the scheduler. One command a file in `commands/`.
 */
import path from 'node:path';
import type { Feature } from '../../bot/feature.ts';
import type { FeatureServices } from '../index.ts';
import { loadBanks } from './banks/load.ts';
import { Catalog } from './catalog.ts';
import { claimAnswer } from './claim.ts';
import { answerCommand } from './commands/answer.ts';
import { mistakesCommand } from './commands/mistakes.ts';
import { quizCommand } from './commands/quiz.ts';
import { rankCommand } from './commands/rank.ts';
import type { QuizSettings } from './rules/quiz.ts';
import { quizJobs } from './jobs.ts';
import { quizProfileLines } from './profile.ts';
import { quizReportSections } from './report.ts';
import type { QuizSlice } from './slice.ts';

/** Options of the quiz feature (tests override the defaults). */
export interface QuizFeatureOptions {
  /** Where the YAML banks are (default `<promptsDir>/quizzes`). */
  readonly banksDir?: string;
  /** Where `/quiz import 名称 文件.csv` reads files (default `<BOT_DATA_DIR>/imports`). */
  readonly importsDir?: string;
  readonly settings?: Partial<QuizSettings>;
  /** The daily question's cron expression (default `QUIZ_DAILY_CRON`). */
  readonly dailyCron?: string;
}

/** Builds the quiz feature; the banks are loaded and validated here, once (a bad bank stops start-up). */
export function quizzesFeature(services: FeatureServices, options: QuizFeatureOptions = {}): Feature {
  const { config } = services;
  const catalog = new Catalog(loadBanks(options.banksDir ?? path.join(services.promptsDir, 'quizzes')));
  const settings: QuizSettings = {
    openSeconds: config.QUIZ_QUESTION_SECONDS,
    pauseSeconds: 5,
    dailyCap: config.QUIZ_DAILY_CAP,
    defaultCount: 5,
    maxCount: 20,
    personalPoints: 5,
    ...options.settings,
  };
  const q: QuizSlice = {
    catalog,
    settings,
    dailyCron: options.dailyCron ?? config.QUIZ_DAILY_CRON,
    importsDir: options.importsDir ?? path.join(config.BOT_DATA_DIR, 'imports'),
  };
  return {
    name: 'quizzes',
    commands: [quizCommand(q), answerCommand(q), rankCommand, mistakesCommand(q)],
    claimAnswer: (ctx, text) => claimAnswer(q, ctx, text),
    profileLines: (ctx) => quizProfileLines(q, ctx),
    reportSections: quizReportSections,
    jobs: (scheduler) => quizJobs(q, scheduler),
  };
}
