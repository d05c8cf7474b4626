/**
 * The recent sends of a few chats, from the outbox's own rows: when an instance takes chats over
 * from another (src/outbox/affinity.ts), it learns when each was last sent to and how many
 * messages each group got in the last minute, so their limits hold across the hand-over. `sentAt`
 * is written when a send is marked, at or just after the send, so the limits err on the safe side.
 */
import type { Db } from '../db/client.ts';

/** Chat ids per statement (well under both databases' parameter limits). */
const CHATS_PER_READ = 500;

/** Send times (ms, ascending) of each of `chatIds` on `platform` since `since`; chats without any are absent. */
export async function recentSends(db: Db, platform: string, chatIds: readonly string[], since: Date): Promise<Map<string, number[]>> {
  const times = new Map<string, number[]>();
  const ids = [...new Set(chatIds)];
  for (let i = 0; i < ids.length; i += CHATS_PER_READ) {
    const rows = await db.outboxMessage.findMany({
      where: { platform, chatId: { in: ids.slice(i, i + CHATS_PER_READ) }, status: 'sent', sentAt: { gt: since } },
      select: { chatId: true, sentAt: true },
      orderBy: { sentAt: 'asc' },
    });
    for (const r of rows) times.set(r.chatId, [...(times.get(r.chatId) ?? []), r.sentAt!.getTime()]);
  }
  return times;
}
