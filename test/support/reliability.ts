/**
 * Helpers of the reliability suite (test/reliability/): a bot with every knob the fault tests turn
 * (clock, outbox lease and rate scale, instance id, logger), snapshots of the domain tables to
 * compare before and after, and a seeded shuffle.
 */
import { pino, type Logger } from 'pino';
import { createApp, type App, type AppOptions } from '../../src/app.ts';
import { loadConfig } from '../../src/config.ts';
import { systemClock, type Clock } from '../../src/clock.ts';
import type { Database } from '../../src/db/client.ts';
import { RecordingAdapter } from './recording-adapter.ts';

/** A bot built for a reliability test. */
export interface ReliabilityBot {
  readonly app: App;
  readonly adapter: RecordingAdapter;
  readonly clock: Clock;
  stop(): Promise<void>;
}

/**
 * Starts a bot around a RecordingAdapter (platform `console` unless given) on `database`, with
 * the real clock by default and a short outbox lease, so a lease left by a rolled-back or crashed
 * send expires within the test instead of holding `idle()` for 30 s.
 */
export async function startReliabilityBot(
  database: Database,
  options: {
    clock?: Clock;
    env?: Record<string, string>;
    adapter?: RecordingAdapter;
    logger?: Logger;
    instanceId?: string;
    outbox?: AppOptions['outbox'];
  } = {},
): Promise<ReliabilityBot> {
  const adapter = options.adapter ?? new RecordingAdapter();
  const clock = options.clock ?? systemClock;
  const config = loadConfig({ DATABASE_URL: database.url, BOT_MAX_EVENT_AGE_SECONDS: '86400', ...options.env });
  const app = createApp({
    config,
    database,
    adapters: [adapter],
    logger: options.logger ?? pino({ level: 'silent' }),
    clock,
    instanceId: options.instanceId ?? `reliability-${process.pid}`,
    outbox: { idleMs: 20, leaseMs: 2000, ...options.outbox },
  });
  await app.start();
  return { app, adapter, clock, stop: () => app.stop() };
}

/** Bookkeeping tables of the core: every other table holds domain rows (members, pledges, ballots…). */
export const BOOKKEEPING_TABLES = new Set(['InboundEvent', 'OutboxMessage', '_prisma_migrations']);

/** Every table of the database (SQLite or PostgreSQL) with its row count. */
export async function rowCounts(database: Database): Promise<Record<string, number>> {
  const db = database.db;
  const names =
    database.provider === 'sqlite'
      ? (await db.$queryRawUnsafe<{ name: string }[]>("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name")).map((r) => r.name)
      : (await db.$queryRawUnsafe<{ name: string }[]>("SELECT table_name AS name FROM information_schema.tables WHERE table_schema = 'public' ORDER BY table_name")).map((r) => r.name);
  const out: Record<string, number> = {};
  for (const name of names) {
    const [row] = await db.$queryRawUnsafe<{ n: bigint | number }[]>(`SELECT COUNT(*) AS n FROM "${name}"`);
    out[name] = Number(row!.n);
  }
  return out;
}

/** Row counts of the domain tables only (not the inbox, outbox or migrations). */
export async function domainRowCounts(database: Database): Promise<Record<string, number>> {
  const all = await rowCounts(database);
  return Object.fromEntries(Object.entries(all).filter(([k]) => !BOOKKEEPING_TABLES.has(k)));
}

/**
 * The contents of every domain table, without ids, timestamps and random columns, sorted: two
 * runs that recorded the same facts give equal snapshots whatever order they happened in.
 */
export async function domainSnapshot(database: Database, ignoreColumns: readonly RegExp[] = []): Promise<Record<string, string[]>> {
  const counts = await domainRowCounts(database);
  const skip = [/^id$/, /At$/, /^salt$/, /^tag$/, /^code/, /^externalMessageId$/, ...ignoreColumns];
  const out: Record<string, string[]> = {};
  for (const table of Object.keys(counts)) {
    const rows = await database.db.$queryRawUnsafe<Record<string, unknown>[]>(`SELECT * FROM "${table}"`);
    out[table] = rows
      .map((r) =>
        JSON.stringify(
          Object.fromEntries(
            Object.entries(r)
              .filter(([k]) => !skip.some((re) => re.test(k)))
              .sort(([a], [b]) => a.localeCompare(b))
              .map(([k, v]) => [k, typeof v === 'bigint' ? Number(v) : v instanceof Date ? 'date' : v]),
          ),
        ),
      )
      .sort();
  }
  return out;
}

