/**
 * Validates bank files and builds the banks, reporting every problem at once, one line each,
 * naming the file, the question id and the line: YAML errors, a bad header, duplicate ids (within
 * a file or across files), a bank name or alias claimed by two banks, and each question's own
 * problems (`question.ts`). Pure and synchronous.
 *
 * Traceability (checked by `npm run banks:check`, see `bank-check.ts`): a bank names its `document`
 * (a file of `docs/sources/`), its `topics`, the day it was `reviewed` and whether it is `local`
 * practice; a question its `source` (document, version, article), its `quote` (the sentence that
 * decides the answer, or a list of `{document, text}`) and its `topic`; `keepOrder` (question or
 * bank) shows numeric options in their written order. Unknown fields are refused.
 */
import { isMap, isSeq, LineCounter, parseDocument, type Document, type Node } from 'yaml';
import { foldName } from '../rules/banks.ts';
import type { Bank, Question } from './model.ts';
import { BankError, type BankProblem } from './problems.ts';
import { parseQuestion, questionLabel } from './question.ts';
import { BankHeader } from './schema.ts';

/** One bank file's content, as `parseBanks` takes it. */
export interface BankSource {
  /** Path shown in messages, e.g. `prompts/quizzes/constitution.yaml`. */
  readonly file: string;
  readonly text: string;
}

/**
 * Validates bank sources and builds the banks. Pure and synchronous; throws `BankError` listing
 * every problem (sorted by file and line).
 */
export function parseBanks(sources: readonly BankSource[]): Bank[] {
  const problems: BankProblem[] = [];
  const banks: Bank[] = [];
  const bankIds = new Map<string, string>();
  const questionIds = new Map<string, string>();
  const names = new Map<string, string>();

  for (const src of sources) {
    const bank = parseOne(src, problems, questionIds);
    if (!bank) continue; // the header itself is unreadable
    const prev = bankIds.get(bank.id);
    if (prev !== undefined) {
      problems.push({ file: src.file, message: `bank id ${bank.id} is already used by ${prev}` });
      continue;
    }
    bankIds.set(bank.id, src.file);
    for (const n of [bank.id, bank.name, ...bank.aliases]) {
      const folded = foldName(n);
      const owner = names.get(folded);
      if (owner !== undefined && owner !== src.file) {
        problems.push({ file: src.file, message: `bank name or alias "${n}" is already used by ${owner}` });
      }
      names.set(folded, src.file);
    }
    banks.push(bank);
  }
  if (problems.length > 0) {
    problems.sort((a, b) => a.file.localeCompare(b.file) || (a.line ?? 0) - (b.line ?? 0));
    throw new BankError(problems);
  }
  return banks;
}

/** A file's YAML document and the line of any of its nodes, or undefined (problems recorded) when unreadable. */
function readDocument(src: BankSource, problems: BankProblem[]): { doc: Document; lineOf: (node: unknown) => number | undefined } | undefined {
  const lineCounter = new LineCounter();
  const doc = parseDocument(src.text, { lineCounter, uniqueKeys: true });
  if (doc.errors.length > 0) {
    for (const err of doc.errors) {
      const first = (err.message.split('\n')[0] ?? err.message).replace(/ at line \d+, column \d+:?$/, '');
      problems.push({ file: src.file, line: err.linePos?.[0]?.line, message: `YAML syntax error: ${first}` });
    }
    return undefined;
  }
  if (!isMap(doc.contents)) {
    problems.push({ file: src.file, message: 'a bank file must be a map with id, name, questions' });
    return undefined;
  }
  const lineOf = (node: unknown): number | undefined => {
    const range = (node as Node | null | undefined)?.range;
    return range ? lineCounter.linePos(range[0]).line : undefined;
  };
  return { doc, lineOf };
}

/**
 * Parses one file, recording problems; returns the bank (with the questions that passed) whenever
 * its header is readable, so names and ids are checked across files even when a question is bad.
 */
function parseOne(src: BankSource, problems: BankProblem[], questionIds: Map<string, string>): Bank | undefined {
  const read = readDocument(src, problems);
  if (!read) return undefined;
  const { doc, lineOf } = read;
  const header = BankHeader.safeParse(doc.toJS());
  if (!header.success) {
    for (const issue of header.error.issues) {
      problems.push({ file: src.file, line: lineOf(doc.getIn(issue.path as (string | number)[], true)), message: `${issue.path.join('.')}: ${issue.message}` });
    }
    return undefined;
  }
  const seq = doc.get('questions', true);
  const items = isSeq(seq) ? seq.items : [];
  const h = header.data;
  const questions: Question[] = [];
  h.questions.forEach((raw, index) => {
    const node = items[index];
    const q = { raw, index, header: h };
    const label = questionLabel(q);
    const lineIn = (p: readonly PropertyKey[]): number | undefined => lineOf(isMap(node) ? (node.getIn(p as (string | number)[], true) ?? node) : node);
    const built = parseQuestion(q, src.file, questionIds, (p, message) => problems.push({ file: src.file, question: label, line: lineIn(p), message }));
    if (built) questions.push(built);
  });
  const meta = { ...(h.topics ? { topics: h.topics } : {}), ...(h.reviewed ? { reviewed: h.reviewed } : {}), ...(h.local ? { local: true } : {}) };
  return { id: h.id, name: h.name, aliases: h.aliases, description: h.description ?? h.name, questions, ...meta };
}
