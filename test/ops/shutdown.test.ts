// Graceful shutdown of the real bot process (src/main.ts, the real Telegram adapter against the
// fake Bot API server): SIGTERM in the middle of a burst of messages exits 0 with the outbox
// drained; after a restart every message has been handled exactly once and every sender got
// exactly one reply. /healthz and /metrics answer on the shared HTTP server and are scraped and
// parsed: the counters match what happened.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, expect, it } from 'vitest';
import Sqlite from 'better-sqlite3';
import { migrateDatabase } from '../../src/db/migrate.ts';
import { FakeTelegram, type FakeUser } from '../support/fake-telegram.ts';
import { get, parsePrometheus, sampleValue, startMain, type MainProcess } from './main-process.ts';

let fake: FakeTelegram | undefined;
let dir: string | undefined;
let file = '';
const bots: MainProcess[] = [];
afterEach(async () => {
  for (const b of bots.splice(0)) if (b.child.exitCode === null && b.child.signalCode === null) b.child.kill('SIGKILL');
  await fake?.stop();
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
  fake = dir = undefined;
});

/**
 * One value read by `sql` on a connection of the test's own, closed at once: the bot migrates at
 * start-up under an exclusive lock, which waits for every other connection to the file to close.
 */
function count(sql: string): number {
  const conn = new Sqlite(file, { readonly: true, fileMustExist: true });
  try {
    return conn.prepare(sql).pluck().get() as number;
  } finally {
    conn.close();
  }
}

async function startBot(): Promise<MainProcess> {
  const bot = await startMain({
    DATABASE_URL: `file:${file}`,
    TELEGRAM_BOT_TOKEN: fake!.token,
    TELEGRAM_API_ROOT: fake!.apiRoot,
    BOT_DATA_DIR: path.join(dir!, 'data'),
    BOT_MAX_EVENT_AGE_SECONDS: '86400',
    BOT_SHUTDOWN_SECONDS: '20',
  });
  bots.push(bot);
  // Ready once the database answers and Telegram is online.
  for (;;) {
    const h = await get(bot.port, '/healthz');
    if (h.status === 200) {
      expect(JSON.parse(h.body)).toEqual({ status: 'ok', database: 'up', adapters: { telegram: 'up' } });
      return bot;
    }
    expect(h.status).toBe(503);
    await fake!.waitFor(() => true);
    await new Promise((r) => setTimeout(r, 20));
  }
}

async function scrape(bot: MainProcess) {
  const m = await get(bot.port, '/metrics');
  expect(m.status).toBe(200);
  expect(m.type).toBe('text/plain; version=0.0.4; charset=utf-8');
  return parsePrometheus(m.body);
}

it('SIGTERM during a burst loses nothing and sends nothing twice; /healthz and /metrics answer', async () => {
  fake = new FakeTelegram();
  await fake.start();
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'xianfeng-ops-'));
  file = path.join(dir, 'bot.db');
  await migrateDatabase(`file:${file}`);
  let bot = await startBot();
  const before = await scrape(bot);
  expect(before.types.get('xianfeng_events_received_total')).toBe('counter');
  expect(before.types.get('xianfeng_send_duration_seconds')).toBe('histogram');
  expect(sampleValue(before.samples, 'xianfeng_up', { part: 'adapter:telegram' })).toBe(1);

  const USERS = 60;
  const users: FakeUser[] = Array.from({ length: USERS }, (_, i) => ({ id: 810_000 + i, first_name: `党员${i}` }));
  const ids = users.map((from) => fake!.injectPrivateMessage({ from, text: '/whoami' }).updateId);
  // SIGTERM once the first reply is out: the bot is working through the burst.
  await fake.waitFor(() => fake!.sent().length >= 1, 'the first reply', 30_000);
  const code = await bot.terminate();
  expect(code, bot.stderr()).toBe(0);

  // Stopped mid-burst: what it took was handled and its replies delivered before it exited.
  const taken = count('SELECT COUNT(*) FROM InboundEvent');
  const unfinished = count("SELECT COUNT(*) FROM InboundEvent WHERE status <> 'done'");
  const unsent = count("SELECT COUNT(*) FROM OutboxMessage WHERE status <> 'sent'");
  console.log(`SIGTERM mid-burst: ${taken} of ${USERS} messages taken before the bot stopped`);
  expect(taken).toBeLessThan(USERS);
  expect(unfinished).toBe(0);
  expect(unsent).toBe(0);
  expect(fake.sent().length).toBe(taken);
  expect(bot.stderr()).toMatch(/"msg":"stopped"/);
  bot = await startBot();
  await fake.waitForConfirmed(ids[ids.length - 1]!, 60_000);
  await fake.waitFor(() => fake!.sent().length >= USERS, 'every reply', 60_000);
  const after = await scrape(bot);
  expect(sampleValue(after.samples, 'xianfeng_events_received_total', { platform: 'telegram' })).toBe(USERS - taken);
  expect(sampleValue(after.samples, 'xianfeng_events_handled_total', { platform: 'telegram', outcome: 'done' })).toBe(USERS - taken);
  expect(sampleValue(after.samples, 'xianfeng_events_failed_total', { platform: 'telegram' })).toBe(0);
  expect(sampleValue(after.samples, 'xianfeng_event_duration_seconds_count', { platform: 'telegram' })).toBe(USERS - taken);
  expect(sampleValue(after.samples, 'xianfeng_sends_total', { platform: 'telegram', result: 'ok' })).toBeGreaterThan(0);
  expect(sampleValue(after.samples, 'xianfeng_scheduler_lag_seconds')).toBe(0);
  expect(await bot.terminate()).toBe(0);

  expect(count("SELECT COUNT(*) FROM InboundEvent WHERE status = 'done'")).toBe(USERS);
  expect(count("SELECT COUNT(*) FROM OutboxMessage WHERE status = 'sent'")).toBe(USERS);
  for (const u of users) expect(fake.sent(u.id).length, `replies to ${u.first_name}`).toBe(1);
}, 120_000);
