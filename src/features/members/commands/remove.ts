/**
 * `/remove @某人 [理由]` (移除): a manager removes a member from the roster (deactivated: history
 * kept, later messages a stranger's). Names the person by id, mention or reply, shows who in the
 * reply, and writes an audit row with the reason.
 */
import { command, UserError, type Context } from '../../../bot/feature.ts';
import { personLabel } from '../../../bot/people.ts';
import { mayRemoveMember, unitTree } from '../../../bot/policy.ts';
import { removeMember } from '../../../bot/roster.ts';
import { removeArgs } from '../args.ts';
import { namedPerson } from '../person.ts';

async function remove(ctx: Context, { who, reason }: { who: string; reason: string }): Promise<void> {
  const person = (await namedPerson(ctx, who)).member;
  if (!mayRemoveMember(ctx.member, person, await unitTree(ctx.db))) throw new UserError('members.remove.forbidden', { who: person.name });
  const label = await personLabel(ctx, person);
  await removeMember(ctx.db, person.id, ctx.now());
  await ctx.audit('member.remove', `member ${person.id} unit ${person.unitId ?? '-'}${reason ? `: ${reason}` : ''}`);
  ctx.reply(ctx.t('members.remove.done', { who: label }));
}

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
