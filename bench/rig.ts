/**
 * The inbound rig shared by the inbound and memory benchmarks: a bot on a SQLite file around an
 * in-process adapter, a township of village chats with registered members, and drivers that send
 * the workload's messages closed-loop (as fast as the bot takes them) or open-loop (on a fixed
 * arrival schedule, measuring each message from its scheduled arrival to processed).
 *
 * Events are handed to the bot one after another, as the Telegram adapter does (its polling loop
 * awaits the sink for each update); the outbox delivers replies concurrently, as in production.
 */
import { CountingAdapter, now, startBenchBot, textEvent, waitUntil, type BenchBot } from './support.ts';
import type { App } from '../src/app.ts';
import { ADMIN, chatName, chooseWorkload, type Workload } from './workload.ts';

/** Sizes of the simulated township. */
export interface RigOptions {
  readonly members: number;
  readonly chats: number;
  /** Overrides the automatic choice of workload. */
  readonly workload?: Workload;
  /** A PostgreSQL database to run on (default a new SQLite file). */
  readonly url?: string;
}

/** A running bot with its township, ready to be driven. */
export class InboundRig {
  readonly adapter = new CountingAdapter('console');
  bot!: BenchBot;
  workload!: Workload;
  private seq = 0;
  /** Outcomes of every measured delivery (done, refused, failed, …). */
  readonly outcomes = new Map<string, number>();

  constructor(readonly options: RigOptions) {}

  /** Builds the bot and its township: binds the chats, registers every member. */
  async setup(): Promise<void> {
    this.bot = await startBenchBot({ adapters: [this.adapter], env: { BOT_ADMINS: `console:${ADMIN}` }, ...(this.options.url ? { url: this.options.url } : {}) });
    this.workload = this.options.workload ?? chooseWorkload(this.bot.app.registry);
    for (let k = 1; k <= this.options.chats; k++) {
      for (const text of this.workload.chatSetup(k)) await this.say(ADMIN, k, text);
    }
    for (let j = 0; j < this.options.members; j++) {
      for (const text of this.workload.memberSetup) await this.say(this.user(j), this.chatOf(j), text);
    }
    await this.bot.app.idle();
    this.outcomes.clear();
  }

  /** The user id of member j. */
  user(j: number): string {
    return `党员${j}`;
  }

  /** The village (1-based) of member j. */
  chatOf(j: number): number {
    return 1 + (j % this.options.chats);
  }

  private async say(user: string, chat: number, text: string, sentAt?: Date, app: App = this.bot.app): Promise<void> {
    const outcome = await app.handle(textEvent('console', user, chatName(chat), text, sentAt));
    this.outcomes.set(outcome, (this.outcomes.get(outcome) ?? 0) + 1);
  }

  /** Message `i` of the workload: who sends what in which village. */
  private messageAt(i: number): { user: string; chat: number; text: string } {
    const j = i % this.options.members;
    const k = this.chatOf(j);
    return { user: this.user(j), chat: k, text: this.workload.message(Math.floor(i / this.options.members) + j, k) };
  }

  /**
   * Sends `n` messages with every village's messages in order and the villages at once (as the
   * per-chat lanes would), village k handled by `apps[k % apps.length]` (several instances on one
   * PostgreSQL database); returns the elapsed ms.
   */
  async concurrentLoop(n: number, apps: readonly App[]): Promise<number> {
    const perChat = new Map<number, { user: string; chat: number; text: string }[]>();
    for (let i = 0; i < n; i++) {
      const m = this.messageAt(this.seq++);
      perChat.set(m.chat, [...(perChat.get(m.chat) ?? []), m]);
    }
    const t0 = now();
    await Promise.all([...perChat].map(async ([k, list]) => {
      for (const m of list) await this.say(m.user, m.chat, m.text, undefined, apps[k % apps.length]);
    }));
    return now() - t0;
  }

  /**
   * Offers `rate` messages/s for `seconds` on a fixed schedule, each message handed over at its
   * time behind the earlier messages of its own village only (villages at once, as with the lanes);
   * latency from scheduled arrival to processed.
   */
  async concurrentOpenLoop(rate: number, seconds: number, apps: readonly App[]): Promise<{ latencies: number[]; elapsedMs: number }> {
    const n = Math.round(rate * seconds);
    const interval = 1000 / rate;
    const latencies: number[] = [];
    const tails = new Map<number, Promise<void>>();
    const t0 = now() + 5;
    const wall0 = Date.now() + 5;
    for (let i = 0; i < n; i++) {
      const due = t0 + i * interval;
      if (now() < due) await waitUntil(due);
      const m = this.messageAt(this.seq++);
      const tail = (tails.get(m.chat) ?? Promise.resolve()).then(async () => {
        await this.say(m.user, m.chat, m.text, new Date(wall0 + i * interval), apps[m.chat % apps.length]);
        latencies.push(now() - due);
      });
      tails.set(m.chat, tail);
    }
    await Promise.all(tails.values());
    return { latencies, elapsedMs: now() - t0 };
  }

  /** Sends message number `seq` of the workload (member round robin). */
  async next(sentAt?: Date): Promise<void> {
    const i = this.seq++;
    const j = i % this.options.members;
    const k = this.chatOf(j);
    await this.say(this.user(j), k, this.workload.message(Math.floor(i / this.options.members) + j, k), sentAt);
  }

  /** Sends `n` messages one after another as fast as they are taken; returns the elapsed ms. */
  async closedLoop(n: number): Promise<number> {
    const t0 = now();
    for (let i = 0; i < n; i++) await this.next();
    return now() - t0;
  }

  /**
   * Offers `rate` messages/s for `seconds` on a fixed schedule (open loop: a slow message delays the
   * ones behind it, and that wait counts in their latency). Returns each processed message's latency
   * (ms from its scheduled arrival to processed) and the elapsed time. When the bot cannot keep up,
   * it stops at `2 × seconds` and reports how many offered messages were still queued then
   * (`unprocessed`; their latency would exceed every one measured).
   */
  async openLoop(rate: number, seconds: number): Promise<{ latencies: number[]; elapsedMs: number; offered: number; unprocessed: number }> {
    const n = Math.round(rate * seconds);
    const interval = 1000 / rate;
    const latencies: number[] = [];
    const t0 = now() + 5;
    const wall0 = Date.now() + 5;
    const cutoff = t0 + 2 * seconds * 1000;
    let i = 0;
    for (; i < n && now() < cutoff; i++) {
      const due = t0 + i * interval;
      if (now() < due) await waitUntil(due);
      await this.next(new Date(wall0 + i * interval));
      latencies.push(now() - due);
    }
    return { latencies, elapsedMs: now() - t0, offered: n, unprocessed: n - i };
  }

  /** Waits until the outbox has delivered every reply; returns the ms it took. */
  async drain(): Promise<number> {
    const t0 = now();
    await this.bot.app.idle();
    return now() - t0;
  }

  /** Replies waiting in the outbox right now. */
  async backlog(): Promise<number> {
    return this.bot.database.db.outboxMessage.count({ where: { status: { in: ['pending', 'sending'] } } });
  }

  async close(): Promise<void> {
    await this.bot.close();
  }
}
