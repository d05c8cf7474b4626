/**
 * `/dues` (党费): a member sees their own months; a secretary records months paid for a member of
 * a unit they manage (`/dues paid @x 2026-09..2026-11`) or imports a month's payments from a CSV
 * (`/dues import 2026-11` with the file). No money is handled and no amount asked.
 */
import { command, UsageError, UserError, type CommandSpec, type Context, type MemberInfo } from '../../bot/feature.ts';
import { personLabel, resolvePerson, targetPerson } from '../../bot/people.ts';
import { actingUnitIn, managesUnitIn, PARTY_MEMBER } from '../../bot/policy.ts';
import { localParts } from '../../bot/time.ts';
import { duesArgs, duesSubcommand, type DuesArgs } from './args.ts';
import { parseDuesCsv } from './csv.ts';
import { monthsBetween, parseMonth, parseMonths, previousMonth } from './rules.ts';
import { paidMonths, recordPaid } from './store.ts';

/** This month `YYYY-MM` in the org time zone. */
export function thisMonth(ctx: Pick<Context, 'now' | 'timeZone'>): string {
  const p = localParts(ctx.now(), ctx.timeZone);
  return `${p.year}-${String(p.month).padStart(2, '0')}`;
}

/** `/dues`: this year's months, paid ✓ or not ✗, up to this month. */
async function showMine(ctx: Context): Promise<void> {
  const paid = new Set(await paidMonths(ctx.db, ctx.member.id));
  const now = thisMonth(ctx);
  const year = now.slice(0, 4);
  const cells = monthsBetween(`${year}-01`, now).map((m) => `${Number(m.slice(5))}${ctx.t(paid.has(m) ? 'dues.mine.paid' : 'dues.mine.unpaid')}`);
  const ahead = [...paid].filter((m) => m > now).length;
  const lines = [ctx.t('dues.mine.header', { year }), cells.join(' ')];
  if (ahead > 0) lines.push(ctx.t('dues.mine.ahead', { count: ahead }));
  lines.push(ctx.t('dues.mine.footer'));
  ctx.reply(lines.join('\n'));
}

/** The unit the secretary acts for, refusing when they manage none here. */
async function managedUnit(ctx: Context): Promise<number> {
  const unitId = await actingUnitIn(ctx.db, ctx.member, ctx.chat.unitId);
  if (unitId === null || !(await managesUnitIn(ctx.db, ctx.member, unitId))) throw new UserError('dues.error.notManager');
  return unitId;
}

/** Refuses months more than a year ahead (a typo like 2062-11). */
function checkNotFarAhead(ctx: Context, months: readonly string[]): void {
  const limit = monthsBetween(thisMonth(ctx), '9999-12').slice(0, 13).at(-1)!;
  const far = months.find((m) => m > limit);
  if (far) throw new UserError('dues.paid.tooFarAhead', { month: far });
}

/** `/dues paid @x 月份…`. */
async function recordForMember(ctx: Context, a: Extract<DuesArgs, { kind: 'paid' }>): Promise<void> {
  const unitId = await managedUnit(ctx);
  const found = await targetPerson(ctx, a.person, unitId);
  if (!found) throw new UsageError('dues.paid.whom');
  const months = parseMonths(a.months);
  if (!months) throw new UserError('dues.paid.badMonths', { value: a.months.slice(0, 30) });
  checkNotFarAhead(ctx, months);
  const fresh = await recordPaid(ctx.db, { memberId: found.member.id, unitId, months, source: 'command', by: ctx.member.id, now: ctx.now() });
  await ctx.audit('dues.paid', `M${found.member.id} ${months.join(',')}`);
  ctx.reply(ctx.t('dues.paid.done', { who: await personLabel(ctx, found.member), months: months.join('、'), fresh, already: months.length - fresh }));
}

/** The CSV of an import: typed under the command, or the attached file (decoded by the adapter). */
function importText(ctx: Context, a: Extract<DuesArgs, { kind: 'import' }>): string {
  if (a.csv) return a.csv;
  const content = ctx.incoming.content;
  const doc = content.type === 'text' ? content.attachments?.find((x) => x.kind === 'file') : undefined;
  if (doc?.text !== undefined) return doc.text;
  if (doc) throw new UserError('dues.import.unreadable', { file: doc.name ?? '' });
  throw new UsageError('dues.import.needFile');
}

/** `/dues import [月份]` with a CSV: records each row, reports refused rows by line. */
async function importPayments(ctx: Context, a: Extract<DuesArgs, { kind: 'import' }>): Promise<void> {
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

/** The member a CSV row names (`M12` or a unique name of the unit), or null. */
async function memberOfRow(ctx: Context, who: string, unitId: number): Promise<MemberInfo | null> {
  try {
    return (await resolvePerson(ctx, /^[Mm]\d+$/.test(who) ? who : `@${who}`, unitId)).member;
  } catch (err) {
    if (err instanceof UserError) return null;
    throw err;
  }
}

/** The /dues command and its sub-commands. */
export const duesCommand: CommandSpec = command({
  name: 'dues',
  aliases: ['党费'],
  minRole: PARTY_MEMBER,
  summaryKey: 'dues.summary',
  usageKey: 'dues.usage',
  args: duesArgs,
  subcommands: [
    { name: 'paid', minRole: 'secretary', summaryKey: 'dues.paid.summary', usageKey: 'dues.paid.usage', refusalKey: 'dues.error.notManager' },
    { name: 'import', minRole: 'secretary', summaryKey: 'dues.import.summary', usageKey: 'dues.import.usage', refusalKey: 'dues.error.notManager' },
  ],
  subcommandOf: duesSubcommand,
  handler: async (ctx, a) => {
    if (a.kind === 'mine') return showMine(ctx);
    if (a.kind === 'paid') return recordForMember(ctx, a);
    return importPayments(ctx, a);
  },
});
