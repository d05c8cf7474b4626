/** The formal-vote rows (PollFormal): the only code that touches that table. */
import type { Tx } from '../../../bot/feature.ts';
import type { ChatRef, Platform } from '../../../bot/types.ts';
import { HALF, type Quorum } from './rules.ts';

/** A formal vote's stored rule and publication. */
export interface FormalRow {
  readonly pollId: number;
  readonly quorum: Quorum;
  readonly publishedAt: Date | null;
}

/** Records that poll `pollId` is a formal vote with quorum `q`. */
export async function createFormal(db: Tx, pollId: number, q: Quorum): Promise<void> {
  await db.pollFormal.create({ data: { pollId, quorumNum: q.num, quorumDen: q.den } });
}

/** The formal-vote row of a poll, or null when it is not one. */
export async function getFormal(db: Tx, pollId: number): Promise<FormalRow | null> {
  const row = await db.pollFormal.findUnique({ where: { pollId } });
  if (!row) return null;
  const quorum = row.quorumDen > 0 ? { num: row.quorumNum, den: row.quorumDen } : HALF;
  return { pollId, quorum, publishedAt: row.publishedAt };
}

/** Marks a formal vote published (once: false when it already was). */
export async function markPublished(db: Tx, pollId: number, memberId: number, now: Date): Promise<boolean> {
  const { count } = await db.pollFormal.updateMany({ where: { pollId, publishedAt: null }, data: { publishedAt: now, publishedById: memberId } });
  return count === 1;
}

/** The masses chats (residents' groups) bound to a unit, where 两公开 posts go. */
export async function massesChatsOfUnit(db: Tx, unitId: number): Promise<ChatRef[]> {
  const rows = await db.chat.findMany({ where: { unitId, kind: 'group', masses: true }, orderBy: { id: 'asc' } });
  return rows.map((c) => ({ platform: c.platform as Platform, chatId: c.externalId, kind: 'group' as const, title: c.title }));
}
