/**
 * One question of a bank file: checked against its type's schema and the content rules, reported
 * (field, message) when wrong, and built into the in-memory `Question` when right.
 */
import type { z } from 'zod';
import { letterIndex, questionContentProblems } from '../rules/banks.ts';
import type { Question } from './model.ts';
import { SingleQuestion, TrueFalseQuestion, type ParsedHeader, type ParsedQuestion } from './schema.ts';

/** Reports a problem of the question at a field path (its line is looked up from the path). */
export type ReportAt = (path: readonly PropertyKey[], message: string) => void;

/** A question of a file, as `parseQuestion` takes it. */
export interface RawQuestion {
  /** The YAML value as plain data. */
  readonly raw: unknown;
  /** 0-based place in the file's `questions`. */
  readonly index: number;
  readonly header: ParsedHeader;
}

/** The question's id when it has one (to name it in problems), else `#<n>`. */
export function questionLabel(q: RawQuestion): string {
  const raw = q.raw;
  const id = typeof raw === 'object' && raw !== null ? (raw as { id?: unknown }).id : undefined;
  return typeof id === 'string' ? id : `#${q.index + 1}`;
}

/**
 * Parses one question, reporting every problem; `questionIds` (id → file) catches an id used twice
 * across the banks. Returns the question, or undefined when it has a problem.
 */
export function parseQuestion(q: RawQuestion, file: string, questionIds: Map<string, string>, report: ReportAt): Question | undefined {
  const type = typeof q.raw === 'object' && q.raw !== null ? (q.raw as { type?: unknown }).type : undefined;
  const schema = type === 'truefalse' ? TrueFalseQuestion : type === 'single' ? SingleQuestion : undefined;
  if (!schema) {
    report(['type'], 'type: must be single or truefalse');
    return undefined;
  }
  const parsed = schema.safeParse(q.raw);
  if (!parsed.success) {
    reportShape(parsed.error.issues, type === 'single' ? q.raw : undefined, report);
    return undefined;
  }
  const p = parsed.data;
  const prev = questionIds.get(p.id);
  if (prev !== undefined) {
    report(['id'], `duplicate question id (first in ${prev})`);
    return undefined;
  }
  questionIds.set(p.id, file);
  return buildQuestion(p, q.header, (field, message) => report([field], message));
}

/** Reports the schema's issues; for a single-choice question, an answer out of range too. */
function reportShape(issues: readonly z.core.$ZodIssue[], single: unknown, report: ReportAt): void {
  for (const issue of issues) {
    const field = issue.path.length ? `${issue.path.join('.')}: ` : '';
    const message = issue.code === 'unrecognized_keys' ? `unknown field ${issue.keys.join(', ')}` : issue.message;
    report(issue.path, field + message);
  }
  // The answer's range is worth reporting too, even when another field is wrong.
  if (single === undefined) return;
  const r = single as { options?: unknown; answer?: unknown };
  const letter = typeof r.answer === 'string' ? r.answer.trim().toUpperCase() : '';
  if (Array.isArray(r.options) && r.options.length > 0 && /^[A-F]$/.test(letter) && letterIndex(letter) >= r.options.length) {
    const m = questionContentProblems(r.options.map(String), letter).find((p) => p.startsWith('answer'));
    if (m) report(['answer'], m);
  }
}

/**
 * Builds the in-memory question from a parsed one, or reports (field, message) and returns
 * undefined: a topic not among the bank's, an answer out of range, a repeated option.
 */
function buildQuestion(q: ParsedQuestion, h: ParsedHeader, report: (field: string, message: string) => void): Question | undefined {
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
  return { ...base, type: 'single', options: q.options, answer: letterIndex(q.answer), ...(keepOrder ? { keepOrder } : {}) };
}

/** The quotes and topic of a parsed question; a bare quote belongs to the question's (or bank's) document. */
function traceOf(q: { quote?: string | { document: string; text: string }[]; document?: string; topic?: string }, bankDocument: string | undefined): Pick<Question, 'quotes' | 'topic'> {
  const document = q.document ?? bankDocument;
  const quotes = q.quote === undefined ? undefined : typeof q.quote === 'string' ? [{ document, text: q.quote }] : q.quote;
  return { ...(quotes ? { quotes } : {}), ...(q.topic !== undefined ? { topic: q.topic } : {}) };
}
