/**
 * Question banks: the YAML files in `prompts/quizzes/` (one bank per file; adding a bank is adding
 * a file), validated with zod once at start-up. Every problem is reported, one line each, naming
 * the file, the question id and the line: duplicate ids (within a file or across files), an answer
 * out of range, an empty or repeated option, a missing explanation or source, a bank name or alias
 * claimed by two banks. A bad bank stops start-up with a `BankError`.
 *
 * Traceability (checked by `npm run banks:check`, see `bank-check.ts`): a bank names its `document`
 * (a file of `docs/sources/`), its `topics`, the day it was `reviewed` and whether it is `local`
 * practice; a question its `source` (document, version, article), its `quote` (the sentence that
 * decides the answer, or a list of `{document, text}`) and its `topic`; `keepOrder` (question or
 * bank) shows numeric options in their written order. Unknown fields are refused.
 *
 * Banks imported from CSV by a secretary live in the database (see `store.ts`); this module only
 * defines the shared in-memory shape (`Question`, `Bank`) and the rules every question obeys.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { isMap, isSeq, LineCounter, parseDocument, type Node } from 'yaml';
import { z } from 'zod';

/** The two kinds of question. */
export const QUESTION_TYPES = ['single', 'truefalse'] as const;

/** A kind of question: one correct option out of 2-6, or a statement that is true or false. */
export type QuestionType = (typeof QUESTION_TYPES)[number];

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

/** Number of options a question shows. */
export function optionCount(q: Question): number {
  return q.type === 'truefalse' ? 2 : q.options.length;
}

/** Text that must not be empty after trimming, of bounded length. */
function text(max: number) {
  return z
    .string({ error: (i) => (i.input === undefined || i.input === null ? 'is missing' : 'must be text') })
    .transform((s) => s.trim())
    .pipe(z.string().min(1, 'is empty').max(max, `is longer than ${max} characters`));
}

/** A bank or question id: lower-case letters, digits and `-`. Ids starting `import-` are reserved. */
const Id = z
  .string({ error: (i) => (i.input === undefined ? 'is missing' : 'must be text') })
  .regex(/^[a-z0-9][a-z0-9-]{0,63}$/, 'must be 1-64 lower-case letters, digits and -')
  .refine((s) => !s.startsWith('import-'), 'must not start with import- (reserved for imported banks)');

/** The letter answer of a single-choice question: A-F. */
const Letter = z
  .string({ error: 'must be a letter A-F' })
  .transform((s) => s.trim().toUpperCase())
  .pipe(z.string().regex(/^[A-F]$/, 'must be a letter A-F'));

/** A document id: the name of a file in `docs/sources/` without `.md`. */
const DocumentId = z.string({ error: 'must be a document id' }).regex(/^[a-z0-9][a-z0-9-]{0,63}$/, 'must be a document id (a file name in docs/sources without .md)');

/** `quote:` one sentence (of the question's document), or a list of `{document, text}`. */
const QuoteField = z.union(
  [text(MAX_QUOTE_LENGTH), z.array(z.strictObject({ document: DocumentId, text: text(MAX_QUOTE_LENGTH) }), { error: 'must be a list of quotes' }).min(1, 'is empty')],
  { error: 'must be a sentence or a list of {document, text}' },
);

/** Fields every question may carry beyond its type's own. */
const Traceable = {
  quote: QuoteField.optional(),
  document: DocumentId.optional(),
  topic: text(20).optional(),
};

const SingleQuestion = z.strictObject({
  id: Id,
  type: z.literal('single'),
  question: text(MAX_QUESTION_LENGTH),
  options: z
    .array(text(MAX_OPTION_LENGTH), { error: 'must be a list of options' })
    .min(MIN_OPTIONS, `needs at least ${MIN_OPTIONS} options`)
    .max(MAX_OPTIONS, `has more than ${MAX_OPTIONS} options`),
  answer: Letter,
  explanation: text(MAX_EXPLANATION_LENGTH),
  source: text(MAX_SOURCE_LENGTH),
  keepOrder: z.boolean({ error: 'must be true or false' }).optional(),
  ...Traceable,
});

const TrueFalseQuestion = z.strictObject({
  id: Id,
  type: z.literal('truefalse'),
  question: text(MAX_QUESTION_LENGTH),
  answer: z.boolean({ error: 'must be true or false' }),
  explanation: text(MAX_EXPLANATION_LENGTH),
  source: text(MAX_SOURCE_LENGTH),
  ...Traceable,
});

const BankHeader = z.strictObject({
  id: Id,
  name: text(40),
  aliases: z.array(text(40), { error: 'must be a list of names' }).default([]),
  description: text(300).optional(),
  document: DocumentId.optional(),
  topics: z.array(text(20), { error: 'must be a list of topics' }).min(1, 'is empty').optional(),
  reviewed: z.iso.date({ error: 'must be a day YYYY-MM-DD' }).optional(),
  local: z.boolean({ error: 'must be true or false' }).optional(),
  keepOrder: z.boolean({ error: 'must be true or false' }).optional(),
  questions: z.array(z.unknown(), { error: 'must be a list of questions' }).min(1, 'is empty'),
});

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
export function formatBankProblem(p: BankProblem): string {
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

/** One bank file's content, as `parseBanks` takes it. */
export interface BankSource {
  /** Path shown in messages, e.g. `prompts/quizzes/constitution.yaml`. */
  readonly file: string;
  readonly text: string;
}

/** Names a member may call a bank by, folded for comparison (case, width, spaces). */
export function foldName(name: string): string {
  return name.normalize('NFKC').replace(/\s+/g, '').toLowerCase();
}

/**
 * Checks one question's content beyond its shape (shared with CSV import): the answer letter
 * within the options, options distinct. Returns the problems as short messages (empty when fine).
 */
export function questionContentProblems(options: readonly string[], answerLetter: string): string[] {
  const problems: string[] = [];
  const index = answerLetter.charCodeAt(0) - 65;
  if (index >= options.length) {
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

/**
 * Parses one file, recording problems; returns the bank (with the questions that passed) whenever
 * its header is readable, so names and ids are checked across files even when a question is bad.
 */
function parseOne(src: BankSource, problems: BankProblem[], questionIds: Map<string, string>): Bank | undefined {
  const lineCounter = new LineCounter();
  const doc = parseDocument(src.text, { lineCounter, uniqueKeys: true });
  const lineOf = (node: unknown): number | undefined => {
    const range = (node as Node | null | undefined)?.range;
    return range ? lineCounter.linePos(range[0]).line : undefined;
  };
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
  const header = BankHeader.safeParse(doc.toJS());
  if (!header.success) {
    for (const issue of header.error.issues) {
      problems.push({ file: src.file, line: lineOf(doc.getIn(issue.path as (string | number)[], true)), message: `${issue.path.join('.')}: ${issue.message}` });
    }
    return undefined;
  }
  const seq = doc.get('questions', true);
  const items = isSeq(seq) ? seq.items : [];
  const questions: Question[] = [];
  const h = header.data;
  h.questions.forEach((raw, i) => {
    const node = items[i];
    const rawId = typeof raw === 'object' && raw !== null && typeof (raw as { id?: unknown }).id === 'string' ? (raw as { id: string }).id : undefined;
    const label = rawId ?? `#${i + 1}`;
    const lineIn = (p: readonly PropertyKey[]): number | undefined =>
      lineOf(isMap(node) ? (node.getIn(p as (string | number)[], true) ?? node) : node);
    const type = typeof raw === 'object' && raw !== null ? (raw as { type?: unknown }).type : undefined;
    const schema = type === 'truefalse' ? TrueFalseQuestion : type === 'single' ? SingleQuestion : undefined;
    if (!schema) {
      problems.push({ file: src.file, question: label, line: lineIn(['type']), message: 'type: must be single or truefalse' });
      return;
    }
    const parsed = schema.safeParse(raw);
    if (!parsed.success) {
      for (const issue of parsed.error.issues) {
        const field = issue.path.length ? `${issue.path.join('.')}: ` : '';
        const message = issue.code === 'unrecognized_keys' ? `unknown field ${issue.keys.join(', ')}` : issue.message;
        problems.push({ file: src.file, question: label, line: lineIn(issue.path), message: field + message });
      }
      // The answer's range is worth reporting too, even when another field is wrong.
      const r = raw as { options?: unknown; answer?: unknown };
      const letter = typeof r.answer === 'string' ? r.answer.trim().toUpperCase() : '';
      if (type === 'single' && Array.isArray(r.options) && r.options.length > 0 && /^[A-F]$/.test(letter) && letter.charCodeAt(0) - 65 >= r.options.length) {
        const m = questionContentProblems(r.options.map(String), letter).find((p) => p.startsWith('answer'));
        if (m) problems.push({ file: src.file, question: label, line: lineIn(['answer']), message: m });
      }
      return;
    }
    const q = parsed.data;
    const prev = questionIds.get(q.id);
    if (prev !== undefined) {
      problems.push({ file: src.file, question: q.id, line: lineIn(['id']), message: `duplicate question id (first in ${prev})` });
      return;
    }
    questionIds.set(q.id, src.file);
    const built = buildQuestion(q, h, (field, message) => problems.push({ file: src.file, question: q.id, line: lineIn([field]), message }));
    if (built) questions.push(built);
  });
  const meta = { ...(h.topics ? { topics: h.topics } : {}), ...(h.reviewed ? { reviewed: h.reviewed } : {}), ...(h.local ? { local: true } : {}) };
  return { id: h.id, name: h.name, aliases: h.aliases, description: h.description ?? h.name, questions, ...meta };
}

type ParsedQuestion = z.infer<typeof SingleQuestion> | z.infer<typeof TrueFalseQuestion>;

/**
 * Builds the in-memory question from a parsed one, or reports (field, message) and returns
 * undefined: a topic not among the bank's, an answer out of range, a repeated option.
 */
function buildQuestion(q: ParsedQuestion, h: z.infer<typeof BankHeader>, report: (field: string, message: string) => void): Question | undefined {
  if (q.topic !== undefined && !(h.topics ?? []).includes(q.topic)) {
    report('topic', `topic: ${q.topic} is not one of the bank's topics`);
    return undefined;
  }
  const base = { key: q.id, bankId: h.id, text: q.question, explanation: q.explanation, source: q.source, ...traceOf(q, h.document) };
  if (q.type === 'truefalse') return { ...base, type: 'truefalse', options: [], answer: q.answer ? 0 : 1 };
  const content = questionContentProblems(q.options, q.answer);
  for (const m of content) report(m.startsWith('answer') ? 'answer' : 'options', m);
  if (content.length) return undefined;
  const keepOrder = q.keepOrder ?? h.keepOrder ?? false;
  return { ...base, type: 'single', options: q.options, answer: q.answer.charCodeAt(0) - 65, ...(keepOrder ? { keepOrder } : {}) };
}

/** The quotes and topic of a parsed question; a bare quote belongs to the question's (or bank's) document. */
function traceOf(q: { quote?: string | { document: string; text: string }[]; document?: string; topic?: string }, bankDocument: string | undefined): Pick<Question, 'quotes' | 'topic'> {
  const document = q.document ?? bankDocument;
  const quotes = q.quote === undefined ? undefined : typeof q.quote === 'string' ? [{ document, text: q.quote }] : q.quote;
  return { ...(quotes ? { quotes } : {}), ...(q.topic !== undefined ? { topic: q.topic } : {}) };
}

/**
 * Reads and validates every `*.yaml` / `*.yml` file of `dir` (the `prompts/quizzes` folder).
 * Synchronous, start-up only. Throws `BankError` naming each bad file, question and line; a
 * missing or empty folder is an error too (quizzes need questions).
 */
export function loadBanks(dir: string): Bank[] {
  const shown = (p: string) => {
    const rel = path.relative(process.cwd(), p);
    return rel !== '' && !rel.startsWith('..') && !path.isAbsolute(rel) ? rel : p;
  };
  let names: string[];
  try {
    names = readdirSync(dir).sort();
  } catch {
    throw new BankError([{ file: shown(dir), message: 'question bank folder not found' }]);
  }
  const sources: BankSource[] = [];
  for (const name of names) {
    const full = path.join(dir, name);
    if (!/\.ya?ml$/.test(name) || !statSync(full).isFile()) continue;
    sources.push({ file: shown(full), text: readFileSync(full, 'utf8') });
  }
  if (sources.length === 0) throw new BankError([{ file: shown(dir), message: 'no question bank files (*.yaml)' }]);
  return parseBanks(sources);
}
