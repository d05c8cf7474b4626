/**
 * The zod schemas of a bank file: its header and its two kinds of question. Strict: unknown fields
 * are refused. Each message names what is wrong in a few words (the file, question and line are
 * added by `parse.ts`).
 */
import { z } from 'zod';
import { MAX_EXPLANATION_LENGTH, MAX_OPTION_LENGTH, MAX_OPTIONS, MAX_QUESTION_LENGTH, MAX_QUOTE_LENGTH, MAX_SOURCE_LENGTH, MIN_OPTIONS } from '../rules/banks.ts';

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

/** A single-choice question of a bank file. */
export const SingleQuestion = z.strictObject({
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

/** A true/false question of a bank file. */
export const TrueFalseQuestion = z.strictObject({
  id: Id,
  type: z.literal('truefalse'),
  question: text(MAX_QUESTION_LENGTH),
  answer: z.boolean({ error: 'must be true or false' }),
  explanation: text(MAX_EXPLANATION_LENGTH),
  source: text(MAX_SOURCE_LENGTH),
  ...Traceable,
});

/** A bank file's header (its questions are checked one by one, so each problem names its question). */
export const BankHeader = z.strictObject({
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

/** A bank file's header as parsed. */
export type ParsedHeader = z.infer<typeof BankHeader>;

/** A question of a bank file as parsed. */
export type ParsedQuestion = z.infer<typeof SingleQuestion> | z.infer<typeof TrueFalseQuestion>;
