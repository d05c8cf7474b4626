/**
 * Pacing against bans: WeChat restricts personal accounts that send like a machine, so group
 * messages keep a per-room gap with random jitter (no two rooms in lock-step, never a burst), and
 * each room and the whole account stop for the day at a cap. The outbox's own rate limiter keeps
 * the per-second pace; this adds what a careful person does over a day. Pure: time and randomness
 * come from the caller, so a day of traffic is measured on a manual clock.
 */

/** The pacing settings (`WECHAT_*` variables). */
export interface PacingLimits {
  /** Least time between two messages into one room, in ms. */
  readonly roomGapMs: number;
  /** Up to this much more, drawn at random after each message, in ms. */
  readonly jitterMs: number;
  /** Messages into one room per day. */
  readonly roomDailyCap: number;
  /** Messages the account sends per day, rooms and private chats together. */
  readonly accountDailyCap: number;
}

/**
 * Defaults that look like a careful person: 5-15 s between two messages in one room (a reply still
 * comes while the asker looks at the phone), 40 a day into one room, 1000 a day in all.
 */
export const DEFAULT_PACING: PacingLimits = { roomGapMs: 5_000, jitterMs: 10_000, roomDailyCap: 40, accountDailyCap: 1000 };

/** China Standard Time, where a township's day begins. */
const DAY_OFFSET_MS = 8 * 3_600_000;
const DAY_MS = 86_400_000;

/** The day number (China time) of `now`, and when the next one starts. */
export function dayOf(now: number): { day: number; nextDayAt: number } {
  const day = Math.floor((now + DAY_OFFSET_MS) / DAY_MS);
  return { day, nextDayAt: (day + 1) * DAY_MS - DAY_OFFSET_MS };
}

/** Whether a message may go now, or how long to wait and whether a daily cap is why. */
export type PaceDecision =
  | { readonly ok: true }
  | { readonly ok: false; readonly waitMs: number; readonly cap?: 'room' | 'account' };

/** Counts one account's sends per room and per day; decides whether the next one may go. */
export class Pacer {
  private day = -1;
  private accountCount = 0;
  private readonly roomCounts = new Map<string, number>();
  /** Earliest time of the next message into each room (gap plus the jitter drawn after the last). */
  private readonly nextRoomAt = new Map<string, number>();

  /** @param random a number in [0, 1) (Math.random; a seeded one in tests). */
  constructor(
    readonly limits: PacingLimits,
    private readonly random: () => number = Math.random,
  ) {}

  /** May a message to `chatId` go at `now`? Records nothing. */
  check(chatId: string, isGroup: boolean, now: number): PaceDecision {
    this.rollDay(now);
    const { nextDayAt } = dayOf(now);
    if (this.accountCount >= this.limits.accountDailyCap) return { ok: false, waitMs: nextDayAt - now, cap: 'account' };
    if (!isGroup) return { ok: true };
    if ((this.roomCounts.get(chatId) ?? 0) >= this.limits.roomDailyCap) return { ok: false, waitMs: nextDayAt - now, cap: 'room' };
    const at = this.nextRoomAt.get(chatId) ?? 0;
    return at > now ? { ok: false, waitMs: at - now } : { ok: true };
  }

  /** Records a message sent at `now`, drawing the room's next gap. */
  record(chatId: string, isGroup: boolean, now: number): void {
    this.rollDay(now);
    this.accountCount++;
    if (!isGroup) return;
    this.roomCounts.set(chatId, (this.roomCounts.get(chatId) ?? 0) + 1);
    this.nextRoomAt.set(chatId, now + this.limits.roomGapMs + Math.floor(this.random() * this.limits.jitterMs));
  }

  /** Sends so far today: the account's, and one room's. */
  counts(chatId?: string): { account: number; room: number } {
    return { account: this.accountCount, room: chatId ? (this.roomCounts.get(chatId) ?? 0) : 0 };
  }

  /** A room got a new id (re-login): its count and gap carry over. */
  rename(oldId: string, newId: string): void {
    const count = this.roomCounts.get(oldId);
    if (count !== undefined) this.roomCounts.set(newId, count);
    const next = this.nextRoomAt.get(oldId);
    if (next !== undefined) this.nextRoomAt.set(newId, next);
  }

  private rollDay(now: number): void {
    const { day } = dayOf(now);
    if (day === this.day) return;
    this.day = day;
    this.accountCount = 0;
    this.roomCounts.clear();
  }
}
