/** What the quiz slice's commands, claims and jobs share: the banks, the settings and where imports are read. */
import type { Catalog } from './catalog.ts';
import type { QuizSettings } from './rules/quiz.ts';

/** The quiz feature as built (banks loaded once, settings from config), passed to each command. */
export interface QuizSlice {
  readonly catalog: Catalog;
  readonly settings: QuizSettings;
  /** The daily question's cron expression. */
  readonly dailyCron: string;
  /** Where `/quiz import 名称 文件.csv` reads files. */
  readonly importsDir: string;
}
