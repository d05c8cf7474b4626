/**
 * `/move @某人 单位` and `/remove @某人 [理由]`: a manager moves a member to another unit (someone who
 * manages both, per the policy) or removes them from the roster (deactivated: history kept, later
 * messages a stranger's). Both name the person by id, mention or reply, show who in the reply,
 * and write an audit row.
 */
import { argInput } from '../../bot/args.ts';
import { command, UserError, type Context } from '../../bot/feature.ts';
import { personLabel, targetPerson, type ResolvedPerson } from '../../bot/people.ts';
import { belongsTo, mayMoveMember, mayRemoveMember, unitTree } from '../../bot/policy.ts';
import { findUnitByName, moveMember, removeMember } from '../../bot/roster.ts';

const PERSON = /^([Mm]\d{1,9}|[@＠]\S+)$/;

const moveArgs = argInput.transform((a) => {
  const tokens = [...a.tokens];
  const who = tokens[0] && PERSON.test(tokens[0]) ? tokens.shift()! : '';
  return { who, unit: tokens.join(' ').trim().slice(0, 60) };
}).refine((a) => a.unit.length > 0);

const removeArgs = argInput.transform((a) => {
  const tokens = [...a.tokens];
  const who = tokens[0] && PERSON.test(tokens[0]) ? tokens.shift()! : '';
  return { who, reason: tokens.join(' ').trim().slice(0, 200) };
});

/** The person a /move or /remove names (looked up in every unit: the policy then says whether the speaker manages theirs). */
async function named(ctx: Context, who: string): Promise<ResolvedPerson> {
  const found = await targetPerson(ctx, who || undefined, null);
  if (!found) throw new UserError('members.move.noPerson');
  return found;
}

async function move(ctx: Context, { who, unit: unitText }: { who: string; unit: string }): Promise<void> {
  const person = (await named(ctx, who)).member;
  const unit = await findUnitByName(ctx.db, unitText);
  if (!unit) throw new UserError('members.list.noSuchUnit', { unit: unitText });
  if (!mayMoveMember(ctx.member, person, unit.id, await unitTree(ctx.db))) throw new UserError('members.move.forbidden', { who: person.name, unit: unit.name });
  if (belongsTo(person, unit.id)) throw new UserError('members.move.already', { who: await personLabel(ctx, person) });
  const moved = await moveMember(ctx.db, person.id, unit.id);
  await ctx.audit('member.move', `member ${person.id} unit ${person.unitId ?? '-'} -> ${unit.id}`);
  ctx.reply(ctx.t('members.move.done', { who: await personLabel(ctx, moved) }));
}

async function remove(ctx: Context, { who, reason }: { who: string; reason: string }): Promise<void> {
  const person = (await named(ctx, who)).member;
  if (!mayRemoveMember(ctx.member, person, await unitTree(ctx.db))) throw new UserError('members.remove.forbidden', { who: person.name });
  const label = await personLabel(ctx, person);
  await removeMember(ctx.db, person.id, ctx.now());
  await ctx.audit('member.remove', `member ${person.id} unit ${person.unitId ?? '-'}${reason ? `: ${reason}` : ''}`);
  ctx.reply(ctx.t('members.remove.done', { who: label }));
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

/** The /remove command. */
export const removeCommand = command({
  name: 'remove',
  aliases: ['移除'],
  minRole: 'secretary',
  summaryKey: 'members.remove.summary',
  usageKey: 'members.remove.usage',
  args: removeArgs,
  handler: remove,
});
