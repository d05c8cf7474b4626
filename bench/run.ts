/**
 * `npm run bench`: runs every benchmark, each in its own child process (so one's heap and caches
 * do not colour the next), one after another, and prints one JSON document with all figures and
 * the machine's load before and after.
 *
 *   npm run bench                 the standard run (about 5 minutes on an idle 2-core machine)
 *   npm run bench -- --quick      smaller sizes, for a smoke test
 *   npm run bench -- --full       the memory benchmark at 100,000 messages (long: see memory.ts)
 *   npm run bench -- --only inbound,broadcast
 *
 * PostgreSQL figures (inbound, the county, poll results) need TEST_DATABASE_URL (or BENCH_DATABASE_URL), as the tests do.
 * The county runs five minutes of answers in real time (about 7 minutes with set-up; --quick: 2,000
 * members, time compressed 10×, under a minute).
 */
import { spawn } from 'node:child_process';
import path from 'node:path';
import { machine, round } from './support.ts';

const args = process.argv.slice(2);
const quick = args.includes('--quick');
const full = args.includes('--full');
const onlyArg = args.indexOf('--only');
const only = onlyArg >= 0 ? new Set(args[onlyArg + 1]!.split(',')) : undefined;

interface Bench {
  readonly name: string;
  readonly file: string;
  readonly args: string[];
  readonly nodeArgs?: string[];
}

const BENCHES: Bench[] = [
  { name: 'inbound', file: 'inbound.ts', args: quick ? ['--quick'] : [] },
  { name: 'inbound_postgresql', file: 'inbound-pg.ts', args: quick ? ['--quick'] : [] },
  { name: 'county', file: 'county.ts', args: quick ? ['--quick'] : [] },
  { name: 'slow_chat', file: 'slow-chat.ts', args: quick ? ['--quick'] : [] },
  { name: 'telegram', file: 'telegram.ts', args: quick ? ['--quick'] : [] },
  { name: 'dingtalk', file: 'dingtalk.ts', args: quick ? ['--quick'] : [] },
  { name: 'dingtalk-budget', file: 'dingtalk-budget.ts', args: quick ? ['--quick'] : [] },
  { name: 'broadcast', file: 'broadcast.ts', args: quick ? ['--quick'] : [] },
  { name: 'wecom_broadcast', file: 'wecom.ts', args: quick ? ['--quick'] : [] },
  { name: 'poll_results', file: 'poll-results.ts', args: quick ? ['--quick'] : [] },
  { name: 'memory', file: 'memory.ts', args: full ? ['--full'] : ['--messages', quick ? '1000' : '5000'], nodeArgs: ['--expose-gc'] },
];

/** Runs one benchmark child; resolves with its last stdout line parsed, or an error record. */
function runChild(b: Bench): Promise<Record<string, unknown>> {
  const started = Date.now();
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [...(b.nodeArgs ?? []), '--import', 'tsx', path.join(import.meta.dirname, b.file), ...b.args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    child.on('exit', (code) => {
      const seconds = round((Date.now() - started) / 1000, 1);
      const last = out.trim().split('\n').pop() ?? '';
      try {
        resolve({ ...(JSON.parse(last) as Record<string, unknown>), wall_s: seconds });
      } catch {
        resolve({ benchmark: b.name, error: `exited ${code} without a result`, stderr: err.slice(-3000), wall_s: seconds });
      }
    });
  });
}

const results: Record<string, unknown> = {};
const machineBefore = machine();
const t0 = Date.now();
for (const b of BENCHES) {
  if (only && !only.has(b.name)) continue;
  process.stderr.write(`bench: ${b.name}…\n`);
  results[b.name] = await runChild(b);
  process.stderr.write(`bench: ${b.name} done in ${(results[b.name] as { wall_s: number }).wall_s} s\n`);
}

process.stdout.write(
  `${JSON.stringify(
    {
      run: { mode: quick ? 'quick' : full ? 'full' : 'standard', started_at: new Date(t0).toISOString(), total_s: round((Date.now() - t0) / 1000, 1) },
      machine_before: machineBefore,
      machine_after: machine(),
      units: { '*_msgs_per_s': 'messages per second', '*_ms': 'milliseconds', '*_mb': 'mebibytes', '*_pct': 'percent', '*_s': 'seconds' },
      results,
    },
    null,
    2,
  )}\n`,
);
