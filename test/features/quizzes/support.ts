/**
 * Helpers for the quiz tests: find a shown question in the shipped banks and work out which shown
 * option is right (or wrong), so a test can answer exactly as a member would.
 */
import path from 'node:path';
import { loadBanks } from '../../../src/features/quizzes/banks/load.ts';
import type { Question } from '../../../src/features/quizzes/banks/model.ts';

/** The shipped banks' questions. */
export const QUESTIONS: readonly Question[] = loadBanks(path.resolve(import.meta.dirname, '../../../prompts/quizzes')).flatMap((b) => b.questions);

/** Labels of true/false options as shown in zh-CN. */
const TF = ['正确', '错误'];

/**
 * Reads a question as shown in numbered text (a header line, the question, `A. …` lines, a hint)
 * and returns the question and the letters of the right answer and of one wrong answer.
 */
export function readShownQuestion(text: string): { question: Question; right: string; wrong: string; options: string[] } {
  const lines = text.split('\n').map((l) => l.trim());
  const qIndex = lines.findIndex((l) => QUESTIONS.some((q) => q.text === l));
  if (qIndex < 0) throw new Error(`no bank question in:\n${text}`);
  const question = QUESTIONS.find((q) => q.text === lines[qIndex])!;
  const options = lines.slice(qIndex + 1).filter((l) => /^[A-F]\. /.test(l)).map((l) => l.slice(3));
  const rightText = question.type === 'truefalse' ? TF[question.answer]! : question.options[question.answer]!;
  const right = options.indexOf(rightText);
  if (right < 0) throw new Error(`right answer "${rightText}" not among ${options.join(' / ')}`);
  const wrong = right === 0 ? 1 : 0;
  return { question, right: String.fromCharCode(65 + right), wrong: String.fromCharCode(65 + wrong), options };
}

/** The last text in `texts` that shows a question (a line `A. …`). */
export function lastQuestion(texts: readonly string[]): string {
  const found = [...texts].reverse().find((t) => /\nA\. /.test(t));
  if (!found) throw new Error(`no question among:\n${texts.join('\n---\n')}`);
  return found;
}
