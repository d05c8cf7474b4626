/** Banks a secretary imported from CSV, and their questions. */
import { z } from 'zod';
import type { Tx } from '../../../bot/feature.ts';
import { QUESTION_TYPES, type Bank, type Question, type QuestionType } from '../banks/model.ts';

const QuestionTypeSchema = z.enum(QUESTION_TYPES);
const Options = z.array(z.string());

// Imported banks

/** Key of an imported question: `import-<bank>-<row>`. */
export function importedKey(bankId: number, row: number): string {
  return `import-${bankId}-${row}`;
}

/** The bank id and row of an imported question key, or undefined for a file bank's key. */
export function parseImportedKey(key: string): { bankId: number; row: number } | undefined {
  const m = /^import-(\d{1,9})-(\d{1,9})$/.exec(key);
  return m ? { bankId: Number(m[1]), row: Number(m[2]) } : undefined;
}

type RawItem = { bankId: number; row: number; type: string; question: string; options: string; answer: number; explanation: string; source: string };

function toQuestion(r: RawItem): Question {
  const type: QuestionType = QuestionTypeSchema.parse(r.type);
  return {
    key: importedKey(r.bankId, r.row),
    bankId: `import-${r.bankId}`,
    type,
    text: r.question,
    options: Options.parse(JSON.parse(r.options)),
    answer: r.answer,
    explanation: r.explanation,
    source: r.source,
  };
}

/** One question of an imported bank, or undefined. */
export async function importedQuestion(tx: Tx, key: string): Promise<Question | undefined> {
  const k = parseImportedKey(key);
  if (!k) return undefined;
  const r = await tx.quizBankItem.findUnique({ where: { bankId_row: { bankId: k.bankId, row: k.row } } });
  return r ? toQuestion(r) : undefined;
}

/** An imported bank by its folded name, with its questions; undefined when there is none. */
export async function importedBankByName(tx: Tx, foldedName: string): Promise<Bank | undefined> {
  const b = await tx.quizBank.findUnique({ where: { foldedName }, include: { items: { orderBy: { row: 'asc' } } } });
  if (!b) return undefined;
  return { id: `import-${b.id}`, name: b.name, aliases: [], description: b.name, questions: b.items.map(toQuestion) };
}

/** Imported banks with their question counts, oldest first. */
export async function importedBanks(tx: Tx): Promise<{ id: number; name: string; count: number }[]> {
  const rows = await tx.quizBank.findMany({ orderBy: { id: 'asc' }, include: { _count: { select: { items: true } } } });
  return rows.map((r) => ({ id: r.id, name: r.name, count: r._count.items }));
}

/** One accepted CSV row, ready to store. */
export interface ImportItem {
  readonly row: number;
  readonly type: QuestionType;
  readonly question: string;
  readonly options: readonly string[];
  readonly answer: number;
  readonly explanation: string;
  readonly source: string;
}

/**
 * The questions of the imported banks a unit's members draw from: banks imported in one of
 * `unitIds` (the member's unit and the units above it) and banks imported with no unit.
 */
export async function importedQuestionsFor(tx: Tx, unitIds: readonly number[]): Promise<Question[]> {
  const rows = await tx.quizBankItem.findMany({
    where: { bank: { OR: [{ unitId: null }, { unitId: { in: [...unitIds] } }] } },
    orderBy: [{ bankId: 'asc' }, { row: 'asc' }],
  });
  return rows.map(toQuestion);
}

/** Stores an imported bank with its questions; returns its id. The caller checks the name is free. */
export async function createImportedBank(
  tx: Tx,
  bank: { name: string; foldedName: string; createdById: number; unitId: number | null; now: Date },
  items: readonly ImportItem[],
): Promise<number> {
  const b = await tx.quizBank.create({
    data: { name: bank.name, foldedName: bank.foldedName, createdById: bank.createdById, unitId: bank.unitId, createdAt: bank.now },
  });
  await tx.quizBankItem.createMany({
    data: items.map((it) => ({ bankId: b.id, row: it.row, type: it.type, question: it.question, options: JSON.stringify(it.options), answer: it.answer, explanation: it.explanation, source: it.source })),
  });
  return b.id;
}
