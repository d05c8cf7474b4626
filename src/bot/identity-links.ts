/**
 * Identity links: a platform whose ids are not stable (a re-login hands out new ids for the same
 * people and chats) re-links a member's or a chat's old platform id to its new one, so roles,
 * bindings, points, ballots and receipts stay with the same member and chat. The roster keys
 * people and chats on `platform + id`; re-linking moves that key (and the messages still waiting
 * in the outbox for the old id) and writes an audit entry naming both ids. Adapters get this
 * through `AdapterServices.identities`, narrowed to their own platform; nothing here names one.
 */
import type { Capabilities } from './adapter.ts';
import type { Tx } from './feature.ts';
import type { Platform } from './types.ts';
import type { Clock } from '../clock.ts';
import { enqueueMessages } from '../outbox/enqueue.ts';
import { membersWithRole, privateChatsOfMembers, writeAudit } from './roster.ts';
import { bumpRosterVersion } from './roster-cache.ts';

/** A person the roster knows on the platform. */
export interface KnownPerson {
  readonly memberId: number;
  readonly userId: string;
  /** The name the platform last showed for them. */
  readonly displayName: string;
  /** The roster's name for them. */
  readonly name: string;
}

/** A group chat bound to a unit, with the platform ids of that unit's members (its roll). */
export interface BoundChat {
  readonly chatId: string;
  readonly title: string;
  readonly roll: readonly { readonly userId: string; readonly displayName: string }[];
}

/** How a re-link went: done, the old id unknown, or the new id already taken by another row. */
export type RelinkOutcome = 'linked' | 'unknown' | 'taken';

/** What an adapter may do with the identities of its own platform. */
export interface IdentityLinks {
  /** Everyone the roster knows on this platform. */
  knownPeople(): Promise<KnownPerson[]>;
  /** The bound group chats on this platform, each with its roll. */
  boundChats(): Promise<BoundChat[]>;
  /** The member behind a user id, or null. */
  memberIdOf(userId: string): Promise<number | null>;
  /** Moves a member's identity (and their private chat) from `oldUserId` to `newUserId`. */
  relinkMember(oldUserId: string, newUserId: string): Promise<RelinkOutcome>;
  /** Moves a chat (its binding, polls, pending messages) from `oldChatId` to `newChatId`. */
  relinkChat(oldChatId: string, newChatId: string): Promise<RelinkOutcome>;
  /** Sends `text` privately to every admin, on every platform; `key` makes it once-only. */
  notifyAdmins(text: string, key: string): Promise<number>;
}

/** What the links need from the running bot. */
export interface IdentityLinksOptions {
  readonly db: Tx;
  readonly clock: Clock;
  readonly capabilitiesOf: (platform: Platform) => Capabilities | undefined;
  /** Wakes the outbox after admins' messages were enqueued. */
  readonly onEnqueued?: () => void;
}

/** Builds the identity links of one platform. */
export function createIdentityLinks(platform: Platform, options: IdentityLinksOptions): IdentityLinks {
  const { db } = options;
  return {
    async knownPeople() {
      const rows = await db.platformIdentity.findMany({ where: { platform }, include: { member: true }, orderBy: { id: 'asc' } });
      return rows.map((r) => ({ memberId: r.memberId, userId: r.externalId, displayName: r.displayName, name: r.member.name }));
    },
    async boundChats() {
      const chats = await db.chat.findMany({ where: { platform, kind: 'group', unitId: { not: null } }, orderBy: { id: 'asc' } });
      const out: BoundChat[] = [];
      for (const c of chats) {
        const ids = await db.platformIdentity.findMany({ where: { platform, member: { unitId: c.unitId } }, select: { externalId: true, displayName: true } });
        out.push({ chatId: c.externalId, title: c.title, roll: ids.map((i) => ({ userId: i.externalId, displayName: i.displayName })) });
      }
      return out;
    },
    async memberIdOf(userId) {
      const row = await db.platformIdentity.findUnique({ where: { platform_externalId: { platform, externalId: userId } } });
      return row?.memberId ?? null;
    },
    relinkMember: (oldUserId, newUserId) => relinkMember(db, platform, oldUserId, newUserId),
    relinkChat: (oldChatId, newChatId) => relinkChat(db, platform, oldChatId, newChatId),
    notifyAdmins: (text, key) => notifyAdmins(options, text, key),
  };
}

const keyOf = (platform: Platform, externalId: string) => ({ platform_externalId: { platform, externalId } });

/** Moves a member's identity; their private chat moves with them. */
async function relinkMember(db: Tx, platform: Platform, oldId: string, newId: string): Promise<RelinkOutcome> {
  if (oldId === newId) return 'linked';
  if (!(await db.platformIdentity.findUnique({ where: keyOf(platform, oldId) }))) return 'unknown';
  if (await db.platformIdentity.findUnique({ where: keyOf(platform, newId) })) return 'taken';
  const identity = await db.platformIdentity.update({ where: keyOf(platform, oldId), data: { externalId: newId } });
  const privateChat = await db.chat.findUnique({ where: keyOf(platform, oldId) });
  if (privateChat?.kind === 'private' && !(await db.chat.findUnique({ where: keyOf(platform, newId) }))) {
    await db.chat.update({ where: { id: privateChat.id }, data: { externalId: newId } });
  }
  await movePending(db, platform, oldId, newId);
  await bumpRosterVersion(db);
  await writeAudit(db, identity.memberId, 'relink.member', `${platform}: ${oldId} -> ${newId}`);
  return 'linked';
}

/** Moves a chat row: its binding, and everything keyed on the row, stays. */
async function relinkChat(db: Tx, platform: Platform, oldId: string, newId: string): Promise<RelinkOutcome> {
  if (oldId === newId) return 'linked';
  if (!(await db.chat.findUnique({ where: keyOf(platform, oldId) }))) return 'unknown';
  if (await db.chat.findUnique({ where: keyOf(platform, newId) })) return 'taken';
  await db.chat.update({ where: keyOf(platform, oldId), data: { externalId: newId } });
  await movePending(db, platform, oldId, newId);
  await bumpRosterVersion(db);
  await writeAudit(db, null, 'relink.chat', `${platform}: ${oldId} -> ${newId}`);
  return 'linked';
}

/** Messages still waiting for the old id go to the new one. */
async function movePending(db: Tx, platform: Platform, oldId: string, newId: string): Promise<void> {
  await db.outboxMessage.updateMany({ where: { platform, chatId: oldId, status: { in: ['pending', 'sending'] } }, data: { chatId: newId } });
}

async function notifyAdmins(options: IdentityLinksOptions, text: string, key: string): Promise<number> {
  const admins = await membersWithRole(options.db, ['admin']);
  const chats = await privateChatsOfMembers(options.db, admins.map((a) => a.id));
  const items = [...chats.values()].flat().map((chat) => ({ chat, message: { kind: 'text' as const, text }, key: `admins:${key}:${chat.platform}:${chat.chatId}` }));
  const added = await enqueueMessages(options.db, items, options.capabilitiesOf, options.clock.now());
  if (added > 0) options.onEnqueued?.();
  return added;
}
