/**
 * The attendance section of /report: recorded attendance of the unit's meetings in the period
 * (a township: its own line, then each branch's), or one line saying nothing was recorded.
 */
import type { Context, ReportScope, ReportSection } from '../../bot/feature.ts';
import { listUnits } from '../../bot/roster.ts';
import { countsText } from './render.ts';
import { attendanceRate } from './store.ts';

/** This feature's /report section. */
export async function attendanceSection(ctx: Context, scope: ReportScope): Promise<ReportSection[]> {
  const units = await listUnits(ctx.db);
  const shown = [{ id: scope.unitId, name: scope.unitName }, ...(scope.unitKind === 'township' ? units.filter((u) => u.parentId === scope.unitId) : [])];
  const lines: string[] = [];
  for (const u of shown) {
    const a = await attendanceRate(ctx.db, u.id, scope.from, scope.to);
    if (a.rate !== null) lines.push(ctx.t('meetings.report.line', { unit: u.name, meetings: a.meetings, figures: countsText(ctx.t, a) }));
  }
  if (lines.length === 0) lines.push(ctx.t('meetings.report.none'));
  return [{ title: ctx.t('meetings.report.title'), lines }];
}
