/**
 * `/move @某人 单位` (调动): a manager moves a member to another unit (someone who manages both, per
 * the policy). Names the person by id, mention or reply, shows who in the reply, and writes an
 * audit row.
 */
import { command, UserError, type Context } from '../../../bot/feature.ts';
import { personLabel } from '../../../bot/people.ts';
import { belongsTo, mayMoveMember, unitTree } from '../../../bot/policy.ts';
import { findUnitByName, moveMember } from '../../../bot/roster.ts';
import { moveArgs } from '../args.ts';
import { namedPerson } from '../person.ts';

async function move(ctx: Context, { who, unit: unitText }: { who: string; unit: string }): Promise<void> {
  const person = (await namedPerson(ctx, who)).member;
  const unit = await findUnitByName(ctx.db, unitText);
  if (!unit) throw new UserError('members.list.noSuchUnit', { unit: unitText });
  if (!mayMoveMember(ctx.member, person, unit.id, await unitTree(ctx.db))) throw new UserError('members.move.forbidden', { who: person.name, unit: unit.name });
  if (belongsTo(person, unit.id)) throw new UserError('members.move.already', { who: await personLabel(ctx, person) });
  const moved = await moveMember(ctx.db, person.id, unit.id);
  await ctx.audit('member.move', `member ${person.id} unit ${person.unitId ?? '-'} -> ${unit.id}`);
  ctx.reply(ctx.t('members.move.done', { who: await personLabel(ctx, moved) }));
}

/** The /move command. */
export const moveCommand = command({
  name: 'move',
  aliases: ['调动'],
  minRole: 'secretary',
  summaryKey: 'members.move.summary',
  usageKey: 'members.move.usage',
  args: moveArgs,
  handler: move,
});
