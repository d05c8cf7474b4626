/**
 * Naming people and units in task commands: a person is `M<n>` (the member id `/members` shows),
 * the person whose message this one replies to, or `@名字` when exactly one member in scope has that
 * name (the reply then shows who was chosen, with the id). Units are named exactly (or 全镇).
 */
import { UserError, type Context } from '../../bot/feature.ts';
import { findMembersByName, getMember, memberByIdentity } from '../../bot/roster.ts';
import type { MemberInfo } from '../../bot/feature.ts';

/** A token that names a person: `M12`, `m12`, `@李四`. */
export function isPersonToken(token: string): boolean {
  return /^[Mm]\d{1,9}$/.test(token) || /^@\S+$/.test(token);
}

/** The member a token names, refusing ambiguity; `unitId` limits a name look-up (null: every unit). */
export async function resolvePerson(ctx: Context, token: string, unitId: number | null): Promise<MemberInfo> {
  const byId = /^[Mm](\d{1,9})$/.exec(token);
  if (byId) {
    const m = await getMember(ctx.db, Number(byId[1]));
    if (!m) throw new UserError('tasks.error.noPerson', { who: token });
    return m;
  }
  const found = await findMembersByName(ctx.db, token.replace(/^@/, ''), unitId);
  if (found.length === 0) throw new UserError('tasks.error.noPerson', { who: token });
  if (found.length > 1) throw new UserError('tasks.error.ambiguous', { who: token, ids: found.map((m) => `M${m.id}`).join('、') });
  return found[0]!;
}

/** The person this message replies to, if any and known. */
export async function repliedPerson(ctx: Context): Promise<MemberInfo | null> {
  const c = ctx.incoming.content;
  if (c.type !== 'text' || !c.replyTo) return null;
  return memberByIdentity(ctx.db, c.replyTo.platform, c.replyTo.userId);
}

/** How a person is shown in confirmations: `李四（M12）`. */
export function personLabel(m: Pick<MemberInfo, 'id' | 'name'>): string {
  return `${m.name}（M${m.id}）`;
}
