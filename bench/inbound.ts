/**
 * Benchmark 1, inbound: simulated members → in-process adapter → inbox → router → handler →
 * SQLite file, with the outbox delivering the replies at the same time.
 *
 * - sustained: messages handed over one after another as fast as the bot takes them;
 *   inbound messages/s, and end to end including the outbox draining every reply.
 * - open loop at 200 and 1,000 offered messages/s: p50/p99 from scheduled arrival to processed.
 * - villages at once: the same, closed and open loop, with every village's messages in order and
 *   the villages concurrently (as the chat lanes run them; on SQLite they share transactions).
 * - raw SQL: the statements of a closed-loop slice recorded and replayed through better-sqlite3
 *   directly from a copy of the database; the ratio pipeline / raw is the cost of our layers.
 *
 * `tsx bench/inbound.ts [--quick]` prints one JSON line.
 */
import fs from 'node:fs';
import Database from 'better-sqlite3';
import path from 'node:path';
import { Session } from 'node:inspector/promises';
import { summarizeProfile } from './profile-summary.ts';
import { InboundRig } from './rig.ts';
import { emit, machine, round, summarize } from './support.ts';
import { replay, startTrace, stopTrace } from './sqltrace.ts';

const quick = process.argv.includes('--quick');
const MEMBERS = 200;
const CHATS = 10;
const WARMUP = quick ? 200 : 500;
const SUSTAINED = quick ? 1000 : 3000;
const OPEN_SECONDS = quick ? 3 : 5;
const RAW_SLICE = quick ? 500 : 1000;

const rig = new InboundRig({ members: MEMBERS, chats: CHATS });
const t0 = performance.now();
await rig.setup();
const setupMs = performance.now() - t0;

await rig.closedLoop(WARMUP);
await rig.drain();

if (process.argv.includes('--profile')) {
  // Only the closed loop, profiled with V8's sampling profiler; where the time goes, by area.
  const session = new Session();
  session.connect();
  await session.post('Profiler.enable');
  await session.post('Profiler.setSamplingInterval', { interval: 200 });
  await session.post('Profiler.start');
  const cpuStart = process.cpuUsage();
  const ms = await rig.closedLoop(SUSTAINED);
  await rig.drain();
  const cpuUsed = process.cpuUsage(cpuStart);
  const { profile } = (await session.post('Profiler.stop')) as unknown as { profile: Parameters<typeof summarizeProfile>[0] };
  session.disconnect();
  const out = process.argv[process.argv.indexOf('--profile') + 1];
  if (out && !out.startsWith('--')) fs.writeFileSync(out, JSON.stringify(profile));
  const summary = summarizeProfile(profile, 30);
  const perMessage = Object.fromEntries(Object.entries(summary.by_area).map(([k, v]) => [k, round(v / SUSTAINED, 3)]));
  emit({
    benchmark: 'inbound-profile',
    workload: rig.workload.name,
    messages: SUSTAINED,
    ms: round(ms, 0),
    cpu_ms_per_message: round((cpuUsed.user + cpuUsed.system) / 1000 / SUSTAINED, 3),
    sampled_ms_per_message_by_area: perMessage,
    top_functions: summary.top_functions,
    machine: machine(),
  });
  await rig.close();
  process.exit(0);
}

// Sustained, closed loop.
const cpu0 = process.cpuUsage();
const sustainedMs = await rig.closedLoop(SUSTAINED);
const backlogAfter = await rig.backlog();
const drainMs = await rig.drain();
const cpu = process.cpuUsage(cpu0);
const cpuMsPerMessage = (cpu.user + cpu.system) / 1000 / SUSTAINED;
const sustained = {
  messages: SUSTAINED,
  inbound_msgs_per_s: round((SUSTAINED / sustainedMs) * 1000, 0),
  mean_handling_ms: round(sustainedMs / SUSTAINED, 3),
  outbox_backlog_at_end: backlogAfter,
  outbox_drain_ms: round(drainMs, 0),
  end_to_end_msgs_per_s: round((SUSTAINED / (sustainedMs + drainMs)) * 1000, 0),
  cpu_ms_per_message: round(cpuMsPerMessage, 3),
  cpu_bound_msgs_per_s: round(1000 / cpuMsPerMessage, 0),
  cpu_note: 'this process\'s CPU time (user+sys) per message, outbox included: the rate one idle core would reach if CPU were the only limit',
};

// Open loop at the two offered rates.
const open: Record<string, unknown> = {};
for (const rate of [200, 1000]) {
  await rig.drain();
  const { latencies, elapsedMs, offered, unprocessed } = await rig.openLoop(rate, OPEN_SECONDS);
  const backlog = await rig.backlog();
  const drain = await rig.drain();
  open[`offered_${rate}_per_s`] = {
    offered,
    processed: latencies.length,
    unprocessed_at_cutoff: unprocessed,
    ...summarize(latencies),
    latency_note: unprocessed ? 'the bot fell behind: the run was cut at twice its length; queued messages are not in the percentiles, so these are lower bounds' : 'every offered message processed',
    achieved_msgs_per_s: round((latencies.length / elapsedMs) * 1000, 0),
    outbox_backlog_at_end: backlog,
    outbox_drain_ms: round(drain, 0),
  };
}

// Villages at once (each village's messages in order, as the chat lanes run them): on SQLite the
// events of different villages share transactions (group commit, src/db/group-commit.ts).
await rig.drain();
const concurrentMs = await rig.concurrentLoop(SUSTAINED, [rig.bot.app]);
const concurrentDrainMs = await rig.drain();
const concurrent: Record<string, unknown> = {
  messages: SUSTAINED,
  inbound_msgs_per_s: round((SUSTAINED / concurrentMs) * 1000, 0),
  end_to_end_msgs_per_s: round((SUSTAINED / (concurrentMs + concurrentDrainMs)) * 1000, 0),
};
for (const rate of [200, 1000]) {
  const { latencies, elapsedMs } = await rig.concurrentOpenLoop(rate, OPEN_SECONDS, [rig.bot.app]);
  await rig.drain();
  concurrent[`offered_${rate}_per_s`] = { ...summarize(latencies), achieved_msgs_per_s: round((latencies.length / elapsedMs) * 1000, 0) };
}

// Raw SQL: snapshot the quiet database, record a slice, replay it on the snapshot.
await rig.drain();
await rig.bot.database.db.$queryRawUnsafe('PRAGMA wal_checkpoint(TRUNCATE)');
const snapshot = path.join(rig.bot.dir, 'snapshot.db');
fs.copyFileSync(rig.bot.file, snapshot);
const snapshotNormal = path.join(rig.bot.dir, 'snapshot-normal.db');
fs.copyFileSync(rig.bot.file, snapshotNormal);
const synchronous = (await rig.bot.database.db.$queryRawUnsafe<{ synchronous: bigint }[]>('PRAGMA synchronous'))[0]!.synchronous;
startTrace();
const sliceStart = performance.now();
await rig.closedLoop(RAW_SLICE);
await rig.drain();
const pipelineMs = performance.now() - sliceStart;
const trace = stopTrace();
const raw = replay(snapshot, trace);
const rawNormal = replay(snapshotNormal, trace, { synchronous: 'NORMAL' });
const statements = new Map<string, number>();
const byTable = new Map<string, number>();
for (const s of trace) {
  const verb = s.sql.trim().split(/\s+/)[0]!.toUpperCase();
  statements.set(verb, (statements.get(verb) ?? 0) + 1);
  const table = /(?:FROM|INTO|UPDATE)\s+(?:`main`\.)?[`"]?(\w+)/i.exec(s.sql)?.[1] ?? verb;
  const key = `${verb} ${table}`;
  byTable.set(key, (byTable.get(key) ?? 0) + 1);
}
const perMessage = (n: number) => round(n / RAW_SLICE, 2);

// Cost of one simple read (a member by id) through each layer, on the same database file.
const perQuery: Record<string, number> = {};
{
  const db = rig.bot.database.db;
  const ids = (await db.member.findMany({ select: { id: true }, take: 200 })).map((m) => m.id);
  const N = quick ? 1000 : 3000;
  const time = async (name: string, fn: (id: number) => Promise<unknown> | unknown) => {
    for (let i = 0; i < 200; i++) await fn(ids[i % ids.length]!);
    const t = performance.now();
    for (let i = 0; i < N; i++) await fn(ids[i % ids.length]!);
    perQuery[name] = round(((performance.now() - t) * 1000) / N, 1);
  };
  await time('prisma_findUnique_us', (id) => db.member.findUnique({ where: { id } }));
  await time('prisma_queryRaw_us', (id) => db.$queryRaw`SELECT * FROM "Member" WHERE "id" = ${id}`);
  const direct = new Database(rig.bot.file, { readonly: true });
  const stmt = direct.prepare('SELECT * FROM "Member" WHERE "id" = ?');
  await time('better_sqlite3_prepared_us', (id) => stmt.get(id));
  await time('better_sqlite3_prepare_each_time_us', (id) => direct.prepare('SELECT * FROM "Member" WHERE "id" = ?').get(id));
  direct.close();
}

const outcomes = Object.fromEntries(rig.outcomes);
await rig.close();

emit({
  benchmark: 'inbound',
  workload: rig.workload.name,
  workload_mix: rig.workload.description,
  members: MEMBERS,
  village_chats: CHATS,
  setup_ms: round(setupMs, 0),
  sustained,
  open_loop: open,
  villages_at_once: { ...concurrent, note: `the ${CHATS} villages at once, each village's messages one after another (as the chat lanes run them); latency from scheduled arrival to processed` },
  raw_sql: {
    messages: RAW_SLICE,
    statements: raw.statements,
    statements_per_message: round(raw.statements / RAW_SLICE, 1),
    statements_by_verb: Object.fromEntries(statements),
    statements_per_message_by_table: Object.fromEntries([...byTable].sort((a, b) => b[1] - a[1]).map(([k, n]) => [k, perMessage(n)])),
    pipeline_ms: round(pipelineMs, 0),
    raw_better_sqlite3_ms: round(raw.ms, 0),
    raw_errors: raw.errors,
    raw_slowest_statements: raw.slowest,
    pipeline_msgs_per_s: round((RAW_SLICE / pipelineMs) * 1000, 0),
    raw_msgs_per_s: round((RAW_SLICE / raw.ms) * 1000, 0),
    ratio_pipeline_over_raw: round(pipelineMs / raw.ms, 1),
    bot_sqlite_synchronous: ['OFF', 'NORMAL', 'FULL', 'EXTRA'][Number(synchronous)] ?? String(synchronous),
    raw_with_synchronous_normal_ms: round(rawNormal.ms, 0),
    note: 'same statements in the same order (recorded from the bot, outbox included), replayed with each distinct statement prepared once',
  },
  per_query_cost: { ...perQuery, note: 'microseconds for one read of a member by id, averaged; adapter-better-sqlite3 prepares every statement anew' },
  outcomes,
  targets: {
    sustained_at_least_1000_per_s: sustained.inbound_msgs_per_s >= 1000,
    p99_under_50ms_at_200_per_s: ((open['offered_200_per_s'] as { p99_ms: number }).p99_ms) < 50,
  },
  machine: machine(),
});
