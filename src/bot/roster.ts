/**
 * The roster: org units, members, their platform identities and the chats bound to units. The
 * router resolves every speaker and chat here before a handler runs; features ask it for the
 * people and chats of a unit (turnout, reminders, notices). Roles live here and nowhere else.
 */
import type { Tx } from './feature.ts';
import type { AdminRef } from '../config.ts';
import type { ChatInfo, MemberInfo } from './feature.ts';
import type { Actor, ChatRef, Platform, Role } from './types.ts';
import { ROLES } from './types.ts';
import { cleanDisplayName } from './names.ts';
import { hasRole } from './policy.ts';
import { bumpRosterVersion, type CachedSpeaker, type RosterCache, type UnitRow } from './roster-cache.ts';

/** How unknown speakers are registered. */
export interface RegistrationPolicy {
  /** Initial admins from BOT_ADMINS. */
  readonly admins: readonly AdminRef[];
  /** True for a platform whose first speaker becomes an admin (`firstSpeakerIsAdmin` capability: a terminal). */
  readonly firstSpeakerIsAdmin: (platform: Platform) => boolean;
}

function toRole(value: string): Role {
  return (ROLES as readonly string[]).includes(value) ? (value as Role) : 'member';
}

/** The member view of a member row (roles outside the known set read as `member`). */
export function toMemberInfo(m: { id: number; name: string; role: string; unitId: number | null }): MemberInfo {
  return { id: m.id, name: m.name, role: toRole(m.role), unitId: m.unitId };
}

/**
 * Finds or creates the chat row for a platform chat, refreshing its title. The row is only read
 * when it exists and its title is unchanged (every message but the first and a rename): no write,
 * so no row lock on PostgreSQL serialising a chat's messages across instances.
 */
export async function resolveChat(db: Tx, ref: ChatRef, cache?: RosterCache): Promise<ChatInfo> {
  const title = (ref.title ?? ref.chatId).slice(0, 200);
  const hit = cache?.chat(ref.platform, ref.chatId);
  if (hit && (ref.title === undefined || hit.title === title)) return { id: hit.id, ref: { ...ref, title: hit.title }, unitId: hit.unitId, masses: hit.masses };
  const where = { platform_externalId: { platform: ref.platform, externalId: ref.chatId } };
  let row = await db.chat.findUnique({ where });
  if (!row) {
    // An upsert, not a create: the first messages of a new chat may race (two instances).
    row = await db.chat.upsert({
      where,
      create: { platform: ref.platform, externalId: ref.chatId, kind: ref.kind, title },
      update: ref.title !== undefined ? { title } : {},
    });
  } else if (ref.title !== undefined && row.title !== title) {
    row = await db.chat.update({ where: { id: row.id }, data: { title } });
  } else {
    // Only a row read, never one written here: a write rolled back must not stay cached.
    cache?.rememberChat(ref.platform, ref.chatId, { id: row.id, title: row.title, unitId: row.unitId, masses: row.masses });
  }
  return { id: row.id, ref: { ...ref, title: row.title }, unitId: row.unitId, masses: row.masses };
}

/**
 * Finds the member behind a platform identity, or registers them: admin when listed in
 * BOT_ADMINS (or the console's first user), masses in a masses chat, member otherwise; the unit is
 * the chat's. Only a bound group registers people by their speaking (and admins anywhere): in an
 * unbound chat or a private one an unknown person stays a stranger (`member: null`), as does a
 * removed member. A known member without a unit who speaks in a bound group joins that unit, but
 * an admin joins only the township (never a village by speaking there). Every such automatic role
 * or unit change writes an audit row.
 */
export async function resolveMember(
  db: Tx,
  actor: Actor,
  chat: ChatInfo,
  policy: RegistrationPolicy,
  cache?: RosterCache,
): Promise<{ member: MemberInfo | null; registered: boolean }> {
  const listedAdmin = policy.admins.some((a) => a.platform === actor.platform && a.userId === actor.userId);
  const displayName = cleanDisplayName(actor.displayName) || cleanDisplayName(actor.userId) || '?';
  const username = actor.username ? actor.username.toLowerCase().slice(0, 64) : null;
  const identity = cache?.speaker(actor.platform, actor.userId) ?? (await findSpeaker(db, actor));
  if (identity) {
    if (identity.member.removedAt !== null) return { member: null, registered: false };
    const renamed = identity.displayName !== displayName || identity.username !== username;
    const { member, changed } = await refreshKnownMember(db, identity.member, listedAdmin, chat);
    if (!changed && !renamed) {
      cache?.rememberSpeaker(actor.platform, actor.userId, identity);
      return { member, registered: false };
    }
    cache?.forgetSpeaker(actor.platform, actor.userId);
    if (changed) await bumpRosterVersion(db);
    if (renamed) await db.platformIdentity.update({ where: { id: identity.identityId }, data: { displayName, username } });
    return { member, registered: false };
  }
  const firstLocalUser =
    policy.firstSpeakerIsAdmin(actor.platform) &&
    (await db.platformIdentity.count({ where: { platform: actor.platform } })) === 0;
  const admin = listedAdmin || firstLocalUser;
  if (!admin && (chat.ref.kind !== 'group' || chat.unitId === null)) return { member: null, registered: false };
  const role: Role = admin ? 'admin' : chat.masses ? 'masses' : 'member';
  const unitId = (await joinsChatUnit(db, role, chat)) ? chat.unitId : null;
  // A savepoint: on PostgreSQL a failed statement aborts the whole transaction, so the look-up
  // after a lost registration race (below) needs the failed insert rolled back first.
  await db.$executeRawUnsafe('SAVEPOINT member_registration');
  try {
    const created = await db.member.create({
      data: {
        name: displayName,
        role,
        unitId,
        identities: { create: { platform: actor.platform, externalId: actor.userId, displayName, username } },
      },
    });
    await db.$executeRawUnsafe('RELEASE SAVEPOINT member_registration');
    await writeAudit(db, null, 'member.auto', `member ${created.id} ${role} unit ${unitId ?? '-'} (spoke in chat ${chat.id})`);
    return { member: toMemberInfo(created), registered: true };
  } catch (err) {
    // Two first messages of one person raced (two instances, or two chats at once): the other registration won.
    await db.$executeRawUnsafe('ROLLBACK TO SAVEPOINT member_registration');
    const again = await db.platformIdentity.findUnique({
      where: { platform_externalId: { platform: actor.platform, externalId: actor.userId } },
      include: { member: true },
    });
    if (!again) throw err;
    return { member: again.member.removedAt === null ? toMemberInfo(again.member) : null, registered: false };
  }
}

type MemberRow = { id: number; name: string; role: string; unitId: number | null };

/** A known member's automatic changes: the admin role from BOT_ADMINS, a first unit from the bound group they speak in. */
async function refreshKnownMember(db: Tx, m: MemberRow, listedAdmin: boolean, chat: ChatInfo): Promise<{ member: MemberInfo; changed: boolean }> {
  const patch: { role?: Role; unitId?: number } = {};
  if (listedAdmin && !hasRole({ role: toRole(m.role) }, 'admin')) patch.role = 'admin';
  if (m.unitId === null && (await joinsChatUnit(db, patch.role ?? toRole(m.role), chat))) patch.unitId = chat.unitId!;
  if (!Object.keys(patch).length) return { member: toMemberInfo(m), changed: false };
  const updated = await db.member.update({ where: { id: m.id }, data: patch });
  if (patch.role) await writeAudit(db, null, 'role.auto', `member ${m.id} ${m.role} -> ${patch.role} (BOT_ADMINS)`);
  if (patch.unitId) await writeAudit(db, null, 'unit.auto', `member ${m.id} unit - -> ${patch.unitId} (spoke in chat ${chat.id})`);
  return { member: toMemberInfo(updated), changed: true };
}

/**
 * Whether someone of `role` without a unit joins the unit of the bound group they speak in:
 * anyone but an admin; an admin only the township's (the admin never becomes a village's member).
 */
async function joinsChatUnit(db: Tx, role: Role, chat: ChatInfo): Promise<boolean> {
  if (chat.unitId === null || chat.ref.kind !== 'group') return false;
  if (!hasRole({ role }, 'admin')) return true;
  const unit = await db.orgUnit.findUnique({ where: { id: chat.unitId }, select: { kind: true } });
  return unit?.kind === 'township';
}

/**
 * A platform identity and its member as stored (the shape the roster cache keeps), or null. Read
 * for every speaker the cache does not hold (in a county's quiz, nearly every answer: each member
 * answers once): one typed raw JOIN instead of Prisma's two statements, the same SQL on SQLite and
 * PostgreSQL (test/bot/roster-raw.test.ts runs it on both).
 */
async function findSpeaker(db: Tx, actor: Actor): Promise<CachedSpeaker | null> {
  const rows = await db.$queryRaw<{ identityId: number; displayName: string; username: string | null; id: number; name: string; role: string; unitId: number | null; removedAt: Date | null }[]>`
    SELECT i."id" AS "identityId", i."displayName", i."username", m."id", m."name", m."role", m."unitId", m."removedAt"
    FROM "PlatformIdentity" i JOIN "Member" m ON m."id" = i."memberId"
    WHERE i."platform" = ${actor.platform} AND i."externalId" = ${actor.userId}`;
  const r = rows[0];
  if (!r) return null;
  return { identityId: r.identityId, displayName: r.displayName, username: r.username, member: { id: r.id, name: r.name, role: r.role, unitId: r.unitId, removedAt: r.removedAt } };
}

/** A member by id, or null. */
export async function getMember(db: Tx, id: number): Promise<MemberInfo | null> {
  const m = await db.member.findUnique({ where: { id } });
  return m ? toMemberInfo(m) : null;
}

/** Members by id (unknown ids are left out), e.g. to name the owners of a list of pledges in one query. */
export async function membersByIds(db: Tx, ids: readonly number[]): Promise<Map<number, MemberInfo>> {
  if (ids.length === 0) return new Map();
  const rows = await db.member.findMany({ where: { id: { in: [...new Set(ids)] } } });
  return new Map(rows.map((m) => [m.id, toMemberInfo(m)]));
}

/** The current members of a unit (optionally only some roles; removed members left out), ordered by name. */
export async function membersOfUnit(db: Tx, unitId: number, roles?: readonly Role[]): Promise<MemberInfo[]> {
  const rows = await db.member.findMany({
    where: { unitId, removedAt: null, ...(roles ? { role: { in: [...roles] } } : {}) },
    orderBy: [{ name: 'asc' }, { id: 'asc' }],
  });
  return rows.map(toMemberInfo);
}

/** Members with one of these roles in any unit (e.g. every admin, to report a missed notice), by id. */
export async function membersWithRole(db: Tx, roles: readonly Role[]): Promise<MemberInfo[]> {
  const rows = await db.member.findMany({ where: { role: { in: [...roles] }, removedAt: null }, orderBy: { id: 'asc' } });
  return rows.map(toMemberInfo);
}

/** The current member behind a platform identity, if known (no registration; a removed member is nobody). */
export async function memberByIdentity(db: Tx, platform: Platform, userId: string): Promise<MemberInfo | null> {
  const identity = await db.platformIdentity.findUnique({
    where: { platform_externalId: { platform, externalId: userId } },
    include: { member: true },
  });
  return identity && identity.member.removedAt === null ? toMemberInfo(identity.member) : null;
}

/** Changes a member's role (the caller checks who may do it). */
export async function setMemberRole(db: Tx, memberId: number, role: Role): Promise<MemberInfo> {
  const m = toMemberInfo(await db.member.update({ where: { id: memberId }, data: { role } }));
  await bumpRosterVersion(db);
  return m;
}

/** An org unit's name, or null. */
export async function unitName(db: Tx, unitId: number | null): Promise<string | null> {
  if (unitId === null) return null;
  return (await db.orgUnit.findUnique({ where: { id: unitId }, select: { name: true } }))?.name ?? null;
}

/** All units, township first, then branches by name. */
export async function listUnits(db: Tx): Promise<UnitRow[]> {
  const rows = await db.orgUnit.findMany({ orderBy: [{ kind: 'desc' }, { name: 'asc' }] });
  return rows.map((u) => ({ id: u.id, name: u.name, kind: u.kind, parentId: u.parentId }));
}

/** A unit by exact name, or null. */
export async function findUnitByName(db: Tx, name: string): Promise<{ id: number; name: string; kind: string } | null> {
  return db.orgUnit.findUnique({ where: { name }, select: { id: true, name: true, kind: true } });
}

/**
 * Binds a chat to a unit, creating the unit when new (a branch under the township, or the
 * township itself when its name ends in 镇/乡/街道 or it is the first unit and is so named).
 */
export async function bindChat(
  db: Tx,
  chatId: number,
  unitNameText: string,
  masses: boolean,
): Promise<{ unit: { id: number; name: string; kind: string }; created: boolean }> {
  const name = unitNameText.trim();
  let unit = await db.orgUnit.findUnique({ where: { name } });
  let created = false;
  if (!unit) {
    const township = /(镇|乡|街道)(党委)?$/.test(name) || /township/i.test(name);
    const parent = township ? null : await db.orgUnit.findFirst({ where: { kind: 'township' }, orderBy: { id: 'asc' } });
    unit = await db.orgUnit.create({ data: { name, kind: township ? 'township' : 'branch', parentId: parent?.id ?? null } });
    if (township) {
      await db.orgUnit.updateMany({ where: { kind: 'branch', parentId: null }, data: { parentId: unit.id } });
    }
    created = true;
  }
  await db.chat.update({ where: { id: chatId }, data: { unitId: unit.id, masses } });
  await bumpRosterVersion(db);
  return { unit: { id: unit.id, name: unit.name, kind: unit.kind }, created };
}

/** Group chats bound to a unit (where its notices go), on every platform. */
export async function chatsOfUnit(db: Tx, unitId: number): Promise<ChatRef[]> {
  const rows = await db.chat.findMany({ where: { unitId, kind: 'group' }, orderBy: { id: 'asc' } });
  return rows.map((c) => ({ platform: c.platform as Platform, chatId: c.externalId, kind: 'group' as const, title: c.title }));
}

/**
 * Private chats where a member can be reached, one per platform identity (a quiz answer's
 * acknowledgement reads it: a typed raw query, tested on both databases with `findSpeaker`).
 */
export async function privateChatsOf(db: Tx, memberId: number): Promise<ChatRef[]> {
  const ids = await db.$queryRaw<{ platform: string; externalId: string; displayName: string }[]>`
    SELECT "platform", "externalId", "displayName" FROM "PlatformIdentity" WHERE "memberId" = ${memberId} ORDER BY "id"`;
  return ids.map((i) => ({ platform: i.platform as Platform, chatId: i.externalId, kind: 'private' as const, title: i.displayName }));
}

/** Private chats of several members in one query (reminders to many people), by member id. */
export async function privateChatsOfMembers(db: Tx, memberIds: readonly number[]): Promise<Map<number, ChatRef[]>> {
  const out = new Map<number, ChatRef[]>();
  if (memberIds.length === 0) return out;
  const ids = await db.platformIdentity.findMany({ where: { memberId: { in: [...new Set(memberIds)] } }, orderBy: { id: 'asc' } });
  for (const i of ids) {
    const list = out.get(i.memberId) ?? [];
    list.push({ platform: i.platform as Platform, chatId: i.externalId, kind: 'private', title: i.displayName });
    out.set(i.memberId, list);
  }
  return out;
}

/** Writes an audit entry: who did what. */
export async function writeAudit(db: Tx, memberId: number | null, action: string, detail: string): Promise<void> {
  await db.auditLog.create({ data: { memberId, action, detail: detail.slice(0, 2000) } });
}

/** A current (not removed) member by id, or null: whom commands may name. */
export async function activeMember(db: Tx, id: number): Promise<MemberInfo | null> {
  const m = await db.member.findUnique({ where: { id } });
  return m && m.removedAt === null ? toMemberInfo(m) : null;
}

/** Moves a member to another unit (the caller checks who may). History stays with the items' own units. */
export async function moveMember(db: Tx, memberId: number, unitId: number): Promise<MemberInfo> {
  const moved = toMemberInfo(await db.member.update({ where: { id: memberId }, data: { unitId } }));
  await bumpRosterVersion(db);
  return moved;
}

/** Deactivates a member at `at`: nothing is deleted; their later messages are a stranger's. */
export async function removeMember(db: Tx, memberId: number, at: Date): Promise<void> {
  await db.member.update({ where: { id: memberId }, data: { removedAt: at } });
  await bumpRosterVersion(db);
}

/** A row of an imported roster, as the roster stores it. */
export interface RosterEntry {
  readonly name: string;
  readonly unitId: number;
  readonly role: Role;
  readonly joinedPartyOn: Date | null;
}

/** The current member of `unitId` named exactly `name` (an import updates them rather than adding a twin). */
export async function activeMemberNamed(db: Tx, unitId: number, name: string): Promise<{ member: MemberInfo; linked: boolean } | null> {
  const m = await db.member.findFirst({ where: { unitId, name, removedAt: null }, include: { identities: { select: { id: true } } }, orderBy: { id: 'asc' } });
  return m ? { member: toMemberInfo(m), linked: m.identities.length > 0 } : null;
}

/** Adds a pre-registered member (no platform account yet: `/join` links one). */
export async function addRosterMember(db: Tx, entry: RosterEntry): Promise<MemberInfo> {
  return toMemberInfo(await db.member.create({ data: { name: entry.name, unitId: entry.unitId, role: entry.role, joinedPartyOn: entry.joinedPartyOn } }));
}

/** Updates a member's role and 入党日期 from an imported row. */
export async function updateRosterMember(db: Tx, memberId: number, entry: RosterEntry): Promise<MemberInfo> {
  const updated = toMemberInfo(await db.member.update({ where: { id: memberId }, data: { role: entry.role, joinedPartyOn: entry.joinedPartyOn } }));
  await bumpRosterVersion(db);
  return updated;
}

/**
 * Links a platform account to a roster row (`/join`): a new identity, or the account of a removed
 * member moved over to the row. Refuses (returns the member) when the account already belongs to
 * a current member.
 */
export async function linkIdentity(db: Tx, memberId: number, actor: Actor): Promise<{ linked: true } | { linked: false; current: MemberInfo }> {
  const displayName = cleanDisplayName(actor.displayName) || '?';
  const username = actor.username ? actor.username.toLowerCase().slice(0, 64) : null;
  const where = { platform_externalId: { platform: actor.platform, externalId: actor.userId } };
  const identity = await db.platformIdentity.findUnique({ where, include: { member: true } });
  if (identity && identity.member.removedAt === null) return { linked: false, current: toMemberInfo(identity.member) };
  if (identity) await db.platformIdentity.update({ where: { id: identity.id }, data: { memberId, displayName, username } });
  else await db.platformIdentity.create({ data: { platform: actor.platform, externalId: actor.userId, displayName, username, memberId } });
  await bumpRosterVersion(db);
  return { linked: true };
}
