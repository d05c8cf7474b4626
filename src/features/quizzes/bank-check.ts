/**
 * The bank check behind `npm run banks:check`: rules a question bank must meet beyond what the
 * loader (`banks/`) refuses at start-up. The loader already checks the schema, unique ids and
 * answer letters; this adds what makes a bank fair and traceable:
 * - every question quotes its source, and every quote is found in `docs/sources/<document>.md`
 *   (compared without whitespace and punctuation, width folded);
 * - every bank names its topics and the day it was reviewed, and every question a topic;
 * - true/false questions of a bank are 40-60% 正确 (so always answering 正确 does not pay);
 * - no two questions ask the same thing (normalised text, across banks).
 * It reports problems and counts; it never changes a bank.
 */
import type { Bank, Question } from './banks/model.ts';

/** Share of 正确 among a bank's true/false questions that is accepted. */
export const TRUE_SHARE_MIN = 0.4;
/** See `TRUE_SHARE_MIN`. */
export const TRUE_SHARE_MAX = 0.6;

/** What the check found: one line per problem, and the counts it prints. */
export interface BankCheckReport {
  readonly problems: readonly string[];
  readonly total: number;
  /** Per bank: questions, true/false questions and how many of them are 正确, per-topic counts. */
  readonly banks: readonly { id: string; count: number; trueFalse: number; trueCount: number; topics: Record<string, number> }[];
}

/** Text compared for quotes and duplicates: width folded, whitespace and punctuation removed. */
export function normaliseText(s: string): string {
  return s.normalize('NFKC').replace(/[\s\p{P}\p{S}]/gu, '').toLowerCase();
}

/** Problems of one question's traceability: a quote missing, or not found in its document. */
function quoteProblems(bank: Bank, q: Question, readSource: (document: string) => string | undefined): string[] {
  if (!q.quotes || q.quotes.length === 0) return [`${bank.id}: ${q.key}: no quote of its source`];
  const problems: string[] = [];
  for (const quote of q.quotes) {
    if (quote.document === undefined) {
      problems.push(`${bank.id}: ${q.key}: quote names no document (set document: on the bank or the question)`);
      continue;
    }
    const text = readSource(quote.document);
    if (text === undefined) problems.push(`${bank.id}: ${q.key}: docs/sources/${quote.document}.md not found`);
    else if (normaliseText(quote.text) === '') problems.push(`${bank.id}: ${q.key}: empty quote`);
    else if (!normaliseText(text).includes(normaliseText(quote.text))) {
      problems.push(`${bank.id}: ${q.key}: quote not found in docs/sources/${quote.document}.md: "${quote.text.slice(0, 40)}…"`);
    }
  }
  return problems;
}

/** Problems of a bank as a whole: topics, reviewed day, true/false balance. */
function bankProblems(bank: Bank, trueFalse: number, trueCount: number): string[] {
  const problems: string[] = [];
  if (!bank.topics || bank.topics.length === 0) problems.push(`${bank.id}: no topics`);
  if (!bank.reviewed) problems.push(`${bank.id}: no reviewed day`);
  if (trueFalse > 0) {
    const share = trueCount / trueFalse;
    if (share < TRUE_SHARE_MIN || share > TRUE_SHARE_MAX) {
      problems.push(`${bank.id}: ${trueCount} of ${trueFalse} true/false questions are 正确 (${Math.round(share * 100)}%; must be 40-60%)`);
    }
  }
  return problems;
}

/**
 * Checks banks against the rules of the module comment. `readSource(document)` returns the text
 * of `docs/sources/<document>.md`, or undefined when there is none.
 */
export function checkBanks(banks: readonly Bank[], readSource: (document: string) => string | undefined): BankCheckReport {
  const problems: string[] = [];
  const seenText = new Map<string, string>();
  const counts = banks.map((bank) => {
    const topics: Record<string, number> = {};
    let trueFalse = 0;
    let trueCount = 0;
    for (const q of bank.questions) {
      problems.push(...quoteProblems(bank, q, readSource));
      if (q.topic === undefined) problems.push(`${bank.id}: ${q.key}: no topic`);
      else topics[q.topic] = (topics[q.topic] ?? 0) + 1;
      if (q.type === 'truefalse') {
        trueFalse++;
        if (q.answer === 0) trueCount++;
      }
      const key = normaliseText(q.text);
      const first = seenText.get(key);
      if (first !== undefined) problems.push(`${bank.id}: ${q.key}: same question as ${first}`);
      else seenText.set(key, q.key);
    }
    problems.push(...bankProblems(bank, trueFalse, trueCount));
    return { id: bank.id, count: bank.questions.length, trueFalse, trueCount, topics };
  });
  return { problems, total: counts.reduce((n, b) => n + b.count, 0), banks: counts };
}

/** The report as printed lines: per bank and topic, then the problems. */
export function formatReport(r: BankCheckReport): string[] {
  const lines = [`${r.total} questions in ${r.banks.length} banks`];
  for (const b of r.banks) {
    const share = b.trueFalse > 0 ? ` (${Math.round((100 * b.trueCount) / b.trueFalse)}% 正确)` : '';
    lines.push(`  ${b.id}: ${b.count} questions; true/false ${b.trueCount}/${b.trueFalse}${share}`);
    for (const [topic, n] of Object.entries(b.topics)) lines.push(`    ${topic}: ${n}`);
  }
  lines.push(`${r.problems.length} problems`, ...r.problems.map((p) => `  ${p}`));
  return lines;
}
