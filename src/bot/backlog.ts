/**
 * The inbox's backlog as a deadline sees it: whether events recorded by some time are still
 * waiting to be processed. A step that closes something at a time (a quiz question's time-up)
 * asks it first, so answers that arrived in time but wait in their chats' lanes (a county's peak)
 * are processed before the close, and count.
 */
import type { Tx } from './feature.ts';
import type { Platform } from './types.ts';

/**
 * True when some event of `platform` recorded at or before `at` is not processed yet (on any
 * instance). Per platform, not per chat: a chat's id lives in the stored payload; at a peak the
 * chats are behind together, so the wider question costs nothing real.
 */
export async function eventsWaitingSince(tx: Tx, platform: Platform, at: Date): Promise<boolean> {
  const row = await tx.inboundEvent.findFirst({ where: { status: 'received', platform, receivedAt: { lte: at } }, select: { id: true } });
  return row !== null;
}
