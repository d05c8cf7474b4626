/**
 * The Monday agenda (周一干部会议程): tasks done in the week before the meeting, overdue tasks with
 * their owners, villages without a weekly report for that week, and suggestions waiting (问需于民).
 * Posted with the all-cadre meeting's first message in the township chat, and exportable.
 */
import type { BaseContext } from '../../bot/context.ts';
import type { Tx } from '../../bot/feature.ts';
import { listUnits, membersByIds } from '../../bot/roster.ts';
import { addDays, localDateKey, type IsoDate } from '../../bot/time.ts';
import { openSuggestionsByUnit } from '../suggestions/api.ts';
import { agendaRows, agendaText, type AgendaData, type RowNames } from './render.ts';
import { findAssignments, unitsWithWeeklyReport } from './store.ts';

/** Gathers the agenda of the meeting held on `meetingDay` (a local date). */
export async function agendaData(db: Tx, meetingDay: IsoDate, timeZone: string): Promise<AgendaData> {
  const weekStart = addDays(meetingDay, -7);
  const all = await findAssignments(db, {});
  const doneThisWeek = all.filter((a) => a.doneAt && localDateKey(a.doneAt, timeZone) >= weekStart && localDateKey(a.doneAt, timeZone) < meetingDay);
  const overdue = all.filter((a) => a.status === 'open' && a.dueDate !== null && a.dueDate < meetingDay);
  const units = (await listUnits(db)).sort((a, b) => a.id - b.id);
  const reported = await unitsWithWeeklyReport(db, weekStart);
  const withoutWeekly = units.filter((u) => u.kind === 'branch' && !reported.has(u.id)).map((u) => u.id);
  const open = await openSuggestionsByUnit(db);
  const openSuggestions = units.flatMap((u) => (open.get(u.id) ? [{ unitId: u.id, count: open.get(u.id)! }] : []));
  return { meetingDay, doneThisWeek, overdue, withoutWeekly, openSuggestions };
}

/** Names for rendering: every unit, and the members the rows mention (one query each). */
export async function namesFor(db: Tx, memberIds: readonly number[]): Promise<RowNames> {
  const units = new Map((await listUnits(db)).map((u) => [u.id, u.name]));
  const members = await membersByIds(db, memberIds);
  return { unitName: (id) => units.get(id) ?? '?', memberName: (id) => members.get(id)?.name ?? '?' };
}

/** The agenda text of the meeting held on `meetingDay`. */
export async function mondayAgenda(ctx: Pick<BaseContext, 'db' | 't' | 'locale' | 'timeZone' | 'now'>, meetingDay: IsoDate): Promise<{ text: string; rows: string[][] }> {
  const data = await agendaData(ctx.db, meetingDay, ctx.timeZone);
  const names = await namesFor(ctx.db, [...data.doneThisWeek, ...data.overdue].map((a) => a.ownerId));
  return { text: agendaText(ctx, names, data), rows: agendaRows(ctx, names, data) };
}
