/**
 * What /report and /export share: their arguments, the unit and period a report is about (after
 * checking the speaker may see it), and every feature's sections for it, in feature order.
 */
import { z } from 'zod';
import { argInput } from '../../bot/args.ts';
import { UserError, type Context, type ReportScope, type ReportSection } from '../../bot/feature.ts';
import type { CommandRegistry } from '../../bot/registry.ts';
import { findUnitByName, listUnits } from '../../bot/roster.ts';
import { localParts } from '../../bot/time.ts';
import { managesUnitIn } from '../../bot/policy.ts';
import { readReportRequest, reportPeriod } from './rules.ts';

/** Arguments after /report or /export: an optional `#N`, an optional year, the other words. */
export const reportArgs = argInput.transform((a, ctx) => {
  const request = readReportRequest(a.tokens);
  if (request) return request;
  ctx.addIssue({ code: 'custom', message: 'bad report arguments' });
  return z.NEVER;
});

/** Resolves the unit a report is about and checks the speaker may see it. */
export async function scopeFor(ctx: Context, unitWords: string, year: number | undefined): Promise<ReportScope> {
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
  const period = reportPeriod(year ?? localParts(now, ctx.timeZone).year, now, ctx.timeZone);
  return { unitId: unit.id, unitName: unit.name, unitKind: unit.kind, ...period };
}

/** Every feature's sections, in feature order. */
export async function collect(ctx: Context, registry: CommandRegistry, scope: ReportScope): Promise<ReportSection[]> {
  const out: ReportSection[] = [];
  for (const f of registry.features) if (f.reportSections) out.push(...(await f.reportSections(ctx, scope)));
  return out;
}
