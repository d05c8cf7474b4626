/**
 * Benchmark 4, poll results at 100,000 ballots: the time the polls feature's own results function
 * (`tallyPoll`, what /results, /close and the export use) takes for a named choice poll, an
 * anonymous choice poll and a rating poll of 100,000 ballots each, on SQLite and (with
 * TEST_DATABASE_URL) on PostgreSQL. Target: under 200 ms. Beside it, where the time goes: the
 * Prisma query alone, and the same count as one SQL GROUP BY (what an aggregate query would cost).
 * Also anonymous votes through the whole bot (a private `/vote`) at 1,000 and 20,000 ballots: five
 * in a row, so one of them lands its batch of five in a transaction of its own
 * (src/features/polls/staging.ts) followed by a WAL checkpoint (SQLite) or a VACUUM (PostgreSQL);
 * the others write only their receipt. Reported: each vote's time and the slowest.
 *
 * Polls are created with the real commands; the ballots are inserted directly (set-based SQL).
 * `tsx bench/poll-results.ts [--quick]`.
 */
import Database from 'better-sqlite3';
import type { Database as Db } from '../src/db/client.ts';
import { CountingAdapter, emit, machine, round, startBenchBot, textEvent, type BenchBot } from './support.ts';
import type { App } from '../src/app.ts';
import { tallyPoll } from '../src/features/polls/index.ts';
import { getPoll } from '../src/features/polls/store.ts';

const quick = process.argv.includes('--quick');
const BALLOTS = quick ? 20_000 : 100_000;
const REPEATS = 5;
const ANON_VOTE_SIZES = [1_000, 20_000];
/** Votes timed at each size: one full staging batch. */
const VOTES_TIMED = 5;

const ADMIN = 'bench-admin';
const CHAT = '第1村党支部群';

async function say(app: App, user: string, text: string): Promise<string> {
  return app.handle(textEvent('console', user, CHAT, text));
}

/** Inserts `n` ballots for poll `pollId` straight into the tables (SQLite file or PostgreSQL). */
async function insertBallots(database: Db, file: string | undefined, pollId: number, kind: 'named' | 'anon' | 'rating', n: number): Promise<void> {
  const now = new Date().toISOString();
  if (database.provider === 'sqlite') {
    const raw = new Database(file!);
    raw.pragma('busy_timeout = 5000');
    const named = raw.prepare('INSERT INTO "PollBallot" ("pollId", "memberId", "choices", "score", "createdAt", "updatedAt") VALUES (?, ?, ?, ?, ?, ?)');
    const anon = raw.prepare('INSERT INTO "PollAnonBallot" ("id", "pollId", "choices", "score") VALUES (?, ?, ?, ?)');
    const receipt = raw.prepare('INSERT INTO "PollReceipt" ("pollId", "memberId") VALUES (?, ?)');
    const ms = Date.parse(now);
    raw.transaction(() => {
      for (let i = 0; i < n; i++) {
        const memberId = 1_000_000 + i;
        if (kind === 'anon') {
          anon.run(1 + ((pollId * 7_919 + i * 104_729) % 2_000_000_000), pollId, `[${i % 3}]`, null);
          receipt.run(pollId, memberId);
        } else if (kind === 'rating') {
          named.run(pollId, memberId, '[]', 40 + (i % 61), ms, ms);
        } else {
          named.run(pollId, memberId, `[${i % 3}]`, null, ms, ms);
        }
      }
    })();
    raw.close();
    return;
  }
  const db = database.db;
  if (kind === 'anon') {
    await db.$executeRawUnsafe(
      `INSERT INTO "PollAnonBallot" ("id", "pollId", "choices", "score") SELECT (1 + ((${pollId}::bigint * 7919 + g::bigint * 104729) % 2000000000))::int, ${pollId}, '[' || (g % 3) || ']', NULL FROM generate_series(0, ${n - 1}) g`,
    );
    await db.$executeRawUnsafe(`INSERT INTO "PollReceipt" ("pollId", "memberId") SELECT ${pollId}, 1000000 + g FROM generate_series(0, ${n - 1}) g`);
  } else {
    const choices = kind === 'rating' ? `'[]'` : `'[' || (g % 3) || ']'`;
    const score = kind === 'rating' ? '40 + (g % 61)' : 'NULL';
    await db.$executeRawUnsafe(
      `INSERT INTO "PollBallot" ("pollId", "memberId", "choices", "score", "createdAt", "updatedAt") SELECT ${pollId}, 1000000 + g, ${choices}, ${score}, now(), now() FROM generate_series(0, ${n - 1}) g`,
    );
  }
  await db.$executeRawUnsafe('ANALYZE');
}

/** Best and median ms of REPEATS runs of `fn` after one warm-up. */
async function timed<T>(fn: () => Promise<T>): Promise<{ best_ms: number; median_ms: number; last: T }> {
  let last = await fn();
  const times: number[] = [];
  for (let i = 0; i < REPEATS; i++) {
    const t = performance.now();
    last = await fn();
    times.push(performance.now() - t);
  }
  times.sort((a, b) => a - b);
  return { best_ms: round(times[0]!, 1), median_ms: round(times[Math.floor(times.length / 2)]!, 1), last };
}

/** `tallyPoll` timed, with the Prisma query alone and an SQL GROUP BY of the same ballots beside it. */
async function timeTally(database: Db, pollId: number): Promise<Record<string, unknown>> {
  const poll = (await getPoll(database.db, pollId))!;
  const tally = await timed(() => tallyPoll(database.db, poll));
  const table = poll.anonymous ? 'pollAnonBallot' : 'pollBallot';
  const query = await timed(() => (database.db[table] as unknown as { findMany(a: unknown): Promise<unknown[]> }).findMany({ where: { pollId }, select: { choices: true, score: true } }));
  const sqlTable = poll.anonymous ? 'PollAnonBallot' : 'PollBallot';
  const column = poll.kind === 'rating' ? 'score' : 'choices';
  const grouped = await timed(() => database.db.$queryRawUnsafe<unknown[]>(`SELECT "${column}" AS k, COUNT(*) AS n FROM "${sqlTable}" WHERE "pollId" = ${pollId} GROUP BY "${column}"`));
  return {
    tallyPoll_best_ms: tally.best_ms,
    tallyPoll_median_ms: tally.median_ms,
    ballots_counted: (tally.last as { ballots?: number }).ballots,
    prisma_findMany_only_median_ms: query.median_ms,
    sql_group_by_median_ms: grouped.median_ms,
    sql_group_by_rows: grouped.last.length,
  };
}

async function measure(bot: BenchBot | { app: App; database: Db; file?: string }): Promise<Record<string, unknown>> {
  const { app, database } = bot;
  await say(app, ADMIN, '/bindchat 第1村党支部');
  await say(app, ADMIN, '/poll 村道先修哪一段 | 东段 | 西段 | 南段');
  await say(app, ADMIN, '/poll 村道先修哪一段（无记名） | 东段 | 西段 | 南段 --anon');
  await say(app, ADMIN, '/rate 村委会本年度工作');
  const ids = (await database.db.$queryRawUnsafe<{ id: number }[]>('SELECT id FROM "Poll" ORDER BY id')).map((r) => Number(r.id));
  if (ids.length < 3) return { error: `expected 3 polls, found ${ids.length}` };
  const [named, anon, rating] = ids as [number, number, number];
  const file = 'file' in bot ? bot.file : undefined;
  await insertBallots(database, file, named, 'named', BALLOTS);
  await insertBallots(database, file, anon, 'anon', BALLOTS);
  await insertBallots(database, file, rating, 'rating', BALLOTS);

  const out: Record<string, unknown> = {
    named_choice: await timeTally(database, named),
    anonymous_choice: await timeTally(database, anon),
    rating: await timeTally(database, rating),
  };
  const worst = Math.max(...['named_choice', 'anonymous_choice', 'rating'].map((k) => (out[k] as { tallyPoll_median_ms: number }).tallyPoll_median_ms));
  out.target_under_200ms = worst < 200;
  // One more anonymous vote through the whole bot (inbox → router → /vote) as the poll grows.
  const votes: Record<string, unknown> = {};
  for (const [i, size] of ANON_VOTE_SIZES.entries()) {
    await say(app, ADMIN, `/poll 无记名测试${i} | 甲 | 乙 --anon`);
    const id = Number((await database.db.$queryRawUnsafe<{ id: number }[]>('SELECT MAX(id) AS id FROM "Poll"'))[0]!.id);
    await insertBallots(database, file, id, 'anon', size);
    const times: number[] = [];
    const outcomes = new Set<string>();
    for (let k = 0; k < VOTES_TIMED; k++) {
      const voter = `新党员${i}-${k}`;
      await say(app, voter, '/whoami');
      const t = performance.now();
      outcomes.add(await app.handle(textEvent('console', voter, null, `/vote #${id} 2`)));
      times.push(round(performance.now() - t, 1));
    }
    votes[`at_${size}_ballots`] = { ms_each: times, slowest_ms: Math.max(...times), outcomes: [...outcomes] };
  }
  out.one_anonymous_vote = votes;
  return out;
}

const sqliteBot = await startBenchBot({ adapters: [new CountingAdapter('console')], env: { BOT_ADMINS: `console:${ADMIN}` } });
const sqlite = await measure(sqliteBot);
await sqliteBot.close();

let postgresql: Record<string, unknown> = { status: 'skipped: TEST_DATABASE_URL not set' };
if (process.env.TEST_DATABASE_URL) {
  const { freshPostgres } = await import('../test/support/db.ts');
  const { createApp } = await import('../src/app.ts');
  const { loadConfig } = await import('../src/config.ts');
  const { pino } = await import('pino');
  const database = await freshPostgres();
  const app = createApp({
    config: loadConfig({ DATABASE_URL: database.url, BOT_ADMINS: `console:${ADMIN}`, BOT_MAX_EVENT_AGE_SECONDS: '3600' }),
    database,
    adapters: [new CountingAdapter('console')],
    logger: pino({ level: 'silent' }),
    instanceId: 'bench-pg',
  });
  await app.start();
  postgresql = await measure({ app, database });
  await app.stop();
  await database.close();
}

emit({ benchmark: 'poll_results', ballots_per_poll: BALLOTS, repeats: REPEATS, sqlite, postgresql, machine: machine() });
process.exit(0);
