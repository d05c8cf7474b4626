// Two whole bots (createApp: inbox, outbox, scheduler) on ONE PostgreSQL database, each with its
// own connection pool, instance id and platform connection, running at the same time:
// - the outbox: 400 messages to 100 chats are each delivered exactly once across both, in order
//   within every chat;
// - the scheduler: a job due every minute, run by both instances for two hours of (manual) time,
//   posts each occurrence once; one-off tasks due at one moment (a county's quiz time-ups) are
//   shared between the instances, each posted once;
// - the inbox: every update handed to both instances at the same moment is processed once.
// Skipped, visibly, without TEST_DATABASE_URL (CI sets it).
import { pino } from 'pino';
import { afterEach, expect, it } from 'vitest';
import { createApp, type App } from '../../src/app.ts';
import type { Feature } from '../../src/bot/feature.ts';
import type { ChatRef, OutgoingMessage } from '../../src/bot/types.ts';
import { ManualClock, systemClock, type Clock } from '../../src/clock.ts';
import { loadConfig } from '../../src/config.ts';
import { openDatabase, type Database } from '../../src/db/client.ts';
import { enqueueMessages } from '../../src/outbox/enqueue.ts';
import { scheduleTask } from '../../src/scheduler/tasks.ts';
import { describePg, freshPostgres } from '../support/db.ts';
import { RecordingAdapter } from '../support/recording-adapter.ts';

let apps: App[] = [];
let databases: Database[] = [];
afterEach(async () => {
  for (const a of apps) await a.stop();
  for (const d of databases.reverse()) await d.close();
  apps = [];
  databases = [];
});

/** A feature with one job due every minute that posts its fire time to one group. */
const ticker = (chat: ChatRef): Feature => ({
  name: 'ticker',
  commands: [],
  jobs: (s) => s.cron('reliability.ticker', '* * * * *', async (job) => job.send(chat, `tick ${job.scheduledAt.toISOString()}`)),
});

const FULL = process.env.RELIABILITY_FULL === '1';

/** Which instance ran each `reliability.close` task's body (a body run twice shows twice). */
const closedBy = new Map<number, string[]>();

/** A feature whose one-off `reliability.close` tasks each post one result to their own group. */
const closer = (instance: string): Feature => ({
  name: 'closer',
  commands: [],
  jobs: (s) =>
    s.handle('reliability.close', async (job, payload) => {
      const n = Number(payload.n);
      closedBy.set(n, [...(closedBy.get(n) ?? []), instance]);
      job.send({ platform: 'console', chatId: `group-${n}`, kind: 'group' }, `closed ${n}`);
    }),
});

/** Two apps on the same database (the second opens its own pool), each with its recording adapter. */
async function twoBots(clock: Clock, tickChat: ChatRef, leaseMs?: number): Promise<{ first: Database; bots: { app: App; adapter: RecordingAdapter }[]; log: { instance: string; chat: string; text: string }[] }> {
  const first = await freshPostgres();
  databases.push(first);
  const second = await openDatabase(first.url);
  databases.push(second);
  const log: { instance: string; chat: string; text: string }[] = [];
  const bots = [first, second].map((database, i) => {
    const instance = i === 0 ? 'a' : 'b';
    const adapter = new RecordingAdapter();
    adapter.beforeSend = (chat, message: OutgoingMessage) => void log.push({ instance, chat: chat.chatId, text: message.kind === 'text' ? message.text : message.kind });
    const app = createApp({
      config: loadConfig({ DATABASE_URL: database.url, BOT_LOCALE: 'zh-CN', BOT_MAX_EVENT_AGE_SECONDS: '86400' }),
      database,
      adapters: [adapter],
      logger: pino({ level: 'silent' }),
      clock,
      instanceId: instance,
      // The production lease (30 s). With a 5 s lease on a loaded machine a tick's claims can
      // outlast the lease and the other instance re-sends (seen here: 401 of 400 delivered).
      outbox: { idleMs: 20, ...(leaseMs ? { leaseMs } : {}) },
      features: (defaults) => [...defaults, ticker(tickChat), closer(instance)],
    });
    apps.push(app);
    return { app, adapter };
  });
  return { first, bots, log };
}

describePg('two bot instances on one PostgreSQL database', () => {
  it('the outbox delivers every message once, in order per chat, and both instances send a real share', async () => {
    const { first, bots, log } = await twoBots(systemClock, { platform: 'console', chatId: 'ticks', kind: 'group' });
    const chats: ChatRef[] = Array.from({ length: 100 }, (_, i) => ({ platform: 'console', chatId: `village-${i}`, kind: 'group' }));
    const items = chats.flatMap((chat, i) => [1, 2, 3, 4].map((n) => ({ chat, message: { kind: 'text' as const, text: `notice ${n}` }, key: `two:${i}:${n}` })));
    // Both run (each has announced itself to the other's outbox) when the backlog arrives, as a
    // notice to 100 villages does. Each chat is served by one of them (src/outbox/affinity.ts); an
    // instance that runs a pass before it has seen the other serves every chat in that pass, and the
    // other waits for its acknowledgement before taking its half.
    await Promise.all(bots.map((b) => b.app.start()));
    // (800 round trips: more than Prisma's default 5 s transaction timeout on a busy machine.)
    await first.db.$transaction((tx) => enqueueMessages(tx, items, () => bots[0]!.adapter.capabilities, new Date()), { timeout: 120_000 });
    for (const b of bots) b.app.outbox.notify();
    await Promise.all(bots.map((b) => b.app.idle()));

    const notices = log.filter((l) => l.chat.startsWith('village-'));
    const seen = new Map<string, string[]>();
    for (const l of notices) seen.set(`${l.chat} ${l.text}`, [...(seen.get(`${l.chat} ${l.text}`) ?? []), l.instance]);
    expect([...seen].filter(([, by]) => by.length > 1), 'messages delivered more than once (and by which instances)').toEqual([]);
    expect(notices).toHaveLength(400);
    for (const chat of chats) expect(notices.filter((l) => l.chat === chat.chatId).map((l) => l.text)).toEqual(['notice 1', 'notice 2', 'notice 3', 'notice 4']);
    // Both send a real share: the chats are divided between the live instances by rendezvous hashing.
    const byA = notices.filter((l) => l.instance === 'a').length;
    const shares = { a: byA, b: notices.length - byA };
    process.stdout.write(`outbox shared: ${JSON.stringify(shares)}\n`);
    expect(Math.min(shares.a, shares.b), `sent by each instance: ${JSON.stringify(shares)}`).toBeGreaterThanOrEqual(80);
    // (Only the villages: on the system clock the ticker may post a tick if a minute turns meanwhile.)
    expect(await first.db.outboxMessage.count({ where: { status: 'sent', chatId: { startsWith: 'village-' } } })).toBe(400);
  }, 120_000);

  it('a job due every minute, run by both for two hours, posts each occurrence once', async () => {
    const start = new Date('2026-11-26T02:00:00Z');
    const clock = new ManualClock(start);
    // The manual clock jumps a minute at a time: with the production 30 s lease, a tick being sent
    // while the clock jumps would find its lease expired and be taken back by the other instance
    // (once in a CI run: 121 of 120). A lease longer than the jump keeps this about the scheduler.
    const { first, bots, log } = await twoBots(clock, { platform: 'console', chatId: 'ticks', kind: 'group' }, 10 * 60_000);
    await Promise.all(bots.map((b) => b.app.start()));
    for (let m = 1; m <= 120; m++) {
      const t = new Date(start.getTime() + m * 60_000);
      clock.set(t);
      await Promise.all(bots.map((b) => b.app.scheduler.runDue(t)));
    }
    await Promise.all(bots.map((b) => b.app.idle()));
    const ticks = log.filter((l) => l.chat === 'ticks').map((l) => l.text);
    expect(ticks).toHaveLength(120);
    expect(new Set(ticks).size).toBe(120);
    expect(await first.db.scheduleOccurrence.count({ where: { job: 'reliability.ticker' } })).toBe(120);
  }, 180_000);

  it('one-off tasks due at one moment are shared: each posted once, both instances run a real share', async () => {
    const tasks = FULL ? 500 : 120;
    closedBy.clear();
    const start = new Date('2026-11-26T02:00:00Z');
    const clock = new ManualClock(start);
    const { first, bots, log } = await twoBots(clock, { platform: 'console', chatId: 'ticks', kind: 'group' }, 10 * 60_000);
    const due = new Date(start.getTime() + 30_000);
    await first.db.$transaction(async (tx) => {
      for (let n = 1; n <= tasks; n++) await scheduleTask(tx, { kind: 'reliability.close', key: `reliability.close:${n}`, dueAt: due, payload: { n } });
    }, { timeout: 120_000 });
    await Promise.all(bots.map((b) => b.app.start()));
    clock.set(due);
    await Promise.all(bots.map((b) => b.app.scheduler.runDue(due)));
    await Promise.all(bots.map((b) => b.app.idle()));

    expect([...closedBy].filter(([, by]) => by.length !== 1), 'task bodies run other than once').toEqual([]);
    expect(closedBy.size).toBe(tasks);
    const results = log.filter((l) => l.chat.startsWith('group-'));
    expect(results).toHaveLength(tasks);
    expect(new Set(results.map((l) => l.text)).size).toBe(tasks);
    expect(await first.db.scheduledTask.count({ where: { status: 'done' } })).toBe(tasks);
    const byA = [...closedBy.values()].filter((by) => by[0] === 'a').length;
    const shares = { a: byA, b: tasks - byA };
    process.stdout.write(`due tasks shared: ${JSON.stringify(shares)}\n`);
    expect(Math.min(shares.a, shares.b), `run by each instance: ${JSON.stringify(shares)}`).toBeGreaterThanOrEqual(tasks / 4);
  }, 180_000);

  it('an update handed to both instances at once is processed once', async () => {
    const { first, bots } = await twoBots(systemClock, { platform: 'console', chatId: 'ticks', kind: 'group' });
    await Promise.all(bots.map((b) => b.app.start()));
    const outcomes: string[] = [];
    for (let i = 0; i < 60; i++) {
      const event = bots[0]!.adapter.message(`党员${i}`, `/whoami`, { eventId: `both-${i}`, private: true });
      outcomes.push(...(await Promise.all(bots.map((b) => b.app.handle(event)))));
    }
    await Promise.all(bots.map((b) => b.app.idle()));
    expect(outcomes.filter((o) => o === 'done')).toHaveLength(60);
    expect(outcomes.filter((o) => o === 'duplicate')).toHaveLength(60);
    expect(await first.db.inboundEvent.count()).toBe(60);
    expect(await first.db.member.count()).toBe(1); // the first console speaker (the local admin) only: strangers in a private chat are told how to join, not registered
    const replies = bots.flatMap((b) => b.adapter.sent).filter((d) => d.chat.kind === 'private');
    expect(replies).toHaveLength(60);
  }, 120_000);
});
