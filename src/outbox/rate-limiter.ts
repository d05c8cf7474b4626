import type { RateLimits } from '../bot/adapter.ts';

/**
 * Keeps one platform's outgoing pace: at most `globalPerSecond` overall (sliding one-second
 * window), at least `perChatIntervalMs` between two messages to one chat, at most
 * `perGroupPerMinute` into one group (sliding one-minute window). Time comes from the caller, so
 * tests drive it with an injected clock; `timeScale` shrinks every window (a scale of 60 turns
 * "20 per minute" into "20 per second") so rate tests run in seconds. With n instances sending
 * for one account, each keeps `1/n` of the overall rate (`setShare`); a chat's own limits hold
 * because one instance serves it, and one that takes a chat over learns its recent sends (`seed`).
 */
export class RateLimiter {
  private readonly globalTimes: number[] = [];
  private readonly lastPerChat = new Map<string, number>();
  private readonly groupTimes = new Map<string, number[]>();
  private readonly second: number;
  private readonly minute: number;
  private readonly chatInterval: number;
  private globalWindow: number;
  private globalMax: number;
  private share = 1;

  /** @param limits the platform's limits; @param timeScale divides every window (default 1). */
  constructor(
    readonly limits: RateLimits,
    timeScale = 1,
  ) {
    this.second = 1000 / timeScale;
    this.minute = 60_000 / timeScale;
    this.chatInterval = limits.perChatIntervalMs / timeScale;
    this.globalMax = 1;
    this.globalWindow = this.second;
    this.setShare(1);
  }

  /** The one-minute window in ms (scaled): how far back a taken-over chat's sends matter. */
  get minuteMs(): number {
    return this.minute;
  }

  /** The overall window in ms (scaled): how long a send counts against the overall rate. */
  get globalWindowMs(): number {
    return this.globalWindow;
  }

  /**
   * Keeps `1/instances` of the overall rate (rounded down: the instances together never exceed
   * it). Below one message a second (a careful personal-account pace, or a small share), the
   * window stretches to hold one message.
   */
  setShare(instances: number): void {
    this.share = Math.max(1, Math.floor(instances));
    const rate = this.limits.globalPerSecond / this.share;
    this.globalMax = rate >= 1 ? Math.floor(rate) : 1;
    this.globalWindow = rate >= 1 ? this.second : this.second / rate;
  }

  /** How many instances the overall rate is split among now (`setShare`). */
  get instances(): number {
    return this.share;
  }

  /**
   * The earliest time from which the sends recorded so far fit this instance's share of the
   * overall window (0 when they already do): after a peer joined, until then they still use more
   * of the account's rate than this instance's share, so the newcomer waits for it.
   */
  drainAt(now: number): number {
    const g = this.globalTimes;
    prune(g, now - this.globalWindow);
    if (g.length <= this.globalMax) return 0;
    return Math.ceil(g[g.length - this.globalMax - 1]! + this.globalWindow);
  }

  /**
   * Learns sends to `chatId` made by another instance (a chat taken over): `times` (ms) hold the
   * chat's interval and, for a group, its per-minute count, as if this limiter had sent them.
   * They do not count against this instance's overall share (the other instance counted them).
   */
  seed(chatId: string, isGroup: boolean, times: readonly number[]): void {
    if (!times.length) return;
    const latest = Math.max(...times);
    const last = this.lastPerChat.get(chatId);
    if (last === undefined || latest > last) this.lastPerChat.set(chatId, latest);
    if (!isGroup) return;
    const merged = [...(this.groupTimes.get(chatId) ?? []), ...times].sort((a, b) => a - b);
    this.groupTimes.set(chatId, merged);
  }

  /**
   * How long (ms) to wait before a message to `chatId` may go at time `now`; 0 means now.
   * Does not record anything: call `record` once the message is actually sent.
   */
  waitMs(chatId: string, isGroup: boolean, now: number): number {
    this.forgetFuture(chatId, now);
    let wait = 0;
    const g = this.globalTimes;
    prune(g, now - this.globalWindow);
    if (g.length >= this.globalMax) wait = Math.max(wait, g[g.length - this.globalMax]! + this.globalWindow - now);
    const last = this.lastPerChat.get(chatId);
    if (last !== undefined) wait = Math.max(wait, last + this.chatInterval - now);
    if (isGroup) {
      const times = this.groupTimes.get(chatId);
      if (times) {
        prune(times, now - this.minute);
        if (times.length >= this.limits.perGroupPerMinute) {
          wait = Math.max(wait, times[times.length - this.limits.perGroupPerMinute]! + this.minute - now);
        }
      }
    }
    return Math.max(0, Math.ceil(wait));
  }

  /**
   * Moves a send recorded at `from` (when it was chosen) to `to` (when it went out, later under
   * load), so every window counts it from when the platform saw it.
   */
  restamp(chatId: string, isGroup: boolean, from: number, to: number): void {
    if (to <= from) return;
    if (removeLast(this.globalTimes, from)) insertSorted(this.globalTimes, to);
    if (this.lastPerChat.get(chatId) === from) this.lastPerChat.set(chatId, to);
    const times = isGroup ? this.groupTimes.get(chatId) : undefined;
    if (times && removeLast(times, from)) insertSorted(times, to);
  }

  /**
   * Forgets sends recorded after `now`: the clock stepped back (NTP, a test's clock). Kept, they
   * would hold every chat for as long as the step (months after a test moves the clock back a year).
   */
  private forgetFuture(chatId: string, now: number): void {
    const g = this.globalTimes;
    while (g.length && g[g.length - 1]! > now) g.pop();
    const last = this.lastPerChat.get(chatId);
    if (last !== undefined && last > now) this.lastPerChat.delete(chatId);
    const times = this.groupTimes.get(chatId);
    while (times?.length && times[times.length - 1]! > now) times.pop();
  }

  /**
   * Records a message sent to `chatId` at `now`. Returns a function that takes the record back, for
   * a send that did not happen after all (another instance leased the message first).
   */
  record(chatId: string, isGroup: boolean, now: number): () => void {
    const previous = this.lastPerChat.get(chatId);
    this.globalTimes.push(now);
    this.lastPerChat.set(chatId, now);
    if (isGroup) {
      let times = this.groupTimes.get(chatId);
      if (!times) this.groupTimes.set(chatId, (times = []));
      times.push(now);
    }
    this.forgetIdle(now);
    return () => {
      removeLast(this.globalTimes, now);
      const times = this.groupTimes.get(chatId);
      if (times) removeLast(times, now);
      if (this.lastPerChat.get(chatId) !== now) return;
      if (previous === undefined) this.lastPerChat.delete(chatId);
      else this.lastPerChat.set(chatId, previous);
    };
  }

  /** Forgets idle chats so memory stays bounded over a long run. */
  private forgetIdle(now: number): void {
    if (this.lastPerChat.size > 10_000) {
      for (const [id, t] of this.lastPerChat) {
        if (t < now - this.minute) {
          this.lastPerChat.delete(id);
          this.groupTimes.delete(id);
        }
      }
    }
  }
}

/** Drops timestamps older than `cutoff` from the front of a sorted array. */
function prune(times: number[], cutoff: number): void {
  let i = 0;
  while (i < times.length && times[i]! <= cutoff) i++;
  if (i) times.splice(0, i);
}

/** Removes the last occurrence of `time` from `times` (kept sorted), if any; true if it did. */
function removeLast(times: number[], time: number): boolean {
  const i = times.lastIndexOf(time);
  if (i >= 0) times.splice(i, 1);
  return i >= 0;
}

/** Inserts `time` into `times`, keeping it sorted. */
function insertSorted(times: number[], time: number): void {
  let i = times.length;
  while (i > 0 && times[i - 1]! > time) i--;
  times.splice(i, 0, time);
}
