/**
 * What the bot answered to one WeCom callback: the outbox payload of the first reply it enqueued
 * to the same chat, read once the event is processed. The exchange of the callback is answered on
 * its req_id with exactly that message (exchanges.ts).
 */
import type { Db } from '../../db/client.ts';
import { WECOM } from './inbound.ts';

/** Replies an event may have before its first one to the chat it came from (others go to private chats). */
const FIRST_REPLIES_LOOKED_AT = 6;

/** The outbox keys an event's first replies can have (`evt:<id>:<n>`, split ones `#1`, a refusal or an apology): unique-index lookups, never a scan. */
function firstReplyKeys(eventRowId: number): string[] {
  const keys = [`evt:${eventRowId}:refusal`, `evt:${eventRowId}:apology`];
  for (let n = 0; n < FIRST_REPLIES_LOOKED_AT; n++) keys.push(`evt:${eventRowId}:${n}`, `evt:${eventRowId}:${n}#1`);
  return keys;
}

/**
 * The payload of the first outbox message the event produced for `chatId`, or undefined when it
 * produced none or that reply is already sent or given up (a redelivered callback, e.g. a second
 * enter_chat: its reply is gone, so its exchange must not take a later message with the same text).
 */
export async function firstReplyOf(db: Db, eventId: string, chatId: string): Promise<string | undefined> {
  const event = await db.inboundEvent.findUnique({ where: { platform_eventId: { platform: WECOM, eventId } }, select: { id: true } });
  if (!event) return undefined;
  const row = await db.outboxMessage.findFirst({
    where: { platform: WECOM, chatId, idempotencyKey: { in: firstReplyKeys(event.id) } },
    orderBy: { id: 'asc' },
    select: { payload: true, status: true },
  });
  return row && row.status !== 'sent' && row.status !== 'failed' ? row.payload : undefined;
}
