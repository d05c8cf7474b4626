/**
 * `/task 内容 [@负责人] [单位…|全镇] [截止YYYY-MM-DD]` (任务): hands task #N down to units, each with
 * an owner (named, else the unit's 包村 cadre, else its secretary). Admins for any units; a
 * secretary for their own unit only. Announced in each unit's chats and privately to each owner.
 */
import { belongsTo, hasRole } from '../../../bot/policy.ts';
import { argInput } from '../../../bot/args.ts';
import { command, UserError, type Context, type MemberInfo } from '../../../bot/feature.ts';
import { chatsOfUnit, listUnits, membersByIds, membersOfUnit, privateChatsOf } from '../../../bot/roster.ts';
import { localDateKey, parseLocalDate } from '../../../bot/time.ts';
import { parseTask, type TaskArgs } from '../args.ts';
import { dayLabel } from '../render.ts';
import { resolvePerson, shortLabel as personLabel } from '../../../bot/people.ts';
import { cadreOfUnit, createTask } from '../store.ts';

type Unit = { id: number; name: string; kind: string; parentId: number | null };

/** The units a task goes to: named ones, every branch for 全镇, or the chat's unit. */
function targetUnits(ctx: Context, args: TaskArgs, units: readonly Unit[]): Unit[] {
  if (args.units.includes('全镇')) return units.filter((u) => u.kind === 'branch');
  if (args.units.length) return args.units.map((n) => units.find((u) => u.name === n)!);
  const here = units.find((u) => u.id === ctx.unitId);
  if (!here) throw new UserError('tasks.error.notBound');
  return [here];
}

async function defaultOwner(ctx: Context, unit: Unit): Promise<number> {
  const cadre = await cadreOfUnit(ctx.db, unit.id);
  if (cadre !== null) return cadre;
  const secretary = (await membersOfUnit(ctx.db, unit.id, ['secretary']))[0];
  if (!secretary) throw new UserError('tasks.task.noOwner', { unit: unit.name });
  return secretary.id;
}

function checkScope(ctx: Context, targets: readonly Unit[]): void {
  if (hasRole(ctx.member, 'admin')) return;
  if (targets.some((u) => !belongsTo(ctx.member, u.id))) throw new UserError('tasks.task.ownUnitOnly');
}

async function handle(ctx: Context, raw: { text: string; tokens: string[]; raw: string }): Promise<void> {
  const units = await listUnits(ctx.db);
  const args = parseTask(raw, (n) => units.some((u) => u.name === n));
  if (!args) throw new UserError('tasks.task.bad');
  const today = localDateKey(ctx.now(), ctx.timeZone);
  const dueDate = args.due === undefined ? null : parseLocalDate(args.due, ctx.now(), ctx.timeZone);
  if (args.due !== undefined && (dueDate === null || dueDate < today)) throw new UserError('tasks.task.badDate', { date: args.due });
  const targets = targetUnits(ctx, args, units);
  if (targets.length === 0) throw new UserError('tasks.task.noUnits');
  checkScope(ctx, targets);
  const named: MemberInfo | null = args.owner ? (await resolvePerson(ctx, args.owner, hasRole(ctx.member, 'admin') ? null : ctx.member.unitId)).member : null;
  const assignments = [];
  for (const u of targets) assignments.push({ unitId: u.id, ownerId: named?.id ?? (await defaultOwner(ctx, u)) });
  const fromUnitId = ctx.member.unitId ?? ctx.unitId ?? targets[0]!.id;
  const id = await createTask(ctx.db, { title: args.title, dueDate, createdById: ctx.member.id, fromUnitId, now: ctx.now(), assignments });
  await ctx.audit('tasks.create', `task ${id} to ${targets.map((u) => u.name).join(', ')}`);
  const due = dueDate ? ctx.t('tasks.line.due', { date: dayLabel(ctx, dueDate) }) : ctx.t('tasks.task.noDue');
  await announce(ctx, id, args.title, due, targets, assignments);
  ctx.reply(ctx.t('tasks.task.created', { id, title: args.title, units: targets.map((u) => u.name).join('、'), due }));
}

async function announce(ctx: Context, id: number, title: string, due: string, targets: readonly Unit[], assignments: readonly { unitId: number; ownerId: number }[]): Promise<void> {
  const owners = await membersByIds(ctx.db, assignments.map((a) => a.ownerId));
  for (const a of assignments) {
    const unit = targets.find((u) => u.id === a.unitId)!;
    const owner = owners.get(a.ownerId);
    const text = ctx.t('tasks.task.announce', { id, title, due, owner: owner ? personLabel(owner) : '?' });
    for (const chat of await chatsOfUnit(ctx.db, unit.id)) if (chat.chatId !== ctx.chat.ref.chatId || chat.platform !== ctx.chat.ref.platform) ctx.send(chat, text);
    const privates = (await privateChatsOf(ctx.db, a.ownerId)).filter((c) => ctx.capabilitiesOf(c.platform).privateMessages);
    if (privates[0] && a.ownerId !== ctx.member.id) ctx.send(privates[0], ctx.t('tasks.task.toOwner', { id, title, due, unit: unit.name }));
  }
}

/** The /task command. */
export const taskCommand = command({
  name: 'task',
  aliases: ['任务', '派任务'],
  minRole: 'secretary',
  summaryKey: 'tasks.task.summary',
  usageKey: 'tasks.task.usage',
  args: argInput.refine((a) => a.text.trim().length > 0),
  handler: handle,
});
