/** /setrole: a secretary or admin changes the role of a member of a unit they manage. */
import { z } from 'zod';
import { argInput } from '../../../bot/args.ts';
import { command, UserError, type Context } from '../../../bot/feature.ts';
import type { Role } from '../../../bot/types.ts';
import { hasRole, managesUnitIn } from '../../../bot/policy.ts';
import { setMemberRole } from '../../../bot/roster.ts';
import { personLabel, targetPerson, type ResolvedPerson } from '../../../bot/people.ts';

/** Role words accepted by /setrole, in both languages. */
const ROLE_WORDS: Record<string, Exclude<Role, 'admin'>> = {
  secretary: 'secretary',
  书记: 'secretary',
  支部书记: 'secretary',
  member: 'member',
  党员: 'member',
  正式党员: 'member',
  probationary: 'probationary',
  预备党员: 'probationary',
  masses: 'masses',
  群众: 'masses',
};

const setroleArgs = argInput.transform((a, ctx) => {
  const tokens = [...a.tokens];
  const roleWord = tokens.pop()?.toLowerCase() ?? '';
  const role = ROLE_WORDS[roleWord];
  if (!role) {
    ctx.addIssue({ code: 'custom', message: 'role must be secretary, member, probationary or masses' });
    return z.NEVER;
  }
  const target = tokens.join(' ').trim();
  if (target.length > 64) {
    ctx.addIssue({ code: 'custom', message: 'name too long' });
    return z.NEVER;
  }
  return { role, target };
});

/**
 * Whom a /setrole names: looked up in the speaker's own unit first (admins: everywhere); when nobody
 * there, in every unit, so a secretary hears "not in your unit" rather than "not found".
 */
async function setroleTarget(ctx: Context, target: string): Promise<ResolvedPerson | null> {
  const everywhere = hasRole(ctx.member, 'admin');
  try {
    return await targetPerson(ctx, target || undefined, everywhere ? null : ctx.member.unitId);
  } catch (err) {
    if (everywhere || !(err instanceof UserError) || err.key !== 'core.people.noPerson') throw err;
    return targetPerson(ctx, target || undefined, null);
  }
}

/** /setrole: changes the role of a member of a unit the speaker manages (never an admin's). */
async function setroleHandler(ctx: Context, { role, target }: { role: Exclude<Role, 'admin'>; target: string }): Promise<void> {
  const found = await setroleTarget(ctx, target);
  if (!found) throw new UserError('core.setrole.notFound', { name: target || '?' });
  const person = found.member;
  if (hasRole(person, 'admin')) throw new UserError('core.setrole.isAdmin', { name: person.name });
  if (!(await managesUnitIn(ctx.db, ctx.member, person.unitId))) throw new UserError('core.setrole.otherUnit', { name: person.name });
  const updated = await setMemberRole(ctx.db, person.id, role);
  await ctx.audit('setrole', `member ${person.id} ${person.role} -> ${role}`);
  ctx.reply(ctx.t('core.setrole.done', { who: await personLabel(ctx, updated), role: ctx.t(`core.role.${role}`) }));
}

/** The /setrole command. */
export const setroleCommand = command({
  name: 'setrole',
  aliases: ['设角色'],
  minRole: 'secretary',
  summaryKey: 'core.setrole.summary',
  usageKey: 'core.setrole.usage',
  args: setroleArgs,
  handler: setroleHandler,
});
