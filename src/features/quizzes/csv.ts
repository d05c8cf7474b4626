/**
 * CSV import of a question bank: one question per row, columns `question, options, answer,
 * explanation, source`. Pure: the text in, the accepted questions and the refused rows (each with
 * its line and reasons, as prompt keys) out. The same rules as the file banks apply.
 *
 * Format decisions:
 * - Comma-separated, quotes as usual (Excel "Save as CSV"); if the first line has a tab, the text is
 *   read as tab-separated (cells copied from a spreadsheet and pasted into a chat are).
 * - Options in one cell, separated by `|` (or the full-width `｜`); answer a letter A-F (or 1-6).
 * - An empty options cell makes a true/false question; its answer is 对/错 (正确/错误, √/×, T/F…).
 * - A first row whose first cell is a header word (question, 题目, 问题, 题干, 试题) is skipped.
 * - Line numbers are those of the text (a quoted cell may span lines: its first line is given).
 * - At most `MAX_IMPORT_ROWS` questions and `MAX_IMPORT_BYTES` of text per import.
 */
import { parse } from 'csv-parse/sync';
import { parseTrueFalse } from '../../bot/answers.ts';
import {
  foldName,
  MAX_EXPLANATION_LENGTH,
  MAX_OPTION_LENGTH,
  MAX_OPTIONS,
  MAX_QUESTION_LENGTH,
  MAX_SOURCE_LENGTH,
  MIN_OPTIONS,
} from './rules/banks.ts';
import type { ImportItem } from './store/banks.ts';
import type { KeySuffix } from '../../bot/prompt-key.ts';

/** Most questions in one import. */
export const MAX_IMPORT_ROWS = 500;
/** Largest CSV text accepted (bytes of UTF-8). */
export const MAX_IMPORT_BYTES = 200_000;

/** A reason, as a prompt key under `quizzes.import.reason.` and its variables. */
export interface RefusalReason {
  readonly key: KeySuffix<'quizzes.import.reason.'>;
  readonly vars: Record<string, string | number>;
}

/** A refused row: its line and why. */
export interface RefusedRow {
  readonly line: number;
  readonly reasons: readonly RefusalReason[];
}

/** The result of reading a CSV. */
export interface CsvImport {
  readonly accepted: readonly ImportItem[];
  readonly refused: readonly RefusedRow[];
}

/** The whole text cannot be read (bad quoting, too big, no rows): a prompt key and variables. */
export class CsvFormatError extends Error {
  constructor(
    readonly key: KeySuffix<'quizzes.import.format.'>,
    readonly vars: Record<string, string | number> = {},
  ) {
    super(key);
    this.name = 'CsvFormatError';
  }
}

const HEADER_WORDS = new Set(['question', 'questions', '题目', '问题', '题干', '试题']);

function chars(s: string): number {
  return [...s].length;
}

function reason(key: KeySuffix<'quizzes.import.reason.'>, vars: Record<string, string | number> = {}): RefusalReason {
  return { key, vars };
}

/** Reads a letter A-F or a number 1-6 as a 0-based index; undefined otherwise. */
function answerIndex(cell: string): number | undefined {
  const s = cell.normalize('NFKC').trim().toUpperCase().replace(/^选/, '');
  if (/^[A-Z]$/.test(s)) return s.charCodeAt(0) - 65;
  if (/^\d{1,2}$/.test(s)) return Number(s) - 1;
  return undefined;
}

/** Checks one row's cells; returns the item or the reasons it is refused. */
function readRow(cells: readonly string[], line: number): ImportItem | RefusalReason[] {
  if (cells.length !== 5) return [reason('columns', { count: cells.length })];
  const [question, optionCell, answerCell, explanation, source] = cells as [string, string, string, string, string];
  const reasons: RefusalReason[] = [];
  if (!question) reasons.push(reason('questionEmpty'));
  else if (chars(question) > MAX_QUESTION_LENGTH) reasons.push(reason('questionLong', { max: MAX_QUESTION_LENGTH }));

  let type: ImportItem['type'] = 'single';
  let options: string[] = [];
  let answer = -1;
  if (!optionCell) {
    type = 'truefalse';
    const v = answerCell ? parseTrueFalse(answerCell) : undefined;
    if (v === undefined) reasons.push(reason('answerTrueFalse', { answer: answerCell || '—' }));
    else answer = v ? 0 : 1;
  } else {
    options = optionCell.split(/[|｜]/).map((o) => o.trim());
    if (options.length < MIN_OPTIONS || options.length > MAX_OPTIONS) {
      reasons.push(reason('optionCount', { count: options.length, min: MIN_OPTIONS, max: MAX_OPTIONS }));
    }
    options.forEach((o, i) => {
      if (!o) reasons.push(reason('optionEmpty', { n: i + 1 }));
      else if (chars(o) > MAX_OPTION_LENGTH) reasons.push(reason('optionLong', { n: i + 1, max: MAX_OPTION_LENGTH }));
    });
    const seen = new Map<string, number>();
    options.forEach((o, i) => {
      if (!o) return;
      const prev = seen.get(foldName(o));
      if (prev !== undefined) reasons.push(reason('optionRepeat', { n: i + 1, first: prev + 1 }));
      else seen.set(foldName(o), i);
    });
    const idx = answerIndex(answerCell);
    if (idx === undefined) reasons.push(reason('answerLetter', { answer: answerCell || '—' }));
    else if (idx < 0 || idx >= options.length) reasons.push(reason('answerRange', { answer: answerCell, count: options.length }));
    else answer = idx;
  }
  if (!explanation) reasons.push(reason('explanationEmpty'));
  else if (chars(explanation) > MAX_EXPLANATION_LENGTH) reasons.push(reason('explanationLong', { max: MAX_EXPLANATION_LENGTH }));
  if (!source) reasons.push(reason('sourceEmpty'));
  else if (chars(source) > MAX_SOURCE_LENGTH) reasons.push(reason('sourceLong', { max: MAX_SOURCE_LENGTH }));
  if (reasons.length) return reasons;
  return { row: line, type, question, options, answer, explanation, source };
}

/**
 * Reads a CSV bank (see the module comment). Throws `CsvFormatError` when the text as a whole
 * cannot be read; otherwise every row is either accepted or refused with its reasons.
 */
export function parseQuizCsv(text: string): CsvImport {
  if (Buffer.byteLength(text, 'utf8') > MAX_IMPORT_BYTES) throw new CsvFormatError('tooBig', { max: `${MAX_IMPORT_BYTES / 1000} kB` });
  const firstLine = text.replace(/^\uFEFF/, '').split('\n').find((l) => l.trim() !== '') ?? '';
  const delimiter = firstLine.includes('\t') ? '\t' : ',';
  let records: { record: string[]; info: { lines: number } }[];
  try {
    // With `info: true` each record comes with its position; the typings do not say so.
    records = parse(text, { bom: true, delimiter, relax_column_count: true, relax_quotes: false, skip_empty_lines: true, trim: true, info: true }) as unknown as typeof records;
  } catch (err) {
    const line = (err as { lines?: number }).lines;
    throw new CsvFormatError('unreadable', { line: line ?? 1 });
  }
  const rows = records
    .map(({ record, info }) => {
      const inner = record.reduce((n, cell) => n + (cell.match(/\n/g)?.length ?? 0), 0);
      return { cells: record, line: info.lines - inner };
    })
    .filter((r) => r.cells.some((c) => c !== ''));
  if (rows.length > 0 && HEADER_WORDS.has(foldName(rows[0]!.cells[0] ?? ''))) rows.shift();
  if (rows.length === 0) throw new CsvFormatError('noRows');
  if (rows.length > MAX_IMPORT_ROWS) throw new CsvFormatError('tooMany', { count: rows.length, max: MAX_IMPORT_ROWS });

  const accepted: ImportItem[] = [];
  const refused: RefusedRow[] = [];
  const firstLineOf = new Map<string, number>();
  for (const { cells, line } of rows) {
    const result = readRow(cells, line);
    if (Array.isArray(result)) {
      refused.push({ line, reasons: result });
      continue;
    }
    const folded = foldName(result.question);
    const dup = firstLineOf.get(folded);
    if (dup !== undefined) {
      refused.push({ line, reasons: [reason('duplicate', { line: dup })] });
      continue;
    }
    firstLineOf.set(folded, line);
    accepted.push(result);
  }
  return { accepted, refused };
}
