/** What is wrong with the question banks: one problem a line, naming the file, question and line. */

/** One validation failure of a bank file. */
export interface BankProblem {
  readonly file: string;
  /** The question id, when the problem is in one question. */
  readonly question?: string;
  /** 1-based line, when known. */
  readonly line?: number;
  readonly message: string;
}

/** One line: `prompts/quizzes/x.yaml: question x-003 (line 40): answer: E is out of range (4 options)`. */
function formatBankProblem(p: BankProblem): string {
  const where = p.line !== undefined ? ` (line ${p.line})` : '';
  return p.question !== undefined ? `${p.file}: question ${p.question}${where}: ${p.message}` : `${p.file}${where}: ${p.message}`;
}

/** The question banks failed validation; `problems` lists every failure, `message` one per line. */
export class BankError extends Error {
  constructor(readonly problems: readonly BankProblem[]) {
    super(
      problems.length === 1
        ? formatBankProblem(problems[0]!)
        : `${problems.length} problems in the question banks:\n${problems.map(formatBankProblem).join('\n')}`,
    );
    this.name = 'BankError';
  }
}
