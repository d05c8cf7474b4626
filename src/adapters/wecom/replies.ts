/**
 * What the bot answered to one WeCom callback: the outbox payload of the first reply it enqueued
 * to the same chat, read once the event is processed. The exchange of the callback is answered on
 * its req_id with exactly that message (exchanges.ts).
 */
import type { Db } from '../../db/client.ts';
import { WECOM } from './inbound.ts';

/** The payload of the first outbox message the event produced for `chatId`, or undefined when it produced none. */
export async function firstReplyOf(db: Db, eventId: string, chatId: string): Promise<string | undefined> {
  const event = await db.inboundEvent.findUnique({ where: { platform_eventId: { platform: WECOM, eventId } }, select: { id: true } });
  if (!event) return undefined;
  const row = await db.outboxMessage.findFirst({
    where: { platform: WECOM, chatId, idempotencyKey: { startsWith: `evt:${event.id}:` } },
    orderBy: { id: 'asc' },
    select: { payload: true },
  });
  return row?.payload;
}
