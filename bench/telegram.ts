/**
 * Benchmark 2, Telegram: the whole bot with the real Telegram adapter (telegraf over HTTP, long
 * polling) against the fake Bot API server, same workload as benchmark 1.
 *
 * - throughput: a burst of updates queued at once; updates/s until every one is confirmed
 *   (processed and the offset moved past it), and until every reply is delivered;
 * - reply latency: one update at a time, from its injection to its reply's sendMessage arriving
 *   at the fake server.
 * Outgoing rate limits are lifted (the fake server does not enforce Telegram's), so the figures
 * are the bot's own. `tsx bench/telegram.ts [--quick]`.
 */
import { pino } from 'pino';
import { TelegramAdapter } from '../src/adapters/telegram/adapter.ts';
import { FakeTelegram, type FakeUser } from '../test/support/fake-telegram.ts';
import { emit, machine, round, startBenchBot, summarize } from './support.ts';
import { chooseWorkload } from './workload.ts';

const quick = process.argv.includes('--quick');
const MEMBERS = 100;
const CHATS = 10;
const BURST = quick ? 200 : 500;
const LATENCY_SAMPLES = quick ? 50 : 100;

const fake = new FakeTelegram();
await fake.start();
const adapter = new TelegramAdapter({
  token: fake.token,
  apiRoot: fake.apiRoot,
  logger: pino({ level: 'silent' }),
  locale: 'zh-CN',
  commands: [],
  pollTimeoutSeconds: 30,
  retryDelayMs: { initial: 5, max: 50 },
  rateLimits: { globalPerSecond: 1_000_000, perChatIntervalMs: 0, perGroupPerMinute: 100_000_000 },
});
const admin: FakeUser = { id: 1001, first_name: '镇党委', last_name: '管理员' };
const bot = await startBenchBot({
  adapters: [adapter],
  env: { TELEGRAM_BOT_TOKEN: fake.token, TELEGRAM_API_ROOT: fake.apiRoot, BOT_ADMINS: `telegram:${admin.id}` },
});
const workload = chooseWorkload(bot.app.registry);
const chats = Array.from({ length: CHATS }, (_, i) => ({ id: -100_200_000 - i, title: `第${i + 1}村党支部群` }));
const members: FakeUser[] = Array.from({ length: MEMBERS }, (_, j) => ({ id: 50_000 + j, first_name: `党员${j}` }));
const chatOf = (j: number) => j % CHATS;

/** Injects and waits until the bot confirmed it. */
async function sendAndConfirm(chat: (typeof chats)[number], from: FakeUser, text: string): Promise<void> {
  const { updateId } = fake.injectGroupMessage({ chat, from, text });
  await fake.waitForConfirmed(updateId, 120_000);
}

// Setup: bind every chat (and open its poll), register every member (and their pledge).
for (let k = 0; k < CHATS; k++) for (const text of workload.chatSetup(k + 1)) await sendAndConfirm(chats[k]!, admin, text);
for (let j = 0; j < MEMBERS; j++) for (const text of workload.memberSetup) await sendAndConfirm(chats[chatOf(j)]!, members[j]!, text);
await bot.app.idle('telegram');

let seq = 0;
const nextMessage = () => {
  const i = seq++;
  const j = i % MEMBERS;
  return { chat: chats[chatOf(j)]!, from: members[j]!, text: workload.message(Math.floor(i / MEMBERS) + j, chatOf(j) + 1) };
};

// Throughput: a burst queued at once.
const sentBefore = fake.sent().length;
const t0 = Date.now();
const ids: number[] = [];
for (let i = 0; i < BURST; i++) {
  const m = nextMessage();
  ids.push(fake.injectGroupMessage(m).updateId);
}
const last = ids[ids.length - 1]!;
await fake.waitForConfirmed(last, 600_000);
const confirmedMs = Date.now() - t0;
await bot.app.idle('telegram');
const repliedMs = Date.now() - t0;
const replies = fake.sent().length - sentBefore;

// Reply latency: one at a time, only messages that get a reply.
const latencies: number[] = [];
while (latencies.length < LATENCY_SAMPLES) {
  const m = nextMessage();
  const before = fake.sent(m.chat.id).length;
  const start = Date.now();
  const { updateId } = fake.injectGroupMessage(m);
  await fake.waitForConfirmed(updateId, 60_000);
  await bot.app.idle('telegram');
  const reply = fake.sent(m.chat.id)[before];
  if (reply) latencies.push(reply.at - start);
}

await bot.close();
await fake.stop();

emit({
  benchmark: 'telegram',
  workload: workload.name,
  members: MEMBERS,
  group_chats: CHATS,
  burst_updates: BURST,
  updates_per_s: round((BURST / confirmedMs) * 1000, 1),
  replies_in_burst: replies,
  burst_with_replies_delivered_per_s: round((BURST / repliedMs) * 1000, 1),
  reply_latency: summarize(latencies),
  note: 'real telegraf client over HTTP (long polling) against the fake Bot API server; outgoing rate limits lifted',
  machine: machine(),
});
process.exit(0);
