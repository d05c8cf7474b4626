/**
 * How tasks read in chat: one line per assignment (`#3 秸秆禁烧巡查 · 东村 · 李四 · 60% · 截止12月31日
 * · 逾期2天`), the chain of a person or a unit, and the Monday agenda.
 */
import type { BaseContext } from '../../bot/context.ts';
import { formatLocalDate, localDateKey, localMidnight, type IsoDate } from '../../bot/time.ts';
import { standingOn } from './rules.ts';
import type { Assignment } from './store.ts';

/** What rendering uses of the context: the translator, the language, the time zone and the clock. */
type RenderContext = Pick<BaseContext, 't' | 'locale' | 'timeZone' | 'now'>;

/** Names of the units and members the rows mention (read once by `namesFor`, agenda.ts). */
export interface RowNames {
  readonly unitName: (id: number) => string;
  readonly memberName: (id: number) => string;
}

/** A local date as people read it (`12月31日`). */
export function dayLabel(env: Pick<BaseContext, 'locale' | 'timeZone'>, day: IsoDate): string {
  return formatLocalDate(localMidnight(day, env.timeZone), env.timeZone, env.locale);
}

/** The standing part of a line: 已完成 / 逾期N天 / 还剩N天 / nothing. */
function standingText(env: RenderContext, a: Assignment): string {
  const s = standingOn(a, localDateKey(env.now(), env.timeZone), a.doneAt ? localDateKey(a.doneAt, env.timeZone) : null);
  if (s.kind === 'done') return env.t(s.onTime ? 'tasks.standing.done' : 'tasks.standing.doneLate');
  if (s.kind === 'overdue') return env.t('tasks.standing.overdue', { days: s.days });
  return s.daysLeft === null ? '' : env.t('tasks.standing.left', { days: s.daysLeft });
}

/** One assignment on one line. */
export function assignmentLine(env: RenderContext, names: RowNames, a: Assignment): string {
  const parts = [`#${a.taskId} ${a.title}`, names.unitName(a.unitId), names.memberName(a.ownerId), `${a.percent}%`];
  if (a.dueDate) parts.push(env.t('tasks.line.due', { date: dayLabel(env, a.dueDate) }));
  const standing = standingText(env, a);
  if (standing) parts.push(standing);
  return parts.join(' · ');
}

/** The Monday agenda's data, gathered by `agenda.ts`. */
export interface AgendaData {
  readonly meetingDay: IsoDate;
  readonly doneThisWeek: readonly Assignment[];
  readonly overdue: readonly Assignment[];
  readonly withoutWeekly: readonly number[];
  readonly openSuggestions: readonly { unitId: number; count: number }[];
}

/** The agenda as one message, in sections; empty sections say so in one line. */
export function agendaText(env: RenderContext, names: RowNames, d: AgendaData): string {
  const t = env.t;
  const list = (rows: readonly string[]) => (rows.length ? rows.map((r) => `· ${r}`) : [t('tasks.agenda.none')]);
  return [
    t('tasks.agenda.title', { date: dayLabel(env, d.meetingDay) }),
    t('tasks.agenda.done', { count: d.doneThisWeek.length }),
    ...list(d.doneThisWeek.map((a) => assignmentLine(env, names, a))),
    t('tasks.agenda.overdue', { count: d.overdue.length }),
    ...list(d.overdue.map((a) => assignmentLine(env, names, a))),
    t('tasks.agenda.noWeekly', { count: d.withoutWeekly.length }),
    ...list(d.withoutWeekly.length ? [d.withoutWeekly.map(names.unitName).join('、')] : []),
    t('tasks.agenda.suggestions', { count: d.openSuggestions.reduce((n, s) => n + s.count, 0) }),
    ...list(d.openSuggestions.map((s) => t('tasks.agenda.suggestionLine', { unit: names.unitName(s.unitId), count: s.count }))),
  ].join('\n');
}

/** The agenda as a table for `/export 议程` (header first). */
export function agendaRows(env: RenderContext, names: RowNames, d: AgendaData): string[][] {
  const rows: string[][] = [[env.t('tasks.agenda.col.section'), env.t('tasks.agenda.col.item')]];
  for (const a of d.doneThisWeek) rows.push([env.t('tasks.agenda.col.done'), assignmentLine(env, names, a)]);
  for (const a of d.overdue) rows.push([env.t('tasks.agenda.col.overdue'), assignmentLine(env, names, a)]);
  for (const u of d.withoutWeekly) rows.push([env.t('tasks.agenda.col.noWeekly'), names.unitName(u)]);
  for (const s of d.openSuggestions) rows.push([env.t('tasks.agenda.col.suggestions'), `${names.unitName(s.unitId)} ${s.count}`]);
  return rows;
}
