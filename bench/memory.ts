/**
 * Benchmark 5, memory: the inbound rig (same workload as benchmark 1) fed `N` messages closed-loop;
 * after every tenth the outbox is drained, a full GC is forced (the child runs with
 * `--expose-gc`) and RSS and heap are sampled. Target: growth between N/2 and N under 10%.
 *
 * The issue asks for N = 100,000. On this 2-core machine the pipeline handles about 50-150
 * messages/s, so 100,000 take 10-35 minutes: `npm run bench` runs a shorter N (printed in the
 * result) and `--full` runs 100,000. `node --expose-gc --import tsx bench/memory.ts [--messages N | --full]`.
 */
import { InboundRig } from './rig.ts';
import { emit, machine, memoryMb, round } from './support.ts';

const arg = process.argv.indexOf('--messages');
const N = process.argv.includes('--full') ? 100_000 : arg > 0 ? Number(process.argv[arg + 1]) : 10_000;
const STEPS = 10;
const gc = (globalThis as { gc?: () => void }).gc;

const rig = new InboundRig({ members: 200, chats: 10 });
await rig.setup();
await rig.drain();
gc?.();
const samples: { messages: number; seconds: number; rss_mb: number; heap_used_mb: number; external_mb: number }[] = [];
const t0 = performance.now();
samples.push({ messages: 0, seconds: 0, ...memoryMb() });
for (let step = 1; step <= STEPS; step++) {
  await rig.closedLoop(N / STEPS);
  await rig.drain();
  gc?.();
  samples.push({ messages: (N / STEPS) * step, seconds: round((performance.now() - t0) / 1000, 1), ...memoryMb() });
  if (process.argv.includes('--verbose')) process.stderr.write(`${JSON.stringify(samples.at(-1))}\n`);
}
const half = samples[STEPS / 2]!;
const full = samples[STEPS]!;
const growth = (full.rss_mb - half.rss_mb) / half.rss_mb;
const heapGrowth = (full.heap_used_mb - half.heap_used_mb) / half.heap_used_mb;
const outcomes = Object.fromEntries(rig.outcomes);
const dbBytes = (await rig.bot.database.db.$queryRawUnsafe<{ size: bigint }[]>('SELECT page_count * page_size AS size FROM pragma_page_count(), pragma_page_size()'))[0]!.size;
await rig.close();

emit({
  benchmark: 'memory',
  workload: rig.workload.name,
  messages: N,
  full_size_run: N >= 100_000,
  gc_forced_before_samples: Boolean(gc),
  rss_mb_at_half: half.rss_mb,
  rss_mb_at_end: full.rss_mb,
  rss_growth_half_to_end_pct: round(growth * 100, 1),
  heap_used_mb_at_half: half.heap_used_mb,
  heap_used_mb_at_end: full.heap_used_mb,
  heap_growth_half_to_end_pct: round(heapGrowth * 100, 1),
  database_mb_at_end: round(Number(dbBytes) / 2 ** 20, 1),
  msgs_per_s: round(N / full.seconds, 0),
  samples,
  outcomes,
  targets: { rss_growth_under_10pct: growth < 0.1 },
  machine: machine(),
});
process.exit(0);
