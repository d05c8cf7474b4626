import type { Adapter, BatchSendResult, SendResult } from '../bot/adapter.ts';
import { DeliveryError } from '../bot/adapter.ts';
import type { ChatRef, OutgoingMessage, Platform, QueuedMessage } from '../bot/types.ts';
import type { Db } from '../db/client.ts';
import type { Clock } from '../clock.ts';
import type { Logger } from '../logger.ts';
import { RateLimiter } from './rate-limiter.ts';
import { messageOf } from './seal.ts';
import type { CallMeter } from './meter.ts';
import { renderNow, type Renderers } from './deferred.ts';
import { planPrivateBatches } from './batch.ts';
import { markSentMany, type SentMark } from './marks.ts';
import { OutboxPeers } from './peers.ts';
import { ChatAffinity, HANDOVER_POLL_MS, type Verdict } from './affinity.ts';
import { recentSends } from './recent-sends.ts';

/** Tuning of the dispatcher; the defaults suit one township on one instance. */
export interface DispatcherOptions {
  readonly db: Db;
  readonly adapters: readonly Adapter[];
  readonly clock: Clock;
  readonly logger: Logger;
  /** Names this process in leases; a restarted process with the same id takes its old leases back at once. */
  readonly instanceId: string;
  /** How long a claimed message stays reserved for the instance sending it (default 30 s). */
  readonly leaseMs?: number;
  /** Idle polling period when nothing wakes the dispatcher (default 500 ms); enqueues wake it at once. */
  readonly idleMs?: number;
  /** Divides every rate-limit window (tests and benchmarks run a platform's limits faster). */
  readonly rateTimeScale?: number;
  /** Transient failures before a message is given up as failed (default 8). */
  readonly maxAttempts?: number;
  /** Counts and spares the calls of `metered` platforms (src/outbox/meter.ts). */
  readonly meter?: CallMeter;
  /** The features' renderers, for `render` messages (pictures and files made at send time). */
  readonly renderers?: Renderers;
  /** Sent marks are written as soon as this many are waiting (default 200, one statement's worth)… */
  readonly marksPerWrite?: number;
  /** …or once the oldest has waited this long (default 200 ms), and at the end of every pass. */
  readonly markWriteMs?: number;
}

interface Row {
  id: number;
  platform: string;
  chatId: string;
  chatKind: string;
  idempotencyKey: string;
  payload: string;
  status: string;
  priority: number;
  attempts: number;
  notBefore: Date;
  lockedBy: string | null;
  lockedUntil: Date | null;
}

/**
 * Delivers the outbox: each chat's messages in id order, one at a time, within each platform's
 * rate limits; chats are served in parallel. A 429 holds that chat for `retry_after`; a permanent
 * error fails that message only; transient errors retry with exponential backoff; an offline
 * platform's messages wait. Rows are leased (`sending`, lockedBy, lockedUntil) before sending, so
 * several instances never send one message twice, and a crashed sender's lease expires.
 */
export class OutboxDispatcher {
  private readonly adapters = new Map<Platform, Adapter>();
  private readonly limiters = new Map<Platform, RateLimiter>();
  private readonly leaseMs: number;
  private readonly idleMs: number;
  private readonly maxAttempts: number;
  private running = false;
  private loop: Promise<void> | undefined;
  private wake: (() => void) | undefined;
  private timer: NodeJS.Timeout | undefined;
  private dirty = true;
  /** Callers of `drain` waiting for a pass that started after they asked (`afterTick`). */
  private idleWaiters: { afterTick: number; resolve: () => void }[] = [];
  /** Passes started so far, and what the last finished pass found due per platform. */
  private ticksStarted = 0;
  private lastDue = new Map<Platform, number>();
  /** The pass in which each chat was last sent to (round robin among chats of equal priority). */
  private readonly served = new Map<string, number>();
  /** When each row leased in the current pass was recorded in its limiter (`stampSend`). */
  private readonly stamps = new Map<number, number>();
  /** Rows delivered in the current pass and not yet marked sent (`writeMarks`). */
  private readonly sentMarks: SentMark[] = [];
  /** Writes the waiting marks once the oldest has waited `markWriteMs`. */
  private markTimer: NodeJS.Timeout | undefined;
  /** The mark writes under way, one after another (a chat's next head is due once its mark is written). */
  private markWrites: Promise<void> = Promise.resolve();
  private readonly marksPerWrite: number;
  private readonly markWriteMs: number;
  /** This instance's presence among those delivering from the database. */
  private readonly peers: OutboxPeers;
  /** Which chats this instance serves among the live instances (src/outbox/affinity.ts). */
  private readonly affinity: ChatAffinity;

  constructor(private readonly opts: DispatcherOptions) {
    for (const a of opts.adapters) {
      this.adapters.set(a.platform, a);
      this.limiters.set(a.platform, new RateLimiter(a.capabilities.rateLimits, opts.rateTimeScale ?? 1));
    }
    this.leaseMs = opts.leaseMs ?? 30_000;
    this.idleMs = opts.idleMs ?? 500;
    this.maxAttempts = opts.maxAttempts ?? 8;
    this.marksPerWrite = Math.max(1, opts.marksPerWrite ?? 200);
    this.markWriteMs = opts.markWriteMs ?? 200;
    this.peers = new OutboxPeers(opts.db, opts.clock, opts.instanceId, this.leaseMs);
    this.affinity = new ChatAffinity(opts.instanceId);
  }

  /** Starts delivering in the background; takes back leases this instance id held before a restart. */
  async start(): Promise<void> {
    if (this.running) return;
    await this.join();
    this.running = true;
    this.loop = this.run();
  }

  /**
   * What `start` does before its loop: takes back this instance id's leases and announces it to
   * the other instances, so its passes serve only its chats. For callers that run the passes
   * themselves (`tick`); a dispatcher that never joined serves every chat, as one instance alone.
   */
  async join(): Promise<void> {
    await this.opts.db.outboxMessage.updateMany({
      where: { status: 'sending', lockedBy: this.opts.instanceId },
      data: { status: 'pending', lockedBy: null, lockedUntil: null },
    });
    await this.peers.join();
    this.affinity.rejoined(this.opts.clock.now().getTime());
  }

  /** Stops after the sends in flight finish. */
  async stop(): Promise<void> {
    this.running = false;
    this.notify();
    await this.loop;
    this.loop = undefined;
    await this.peers.leave().catch((err: unknown) => this.opts.logger.warn({ err }, 'outbox presence not given up (it lapses)'));
  }

  /** Wakes the dispatcher now (called after an enqueue). */
  notify(): void {
    this.dirty = true;
    const w = this.wake;
    this.wake = undefined;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    w?.();
  }

  /**
   * Resolves once a pass of the dispatcher, started after this call, found nothing due for
   * `platform` (or any platform): nothing waiting to be sent now or being sent. Messages held for
   * later (a 429's retry_after, a backoff, an offline platform) do not count. The console waits on
   * this so its transcript shows every reply before the next line.
   */
  async drain(platform?: Platform): Promise<void> {
    while (this.running) {
      if (platform && !this.adapters.get(platform)?.isOnline()) return;
      const afterTick = this.ticksStarted + 1;
      await new Promise<void>((resolve) => {
        this.idleWaiters.push({ afterTick, resolve });
        this.notify();
      });
      const due = platform ? (this.lastDue.get(platform) ?? 0) : [...this.lastDue.values()].reduce((a, b) => a + b, 0);
      if (due === 0) return;
    }
  }

  private releaseWaiters(all: boolean): void {
    const ready = this.idleWaiters.filter((w) => all || w.afterTick <= this.ticksStarted);
    this.idleWaiters = this.idleWaiters.filter((w) => !ready.includes(w));
    for (const w of ready) w.resolve();
  }

  private async run(): Promise<void> {
    while (this.running) {
      let nextWait = this.idleMs;
      try {
        this.dirty = false;
        nextWait = Math.min(nextWait, await this.tick());
      } catch (err) {
        this.opts.logger.error({ err }, 'outbox tick failed');
      }
      this.releaseWaiters(false);
      if (!this.running) break;
      if (this.dirty || nextWait <= 0) continue;
      await new Promise<void>((resolve) => {
        this.wake = resolve;
        this.timer = setTimeout(() => {
          this.wake = undefined;
          this.timer = undefined;
          resolve();
        }, Math.max(1, nextWait));
      });
    }
    this.releaseWaiters(true);
  }

  /**
   * One pass: finds the head message of every chat this instance serves with something due
   * (src/outbox/affinity.ts: each chat has one live instance), sends those the rate limits allow,
   * in parallel across chats. Returns ms until something may become sendable. Heads compete for
   * an account's sends by priority (notices, results and questions before individual replies),
   * then round robin (the chat served longest ago first), so one chat's backlog never holds back
   * another chat. Sent marks are written as groups of sends complete (`markSent`); a chat's next
   * message is due only once its head is marked.
   */
  async tick(): Promise<number> {
    this.ticksStarted++;
    const online = [...this.adapters.values()].filter((a) => a.isOnline()).map((a) => a.platform);
    if (!online.length) {
      this.lastDue = new Map();
      return this.idleMs;
    }
    await this.peers.keepAlive();
    const now = this.opts.clock.now();
    const { heads, queued, held } = await this.readHeads(online);
    const batches = planPrivateBatches(heads, now.getTime(), (p) => this.adapters.get(p as Platform)?.capabilities.privateBatch ?? 1);
    const open = this.openHeads(heads, batches.absorbed, now.getTime());
    await this.seedAdopted([...open.free, ...[...batches.companions.values()].flat()], now.getTime());
    for (const [platform, n] of held.due) open.due.set(platform, (open.due.get(platform) ?? 0) + n);
    const plan = this.choose(open.free, now.getTime(), Math.min(open.wait, held.wait));
    // Whether the next pass should start at once: a chat just sent to has more waiting, another
    // instance leased some first, or a send failed (its retry time is known only after the pass).
    let again = false;
    const sends: Promise<void>[] = [];
    const claimed = await this.claim(plan.chosen.map((c) => c.head), now);
    const got = new Set(claimed);
    for (const { head, undo } of plan.chosen) {
      if (got.has(head)) continue;
      undo(); // another instance was first: this pass did not send it
      again = true;
    }
    for (const head of claimed) {
      this.stamps.set(head.id, now.getTime());
      this.served.set(chatKey(head), this.ticksStarted);
      if ((queued.get(chatKey(head)) ?? 0) > 1) again = true;
      const companions = await this.claim(batches.companions.get(head.id) ?? [], now);
      if (companions.length) again = true;
      sends.push(
        (companions.length ? this.deliverBatch([head, ...companions]) : this.deliver(head)).then((sent) => {
          if (!sent) again = true;
        }),
      );
    }
    try {
      await Promise.all(sends);
    } finally {
      this.stamps.clear();
      await this.writeMarks();
    }
    this.lastDue = open.due;
    // Nothing else known to be sendable: sleep until `wait` or until an enqueue wakes the loop. Only
    // during a hand-over (a chat this instance now owns still leased by its previous owner) look
    // again soon: the other instance's mark frees that chat's next message.
    if (again) return 0;
    return open.othersBusy ? Math.min(plan.wait, HANDOVER_POLL_MS) : plan.wait;
  }

  /**
   * Of the heads read: those free to send now (not held for later, not riding in another head's
   * batch, not leased by a live sender), what is due per platform, ms until a held head may go, and
   * whether another instance is still sending one (a chat handed over to this one).
   */
  private openHeads(heads: readonly Row[], absorbed: ReadonlySet<number>, t: number): { free: Row[]; due: Map<Platform, number>; wait: number; othersBusy: boolean } {
    const due = new Map<Platform, number>();
    let wait = this.idleMs;
    let othersBusy = false;
    const free: Row[] = [];
    for (const head of heads) {
      if (head.notBefore.getTime() > t && head.status === 'pending') {
        wait = Math.min(wait, head.notBefore.getTime() - t);
        continue;
      }
      due.set(head.platform as Platform, (due.get(head.platform as Platform) ?? 0) + 1);
      if (absorbed.has(head.id)) continue; // goes out in an earlier head's batch
      if (head.status === 'sending' && head.lockedUntil && head.lockedUntil.getTime() > t) {
        othersBusy ||= head.lockedBy !== this.opts.instanceId; // its previous owner is on it
        continue;
      }
      free.push(head);
    }
    return { free, due, wait, othersBusy };
  }

  /**
   * The free heads the rate limits allow now, each recorded in its platform's limiter (with a
   * function to take the record back), and ms until a held one may go.
   */
  private choose(free: readonly Row[], t: number, wait: number): { chosen: { head: Row; undo: () => void }[]; wait: number } {
    const chosen: { head: Row; undo: () => void }[] = [];
    for (const head of free) {
      const limiter = this.limiters.get(head.platform as Platform)!;
      const isGroup = head.chatKind === 'group';
      const w = limiter.waitMs(head.chatId, isGroup, t);
      if (w > 0) {
        wait = Math.min(wait, w);
        continue;
      }
      chosen.push({ head, undo: limiter.record(head.chatId, isGroup, t) });
    }
    return { chosen, wait };
  }

  /**
   * Reads who delivers from the database and takes it as this instance's view (affinity.ts): when
   * the live set changed, splits the overall rates anew and acknowledges the set (with how long
   * this instance's earlier sends still fill more than its new share), then reads again, so a
   * peer's acknowledgement written before this one is seen. A lapsed presence is renewed first.
   */
  private async refreshView(now: number): Promise<void> {
    let view = await this.peers.view();
    if (!view.live.includes(this.opts.instanceId)) {
      // Its presence lapsed (a stall longer than the lease): the others may have taken its chats.
      await this.peers.join();
      this.affinity.rejoined(this.opts.clock.now().getTime());
      view = await this.peers.view();
    }
    if (this.affinity.apply(view, now)) {
      this.splitRates(now);
      const drainAt: Record<string, number> = {};
      for (const [platform, limiter] of this.limiters) {
        const at = limiter.drainAt(now);
        if (at > now) drainAt[platform] = at;
      }
      await this.peers.acknowledge({ ids: view.live, drainAt });
      this.affinity.acknowledged(view.live);
      this.affinity.apply(await this.peers.view(), now);
    }
    this.splitRates(now);
  }

  /** Gives each platform's limiter its share of the overall rate among the instances (`instances`). */
  private splitRates(now: number): void {
    for (const limiter of this.limiters.values()) limiter.setShare(this.affinity.instances(now, limiter.globalWindowMs));
  }

  /**
   * Before serving chats it has just come to own, learns their sends of the last minute from the
   * database (another instance served them), so each chat's interval and each group's minute
   * hold across the hand-over. One statement per platform, only in a pass with such chats.
   */
  private async seedAdopted(heads: readonly Row[], t: number): Promise<void> {
    const byPlatform = new Map<Platform, Row[]>();
    for (const head of heads) {
      const limiter = this.limiters.get(head.platform as Platform)!;
      if (!this.affinity.adopt(chatKey(head), t, limiter.minuteMs)) continue;
      byPlatform.set(head.platform as Platform, [...(byPlatform.get(head.platform as Platform) ?? []), head]);
    }
    for (const [platform, rows] of byPlatform) {
      const limiter = this.limiters.get(platform)!;
      const sends = await recentSends(this.opts.db, platform, rows.map((r) => r.chatId), new Date(t - limiter.minuteMs));
      for (const row of rows) limiter.seed(row.chatId, row.chatKind === 'group', sends.get(row.chatId) ?? []);
    }
  }

  /**
   * The next message of every chat this instance serves, however long any chat's backlog, with
   * how many each chat has waiting; in the order they compete for sends. A chat's next message is
   * its oldest of the lowest priority number (a result or a notice goes before individual replies
   * queued earlier; messages of one priority keep their order); a chat with a message being sent
   * under a live lease shows that one (it is busy: one message at a time per chat). Chats another
   * instance serves are left out before their rows are read; `held` counts the chats this one owns
   * but may not serve yet (a hand-over under way) and how soon to look again.
   */
  private async readHeads(online: Platform[]): Promise<{ heads: Row[]; queued: Map<string, number>; held: { due: Map<Platform, number>; wait: number } }> {
    const db = this.opts.db;
    const held = { due: new Map<Platform, number>(), wait: this.idleMs };
    const groups = await db.outboxMessage.groupBy({
      by: ['platform', 'chatId', 'priority', 'status'],
      where: { platform: { in: online }, status: { in: ['pending', 'sending'] } },
      _min: { id: true },
      _count: { _all: true },
    });
    if (!groups.length) return { heads: [], queued: new Map(), held };
    const now = this.opts.clock.now().getTime();
    const shared = this.peers.joined;
    if (shared) await this.refreshView(now);
    const queued = new Map<string, number>();
    const best = new Map<string, { priority: number; id: number }>();
    const sending = new Map<string, number[]>();
    for (const g of groups) {
      const key = `${g.platform}\u0000${g.chatId}`;
      const id = g._min.id!;
      queued.set(key, (queued.get(key) ?? 0) + g._count._all);
      if (g.status === 'sending') sending.set(key, [...(sending.get(key) ?? []), id]);
      const b = best.get(key);
      if (!b || g.priority < b.priority || (g.priority === b.priority && id < b.id)) best.set(key, { priority: g.priority, id });
    }
    const candidates: number[] = [];
    for (const [key, b] of best) {
      const platform = key.slice(0, key.indexOf('\u0000')) as Platform;
      const verdict = shared ? this.affinity.verdict(key, platform, now) : SERVE;
      if (verdict.kind === 'other') continue;
      if (verdict.kind === 'wait') {
        held.due.set(platform, (held.due.get(platform) ?? 0) + 1);
        held.wait = Math.min(held.wait, verdict.ms);
        continue;
      }
      candidates.push(b.id, ...(sending.get(key) ?? []));
    }
    const ids = [...new Set(candidates)];
    const rows: Row[] = [];
    for (let i = 0; i < ids.length; i += HEADS_PER_READ) {
      // Still unsent: another instance may have sent one since the count above.
      rows.push(...(await db.outboxMessage.findMany({ where: { id: { in: ids.slice(i, i + HEADS_PER_READ) }, status: { in: ['pending', 'sending'] } }, select: ROW_FIELDS })));
    }
    const busy = new Map(rows.filter((r) => r.status === 'sending' && r.lockedUntil && r.lockedUntil.getTime() > now).map((r) => [chatKey(r), r]));
    const heads = rows.filter((r) => busy.get(chatKey(r)) === r || (!busy.has(chatKey(r)) && best.get(chatKey(r))?.id === r.id));
    const served = (r: Row) => this.served.get(chatKey(r)) ?? -1;
    heads.sort((a, b) => a.priority - b.priority || served(a) - served(b) || a.id - b.id);
    return { heads, queued, held };
  }

  /**
   * Leases the chosen rows for this instance, the waiting ones in one statement; returns those it
   * got (another instance may have been first). A `sending` row whose lease ran out is taken back
   * on its own, only if it is still as it was read.
   */
  private async claim(rows: readonly Row[], now: Date): Promise<Row[]> {
    const lease = { status: 'sending', lockedBy: this.opts.instanceId, lockedUntil: new Date(now.getTime() + this.leaseMs), attempts: { increment: 1 } };
    const pending = rows.filter((r) => r.status === 'pending');
    const got = new Set<number>();
    for (let i = 0; i < pending.length; i += HEADS_PER_READ) {
      const ids = pending.slice(i, i + HEADS_PER_READ).map((r) => r.id);
      const claimed = await this.opts.db.outboxMessage.updateManyAndReturn({ where: { id: { in: ids }, status: 'pending', notBefore: { lte: now } }, data: lease, select: { id: true } });
      for (const c of claimed) got.add(c.id);
    }
    for (const row of rows.filter((r) => r.status === 'sending')) {
      const { count } = await this.opts.db.outboxMessage.updateMany({ where: { id: row.id, status: row.status, lockedUntil: row.lockedUntil }, data: lease });
      if (count === 1) got.add(row.id);
    }
    return rows.filter((r) => got.has(r.id));
  }

  /**
   * Sends one message to the private chats of several leased rows with the same payload in one
   * `sendToMany`, and records each row's outcome; true when every row was sent or withheld.
   */
  private async deliverBatch(rows: readonly Row[]): Promise<boolean> {
    const adapter = this.adapters.get(rows[0]!.platform as Platform)!;
    const message = messageOf(rows[0]!.payload);
    // A render-at-send message is rendered row by row (deliver); identical pictures are rare.
    if (message === null || message.kind === 'render' || !adapter.sendToMany) return (await Promise.all(rows.map((r) => this.deliver(r)))).every(Boolean);
    const open: Row[] = [];
    for (const row of rows) if (!(await this.withheldByMeter(adapter, chatOf(row), row, message))) open.push(row);
    if (!open.length) return true;
    let result: BatchSendResult;
    try {
      this.stampSend(rows[0]!);
      result = await adapter.sendToMany(open.map(chatOf), message);
    } catch (err) {
      const e = err instanceof DeliveryError ? err : new DeliveryError('transient', err instanceof Error ? err.message : String(err));
      result = { ...(e.meteredCalls ? { meteredCalls: e.meteredCalls } : {}), failed: new Map(open.map((r) => [r.chatId, e])) };
    }
    await this.opts.meter?.record(adapter, result.meteredCalls);
    for (const row of open) {
      const failure = result.failed.get(row.chatId);
      if (failure) await this.markFailedAttempt(row, failure, eraseIfEphemeral(message));
      else this.markSent(row, result.messageId, eraseIfEphemeral(message));
    }
    return result.failed.size === 0;
  }

  /** Sends one leased row and records the outcome; true when it was sent (or had nothing to send). */
  private async deliver(row: Row): Promise<boolean> {
    const adapter = this.adapters.get(row.platform as Platform)!;
    const stored = messageOf(row.payload);
    if (stored === null) {
      // Sealed by an earlier run of the bot (its key died with it): it cannot be read, so it is given up.
      await this.markFailedAttempt(row, new DeliveryError('permanent', 'sealed secret from an earlier run'), { payload: ERASED_PAYLOAD });
      return true;
    }
    const message = await this.resolve(row, stored);
    if (message === null) return true;
    const chat = chatOf(row);
    const db = this.opts.db;
    try {
      let nativeRef: SendResult | undefined;
      if (message.kind === 'stop_poll') {
        const link = await db.nativePoll.findFirst({ where: { platform: row.platform, chatId: row.chatId, nativeKey: message.nativeKey }, orderBy: { id: 'desc' } });
        if (!link) {
          this.markSent(row, undefined);
          return true;
        }
        nativeRef = { messageId: link.messageId, nativePollId: link.nativePollId };
      }
      if (await this.withheldByMeter(adapter, chat, row, message)) return true;
      this.stampSend(row);
      const result = await adapter.send(chat, message, nativeRef);
      await this.opts.meter?.record(adapter, result.meteredCalls);
      if ((message.kind === 'poll' || message.kind === 'quiz') && result.nativePollId) {
        await db.nativePoll.upsert({
          where: { platform_nativePollId: { platform: row.platform, nativePollId: result.nativePollId } },
          create: {
            platform: row.platform,
            nativePollId: result.nativePollId,
            nativeKey: message.nativeKey,
            chatId: row.chatId,
            messageId: result.messageId ?? '',
            answerCommand: message.answerCommand,
          },
          update: {},
        });
      }
      this.markSent(row, result.messageId, eraseIfEphemeral(message));
      return true;
    } catch (err) {
      if (err instanceof DeliveryError) await this.opts.meter?.record(adapter, err.meteredCalls);
      await this.markFailedAttempt(row, err, eraseIfEphemeral(message));
      return false;
    }
  }

  /**
   * The message to send for a stored one: a `render` message is rendered now, outside any
   * transaction (src/outbox/deferred.ts); null when its render failed and it has nothing to send
   * instead (the row is then failed for good, which the log says).
   */
  private async resolve(row: Row, stored: QueuedMessage): Promise<OutgoingMessage | null> {
    if (stored.kind !== 'render') return stored;
    const { message, error } = await renderNow(stored, this.opts.renderers ?? new Map());
    if (error) this.opts.logger.warn({ outboxId: row.id, renderer: stored.renderer, err: error }, 'outbox render failed');
    if (message === null) await this.markFailedAttempt(row, new DeliveryError('permanent', `render failed: ${error}`));
    return message;
  }

  /**
   * Moves the row's rate record from when the pass chose it to now, as it goes out: under load a
   * send may leave well after it was chosen, and the limits are the platform's, counted when it
   * sees the sends.
   */
  private stampSend(row: Row): void {
    const from = this.stamps.get(row.id);
    if (from === undefined) return;
    this.stamps.delete(row.id);
    this.limiters.get(row.platform as Platform)!.restamp(row.chatId, row.chatKind === 'group', from, this.opts.clock.now().getTime());
  }

  /** On a metered platform near its budget: true when the row was digested or cut instead of sent. */
  private async withheldByMeter(adapter: Adapter, chat: ChatRef, row: Row, message: OutgoingMessage): Promise<boolean> {
    if (!adapter.capabilities.metered || !this.opts.meter) return false;
    const verdict = await this.opts.meter.admit(adapter, chat, row.idempotencyKey, message);
    if (verdict === 'send') return false;
    const status = verdict === 'digest' ? 'digested' : 'failed';
    const lastError = verdict === 'digest' ? 'metered budget: in the group digest instead' : "metered budget: this month's calls are used up";
    await this.opts.db.outboxMessage.updateMany({ where: { id: row.id }, data: { status, lastError, lockedBy: null, lockedUntil: null, ...eraseIfEphemeral(message) } });
    return true;
  }

  /**
   * Queues a delivered row's mark. Marks are written together (marks.ts: one UPDATE for up to 200
   * rows): once `marksPerWrite` wait, once the oldest has waited `markWriteMs`, and at the end of
   * the pass; until then the row stays leased, so its chat's next message waits, on every instance.
   */
  private markSent(row: Row, messageId: string | undefined, erase: { payload?: string } = {}): void {
    this.sentMarks.push({ id: row.id, messageId, ...erase });
    if (this.sentMarks.length >= this.marksPerWrite) void this.writeMarks().catch(() => {}); // logged in writeMarks
    else this.markTimer ??= setTimeout(() => void this.writeMarks().catch(() => {}), this.markWriteMs);
  }

  /**
   * Writes the marks queued so far, after the writes already under way; resolves when they are
   * written (rejects if this write failed: its rows stay leased and are sent again after the lease).
   */
  private writeMarks(): Promise<void> {
    clearTimeout(this.markTimer);
    this.markTimer = undefined;
    const marks = this.sentMarks.splice(0);
    const write = this.markWrites.then(async () => {
      if (marks.length) await markSentMany(this.opts.db, marks, this.opts.clock.now());
    });
    this.markWrites = write.catch((err: unknown) => this.opts.logger.error({ err, rows: marks.length }, 'outbox sent marks not written'));
    return write;
  }

  private async markFailedAttempt(row: Row, err: unknown, erase: { payload?: string } = {}): Promise<void> {
    const now = this.opts.clock.now().getTime();
    const e = err instanceof DeliveryError ? err : new DeliveryError('transient', err instanceof Error ? err.message : String(err));
    const attempts = row.attempts + 1;
    const base = { lockedBy: null, lockedUntil: null, lastError: `${e.kind}: ${e.message}`.slice(0, 500) };
    const log = { outboxId: row.id, platform: row.platform, chatId: row.chatId, kind: e.kind, attempts, reason: e.message };
    if (e.kind === 'permanent' || (e.kind === 'transient' && attempts >= this.maxAttempts)) {
      this.opts.logger.warn(log, 'outbox message failed for good');
      await this.opts.db.outboxMessage.update({ where: { id: row.id }, data: { ...base, status: 'failed', ...erase } });
      return;
    }
    let delay: number;
    if (e.kind === 'rate_limited') delay = e.retryAfterMs ?? 1000;
    else if (e.kind === 'offline') delay = 1000;
    else delay = Math.min(1000 * 2 ** (attempts - 1), 5 * 60_000);
    this.opts.logger.info({ ...log, retryInMs: delay }, 'outbox send will be retried');
    await this.opts.db.outboxMessage.update({
      where: { id: row.id },
      // A rate limit or an outage is not the message's fault: it does not use up attempts.
      data: { ...base, status: 'pending', notBefore: new Date(now + delay), ...(e.kind === 'transient' ? {} : { attempts: row.attempts }) },
    });
  }
}

/** The verdict on every chat of a dispatcher that never joined (it is alone). */
const SERVE: Verdict = { kind: 'serve' };

/** Ids per `IN (…)` list (SQLite allows 32,766 bound values; PostgreSQL 65,535). */
const HEADS_PER_READ = 500;

/** The columns the dispatcher reads of a row. */
const ROW_FIELDS = { id: true, platform: true, chatId: true, chatKind: true, idempotencyKey: true, payload: true, status: true, priority: true, attempts: true, notBefore: true, lockedBy: true, lockedUntil: true } as const;

/** A chat's key in the dispatcher's maps. */
function chatKey(row: Row): string {
  return `${row.platform}\u0000${row.chatId}`;
}

/** The chat a row is addressed to. */
function chatOf(row: Row): ChatRef {
  return { platform: row.platform as Platform, chatId: row.chatId, kind: row.chatKind === 'private' ? 'private' : 'group' };
}

/** The payload that replaces an ephemeral message's text once it is delivered or given up. */
export const ERASED_PAYLOAD = JSON.stringify({ kind: 'text', text: '[erased]', ephemeral: true });

/** `{ payload: ERASED_PAYLOAD }` for an ephemeral message (see `OutgoingMessage.ephemeral`), else nothing. */
function eraseIfEphemeral(message: OutgoingMessage): { payload?: string } {
  return message.kind === 'text' && message.ephemeral ? { payload: ERASED_PAYLOAD } : {};
}
