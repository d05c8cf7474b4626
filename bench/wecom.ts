/**
 * Benchmark, WeCom: a township notice to 200 WeCom groups through the outbox, delivered by the
 * real WecomAdapter (the official SDK over a real socket) to the fake WeCom server, at WeCom's
 * default pacing (WECOM_PER_APP_PER_SECOND=20, 20 a minute per group). The fake enforces the
 * per-group limit (errcode 45009) and counts violations. Reports the achieved send rate against
 * the allowed one, and how many groups got the notice none or several times; a second run drops
 * the connection halfway and counts again. `tsx bench/wecom.ts [--quick]`.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pino } from 'pino';
import { createApp } from '../src/app.ts';
import { loadConfig } from '../src/config.ts';
import { systemClock } from '../src/clock.ts';
import { openDatabase } from '../src/db/client.ts';
import { migrateDatabase } from '../src/db/migrate.ts';
import { enqueueMessages } from '../src/outbox/enqueue.ts';
import { wecomPlatform } from '../src/adapters/wecom/index.ts';
import type { WecomAdapter } from '../src/adapters/wecom/adapter.ts';
import { FakeWecom } from '../test/support/fake-wecom.ts';
import { emit, machine, round } from './support.ts';

const quick = process.argv.includes('--quick');
const GROUPS = quick ? 60 : 200;
const PER_SECOND = 20;

/** One run: a fresh database and fake, the notice to every group; `dropAt` cuts the connection after that many deliveries. */
async function run(dropAt?: number): Promise<Record<string, unknown>> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'xianfeng-bench-wecom-'));
  const url = `file:${path.join(dir, 'bench.db')}`;
  await migrateDatabase(url);
  const database = await openDatabase(url);
  const fake = new FakeWecom({ perChatPerMinute: 20 });
  await fake.start();
  const raw = { DATABASE_URL: url, BOT_DATA_DIR: dir, WECOM_BOT_ID: fake.botId, WECOM_BOT_SECRET: fake.secret, WECOM_WS_URL: fake.url, WECOM_PER_APP_PER_SECOND: String(PER_SECOND) };
  const config = loadConfig(raw);
  const logger = pino({ level: 'silent' });
  const ref: { app?: ReturnType<typeof createApp> } = {};
  const adapter = (await wecomPlatform.create(wecomPlatform.env.parse(raw), {
    logger, clock: systemClock, locale: 'zh-CN', botName: '先锋', dataDir: dir, instanceId: 'bench', http: { route: () => undefined },
    database, commands: () => [], translate: (k) => k, idle: () => ref.app!.idle('wecom'),
  })) as WecomAdapter;
  const app = (ref.app = createApp({ config, database, adapters: [adapter], logger, clock: systemClock, instanceId: 'bench', outbox: { idleMs: 50 } }));
  await app.start();
  while (adapter.status !== 'online') await new Promise((r) => setTimeout(r, 10));

  const chats = Array.from({ length: GROUPS }, (_, i) => ({ platform: 'wecom', chatId: `wrGROUP${String(i).padStart(4, '0')}`, kind: 'group' as const }));
  const text = '【会议通知】本月28日下午3点在镇政府三楼会议室召开干群联席会，请各村党支部书记参加。';
  const t0 = performance.now();
  await enqueueMessages(database.db, chats.map((chat, i) => ({ chat, message: { kind: 'text', text }, key: `bench:notice:${i}` })), () => adapter.capabilities, systemClock.now());
  app.outbox.notify();
  if (dropAt !== undefined) {
    await fake.until(() => fake.deliveries.length >= dropAt, 'half the notices', 120_000);
    fake.drop();
  }
  await fake.until(() => new Set(fake.deliveries.map((d) => d.chatId)).size >= GROUPS, 'every group', 180_000).catch(() => undefined);
  const elapsedMs = performance.now() - t0;
  await app.idle('wecom');
  const counts = new Map<string, number>();
  for (const d of fake.deliveries) counts.set(d.chatId, (counts.get(d.chatId) ?? 0) + 1);
  const failed = await database.db.outboxMessage.count({ where: { status: 'failed' } });
  await app.stop();
  await fake.stop();
  await database.close();
  fs.rmSync(dir, { recursive: true, force: true });
  const achieved = (GROUPS / elapsedMs) * 1000;
  return {
    groups: GROUPS,
    elapsed_s: round(elapsedMs / 1000, 2),
    achieved_per_s: round(achieved, 2),
    allowed_per_s: PER_SECOND,
    achieved_of_allowed: round(achieved / PER_SECOND, 3),
    lost: chats.filter((c) => !counts.has(c.chatId)).length,
    twice: [...counts.values()].filter((n) => n > 1).length,
    failed_rows: failed,
    rate_violations_45009: fake.rateViolations,
    ...(dropAt !== undefined ? { dropped_after: dropAt, reconnects: fake.subscribes.filter((s) => s.ok).length - 1 } : {}),
  };
}

const steady = await run();
const withDrop = await run(Math.floor(GROUPS / 2));
emit({
  benchmark: 'wecom_broadcast',
  notice_to_groups: GROUPS,
  steady,
  connection_dropped_halfway: withDrop,
  note: 'real @wecom/aibot-node-sdk client over a socket to the fake WeCom server (enforces 20/min per group); default WeCom pacing: 20 sends/s per app',
  machine: machine(),
});
process.exit(0);
