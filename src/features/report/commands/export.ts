/**
 * `/export #N`: the CSV of item N (a poll: `Feature.exportById`); `/export [部分] [单位] [年份]`:
 * the CSV of one report section (e.g. `/export 承诺`), or of every section with a CSV.
 */
import { command, UserError, type Context, type SectionExport } from '../../../bot/feature.ts';
import type { CommandRegistry } from '../../../bot/registry.ts';
import { findUnitByName } from '../../../bot/roster.ts';
import { localParts } from '../../../bot/time.ts';
import { csvFile } from '../csv.ts';
import { pickTables, type ReportRequest } from '../rules.ts';
import { collect, reportArgs, scopeFor } from '../scope.ts';

/** `/export #N`: the first feature that knows item N gives its table. */
async function exportItem(ctx: Context, registry: CommandRegistry, id: number): Promise<void> {
  for (const f of registry.features) {
    const table = f.exportById ? await f.exportById(ctx, id) : null;
    if (table) return ctx.reply(csvFile(table, ctx.t('report.export.caption', { name: table.fileName })));
  }
  throw new UserError('report.error.idNotFound', { id });
}

/** `/export [部分] [单位] [年份]`: the tables of the sections named (all without a word). */
async function exportSections(ctx: Context, registry: CommandRegistry, { year, words }: ReportRequest): Promise<void> {
  // `/export 承诺 一村` names a section then a unit; `/export 一村` only a unit.
  const whole = words.join(' ');
  const wholeIsUnit = whole !== '' && (await findUnitByName(ctx.db, whole)) !== null;
  const sectionWord = wholeIsUnit ? undefined : words[0];
  const scope = await scopeFor(ctx, wholeIsUnit ? whole : words.slice(1).join(' '), year);
  const tables = (await collect(ctx, registry, scope)).flatMap((s): { title: string; table: SectionExport }[] => (s.export ? [{ title: s.title, table: s.export }] : []));
  const chosen = pickTables(tables, sectionWord);
  if (chosen.length === 0) {
    if (sectionWord) throw new UserError('report.error.unknownSection', { word: sectionWord, sections: tables.map(({ table }) => table.aliases[0] ?? table.key).join('、') || '—' });
    throw new UserError('report.error.empty', { unit: scope.unitName, year: localParts(scope.from, ctx.timeZone).year });
  }
  const keys = chosen.map(({ table }) => table.key).join(',');
  await ctx.audit('report.export', `unit ${scope.unitId} ${localParts(scope.from, ctx.timeZone).year} ${keys}`);
  for (const { title, table } of chosen) ctx.reply(csvFile(table, ctx.t('report.export.caption', { name: title })));
}

/** The /export command; `registry` is read lazily (it lists every feature). */
export function exportCommand(registry: () => CommandRegistry) {
  return command({
    name: 'export',
    aliases: ['导出'],
    minRole: 'secretary',
    summaryKey: 'report.export.summary',
    usageKey: 'report.export.usage',
    args: reportArgs,
    handler: async (ctx, request) => (request.id !== undefined ? exportItem(ctx, registry(), request.id) : exportSections(ctx, registry(), request)),
  });
}
