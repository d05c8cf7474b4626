/**
 * Benchmark 3, broadcast: one notice to 2,000 Telegram chats through the real outbox and the real
 * Telegram adapter (telegraf over HTTP) against the fake Bot API server, with Telegram's limits
 * (30 messages/s overall) scaled by `rateTimeScale` so it runs in seconds, and a 429 with
 * `retry_after: 1` injected for a random 2% of the chats.
 *
 * Reports the achieved send rate / the allowed rate (target ≥ 0.95), duplicates and losses (both
 * must be zero). `tsx bench/broadcast.ts [--quick] [--scale N]`.
 */
import { pino } from 'pino';
import { TelegramAdapter, TELEGRAM_DEFAULT_RATE_LIMITS } from '../src/adapters/telegram/adapter.ts';
import type { ChatRef } from '../src/bot/types.ts';
import { enqueueMessages } from '../src/outbox/enqueue.ts';
import { FakeTelegram } from '../test/support/fake-telegram.ts';
import { emit, machine, round, startBenchBot } from './support.ts';

const quick = process.argv.includes('--quick');
const scaleArg = process.argv.indexOf('--scale');
const SCALE = scaleArg > 0 ? Number(process.argv[scaleArg + 1]) : 5;
const CHATS = quick ? 500 : 2000;
const FAIL_SHARE = 0.02;

const fake = new FakeTelegram({ unknownChats: 'accept' });
await fake.start();
const adapter = new TelegramAdapter({
  token: fake.token,
  apiRoot: fake.apiRoot,
  logger: pino({ level: 'silent' }),
  locale: 'zh-CN',
  commands: [],
  retryDelayMs: { initial: 5, max: 50 },
});
const bot = await startBenchBot({
  adapters: [adapter],
  env: { TELEGRAM_BOT_TOKEN: fake.token, TELEGRAM_API_ROOT: fake.apiRoot },
  outbox: { rateTimeScale: SCALE, idleMs: 20 },
});

// Random 2% of the chats, among the first 80% to be served, answer their first send with 429.
const chats: ChatRef[] = Array.from({ length: CHATS }, (_, i) => ({ platform: 'telegram', chatId: String(-1_000_000_000 - i), kind: 'group', title: `村${i}` }));
const failing = new Set<string>();
while (failing.size < Math.round(CHATS * FAIL_SHARE)) failing.add(chats[Math.floor(Math.random() * CHATS * 0.8)]!.chatId);
for (const chatId of failing) fake.failNext({ method: 'sendMessage', chatId, code: 429, description: 'Too Many Requests: retry after 1', retryAfter: 1 });

const notice = '【通知】本周五上午九点在镇党委会议室召开党员大会，请各支部党员准时参加。';
const cpu0 = process.cpuUsage();
const t0 = Date.now();
await bot.database.db.$transaction(async (tx) =>
  enqueueMessages(tx, chats.map((chat, i) => ({ chat, message: { kind: 'text', text: notice }, key: `bench:notice:${i}` })), (p) => (p === 'telegram' ? adapter.capabilities : undefined), new Date()),
);
const enqueueMs = Date.now() - t0;
await fake.waitFor(() => fake.sent().length >= CHATS, `${CHATS} notices`, 600_000);
await bot.app.idle('telegram');
const cpu = process.cpuUsage(cpu0);

const attempts = fake.callsOf('sendMessage');
const ok = attempts.filter((c) => c.ok);
const perChat = new Map<string, number>();
for (const c of ok) perChat.set(c.chatId!, (perChat.get(c.chatId!) ?? 0) + 1);
const duplicates = [...perChat.values()].reduce((a, n) => a + Math.max(0, n - 1), 0);
const lost = chats.filter((c) => !perChat.has(c.chatId)).length;
const first = Math.min(...attempts.map((c) => c.at));
const last = Math.max(...ok.map((c) => c.at));
const seconds = (last - first) / 1000;
const allowed = TELEGRAM_DEFAULT_RATE_LIMITS.globalPerSecond * SCALE;
// Each 429 answer is a call Telegram counted: it uses the rate like a delivered message.
const achieved = attempts.length / seconds;
const failed = await bot.database.db.outboxMessage.count({ where: { status: 'failed' } });

await bot.close();
await adapter.stop().catch(() => {});
await fake.stop();

emit({
  benchmark: 'broadcast',
  chats: CHATS,
  rate_time_scale: SCALE,
  allowed_msgs_per_s: allowed,
  injected_429: failing.size,
  send_attempts: attempts.length,
  delivered: ok.length,
  duration_s: round(seconds, 2),
  achieved_msgs_per_s: round(achieved, 1),
  achieved_over_allowed: round(achieved / allowed, 3),
  delivered_per_s: round(ok.length / seconds, 1),
  duplicates,
  lost,
  failed_in_outbox: failed,
  enqueue_ms: enqueueMs,
  cpu_ms_per_message: round((cpu.user + cpu.system) / 1000 / CHATS, 3),
  note: 'achieved counts every sendMessage call (a 429 answer uses the rate too) from the first call to the last delivery; the real limit is 30/s, here divided by rate_time_scale',
  targets: { achieved_over_allowed_at_least_0_95: achieved / allowed >= 0.95, zero_duplicates: duplicates === 0, zero_lost: lost === 0 },
  machine: machine(),
});
process.exit(0);
