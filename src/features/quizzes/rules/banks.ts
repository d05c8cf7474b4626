/**
 * The rules every question obeys, in a file bank or a CSV import: the limits of its parts, how
 * names are compared, and the checks of its content beyond its shape. Plain functions.
 */

/** Fewest options of a single-choice question. */
export const MIN_OPTIONS = 2;
/** Most options of a single-choice question (A-F). */
export const MAX_OPTIONS = 6;

/** Longest question text (short enough for a phone screen and for native quiz widgets). */
export const MAX_QUESTION_LENGTH = 250;
/** Longest option. */
export const MAX_OPTION_LENGTH = 100;
/** Longest explanation. */
export const MAX_EXPLANATION_LENGTH = 500;
/** Longest source (document and article). */
export const MAX_SOURCE_LENGTH = 200;
/** Longest quote (one or two sentences of the source). */
export const MAX_QUOTE_LENGTH = 400;

/** Names a member may call a bank by, folded for comparison (case, width, spaces). */
export function foldName(name: string): string {
  return name.normalize('NFKC').replace(/\s+/g, '').toLowerCase();
}

/** The 0-based option index of an answer letter A-F. */
export function letterIndex(letter: string): number {
  return letter.charCodeAt(0) - 65;
}

/**
 * Checks one question's content beyond its shape (shared with CSV import): the answer letter
 * within the options, options distinct. Returns the problems as short messages (empty when fine).
 */
export function questionContentProblems(options: readonly string[], answerLetter: string): string[] {
  const problems: string[] = [];
  if (letterIndex(answerLetter) >= options.length) {
    problems.push(`answer: ${answerLetter} is out of range (${options.length} options, A-${String.fromCharCode(64 + options.length)})`);
  }
  const seen = new Map<string, number>();
  options.forEach((o, i) => {
    const prev = seen.get(foldName(o));
    if (prev !== undefined) problems.push(`options: option ${i + 1} repeats option ${prev + 1} ("${o}")`);
    else seen.set(foldName(o), i);
  });
  return problems;
}
