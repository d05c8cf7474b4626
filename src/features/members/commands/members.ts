/**
 * `/members [单位]` (成员): lists a unit's people with the `M<n>` ids every command that names
 * someone accepts, exempt members marked 免. A manager's read of the list is audited.
 */
import { command, UserError, type Context } from '../../../bot/feature.ts';
import { hasRole, managesUnitIn } from '../../../bot/policy.ts';
import { findUnitByName, membersOfUnit, unitName } from '../../../bot/roster.ts';
import { exemptIds } from '../../care/api.ts';
import { membersArgs } from '../args.ts';

/** The unit a /members asks for: the named one (only one the speaker manages, per the policy), else this chat's. */
async function unitAsked(ctx: Context, name: string): Promise<{ id: number; name: string }> {
  if (name) {
    const unit = await findUnitByName(ctx.db, name);
    if (!unit) throw new UserError('members.list.noSuchUnit', { unit: name });
    if (!(await managesUnitIn(ctx.db, ctx.member, unit.id))) throw new UserError('members.list.otherUnit', { unit: unit.name });
    return unit;
  }
  const unitId = hasRole(ctx.member, 'admin') ? ctx.unitId : ctx.member.unitId;
  if (unitId === null) throw new UserError('members.list.noUnit');
  return { id: unitId, name: (await unitName(ctx.db, unitId)) ?? '' };
}

async function listMembers(ctx: Context, { unit: name }: { unit: string }): Promise<void> {
  const unit = await unitAsked(ctx, name);
  const people = await membersOfUnit(ctx.db, unit.id);
  await ctx.audit('members.list', `unit ${unit.id} (${people.length})`);
  const lines = [ctx.t('members.list.header', { unit: unit.name, count: people.length })];
  const exempt = await exemptIds(ctx.db, unit.id, ctx.now(), ctx.timeZone);
  for (const m of people) {
    const role = ctx.t(`core.role.${m.role}`) + (exempt.has(m.id) ? ctx.t('care.list.mark') : '');
    lines.push(ctx.t('members.list.line', { id: m.id, name: m.name, role }));
  }
  if (people.length === 0) lines.push(ctx.t('members.list.empty'));
  else lines.push(ctx.t('members.list.footer'));
  ctx.reply(lines.join('\n'));
}

/** The /members command. */
export const membersCommand = command({
  name: 'members',
  aliases: ['成员'],
  minRole: 'secretary',
  summaryKey: 'members.list.summary',
  usageKey: 'members.list.usage',
  args: membersArgs,
  handler: listMembers,
});
