/** The records section of /report: the ledger's completeness (held with minutes ÷ required so far). */
import type { Context, ReportScope, ReportSection } from '../../bot/feature.ts';
import type { MeetingKind } from '../meetings/api.ts';
import { currentYear, unitLedger } from './ledger.ts';

/** This feature's /report section (none while nothing is required yet). */
export async function recordsReport(ctx: Context, scope: ReportScope, kinds: readonly MeetingKind[]): Promise<ReportSection[]> {
  const l = await unitLedger(ctx.db, scope.unitId, currentYear(scope.from, ctx.timeZone), kinds, ctx.timeZone, scope.to);
  if (l.completeness === null) return [];
  return [
    {
      title: ctx.t('records.report.title'),
      lines: [ctx.t('records.report.line', { held: l.held, required: l.required, rate: `${Math.round(l.completeness * 100)}%` })],
    },
  ];
}
