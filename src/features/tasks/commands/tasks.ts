/**
 * `/tasks [单位|我的|逾期]` (任务列表): tasks with owners, deadlines and progress. Without an argument,
 * this chat's unit (the township sees every unit); `我的` the sender's own; `逾期` the overdue ones
 * the sender may see; a unit by name (admins, and that unit's 包村 cadre).
 */
import { hasRole, belongsTo, PARTY_MEMBER } from '../../../bot/policy.ts';
import { command, UserError, type Context } from '../../../bot/feature.ts';
import { findUnitByName, listUnits } from '../../../bot/roster.ts';
import { localDateKey } from '../../../bot/time.ts';
import { namesFor } from '../agenda.ts';
import { tasksArgs, type TasksFilter } from '../args.ts';
import { assignmentLine } from '../render.ts';
import { cadreOfUnit, dutiesOf, findAssignments } from '../store.ts';

/** Most lines in one list (a phone screen or two). */
const LIST_LIMIT = 30;

/** The units whose tasks this sender sees: all for an admin; else their unit and the units they answer for. */
async function visibleUnits(ctx: Context): Promise<number[] | undefined> {
  if (hasRole(ctx.member, 'admin')) return undefined;
  const duties = await dutiesOf(ctx.db, ctx.member.id);
  return [...new Set([...[ctx.member.unitId].filter((u): u is number => u !== null), ...duties.units])];
}

async function unitsFor(ctx: Context, f: TasksFilter): Promise<number[] | undefined> {
  if (f.kind === 'unit') {
    const unit = await findUnitByName(ctx.db, f.name);
    if (!unit) throw new UserError('tasks.error.noUnit', { unit: f.name });
    const mayAll = hasRole(ctx.member, 'admin') || belongsTo(ctx.member, unit.id) || (await cadreOfUnit(ctx.db, unit.id)) === ctx.member.id;
    if (!mayAll) throw new UserError('tasks.tasks.otherUnit', { unit: unit.name });
    return [unit.id];
  }
  const visible = await visibleUnits(ctx);
  if (f.kind !== 'here') return visible;
  const township = (await listUnits(ctx.db)).find((u) => u.id === ctx.unitId && u.kind === 'township');
  if (township && hasRole(ctx.member, 'admin')) return undefined;
  if (ctx.unitId === null) throw new UserError('tasks.error.notBound');
  return visible && !visible.includes(ctx.unitId) ? visible : [ctx.unitId];
}

async function handle(ctx: Context, f: TasksFilter): Promise<void> {
  const today = localDateKey(ctx.now(), ctx.timeZone);
  const unitIds = f.kind === 'mine' ? undefined : await unitsFor(ctx, f);
  let rows = await findAssignments(ctx.db, { ...(unitIds ? { unitIds } : {}), ...(f.kind === 'mine' ? { ownerId: ctx.member.id } : {}) });
  if (f.kind === 'overdue') rows = rows.filter((a) => a.status === 'open' && a.dueDate !== null && a.dueDate < today);
  if (rows.length === 0) return ctx.reply(ctx.t(f.kind === 'overdue' ? 'tasks.tasks.noneOverdue' : 'tasks.tasks.none'));
  const names = await namesFor(ctx.db, rows.map((a) => a.ownerId));
  const shown = rows.slice(0, LIST_LIMIT);
  const lines = [ctx.t('tasks.tasks.header', { count: rows.length }), ...shown.map((a) => assignmentLine(ctx, names, a))];
  if (rows.length > shown.length) lines.push(ctx.t('tasks.tasks.more', { shown: shown.length }));
  ctx.reply(lines.join('\n'));
}

/** The /tasks command. */
export const tasksCommand = command({
  name: 'tasks',
  aliases: ['任务列表'],
  minRole: PARTY_MEMBER,
  summaryKey: 'tasks.tasks.summary',
  usageKey: 'tasks.tasks.usage',
  args: tasksArgs,
  handler: handle,
});
