/**
 * Retention: processed inbound events and finished outbox messages keep no message text after
 * `BOT_RETENTION_DAYS` days (default 30). Who, where and when stay (the bot's record that an event
 * happened and a message went out); what was said does not. Run daily by a scheduled job; with
 * SQLite's secure_delete the old bytes are zeroed, not left in free pages.
 */
import type { Tx } from '../bot/feature.ts';

/** What an expired inbound event's payload becomes (its text only; the row stays for dedupe). */
function expiredInbound(payload: string): string {
  try {
    const p = JSON.parse(payload) as Record<string, unknown>;
    return JSON.stringify({ ...p, content: { type: 'text', text: '[expired]', mentionsBot: false }, redacted: p.redacted ?? 'expired' });
  } catch {
    return JSON.stringify({ content: { type: 'text', text: '[expired]', mentionsBot: false }, redacted: 'expired' });
  }
}

/** An expired outbox message's payload. */
export const EXPIRED_OUTBOX_PAYLOAD = JSON.stringify({ kind: 'text', text: '[expired]' });

/** Most rows rewritten per run and table (a run a day catches up quickly after a long pause). */
const BATCH = 5000;

/**
 * Strips the text of inbound events processed and outbox messages finished before `now - days`.
 * Returns how many rows of each were rewritten.
 */
export async function purgeOldText(tx: Tx, now: Date, days: number): Promise<{ inbound: number; outbox: number }> {
  const cutoff = new Date(now.getTime() - days * 86_400_000);
  const events = await tx.inboundEvent.findMany({
    where: { status: { not: 'received' }, receivedAt: { lt: cutoff }, NOT: { payload: { contains: '"[expired]"' } } },
    select: { id: true, payload: true },
    take: BATCH,
  });
  for (const e of events) await tx.inboundEvent.update({ where: { id: e.id }, data: { payload: expiredInbound(e.payload), error: null } });
  const { count } = await tx.outboxMessage.updateMany({
    where: { status: { in: ['sent', 'failed'] }, createdAt: { lt: cutoff }, payload: { not: EXPIRED_OUTBOX_PAYLOAD } },
    data: { payload: EXPIRED_OUTBOX_PAYLOAD, lastError: null },
  });
  return { inbound: events.length, outbox: count };
}
