/**
 * /report and /export: shared commands that several features contribute to. Each feature that
 * has something to report implements `Feature.reportSections` (text lines, optionally a CSV) and,
 * for items shown as `#N`, `Feature.exportById`; this slice owns neither data nor tables, it only
 * asks every feature in registration order and puts the answers together.
 *
 * Forms: `/report [单位] [年份]` — every section's text for a unit (a township includes its
 * branches), this year by default. `/export [#N]` — the CSV of item N (a poll); `/export [部分]
 * [单位] [年份]` — the CSV of one section (e.g. `/export 承诺`), or of every section with a CSV.
 * Secretaries report on their own unit; admins on any.
 */
import { z } from 'zod';
import { argInput } from '../../bot/args.ts';
import { command, UserError, type Context, type Feature, type ReportScope, type ReportSection, type SectionExport } from '../../bot/feature.ts';
import type { CommandRegistry } from '../../bot/registry.ts';
import path from 'node:path';
import { CSV_RENDERER, csvFile, renderCsvFile } from './csv.ts';
import { EXPORT_CLEANUP_JOB, removeOldExports } from './cleanup.ts';
import type { Logger } from '../../logger.ts';
import { findUnitByName, listUnits } from '../../bot/roster.ts';
import { localParts, startOfYear } from '../../bot/time.ts';
import { managesUnitIn } from '../../bot/policy.ts';

/** Arguments after /report or /export: an optional `#N`, an optional year, the other words. */
const reportArgs = argInput.transform((a, ctx) => {
  let year: number | undefined;
  let id: number | undefined;
  const words: string[] = [];
  for (const token of a.tokens) {
    const y = /^(\d{4})年?(?:度)?$/.exec(token);
    // `#N` or `N` (the spec takes both); four digits are a year (`2025`, `2025年`).
    const n = /^#?(\d{1,9})$/.exec(token);
    if (y && year === undefined) year = Number(y[1]);
    else if (n && id === undefined && words.length === 0) id = Number(n[1]);
    else words.push(token);
  }
  const rest = words.join(' ');
  if ([...rest].length > 60 || (year !== undefined && (year < 2000 || year > 2100)) || (id !== undefined && id < 1)) {
    ctx.addIssue({ code: 'custom', message: 'bad report arguments' });
    return z.NEVER;
  }
  return { id, year, words };
});

/** Resolves the unit a report is about and checks the speaker may see it. */
async function scopeFor(ctx: Context, unitWords: string, year: number | undefined): Promise<ReportScope> {
  let unit: { id: number; name: string; kind: string } | null | undefined;
  if (unitWords) {
    unit = await findUnitByName(ctx.db, unitWords);
    if (!unit) throw new UserError('report.error.unitNotFound', { name: unitWords });
  } else {
    if (ctx.unitId === null) throw new UserError('report.error.noUnit');
    unit = (await listUnits(ctx.db)).find((u) => u.id === ctx.unitId);
    if (!unit) throw new UserError('report.error.noUnit');
  }
  if (!(await managesUnitIn(ctx.db, ctx.member, unit.id))) throw new UserError('report.error.otherUnit', { name: unit.name });
  const now = ctx.now();
  const y = year ?? localParts(now, ctx.timeZone).year;
  const end = startOfYear(y + 1, ctx.timeZone);
  return { unitId: unit.id, unitName: unit.name, unitKind: unit.kind, from: startOfYear(y, ctx.timeZone), to: end < now ? end : now };
}

/** Every feature's sections, in feature order. */
async function collect(ctx: Context, registry: CommandRegistry, scope: ReportScope): Promise<ReportSection[]> {
  const out: ReportSection[] = [];
  for (const f of registry.features) if (f.reportSections) out.push(...(await f.reportSections(ctx, scope)));
  return out;
}

export { csvFile } from './csv.ts';

/**
 * Builds the /report and /export commands (`registry` is read lazily: it lists every feature),
 * and, with `dataDir`, the daily removal of exported files older than 30 days.
 */
export function reportFeature(registry: () => CommandRegistry, options: { dataDir?: string; logger?: Logger } = {}): Feature {
  return {
    name: 'report',
    commands: [
      command({
        name: 'report',
        aliases: ['报告'],
        minRole: 'secretary',
        summaryKey: 'report.report.summary',
        usageKey: 'report.report.usage',
        args: reportArgs,
        handler: async (ctx, { id, year, words }) => {
          if (id !== undefined) words.unshift(`#${id}`);
          const scope = await scopeFor(ctx, words.join(' '), year);
          const sections = (await collect(ctx, registry(), scope)).filter((s) => s.lines.length > 0);
          const shownYear = localParts(scope.from, ctx.timeZone).year;
          if (sections.length === 0) throw new UserError('report.error.empty', { unit: scope.unitName, year: shownYear });
          const text = [ctx.t('report.report.header', { unit: scope.unitName, year: shownYear })];
          for (const s of sections) text.push('', ctx.t('report.report.sectionTitle', { title: s.title }), ...s.lines);
          await ctx.audit('report.read', `unit ${scope.unitId} ${shownYear} (${sections.length} sections)`);
          ctx.reply(text.join('\n'));
        },
      }),
      command({
        name: 'export',
        aliases: ['导出'],
        minRole: 'secretary',
        summaryKey: 'report.export.summary',
        usageKey: 'report.export.usage',
        args: reportArgs,
        handler: async (ctx, { id, year, words }) => {
          if (id !== undefined) {
            for (const f of registry().features) {
              const table = f.exportById ? await f.exportById(ctx, id) : null;
              if (table) return ctx.reply(csvFile(table, ctx.t('report.export.caption', { name: table.fileName })));
            }
            throw new UserError('report.error.idNotFound', { id });
          }
          // `/export 承诺 一村` names a section then a unit; `/export 一村` only a unit.
          const whole = words.join(' ');
          const wholeIsUnit = whole !== '' && (await findUnitByName(ctx.db, whole)) !== null;
          const sectionWord = wholeIsUnit ? undefined : words[0];
          const scope = await scopeFor(ctx, wholeIsUnit ? whole : words.slice(1).join(' '), year);
          const tables = (await collect(ctx, registry(), scope)).flatMap((s): { title: string; table: SectionExport }[] => (s.export ? [{ title: s.title, table: s.export }] : []));
          const word = sectionWord?.toLowerCase();
          const chosen = word ? tables.filter(({ table }) => table.key === word || table.aliases.some((a) => a.toLowerCase() === word)) : tables;
          if (chosen.length === 0) {
            if (word) throw new UserError('report.error.unknownSection', { word: sectionWord!, sections: tables.map(({ table }) => table.aliases[0] ?? table.key).join('、') || '—' });
            throw new UserError('report.error.empty', { unit: scope.unitName, year: localParts(scope.from, ctx.timeZone).year });
          }
          const keys = chosen.map(({ table }) => table.key).join(',');
          await ctx.audit('report.export', `unit ${scope.unitId} ${localParts(scope.from, ctx.timeZone).year} ${keys}`);
          for (const { title, table } of chosen) ctx.reply(csvFile(table, ctx.t('report.export.caption', { name: title })));
        },
      }),
    ],
    renderers: { [CSV_RENDERER]: renderCsvFile },
    jobs: (scheduler) => {
      const { dataDir } = options;
      if (!dataDir) return;
      scheduler.cron(
        EXPORT_CLEANUP_JOB,
        '20 4 * * *',
        async (job) => {
          const removed = await removeOldExports(path.join(dataDir, 'exports'), job.now());
          if (removed.length) options.logger?.info({ removed: removed.length }, 'old exported files removed');
        },
        { reportMissed: false },
      );
    },
  };
}
