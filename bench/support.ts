/**
 * Shared pieces of the benchmarks: an in-process platform that only counts, a bot builder on a
 * SQLite file with the real clock, latency statistics, the machine's state, and the JSON line
 * every benchmark child prints for `bench/run.ts`.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pino } from 'pino';
import { TEXT_ONLY_CAPABILITIES, type Adapter, type Capabilities, type IncomingSink, type SendResult } from '../src/bot/adapter.ts';
import type { ChatRef, Incoming, OutgoingMessage, Platform } from '../src/bot/types.ts';
import { createApp, type App, type AppOptions } from '../src/app.ts';
import { loadConfig } from '../src/config.ts';
import { openDatabase, type Database } from '../src/db/client.ts';
import { migrateDatabase } from '../src/db/migrate.ts';
import { systemClock, type Clock } from '../src/clock.ts';

/** Capabilities of the in-process platform: text only, no rate limits (we measure our own layers). */
export const BENCH_CAPABILITIES: Capabilities = {
  ...TEXT_ONLY_CAPABILITIES,
  privateMessages: true,
  rateLimits: { globalPerSecond: 1_000_000, perChatIntervalMs: 0, perGroupPerMinute: 100_000_000 },
};

/**
 * A platform that lives in the process: `deliver` feeds an event through the bot's sink exactly
 * as an adapter does; sends are counted (per chat and in total), not stored, so a 100,000-message
 * run does not measure our own bookkeeping.
 */
export class CountingAdapter implements Adapter {
  readonly capabilities: Capabilities;
  private sink: IncomingSink | undefined;
  sentCount = 0;
  readonly perChat = new Map<string, number>();
  /** Called with every delivered message (optional; for the few checks that need the text). */
  onSend: ((chat: ChatRef, message: OutgoingMessage) => void) | undefined;

  constructor(
    readonly platform: Platform = 'console',
    capabilities: Capabilities = BENCH_CAPABILITIES,
  ) {
    this.capabilities = platform === 'console' && capabilities.firstSpeakerIsAdmin === undefined ? { ...capabilities, firstSpeakerIsAdmin: true } : capabilities;
  }

  isOnline(): boolean {
    return true;
  }
  async start(sink: IncomingSink): Promise<void> {
    this.sink = sink;
  }
  async stop(): Promise<void> {
    this.sink = undefined;
  }
  async send(chat: ChatRef, message: OutgoingMessage): Promise<SendResult> {
    this.sentCount++;
    this.perChat.set(chat.chatId, (this.perChat.get(chat.chatId) ?? 0) + 1);
    this.onSend?.(chat, message);
    return { messageId: String(this.sentCount) };
  }
  /** Feeds one event through the running bot, as the platform would. */
  async deliver(incoming: Incoming): Promise<void> {
    if (!this.sink) throw new Error('adapter not started');
    await this.sink(incoming);
  }
}

let eventSeq = 0;

/** An inbound text message from `user` in group `chat` (or their private chat), sent at `sentAt`. */
export function textEvent(platform: Platform, user: string, chat: string | null, text: string, sentAt: Date = new Date()): Incoming {
  const chatId = chat ?? user;
  return {
    eventId: `b${++eventSeq}`,
    chat: { platform, chatId, kind: chat ? 'group' : 'private', title: chatId },
    actor: { platform, userId: user, displayName: user },
    sentAt,
    content: { type: 'text', text, mentionsBot: false },
  };
}

/** A bot on a fresh SQLite file in a temporary folder, around the given adapters, with a silent logger. */
export interface BenchBot {
  readonly app: App;
  readonly database: Database;
  readonly dir: string;
  readonly file: string;
  close(): Promise<void>;
}

/**
 * Builds (and starts) a bot for a benchmark: on a new migrated SQLite file, or on `url` (a
 * PostgreSQL database the caller made; migrated unless `migrate` is false: a second instance).
 */
export async function startBenchBot(options: {
  url?: string;
  migrate?: boolean;
  adapters: Adapter[];
  env?: Record<string, string>;
  clock?: Clock;
  outbox?: AppOptions['outbox'];
  instanceId?: string;
  dir?: string;
  features?: AppOptions['features'];
  eventConcurrency?: number;
  /** Where the bot logs (default silent). */
  logger?: AppOptions['logger'];
}): Promise<BenchBot> {
  const dir = options.dir ?? fs.mkdtempSync(path.join(os.tmpdir(), 'xianfeng-bench-'));
  const file = path.join(dir, 'bench.db');
  const url = options.url ?? `file:${file}`;
  if (options.migrate !== false) await migrateDatabase(url);
  const database = await openDatabase(url);
  const config = loadConfig({ DATABASE_URL: url, BOT_DATA_DIR: dir, BOT_LOCALE: 'zh-CN', BOT_MAX_EVENT_AGE_SECONDS: '3600', BOT_COMMANDS_PER_MINUTE: '0', ...options.env });
  const app = createApp({
    config,
    database,
    adapters: options.adapters,
    logger: options.logger ?? pino({ level: 'silent' }),
    clock: options.clock ?? systemClock,
    instanceId: options.instanceId ?? `bench-${process.pid}`,
    outbox: { idleMs: 50, ...options.outbox },
    features: options.features,
    eventConcurrency: options.eventConcurrency,
  });
  await app.start();
  return {
    app,
    database,
    dir,
    file,
    async close() {
      await app.stop();
      await database.close();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Latency summary in milliseconds. */
export interface LatencySummary {
  readonly count: number;
  readonly p50_ms: number;
  readonly p90_ms: number;
  readonly p99_ms: number;
  readonly max_ms: number;
  readonly mean_ms: number;
}

/** The value at quantile `q` (0-1) of sorted values (nearest rank). */
export function quantile(sorted: readonly number[], q: number): number {
  if (!sorted.length) return NaN;
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1));
  return sorted[i]!;
}

/** Rounds to `d` decimals (figures in the JSON stay readable). */
export function round(x: number, d = 2): number {
  const f = 10 ** d;
  return Math.round(x * f) / f;
}

/** p50/p90/p99/max/mean of latencies in ms. */
export function summarize(latencies: readonly number[]): LatencySummary {
  const s = [...latencies].sort((a, b) => a - b);
  const mean = s.reduce((a, b) => a + b, 0) / (s.length || 1);
  return { count: s.length, p50_ms: round(quantile(s, 0.5)), p90_ms: round(quantile(s, 0.9)), p99_ms: round(quantile(s, 0.99)), max_ms: round(s[s.length - 1] ?? NaN), mean_ms: round(mean) };
}

/** A monotonic clock in ms. */
export const now = (): number => performance.now();

/** Waits until `performance.now()` reaches `t` (ms): a timer for the bulk, then yields to the loop. */
export async function waitUntil(t: number): Promise<void> {
  const d = t - now();
  if (d > 2) await new Promise((r) => setTimeout(r, d - 1));
  while (now() < t) await new Promise((r) => setImmediate(r));
}

/** The machine at the time of a measurement: load averages, cores, memory, Node. */
export function machine(): Record<string, unknown> {
  const [l1, l5, l15] = os.loadavg();
  return {
    loadavg_1m: round(l1!),
    loadavg_5m: round(l5!),
    loadavg_15m: round(l15!),
    cpus: os.cpus().length,
    cpu_model: os.cpus()[0]?.model,
    total_mem_mb: Math.round(os.totalmem() / 2 ** 20),
    free_mem_mb: Math.round(os.freemem() / 2 ** 20),
    node: process.version,
  };
}

/** Prints a benchmark's result as the last line of stdout (what bench/run.ts reads). */
export function emit(result: Record<string, unknown>): void {
  process.stdout.write(`${JSON.stringify(result)}\n`);
}

/** Memory figures of this process in MB. */
export function memoryMb(): { rss_mb: number; heap_used_mb: number; external_mb: number } {
  const m = process.memoryUsage();
  return { rss_mb: round(m.rss / 2 ** 20, 1), heap_used_mb: round(m.heapUsed / 2 ** 20, 1), external_mb: round(m.external / 2 ** 20, 1) };
}
