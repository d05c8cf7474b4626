/**
 * The roster cache: the chats and speakers the router resolves on every message (a chat row, a
 * platform identity and its member), kept in memory per instance so a check-in or a vote does not
 * read them again. Invalidation is by a version counter, not a TTL: one row (`RosterVersion`) is
 * bumped by every change to members, identities, units and chat bindings, in the same transaction
 * as the change, and each event reads it first; when it moved, the whole cache is dropped. So a
 * role change, a move or a removal made on any instance takes effect on the very next message on
 * every instance (a TTL would leave a window in which a removed member still votes), at the cost
 * of one indexed one-row read per event instead of three.
 *
 * Whoever writes Member, PlatformIdentity, OrgUnit or a Chat's unit/masses calls
 * `bumpRosterVersion(tx)` inside the writing transaction (roster.ts and identity-links.ts do); a
 * new row needs no bump (nothing cached can name it), nor does a title or display-name change (the
 * next message carries the new name, which differs from the cached one, so it is read again).
 */
import type { Tx } from './feature.ts';

/** The one row of `RosterVersion`. */
const VERSION_ROW = 1;

/** Entries kept per kind (chats, speakers): a county's 20,000 members and 500 groups fit. */
const ROSTER_CACHE_LIMIT = 50_000;

/**
 * Marks a change to the roster (members, identities, units, chat bindings) so every instance
 * drops its cache before its next message. Call it inside the transaction that makes the change:
 * if that rolls back, so does the bump. Safe to call several times in one transaction.
 */
export async function bumpRosterVersion(tx: Tx): Promise<void> {
  await tx.rosterVersion.upsert({
    where: { id: VERSION_ROW },
    create: { id: VERSION_ROW, version: 1 },
    update: { version: { increment: 1 } },
  });
}

/** The roster's current version (0 before the first change). */
export async function readRosterVersion(tx: Tx): Promise<number> {
  const row = await tx.rosterVersion.findUnique({ where: { id: VERSION_ROW }, select: { version: true } });
  return row?.version ?? 0;
}

/** A chat row as the router needs it. */
export interface CachedChat {
  readonly id: number;
  readonly title: string;
  readonly unitId: number | null;
  readonly masses: boolean;
}

/** An org unit as handlers and the policy read it (a unit is an id and a parent to the policy). */
export interface UnitRow {
  readonly id: number;
  readonly name: string;
  readonly kind: string;
  readonly parentId: number | null;
}

/** A platform identity and its member, as the router needs them. */
export interface CachedSpeaker {
  readonly identityId: number;
  readonly displayName: string;
  readonly username: string | null;
  readonly member: { readonly id: number; readonly name: string; readonly role: string; readonly unitId: number | null; readonly removedAt: Date | null };
}

/** A Map used as a least-recently-used cache of at most `limit` entries. */
class Lru<V> {
  private readonly map = new Map<string, V>();
  constructor(private readonly limit: number) {}
  get(key: string): V | undefined {
    const v = this.map.get(key);
    if (v !== undefined) {
      this.map.delete(key);
      this.map.set(key, v);
    }
    return v;
  }
  set(key: string, value: V): void {
    this.map.delete(key);
    this.map.set(key, value);
    if (this.map.size > this.limit) this.map.delete(this.map.keys().next().value!);
  }
  delete(key: string): void {
    this.map.delete(key);
  }
  clear(): void {
    this.map.clear();
  }
  get size(): number {
    return this.map.size;
  }
}

/** One instance's cache of chats and speakers, valid for one roster version. */
export class RosterCache {
  private version: number | undefined;
  private readonly chats: Lru<CachedChat>;
  private readonly speakers: Lru<CachedSpeaker>;
  /** Every unit, once read under the current version. */
  private unitList: readonly UnitRow[] | undefined;

  constructor(limit = ROSTER_CACHE_LIMIT) {
    this.chats = new Lru(limit);
    this.speakers = new Lru(limit);
  }

  /**
   * Reads the roster version (inside the event's transaction, before any roster read; `known`
   * when the caller read it there already) and drops everything cached under another version.
   */
  async sync(tx: Tx, known?: number): Promise<void> {
    const version = known ?? (await readRosterVersion(tx));
    if (version !== this.version) {
      this.chats.clear();
      this.speakers.clear();
      this.unitList = undefined;
      this.version = version;
    }
  }

  /** A cached chat by platform and chat id. */
  chat(platform: string, chatId: string): CachedChat | undefined {
    return this.chats.get(`${platform}\u0000${chatId}`);
  }

  /** Caches a chat row read (not written) in the current event's transaction. */
  rememberChat(platform: string, chatId: string, chat: CachedChat): void {
    this.chats.set(`${platform}\u0000${chatId}`, chat);
  }

  /** A cached speaker by platform and user id. */
  speaker(platform: string, userId: string): CachedSpeaker | undefined {
    return this.speakers.get(`${platform}\u0000${userId}`);
  }

  /** Caches a speaker read (not written) in the current event's transaction. */
  rememberSpeaker(platform: string, userId: string, speaker: CachedSpeaker): void {
    this.speakers.set(`${platform}\u0000${userId}`, speaker);
  }

  /** Every unit: cached, or read with `read` in the current event's transaction and cached. */
  async units(read: () => Promise<readonly UnitRow[]>): Promise<readonly UnitRow[]> {
    return (this.unitList ??= await read());
  }

  /**
   * Drops everything (a transaction that read into the cache rolled back: what it read may
   * never have been committed, while the version it was read under may be reached again).
   */
  clear(): void {
    this.chats.clear();
    this.speakers.clear();
    this.unitList = undefined;
    this.version = undefined;
  }

  /** Forgets a speaker (its row is about to change in this transaction). */
  forgetSpeaker(platform: string, userId: string): void {
    this.speakers.delete(`${platform}\u0000${userId}`);
  }

  /** Entries cached (chats + speakers), for tests and metrics. */
  get size(): number {
    return this.chats.size + this.speakers.size;
  }
}
