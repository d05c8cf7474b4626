/**
 * A check-in far beyond what its target still needs (`+1000` on a target of 20) is asked about
 * before anything is written: the bot says what it would record and waits for `确认` or `取消`
 * (or the explicit `/checkin #N +K … 确认`). The question waits in this process's memory for 10
 * minutes; nothing of it is in the database, so a restart only means sending the check-in again.
 */
import type { CheckinCommand } from './parse.ts';
import type { PledgeView } from './rules.ts';

/** How long a question about a far check-in waits for its answer. */
const PENDING_MS = 10 * 60_000;

/** Words that confirm or cancel (a bare reply, or the last word of /checkin). */
export const CONFIRM_WORDS = new Set(['确认', '确定', '是', 'confirm', 'yes']);
export const CANCEL_WORDS = new Set(['取消', '不', '否', 'cancel', 'no']);

/** A check-in waiting for confirmation. */
export type PendingCheckin = Extract<CheckinCommand, { action: 'add' }> & { readonly id: number };

/**
 * "Far": more than 10 and more than twice what the target still needs (twice the target itself
 * once it is reached). A pledge without a target is never asked about.
 */
export function isFarBeyond(p: Pick<PledgeView, 'target' | 'progress'>, amount: number): boolean {
  if (p.target === null) return false;
  const remaining = Math.max(0, p.target - p.progress);
  return amount > 10 && amount > 2 * Math.max(remaining, remaining === 0 ? p.target : 0);
}

/** Check-ins waiting for `确认`, one per member (a newer one replaces it). */
export class PendingCheckins {
  private readonly byMember = new Map<number, { readonly checkin: PendingCheckin; readonly at: number }>();

  /** Remembers `checkin` for `memberId` until `PENDING_MS` after `now`. */
  set(memberId: number, checkin: PendingCheckin, now: Date): void {
    this.byMember.set(memberId, { checkin, at: now.getTime() });
  }

  /** The member's waiting check-in, if it has not expired. */
  peek(memberId: number, now: Date): PendingCheckin | undefined {
    const entry = this.byMember.get(memberId);
    if (!entry) return undefined;
    if (now.getTime() - entry.at > PENDING_MS) {
      this.byMember.delete(memberId);
      return undefined;
    }
    return entry.checkin;
  }

  /** Forgets the member's waiting check-in. */
  drop(memberId: number): void {
    this.byMember.delete(memberId);
  }
}

/** The answer word of a bare reply (`确认。`, `取消！`), lower-cased, without punctuation. */
export function answerWord(text: string): string {
  return text.trim().replace(/[\s。.!！?？,，]+$/u, '').toLowerCase();
}
