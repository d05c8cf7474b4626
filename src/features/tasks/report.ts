/**
 * The tasks slice's part of `/report`: for the unit (or, for the township, every unit) the
 * assignments due in the period, how many were done on time, and how many are overdue; the
 * township's report also offers the coming Monday's agenda as a table (`/export 议程`).
 */
import type { Context, ReportScope, ReportSection } from '../../bot/feature.ts';
import { addDays, localDateKey } from '../../bot/time.ts';
import { mondayAgenda } from './agenda.ts';
import { standingOn } from './rules.ts';
import { findAssignments, type Assignment } from './store.ts';
import type { EvaluationPart } from '../evaluation/api.ts';

/** Share of assignments due in the period that were done by their deadline, or null when none was due. */
export function onTimeShare(rows: readonly Assignment[], timeZone: string, today: string): { due: number; onTime: number; overdue: number } {
  let onTime = 0;
  let overdue = 0;
  for (const a of rows) {
    const s = standingOn(a, today, a.doneAt ? localDateKey(a.doneAt, timeZone) : null);
    if (s.kind === 'done' && s.onTime) onTime++;
    if (s.kind === 'overdue') overdue++;
  }
  return { due: rows.length, onTime, overdue };
}

/** The coming Monday (today when it is Monday). */
function nextMonday(today: string): string {
  const [y, m, d] = today.split('-').map(Number) as [number, number, number];
  const weekday = new Date(Date.UTC(y, m - 1, d)).getUTCDay();
  return addDays(today, (8 - weekday) % 7);
}

/** The report section of the tasks slice. */
export async function tasksReport(ctx: Context, scope: ReportScope): Promise<ReportSection[]> {
  const from = localDateKey(scope.from, ctx.timeZone);
  const to = localDateKey(scope.to, ctx.timeZone);
  const today = localDateKey(ctx.now(), ctx.timeZone);
  const all = await findAssignments(ctx.db, scope.unitKind === 'township' ? {} : { unitIds: [scope.unitId] });
  const rows = all.filter((a) => a.dueDate !== null && a.dueDate >= from && a.dueDate < to);
  const s = onTimeShare(rows, ctx.timeZone, today);
  const lines = [s.due ? ctx.t('tasks.report.line', { due: s.due, onTime: s.onTime, percent: Math.round((100 * s.onTime) / s.due), overdue: s.overdue }) : ctx.t('tasks.report.none')];
  const section: ReportSection = { title: ctx.t('tasks.report.title'), lines };
  if (scope.unitKind !== 'township') return [section];
  const agenda = await mondayAgenda(ctx, nextMonday(today));
  return [{ ...section, export: { key: 'agenda', aliases: ['议程', '周一议程'], fileName: `agenda-${nextMonday(today)}`, rows: agenda.rows } }];
}

/**
 * The tasks part of the annual evaluation: each unit's share of its assignments due in the period
 * that were done by their deadline (units with nothing due left out).
 */
export const tasksPart: EvaluationPart = {
  key: 'tasks',
  labelKey: 'evaluation.part.tasks',
  async scores(db, unitIds, period) {
    const from = localDateKey(period.from, period.timeZone);
    const to = localDateKey(period.to, period.timeZone);
    const today = localDateKey(period.to, period.timeZone);
    const rows = (await findAssignments(db, { unitIds: [...unitIds] })).filter((a) => a.dueDate !== null && a.dueDate >= from && a.dueDate < to);
    const out = new Map<number, number>();
    for (const id of unitIds) {
      const s = onTimeShare(rows.filter((a) => a.unitId === id), period.timeZone, today);
      if (s.due) out.set(id, (100 * s.onTime) / s.due);
    }
    return out;
  },
};
