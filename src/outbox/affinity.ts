/**
 * Chat affinity (#18): with several instances delivering from one database, each chat is served
 * by exactly one live instance, its rendezvous owner over the live instance ids (rendezvous.ts).
 * One instance then paces each chat and each group alone, so the per-chat interval and the
 * per-group minute hold as on one instance; the overall rate is split (each keeps 1/n of it).
 *
 * Hand-over. Views of who is live differ for a while after a join, a leave or a lapse, so an
 * instance serves a chat it owns only when no live peer's acknowledgement (peers.ts: the ids that
 * peer serves by, written before it serves by them) makes that peer its owner; a live peer with no
 * acknowledgement (alone until now, or just started) holds every chat. Each instance
 * writes its acknowledgement before it reads the others' and decides, so of two instances that
 * both think they own a chat at least one sees the other's claim and waits (as in Dekker's
 * mutual exclusion). A peer's passes run one after another, so by the time it acknowledges a
 * view that gives a chat away, its sends to that chat are done and marked: the new owner learns
 * them from the database (`adopt`, then the limiter's `seed`). A newcomer also waits until the
 * peers' earlier sends fit their new share (`drainAt` in their acknowledgements); after a peer
 * left, the overall rate stays split by the larger count for one window (`instances`).
 */
import type { PeerView } from './peers.ts';
import { OwnerMap } from './rendezvous.ts';

/** What this instance does with a chat's head now. */
export type Verdict = { readonly kind: 'serve' } | { readonly kind: 'other' } | { readonly kind: 'wait'; readonly ms: number };

/** How soon to look again while a peer's acknowledgement holds a chat this instance owns (ms). */
export const HANDOVER_POLL_MS = 50;

/** Views remembered for `instances` and `adopt` (each is one membership change). */
const PAST_VIEWS = 64;
/** Chats remembered as served without a break before starting over (they are seeded again). */
const MAX_MINE = 50_000;

/** One instance's view of which chats it serves. */
export class ChatAffinity {
  private view: PeerView | undefined;
  private liveKey = '';
  private owners = new OwnerMap([]);
  private readonly peerOwners = new Map<string, OwnerMap>();
  /** The live set last acknowledged (undefined: none written since this instance joined). */
  private acked: string | undefined;
  /** The live set this instance serves by (acknowledged, or alone and never acknowledged). */
  private serving: string | undefined;
  /** Views replaced: their owners, and until when each was in effect. */
  private readonly past: { owners: OwnerMap; until: number }[] = [];
  /** When this instance (re)joined: before, other instances may have served any chat. */
  private joinedAt = -Infinity;
  /** Chats this instance has served (or seeded) since it last came to own them. */
  private readonly mine = new Set<string>();

  /** @param self this instance's id. */
  constructor(private readonly self: string) {}

  /**
   * Takes a view just read. Returns true when this instance must acknowledge its live set
   * (`acknowledged`) before serving by it: it changed, unless this instance is alone and never
   * acknowledged one (the others see no acknowledgement, which holds every chat for it).
   */
  apply(view: PeerView, now: number): boolean {
    const key = view.live.join('\u0000');
    if (key !== this.liveKey || !this.view) {
      if (this.view) this.past.push({ owners: this.owners, until: now });
      if (this.past.length > PAST_VIEWS) this.past.shift();
      this.liveKey = key;
      this.owners = new OwnerMap(view.live);
      for (const chat of this.mine) if (this.owners.owner(chat) !== this.self) this.mine.delete(chat);
    }
    for (const [id, ack] of view.acks) {
      if (this.peerOwners.get(id)?.ids.join('\u0000') !== ack.ids.join('\u0000')) this.peerOwners.set(id, new OwnerMap(ack.ids));
    }
    this.view = view;
    if (!view.live.includes(this.self) || this.acked === key) return false;
    if (this.acked === undefined && view.live.length === 1) {
      this.serving = key;
      return false;
    }
    return true;
  }

  /** Records that this instance's acknowledgement of `ids` is written. */
  acknowledged(ids: readonly string[]): void {
    this.acked = this.serving = ids.join('\u0000');
  }

  /** Forgets what it acknowledged (its row was cleared when it joined again at `now`). */
  rejoined(now: number): void {
    this.acked = this.serving = undefined;
    this.joinedAt = now;
    this.mine.clear();
  }

  /** The live instance ids of the last view (this one included while its presence holds). */
  get live(): readonly string[] {
    return this.view?.live ?? [this.self];
  }

  /**
   * How many instances the overall rate is divided among at `now`: the most that were live in
   * any view in effect during the last `windowMs` (a peer that just left may have sent in it).
   */
  instances(now: number, windowMs: number): number {
    let n = Math.max(1, this.view?.live.length ?? 1);
    for (const p of this.past) if (p.until > now - windowMs) n = Math.max(n, p.owners.ids.length);
    return n;
  }

  /** Whether this instance serves `chatKey` (a chat of `platform`) now, leaves it to a peer, or waits. */
  verdict(chatKey: string, platform: string, now: number): Verdict {
    const view = this.view;
    if (!view || !view.live.includes(this.self)) return { kind: 'wait', ms: HANDOVER_POLL_MS };
    if (this.owners.owner(chatKey) !== this.self) return { kind: 'other' };
    if (this.serving !== this.liveKey) return { kind: 'wait', ms: HANDOVER_POLL_MS };
    let ms = 0;
    for (const id of view.live) {
      if (id === this.self) continue;
      const ack = view.acks.get(id);
      if (!ack || this.peerOwners.get(id)?.owner(chatKey) === id) return { kind: 'wait', ms: HANDOVER_POLL_MS };
      ms = Math.max(ms, (ack.drainAt[platform] ?? 0) - now);
    }
    return ms > 0 ? { kind: 'wait', ms } : { kind: 'serve' };
  }

  /**
   * Called for a chat about to be served: true when its recent sends must be read first, because
   * another instance may have served it within `lookBackMs` (this instance joined since, with
   * others live, or did not own it in a view of that time) and this one has not served it since.
   */
  adopt(chatKey: string, now: number, lookBackMs: number): boolean {
    if (this.mine.has(chatKey)) return false;
    if (this.mine.size >= MAX_MINE) this.mine.clear();
    this.mine.add(chatKey);
    if (this.joinedAt > now - lookBackMs && this.instances(now, now - this.joinedAt + 1) > 1) return true;
    return this.past.some((p) => p.until > now - lookBackMs && p.owners.owner(chatKey) !== this.self);
  }
}
