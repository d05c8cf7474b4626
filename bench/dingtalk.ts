/**
 * Benchmark, DingTalk: one notice to 200 DingTalk groups through the real outbox, meter and
 * DingTalkAdapter (OpenAPI over HTTP, the Stream connection open) against the fake DingTalk, at
 * the configured QPS (`DINGTALK_QPS`, default DingTalk's 20/s, real time, nothing scaled), with
 * 2% of the sends answered 429 (Retry-After 1 s) first.
 *
 * Reports the achieved send rate / the allowed rate, OpenAPI calls spent per notice (token and
 * 429 answers included, the figure the monthly budget pays), duplicates and losses (both must be
 * zero). `tsx bench/dingtalk.ts [--quick] [--qps N]`.
 */
import { pino } from 'pino';
import { DingTalkAdapter } from '../src/adapters/dingtalk/adapter.ts';
import { dingtalkCapabilities, dingtalkEnv } from '../src/adapters/dingtalk/index.ts';
import type { ChatRef } from '../src/bot/types.ts';
import { systemClock } from '../src/clock.ts';
import { enqueueMessages } from '../src/outbox/enqueue.ts';
import { FakeDingTalk } from '../test/support/fake-dingtalk.ts';
import { emit, machine, round, startBenchBot } from './support.ts';

const quick = process.argv.includes('--quick');
const qpsArg = process.argv.indexOf('--qps');
const GROUPS = quick ? 60 : 200;
const FAIL_SHARE = 0.02;

console.info = () => {}; // the SDK prints "connect success" on stdout, which carries the JSON
const fake = new FakeDingTalk();
await fake.start();
const env = dingtalkEnv.parse({ DINGTALK_CLIENT_ID: fake.clientId, DINGTALK_CLIENT_SECRET: fake.clientSecret, DINGTALK_API_ROOT: fake.root, ...(qpsArg > 0 ? { DINGTALK_QPS: process.argv[qpsArg + 1] } : {}) });
const adapter = new DingTalkAdapter({
  clientId: fake.clientId,
  clientSecret: fake.clientSecret,
  robotCode: fake.clientId,
  apiRoot: fake.root,
  capabilities: dingtalkCapabilities(env),
  logger: pino({ level: 'silent' }),
  clock: systemClock,
});
const bot = await startBenchBot({ adapters: [adapter], env: { DINGTALK_CLIENT_ID: fake.clientId, DINGTALK_CLIENT_SECRET: fake.clientSecret, DINGTALK_API_ROOT: fake.root }, outbox: { idleMs: 20 } });
await fake.until(() => fake.connected === 1, 'the Stream connection');

const failures = Math.round(GROUPS * FAIL_SHARE);
for (let i = 0; i < failures; i++) fake.failNext.push({ status: 429, body: { code: 'Forbidden.AccessDenied.QpsLimitForApi', message: 'qps' }, headers: { 'retry-after': '1' } });
const chats: ChatRef[] = Array.from({ length: GROUPS }, (_, i) => ({ platform: 'dingtalk', chatId: `cidVillage${i}`, kind: 'group', title: `村${i}` }));
const notice = '【通知】本周五上午九点在镇党委会议室召开党员大会，请各支部党员准时参加。';
const cpu0 = process.cpuUsage();
await bot.database.db.$transaction(async (tx) =>
  enqueueMessages(tx, chats.map((chat, i) => ({ chat, message: { kind: 'text', text: notice }, key: `bench:notice:${i}` })), (p) => (p === 'dingtalk' ? adapter.capabilities : undefined), new Date()),
);
const deadline = Date.now() + 600_000;
while (fake.sent.length < GROUPS && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
await bot.app.idle('dingtalk');
const cpu = process.cpuUsage(cpu0);

const sends = fake.calls.filter((c) => c.path.endsWith('/groupMessages/send'));
const perChat = new Map<string, number>();
for (const s of fake.sent) perChat.set(s.target, (perChat.get(s.target) ?? 0) + 1);
const duplicates = [...perChat.values()].reduce((a, n) => a + Math.max(0, n - 1), 0);
const lost = chats.filter((c) => !perChat.has(c.chatId)).length;
const seconds = (Math.max(...sends.filter((c) => c.status === 200).map((c) => c.at)) - Math.min(...sends.map((c) => c.at))) / 1000;
const allowed = env.DINGTALK_QPS;
const achieved = sends.length / seconds;
const counted = (await bot.database.db.meteredUsage.findMany()).reduce((a, u) => a + u.calls, 0);

await bot.close();
await fake.stop();

emit({
  benchmark: 'dingtalk-notice',
  groups: GROUPS,
  allowed_sends_per_s: allowed,
  injected_429: failures,
  send_calls: sends.length,
  delivered: fake.sent.length,
  duration_s: round(seconds, 2),
  achieved_sends_per_s: round(achieved, 2),
  achieved_over_allowed: round(achieved / allowed, 3),
  openapi_calls: fake.calls.length,
  openapi_calls_counted_by_meter: counted,
  calls_per_notice: round(fake.calls.length / GROUPS, 3),
  duplicates,
  lost,
  cpu_ms_per_message: round((cpu.user + cpu.system) / 1000 / GROUPS, 3),
  note: 'real time at DINGTALK_QPS; send_calls counts every groupMessages/send (a 429 answer uses the rate and the budget too); calls_per_notice = all OpenAPI calls (token included) / groups',
  targets: { achieved_over_allowed_at_least_0_9: achieved / allowed >= 0.9, zero_duplicates: duplicates === 0, zero_lost: lost === 0, meter_matches_fake: counted === fake.calls.length },
  machine: machine(),
});
process.exit(0);
