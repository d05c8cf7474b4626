/**
 * Benchmark: a slow handler in one chat does not delay the other chats (#18 item 1). One chat
 * asks for a chart every 200 ms (a handler whose after-commit work takes 1 s of real time, as a
 * rendered chart does); 10 other chats send `/whoami` at `--rate` messages/s (default 10) for
 * `--seconds` (default 5), handed over through the intake exactly as an adapter does. p50/p99 of the
 * other chats' events from hand-over to processed, with the chat lanes (the default pool) and with
 * a pool of one (every event after the one before it, as the bot did before the lanes), in one run.
 *
 * `tsx bench/slow-chat.ts [--quick]` prints one JSON line.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { argInput } from '../src/bot/args.ts';
import type { CommandSpec, Feature } from '../src/bot/feature.ts';
import { DEFAULT_EVENT_CONCURRENCY } from '../src/ops/intake.ts';
import { CountingAdapter, emit, machine, now, round, startBenchBot, summarize, textEvent, waitUntil } from './support.ts';

const quick = process.argv.includes('--quick');
const arg = (name: string, fallback: number) => {
  const i = process.argv.indexOf(name);
  return i >= 0 ? Number(process.argv[i + 1]) : fallback;
};
const RATE = arg('--rate', 10);
const SECONDS = arg('--seconds', quick ? 3 : 5);
const CHART_MS = 1000;

/** `/chart`: replies at once, then "renders" for CHART_MS after its transaction commits. */
const slowChart: Feature = {
  name: 'bench-slow-chart',
  commands: [
    {
      name: 'chart',
      aliases: [],
      minRole: 'masses',
      summaryKey: 'core.help.summary',
      usageKey: 'core.help.usage',
      args: argInput,
      handler: async (ctx) => {
        ctx.reply('图表生成中');
        ctx.afterCommit(() => sleep(CHART_MS));
      },
    } as CommandSpec<unknown>,
  ],
};

async function run(concurrency: number): Promise<Record<string, unknown>> {
  const adapter = new CountingAdapter('console');
  const bot = await startBenchBot({ adapters: [adapter], features: (d) => [...d, slowChart], eventConcurrency: concurrency });
  for (let k = 0; k < 10; k++) await (await bot.app.submit(textEvent('console', `党员${k}`, `village-${k}`, '/whoami'))).processed;
  const latencies: number[] = [];
  const waits: Promise<void>[] = [];
  const n = RATE * SECONDS;
  const t0 = now() + 5;
  let nextChart = t0;
  for (let i = 0; i < n; i++) {
    const due = t0 + (i * 1000) / RATE;
    await waitUntil(due);
    if (now() >= nextChart) {
      void bot.app.submit(textEvent('console', '书记', 'slow-chat', '/chart'));
      nextChart += 200;
    }
    const k = i % 10;
    const submitted = await bot.app.submit(textEvent('console', `党员${k}`, `village-${k}`, '/whoami'));
    waits.push(submitted.processed.then(() => void latencies.push(now() - due)));
  }
  await Promise.all(waits);
  await bot.close();
  return { concurrency, ...summarize(latencies) };
}

const lanes = await run(DEFAULT_EVENT_CONCURRENCY);
const serial = await run(1);
emit({
  benchmark: 'slow-chat',
  note: `one chat asks for a ${CHART_MS} ms chart every 200 ms; 10 other chats send /whoami at ${RATE}/s for ${SECONDS} s; latency of the other chats' events from hand-over to processed`,
  with_lanes: lanes,
  pool_of_one: serial,
  p99_ratio_pool_of_one_over_lanes: round((serial.p99_ms as number) / (lanes.p99_ms as number), 1),
  machine: machine(),
});
