/** `/quiz import 名称 [文件.csv]`: a secretary's CSV bank, from the message, an attached file or the imports folder. */
import { readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { UsageError, UserError, type Context } from '../../../bot/feature.ts';
import { decodeTextDocument } from '../../../bot/text-attachments.ts';
import { isStartableBankName } from '../args.ts';
import { foldName } from '../rules/banks.ts';
import { CsvFormatError, MAX_IMPORT_BYTES, parseQuizCsv, type CsvImport } from '../csv.ts';
import type { QuizSlice } from '../slice.ts';
import { createImportedBank } from '../store/banks.ts';

/** Imports a bank under a free name; refused rows are listed, nothing is stored when none is accepted. */
export async function quizImport(q: QuizSlice, ctx: Context, args: { name: string; csv?: string; file?: string }): Promise<void> {
  const folded = foldName(args.name);
  if (!isStartableBankName(args.name)) throw new UserError('quizzes.import.nameReserved', { name: args.name });
  if (q.catalog.isFileBankName(args.name) || (await q.catalog.findBank(ctx.db, args.name))) {
    throw new UserError('quizzes.import.nameTaken', { name: args.name });
  }
  const text = args.csv ?? (args.file !== undefined ? readImportFile(q.importsDir, args.file) : attachedCsv(ctx));
  let result: CsvImport;
  try {
    result = parseQuizCsv(text);
  } catch (err) {
    if (err instanceof CsvFormatError) throw new UserError(`quizzes.import.format.${err.key}`, err.vars);
    throw err;
  }
  const report = importReport(ctx, result);
  if (result.accepted.length === 0) throw new UserError('quizzes.import.noneAccepted', { report });
  const bankId = await createImportedBank(ctx.db, { name: args.name, foldedName: folded, createdById: ctx.member.id, unitId: ctx.member.unitId, now: ctx.now() }, result.accepted);
  await ctx.audit('quiz.import', `bank ${bankId} "${args.name}": ${result.accepted.length} accepted, ${result.refused.length} refused`);
  ctx.reply([ctx.t('quizzes.import.done', { name: args.name, accepted: result.accepted.length, refused: result.refused.length }), report, ctx.t('quizzes.import.next', { name: args.name })].filter(Boolean).join('\n'));
}

/** The CSV sent as a file with the command (its caption), read by the adapter; see Attachment.text. */
function attachedCsv(ctx: Context): string {
  const content = ctx.incoming.content;
  const doc = content.type === 'text' ? content.attachments?.find((a) => a.kind === 'file') : undefined;
  if (doc?.text !== undefined) return doc.text;
  if (doc?.textError === 'tooBig') throw new UserError('quizzes.import.format.tooBig', { max: `${MAX_IMPORT_BYTES / 1000} kB` });
  if (doc) throw new UserError('quizzes.import.attachmentUnreadable', { file: doc.name ?? '' });
  throw new UsageError();
}

function readImportFile(importsDir: string, file: string): string {
  const full = path.join(importsDir, path.basename(file));
  let size: number;
  try {
    size = statSync(full).size;
  } catch {
    throw new UserError('quizzes.import.noFile', { file: path.basename(file) });
  }
  if (size > MAX_IMPORT_BYTES) throw new UserError('quizzes.import.format.tooBig', { max: `${MAX_IMPORT_BYTES / 1000} kB` });
  try {
    return decodeTextDocument(readFileSync(full));
  } catch {
    throw new UserError('quizzes.import.attachmentUnreadable', { file: path.basename(file) });
  }
}

/** The refused rows of an import, one line each (at most 30, then a count of the rest). */
function importReport(ctx: Context, result: CsvImport): string {
  const shown = result.refused.slice(0, 30).map((r) =>
    ctx.t('quizzes.import.refusedLine', { line: r.line, reasons: r.reasons.map((x) => ctx.t(`quizzes.import.reason.${x.key}`, x.vars)).join(ctx.t('quizzes.import.reasonSeparator')) }),
  );
  if (result.refused.length > 30) shown.push(ctx.t('quizzes.import.moreRefused', { count: result.refused.length - 30 }));
  return shown.join('\n');
}
