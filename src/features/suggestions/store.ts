/**
 * The suggestions slice's database functions: the only code touching `Suggestion`. Other features
 * (the joint meeting notice, /report) call `countOpenSuggestions` and `suggestionCounts`.
 */
import { z } from 'zod';
import type { Tx } from '../../bot/feature.ts';
import type { ChatRef } from '../../bot/types.ts';

/** The life of a suggestion: open (waiting), accepted (will be done), done (resolved), declined (with a reason). */
export const SUGGESTION_STATUSES = ['open', 'accepted', 'done', 'declined'] as const;

/** One of `SUGGESTION_STATUSES`. */
export type SuggestionStatus = (typeof SUGGESTION_STATUSES)[number];

const statusSchema = z.enum(SUGGESTION_STATUSES);
const platformSchema = z.string().regex(/^[a-z][a-z0-9]*$/);

/** A suggestion as the feature uses it. */
export interface SuggestionInfo {
  readonly id: number;
  readonly unitId: number;
  readonly memberId: number;
  /** Where it was sent (to answer there when no private message reaches the sender). */
  readonly chat: ChatRef;
  readonly text: string;
  readonly status: SuggestionStatus;
  readonly reply: string | null;
  readonly createdAt: Date;
  readonly updatedAt: Date;
}

interface Row {
  id: number;
  unitId: number;
  memberId: number;
  chatPlatform: string;
  chatExternalId: string;
  chatKind: string;
  chatTitle: string;
  text: string;
  status: string;
  reply: string | null;
  createdAt: Date;
  updatedAt: Date;
}

function toInfo(r: Row): SuggestionInfo {
  return {
    id: r.id,
    unitId: r.unitId,
    memberId: r.memberId,
    chat: {
      platform: platformSchema.parse(r.chatPlatform),
      chatId: r.chatExternalId,
      kind: r.chatKind === 'private' ? 'private' : 'group',
      title: r.chatTitle,
    },
    text: r.text,
    status: statusSchema.catch('open').parse(r.status),
    reply: r.reply,
    createdAt: r.createdAt,
    updatedAt: r.updatedAt,
  };
}

/** Records a new open suggestion. */
export async function addSuggestion(
  db: Tx,
  s: { unitId: number; memberId: number; chat: ChatRef; text: string; now: Date },
): Promise<SuggestionInfo> {
  const row = await db.suggestion.create({
    data: {
      unitId: s.unitId,
      memberId: s.memberId,
      chatPlatform: s.chat.platform,
      chatExternalId: s.chat.chatId,
      chatKind: s.chat.kind,
      chatTitle: (s.chat.title ?? s.chat.chatId).slice(0, 200),
      text: s.text,
      status: 'open',
      createdAt: s.now,
      updatedAt: s.now,
    },
  });
  return toInfo(row);
}

/** A suggestion by id, or null. */
export async function getSuggestion(db: Tx, id: number): Promise<SuggestionInfo | null> {
  const row = await db.suggestion.findUnique({ where: { id } });
  return row ? toInfo(row) : null;
}

/** A unit's suggestions, newest first (`onlyOpen`: status open), at most `limit`, with the total. */
export async function listSuggestions(
  db: Tx,
  unitId: number,
  options: { onlyOpen: boolean; limit: number },
): Promise<{ rows: SuggestionInfo[]; total: number }> {
  const where = { unitId, ...(options.onlyOpen ? { status: 'open' } : {}) };
  const [rows, total] = await Promise.all([
    db.suggestion.findMany({ where, orderBy: { id: 'desc' }, take: options.limit }),
    db.suggestion.count({ where }),
  ]);
  return { rows: rows.map(toInfo), total };
}

/** Changes a suggestion's status and reply; returns the updated one. */
export async function setSuggestionStatus(
  db: Tx,
  id: number,
  change: { status: SuggestionStatus; reply: string | null; handledById: number; now: Date },
): Promise<SuggestionInfo> {
  const row = await db.suggestion.update({
    where: { id },
    data: { status: change.status, reply: change.reply, handledById: change.handledById, updatedAt: change.now },
  });
  return toInfo(row);
}

/** Open suggestions of a unit: what the month-end joint meeting has to discuss. */
export async function countOpenSuggestions(db: Tx, unitId: number): Promise<number> {
  return db.suggestion.count({ where: { unitId, status: 'open' } });
}

/** Open suggestions of every unit that has any, in one query: unit id → count. */
export async function openSuggestionsByUnit(db: Tx): Promise<Map<number, number>> {
  const groups = await db.suggestion.groupBy({ by: ['unitId'], where: { status: 'open' }, _count: { _all: true } });
  return new Map(groups.map((g) => [g.unitId, g._count._all]));
}

/** How many suggestions of a unit are in each status, sent in [from, to) (for /report). */
export async function suggestionCounts(db: Tx, unitId: number, from: Date, to: Date): Promise<Record<SuggestionStatus, number>> {
  const groups = await db.suggestion.groupBy({
    by: ['status'],
    where: { unitId, createdAt: { gte: from, lt: to } },
    _count: { _all: true },
  });
  const out: Record<SuggestionStatus, number> = { open: 0, accepted: 0, done: 0, declined: 0 };
  for (const g of groups) {
    const s = statusSchema.safeParse(g.status);
    if (s.success) out[s.data] = g._count._all;
  }
  return out;
}
