/**
 * Naming people in commands, the one way every feature does it. A person is named by their `M<n>`
 * id (the member id `/members` shows), by a platform mention (an `@username` resolved
 * through the usernames the roster stored, a text mention or an at-list entry by platform id), by
 * replying to their message, or by a bare display name only when exactly one person in scope has
 * it (the caller then shows who was chosen: name, `M<n>`, unit). A display name never stands in
 * for a mention, so copying someone's username as a first name picks nobody.
 */
import { UserError, type Context, type MemberInfo } from './feature.ts';
import { foldPersonName, impersonatesBot } from './names.ts';
import { activeMember, memberByIdentity, toMemberInfo, unitName } from './roster.ts';
import type { MentionedPerson } from './types.ts';

/** A person found for a command, and whether they were picked by display name (show who, then). */
export interface ResolvedPerson {
  readonly member: MemberInfo;
  readonly byName: boolean;
}

/** A token that names a person: `M12`, `m12`, `@李四`. */
export function isPersonToken(token: string): boolean {
  return /^[Mm]\d{1,9}$/.test(token) || /^[@＠]\S+$/.test(token);
}

function inScope(m: MemberInfo, unitId: number | null): boolean {
  return unitId === null || m.unitId === unitId;
}

function mentionFor(ctx: Context, token: string): MentionedPerson | undefined {
  const c = ctx.incoming.content;
  if (c.type !== 'text' || !c.mentions) return undefined;
  const folded = foldPersonName(token);
  return c.mentions.find((m) => foldPersonName(m.span) === folded);
}

async function memberOfMention(ctx: Context, mention: MentionedPerson): Promise<MemberInfo | null> {
  if ('actor' in mention) return memberByIdentity(ctx.db, mention.actor.platform, mention.actor.userId);
  const identity = await ctx.db.platformIdentity.findFirst({
    where: { platform: ctx.incoming.actor.platform, username: mention.username.toLowerCase(), member: { removedAt: null } },
    include: { member: true },
    orderBy: { updatedAt: 'desc' },
  });
  return identity ? toMemberInfo(identity.member) : null;
}

/** Members whose name, platform display name or stored username is exactly `name`, in scope. */
async function membersNamed(ctx: Context, name: string, unitId: number | null): Promise<MemberInfo[]> {
  const clean = name.replace(/^[@＠]/, '').trim();
  if (!clean || impersonatesBot(clean, ctx.botNames ?? [])) return [];
  const rows = await ctx.db.member.findMany({
    where: {
      removedAt: null,
      ...(unitId !== null ? { unitId } : {}),
      OR: [
        { name: clean },
        { identities: { some: { displayName: clean } } },
        { identities: { some: { username: clean.toLowerCase() } } },
      ],
    },
    orderBy: { id: 'asc' },
    take: 6,
  });
  return rows.map(toMemberInfo);
}

async function idsWithUnits(ctx: Context, found: readonly MemberInfo[]): Promise<string> {
  const labels = await Promise.all(found.slice(0, 5).map((m) => personLabel(ctx, m)));
  return labels.join('、');
}

/**
 * The person a token names, refusing unknown and ambiguous names. `unitId` limits the look-up
 * (null: every unit, for an admin). A mention names its platform account, never a display name.
 */
export async function resolvePerson(ctx: Context, token: string, unitId: number | null): Promise<ResolvedPerson> {
  const who = token.slice(0, 40);
  const byId = /^[Mm](\d{1,9})$/.exec(token);
  if (byId) {
    const m = await activeMember(ctx.db, Number(byId[1]));
    if (!m || !inScope(m, unitId)) throw new UserError('core.people.noPerson', { who });
    return { member: m, byName: false };
  }
  const mention = mentionFor(ctx, token);
  if (mention) {
    const m = await memberOfMention(ctx, mention);
    if (!m) throw new UserError('core.people.unknownMention', { who });
    if (!inScope(m, unitId)) throw new UserError('core.people.noPerson', { who });
    return { member: m, byName: false };
  }
  const found = await membersNamed(ctx, token, unitId);
  const name = who.replace(/^[@＠]/, '');
  if (found.length === 0) throw new UserError('core.people.noPerson', { who: name });
  if (found.length > 1) throw new UserError('core.people.ambiguous', { who: name, ids: await idsWithUnits(ctx, found) });
  return { member: found[0]!, byName: true };
}

/** The person this message replies to, if any and known. */
export async function repliedPerson(ctx: Context): Promise<MemberInfo | null> {
  const c = ctx.incoming.content;
  if (c.type !== 'text' || !c.replyTo) return null;
  return memberByIdentity(ctx.db, c.replyTo.platform, c.replyTo.userId);
}

/**
 * The target of a command that names one person: the token when given, else the person replied
 * to, else the only person mentioned (platforms that strip mentions from the text); null if none.
 */
export async function targetPerson(ctx: Context, token: string | undefined, unitId: number | null): Promise<ResolvedPerson | null> {
  if (token) return resolvePerson(ctx, token, unitId);
  const replied = await repliedPerson(ctx);
  if (replied) {
    if (!inScope(replied, unitId)) throw new UserError('core.people.noPerson', { who: replied.name });
    return { member: replied, byName: false };
  }
  const c = ctx.incoming.content;
  const only = c.type === 'text' && c.mentions?.length === 1 ? c.mentions[0] : undefined;
  return only ? resolvePerson(ctx, only.span, unitId) : null;
}

/** How a person is shown in confirmations: `李四（M12，东村党支部）`, or without the unit when none. */
export async function personLabel(ctx: Context, m: Pick<MemberInfo, 'id' | 'name' | 'unitId'>): Promise<string> {
  const unit = await unitName(ctx.db, m.unitId);
  return ctx.t(unit ? 'core.people.label' : 'core.people.labelNoUnit', { name: m.name, id: m.id, unit: unit ?? '' });
}

/** A person shown briefly, without the unit (lists of one unit's people): `李四（M12）`. */
export function shortLabel(m: Pick<MemberInfo, 'id' | 'name'>): string {
  return `${m.name}（M${m.id}）`;
}
