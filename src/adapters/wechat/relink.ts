/**
 * Finding people and rooms again after a WeChat login. The web protocol (wechat4u) hands out new
 * contact and room ids at every login; what survives is the remark (alias) the bot account set on
 * each contact, names, room topics and who is in which room. After a login this:
 *  1. re-links every known person whose old id is gone by the remark tag `先锋M<member id>`;
 *  2. re-links each bound room whose old id is gone to the one room with the same topic whose
 *     members overlap the stored roll at least `threshold` (two such rooms: ambiguous, reported);
 *  3. re-links a person still lost by their name in those rooms, only where that name is unique
 *     in the room; where it is not, the contacts so named are asked to send a code (see
 *     pending-links.ts), and nothing of theirs is registered meanwhile.
 * Nothing is guessed: what is not certain is reported to the admins.
 */
import type { BoundChat, IdentityLinks, KnownPerson } from '../../bot/identity-links.ts';

/** The remark prefix the bot sets on each contact it knows (`先锋M12` is member 12). */
const REMARK_PREFIX = '先锋M';
const REMARK_PATTERN = new RegExp(`${REMARK_PREFIX}(\\d+)`);

/** The remark tag of a member. */
export function remarkTag(memberId: number): string {
  return `${REMARK_PREFIX}${memberId}`;
}

/** A remark without any member tag in it (the part a person wrote). */
export function withoutRemarkTag(alias: string): string {
  return alias.replace(new RegExp(REMARK_PATTERN.source, 'g'), '').trim();
}

/** The member id a remark carries, if it carries one. */
export function memberIdOfRemark(alias: string | undefined | null): number | undefined {
  const match = alias ? REMARK_PATTERN.exec(alias) : null;
  return match ? Number(match[1]) : undefined;
}

/** A contact as the puppet shows it after the login. */
export interface SeenContact {
  readonly id: string;
  readonly name: string;
  readonly alias?: string;
}

/** A room as the puppet shows it after the login; `names` maps each member id to its names (contact name, group nickname). */
export interface SeenRoom {
  readonly id: string;
  readonly topic: string;
  readonly names: ReadonlyMap<string, readonly string[]>;
}

/** What the puppet shows after a login: the account's contacts (with remarks) and rooms (with members). */
export interface SeenWorld {
  readonly contacts: readonly SeenContact[];
  readonly rooms: readonly SeenRoom[];
}

/** A room match for one bound chat, with its overlap (0..1). */
export interface RoomCandidate {
  readonly id: string;
  readonly topic: string;
  readonly overlap: number;
}

/** What the reconciliation did and found. */
export interface RelinkReport {
  readonly byRemark: number;
  readonly byName: number;
  readonly rooms: readonly { readonly title: string; readonly overlap: number }[];
  readonly ambiguousRooms: readonly { readonly title: string; readonly candidates: readonly RoomCandidate[] }[];
  readonly missingRooms: readonly { readonly title: string; readonly candidates: readonly RoomCandidate[] }[];
  /** Lost people whose name is shared in a room: these contacts are asked for a code. */
  readonly ambiguousPeople: readonly { readonly person: KnownPerson; readonly contactIds: readonly string[] }[];
  /** Lost people seen nowhere. */
  readonly missingPeople: readonly KnownPerson[];
  /** Old room id -> new room id, for the pacing counters. */
  readonly roomIds: ReadonlyMap<string, string>;
}

/** Runs the three steps; `threshold` is the least roll overlap for a room match. */
export async function reconcile(links: IdentityLinks, world: SeenWorld, threshold: number): Promise<RelinkReport> {
  const present = presentIds(world);
  const byRemark = await relinkByRemark(links, world, present);
  const roomStep = await relinkRooms(links, world, threshold);
  const known = await links.knownPeople();
  const knownIds = new Set(known.map((k) => k.userId));
  const lost = known.filter((k) => !present.has(k.userId));
  const linkedRooms = world.rooms.filter((r) => roomStep.boundNow.has(r.id));
  const ambiguousPeople: RelinkReport['ambiguousPeople'][number][] = [];
  const missingPeople: KnownPerson[] = [];
  let byName = 0;
  for (const person of lost) {
    const found = namesakes(person, linkedRooms);
    if (found.unique && !knownIds.has(found.unique) && (await links.relinkMember(person.userId, found.unique)) === 'linked') {
      knownIds.add(found.unique);
      byName++;
    } else if (found.unknown.some((id) => !knownIds.has(id))) {
      ambiguousPeople.push({ person, contactIds: found.unknown.filter((id) => !knownIds.has(id)) });
    } else {
      missingPeople.push(person);
    }
  }
  return { byRemark, byName, ...roomStep.report, ambiguousPeople, missingPeople };
}

/** Every contact and room member id the account sees now. */
function presentIds(world: SeenWorld): Set<string> {
  const ids = new Set(world.contacts.map((c) => c.id));
  for (const room of world.rooms) for (const id of room.names.keys()) ids.add(id);
  return ids;
}

async function relinkByRemark(links: IdentityLinks, world: SeenWorld, present: Set<string>): Promise<number> {
  const tagged = new Map<number, SeenContact>();
  for (const c of world.contacts) {
    const memberId = memberIdOfRemark(c.alias);
    if (memberId !== undefined) tagged.set(memberId, c);
  }
  let linked = 0;
  for (const person of await links.knownPeople()) {
    if (present.has(person.userId)) continue;
    const contact = tagged.get(person.memberId);
    if (contact && (await links.relinkMember(person.userId, contact.id)) === 'linked') linked++;
  }
  return linked;
}

/** The share of a roll present in a room, by id or (for ids not seen any more) by name. */
function rollOverlap(chat: BoundChat, room: SeenRoom): number {
  if (chat.roll.length === 0) return 0;
  const names = new Set([...room.names.values()].flat());
  const hits = chat.roll.filter((p) => room.names.has(p.userId) || names.has(p.displayName)).length;
  return hits / chat.roll.length;
}

async function relinkRooms(links: IdentityLinks, world: SeenWorld, threshold: number) {
  const bound = await links.boundChats();
  const boundNow = new Set(bound.map((b) => b.chatId).filter((id) => world.rooms.some((r) => r.id === id)));
  const rooms: { title: string; overlap: number }[] = [];
  const ambiguousRooms: RelinkReport['ambiguousRooms'][number][] = [];
  const missingRooms: RelinkReport['missingRooms'][number][] = [];
  const roomIds = new Map<string, string>();
  for (const chat of bound) {
    if (boundNow.has(chat.chatId)) continue;
    const candidates = world.rooms
      .filter((r) => r.topic === chat.title && !boundNow.has(r.id))
      .map((r) => ({ id: r.id, topic: r.topic, overlap: rollOverlap(chat, r) }));
    const above = candidates.filter((c) => c.overlap >= threshold);
    if (above.length === 1 && (await links.relinkChat(chat.chatId, above[0]!.id)) === 'linked') {
      boundNow.add(above[0]!.id);
      roomIds.set(chat.chatId, above[0]!.id);
      rooms.push({ title: chat.title, overlap: above[0]!.overlap });
    } else if (above.length > 1) {
      ambiguousRooms.push({ title: chat.title, candidates: above });
    } else {
      missingRooms.push({ title: chat.title, candidates });
    }
  }
  return { boundNow, report: { rooms, ambiguousRooms, missingRooms, roomIds } };
}

/** Members of the rooms answering to a person's names: the one id when unique in every room, and all of them. */
function namesakes(person: KnownPerson, rooms: readonly SeenRoom[]): { unique?: string; unknown: string[] } {
  const wanted = new Set([person.displayName, person.name]);
  const all = new Set<string>();
  let shared = false;
  for (const room of rooms) {
    const hits = [...room.names].filter(([, names]) => names.some((n) => wanted.has(n))).map(([id]) => id);
    if (hits.length > 1) shared = true;
    for (const id of hits) all.add(id);
  }
  const ids = [...all];
  return !shared && ids.length === 1 ? { unique: ids[0]!, unknown: ids } : { unknown: ids };
}
