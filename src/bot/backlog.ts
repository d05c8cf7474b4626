/**
 * The inbox's backlog as a deadline sees it: whether events recorded by some time are still
 * waiting to be processed. A step that closes something at a time (a quiz question's time-up, a
 * poll's close) asks it first, so answers and votes that arrived in time but wait in their chats'
 * lanes (a county's peak) are processed before the close, and count: handlers judge them by
 * `Context.receivedAt`, when they arrived.
 */
import type { Tx } from './feature.ts';
import type { Platform } from './types.ts';

/** How often a close looks again while events that arrived before its deadline wait. */
export const BACKLOG_RECHECK_MS = 2_000;
/** Longest a close waits for them (an event stuck `received` must not hold it for ever). */
export const BACKLOG_WAIT_MAX_MS = 10 * 60_000;

/**
 * True when some event of `platform` recorded at or before `at` is not processed yet (on any
 * instance). Per platform, not per chat: a chat's id lives in the stored payload; at a peak the
 * chats are behind together, so the wider question costs nothing real.
 */
export async function eventsWaitingSince(tx: Tx, platform: Platform, at: Date): Promise<boolean> {
  const row = await tx.inboundEvent.findFirst({ where: { status: 'received', platform, receivedAt: { lte: at } }, select: { id: true } });
  return row !== null;
}

/**
 * When a close due at `deadline` and run at `now` should look again instead of closing: while
 * events of `platform` recorded by the deadline wait, every `BACKLOG_RECHECK_MS`, for at most
 * `BACKLOG_WAIT_MAX_MS` after it. Null: close now.
 */
export async function recheckCloseAt(tx: Tx, platform: Platform, deadline: Date, now: Date): Promise<Date | null> {
  if (now.getTime() - deadline.getTime() >= BACKLOG_WAIT_MAX_MS) return null;
  return (await eventsWaitingSince(tx, platform, deadline)) ? new Date(now.getTime() + BACKLOG_RECHECK_MS) : null;
}
