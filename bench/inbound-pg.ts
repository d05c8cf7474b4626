/**
 * Benchmark: inbound on PostgreSQL. The inbound rig (rig.ts) on a new database of the server in
 * BENCH_DATABASE_URL or TEST_DATABASE_URL, with 1 and then 2 bot instances (each its own
 * connection pool, instance id and adapter, as two processes would have): villages at once, each
 * village's messages in order, village k handled by instance k mod n. Figures: messages/s
 * sustained with 1 and 2 instances, and p50/p99 at 200 offered messages/s. Without a URL it prints
 * a result saying it was skipped. `tsx bench/inbound-pg.ts [--quick]` prints one JSON line.
 */
import pg from 'pg';
import { pgUrlWithDatabase, quotePgIdent } from '../src/db/datasource.ts';
import { InboundRig } from './rig.ts';
import { CountingAdapter, emit, machine, round, startBenchBot, summarize } from './support.ts';

const quick = process.argv.includes('--quick');
const server = process.env.BENCH_DATABASE_URL || process.env.TEST_DATABASE_URL;
if (!server) {
  emit({ benchmark: 'inbound_postgresql', skipped: 'no PostgreSQL: set BENCH_DATABASE_URL or TEST_DATABASE_URL (.ci/postgres.sh start DIR prints one)', machine: machine() });
  process.exit(0);
}

const MEMBERS = 200;
const CHATS = 10;
const SUSTAINED = quick ? 600 : 2000;
const OPEN_SECONDS = quick ? 3 : 5;
const name = `xianfeng_bench_${process.pid}`;
const admin = new pg.Client({ connectionString: server });
await admin.connect();
await admin.query(`CREATE DATABASE ${quotePgIdent(name)}`);
const url = pgUrlWithDatabase(server, name);

const rig = new InboundRig({ members: MEMBERS, chats: CHATS, url });
await rig.setup();
await rig.concurrentLoop(200, [rig.bot.app]); // warm-up
await rig.drain();

const one = await rig.concurrentLoop(SUSTAINED, [rig.bot.app]);
await rig.drain();
const open1 = await rig.concurrentOpenLoop(200, OPEN_SECONDS, [rig.bot.app]);
await rig.drain();

// A second instance: its own pool, adapter and instance id, on the same database.
const second = await startBenchBot({ adapters: [new CountingAdapter('console')], url, migrate: false, instanceId: `bench-b-${process.pid}`, env: { BOT_ADMINS: 'console:bench-admin' } });
const apps = [rig.bot.app, second.app];
await rig.concurrentLoop(200, apps);
const two = await rig.concurrentLoop(SUSTAINED, apps);
await Promise.all([rig.drain(), second.app.idle()]);
const open2 = await rig.concurrentOpenLoop(200, OPEN_SECONDS, apps);
await Promise.all([rig.drain(), second.app.idle()]);

const outcomes = Object.fromEntries(rig.outcomes);
const events = await rig.bot.database.db.inboundEvent.groupBy({ by: ['status'], _count: true });
await second.app.stop();
await second.database.close();
await rig.bot.app.stop();
await rig.bot.database.close();
await admin.query(`DROP DATABASE ${quotePgIdent(name)} WITH (FORCE)`);
await admin.end();

emit({
  benchmark: 'inbound_postgresql',
  workload: rig.workload.name,
  members: MEMBERS,
  village_chats: CHATS,
  one_instance: { messages: SUSTAINED, inbound_msgs_per_s: round((SUSTAINED / one) * 1000, 0), offered_200_per_s: summarize(open1.latencies) },
  two_instances: { messages: SUSTAINED, inbound_msgs_per_s: round((SUSTAINED / two) * 1000, 0), offered_200_per_s: summarize(open2.latencies) },
  outcomes,
  events_by_status: Object.fromEntries(events.map((e) => [e.status, e._count])),
  note: 'villages at once, each in order (as the per-chat lanes run them); the server is a throwaway local one (fsync off) when started by .ci/postgres.sh',
  machine: machine(),
});
