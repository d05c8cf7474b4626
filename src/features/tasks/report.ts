/**
 * The tasks slice's part of `/report`: for the unit (or, for the township, every unit) the
 * assignments due in the period, how many were done on time, and how many are overdue; the
 * township's report also offers the coming Monday's agenda as a table (`/export 议程`).
 */
import type { Context, ReportScope, ReportSection, Tx } from '../../bot/feature.ts';
import { addDays, localDateKey } from '../../bot/time.ts';
import { mondayAgenda } from './agenda.ts';
import { standingOn } from './rules.ts';
import { findAssignments, type Assignment } from './store.ts';

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
  const agenda = await mondayAgenda(ctx.db, { t: ctx.t, locale: ctx.locale, timeZone: ctx.timeZone, now: ctx.now() }, nextMonday(today));
  return [{ ...section, export: { key: 'agenda', aliases: ['议程', '周一议程'], fileName: `agenda-${nextMonday(today)}`, rows: agenda.rows } }];
}

/**
 * For the annual evaluation: unit `unitId`'s share (0…1) of its assignments due in `year` (by
 * their deadline, up to `now`) that were done on time; null when none was due.
 */
export async function taskOnTimeRate(db: Tx, unitId: number, year: number, timeZone: string, now: Date): Promise<number | null> {
  const today = localDateKey(now, timeZone);
  const rows = (await findAssignments(db, { unitIds: [unitId] })).filter((a) => a.dueDate !== null && a.dueDate.startsWith(`${year}-`) && a.dueDate < today);
  const s = onTimeShare(rows, timeZone, today);
  return s.due ? s.onTime / s.due : null;
}
