/** `/dues import 2026-11` with a CSV (typed under it or sent as a file): a month's payments of a unit. */
import { UsageError, UserError, type Context, type MemberInfo } from '../../../bot/feature.ts';
import { resolvePerson } from '../../../bot/people.ts';
import type { DuesArgs } from '../args.ts';
import { parseDuesCsv } from '../csv.ts';
import { managedUnit } from '../manager.ts';
import { thisMonth } from '../month.ts';
import { parseMonth, previousMonth } from '../rules.ts';
import { recordPaid } from '../store.ts';

/** The CSV of an import: typed under the command, or the attached file (decoded by the adapter). */
function importText(ctx: Context, a: Extract<DuesArgs, { kind: 'import' }>): string {
  if (a.csv) return a.csv;
  const content = ctx.incoming.content;
  const doc = content.type === 'text' ? content.attachments?.find((x) => x.kind === 'file') : undefined;
  if (doc?.text !== undefined) return doc.text;
  if (doc) throw new UserError('dues.import.unreadable', { file: doc.name ?? '' });
  throw new UsageError('dues.import.needFile');
}

/** The member a CSV row names (`M12` or a unique name of the unit), or null. */
async function memberOfRow(ctx: Context, who: string, unitId: number): Promise<MemberInfo | null> {
  try {
    return (await resolvePerson(ctx, /^[Mm]\d+$/.test(who) ? who : `@${who}`, unitId)).member;
  } catch (err) {
    if (err instanceof UserError) return null;
    throw err;
  }
}

/** `/dues import [月份]` with a CSV: records each row, reports refused rows by line. */
export async function importPayments(ctx: Context, a: Extract<DuesArgs, { kind: 'import' }>): Promise<void> {
  const unitId = await managedUnit(ctx);
  const month = a.month ? parseMonth(a.month) : previousMonth(thisMonth(ctx));
  if (!month) throw new UserError('dues.paid.badMonths', { value: (a.month ?? '').slice(0, 30) });
  let rows;
  try {
    rows = parseDuesCsv(importText(ctx, a), month);
  } catch (err) {
    if (err instanceof UserError || err instanceof UsageError) throw err;
    throw new UserError(err instanceof Error && err.message === 'tooMany' ? 'dues.import.tooMany' : 'dues.import.badCsv');
  }
  const refused: string[] = [];
  let recorded = 0;
  for (const row of rows) {
    const member = await memberOfRow(ctx, row.who, unitId);
    if (!member || !row.month) {
      refused.push(ctx.t('dues.import.refusedLine', { line: row.line, who: row.who }));
      continue;
    }
    recorded += await recordPaid(ctx.db, { memberId: member.id, unitId, months: [row.month], source: 'import', by: ctx.member.id, now: ctx.now() });
  }
  await ctx.audit('dues.import', `unit ${unitId} ${month}: ${recorded} recorded, ${refused.length} refused`);
  ctx.reply([ctx.t('dues.import.done', { month, recorded, refused: refused.length }), ...refused.slice(0, 20)].join('\n'));
}
