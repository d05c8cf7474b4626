/**
 * Benchmark: the scheduler's close pass alone (#18: the county's 500 time-ups due at one moment),
 * without the answers' backlog that the county run's close waits for. PostgreSQL, two scheduler
 * engines (each its own pool, as two instances have) over one database, `--tasks` one-off tasks
 * (default 500) due at the same instant, each runner about a quiz close: 4 reads, an audit row and
 * 2 messages to its own group. Figures: each engine's pass time and outcomes, the runner bodies
 * each ran, and that every task is done once. `tsx bench/close-pass.ts [--tasks N]
 * [--concurrency K]` prints one JSON line; needs BENCH_DATABASE_URL or TEST_DATABASE_URL.
 */
import pg from 'pg';
import { pino } from 'pino';
import { ManualClock } from '../src/clock.ts';
import { openDatabase } from '../src/db/client.ts';
import { pgUrlWithDatabase, quotePgIdent } from '../src/db/datasource.ts';
import { migrateDatabase } from '../src/db/migrate.ts';
import { SchedulerEngine } from '../src/scheduler/engine.ts';
import { JobRegistry } from '../src/scheduler/registry.ts';
import { TEXT_CAPABILITIES } from '../test/support/recording-adapter.ts';
import { emit, machine, now, round } from './support.ts';

const argv = process.argv;
const arg = (name: string): number | undefined => (argv.includes(name) ? Number(argv[argv.indexOf(name) + 1]) : undefined);
const TASKS = arg('--tasks') ?? 500;
const CONCURRENCY = arg('--concurrency');
const DUE = new Date('2026-12-01T04:00:00Z');

const server = process.env.BENCH_DATABASE_URL || process.env.TEST_DATABASE_URL;
if (!server) {
  emit({ benchmark: 'close_pass', skipped: 'no PostgreSQL: set BENCH_DATABASE_URL or TEST_DATABASE_URL', machine: machine() });
  process.exit(0);
}
const machineBefore = machine();
const name = `bench_close_pass_${process.pid}`;
const admin = new pg.Client({ connectionString: server });
await admin.connect();
await admin.query(`CREATE DATABASE ${quotePgIdent(name)}`);
const url = pgUrlWithDatabase(server, name);
await migrateDatabase(url);
const databases = [await openDatabase(url), await openDatabase(url)];
await databases[0]!.db.scheduledTask.createMany({
  data: Array.from({ length: TASKS }, (_, n) => ({ kind: 'close', key: `close:${n}`, dueAt: DUE, payload: JSON.stringify({ n }) })),
});

const ran = new Map<string, number>();
const engines = ['a', 'b'].map((instanceId, i) => {
  const jobs = new JobRegistry();
  jobs.handle('close', async (job, payload) => {
    for (let r = 0; r < 4; r++) await job.db.scheduledTask.findFirst({ where: { status: 'pending' }, select: { id: true } });
    await job.audit('closed', String(payload.n));
    const chat = { platform: 'console', chatId: `g${String(payload.n)}`, kind: 'group', title: 'g' } as const;
    job.send(chat, `result ${String(payload.n)}`);
    job.send(chat, `ranking ${String(payload.n)}`);
    ran.set(instanceId, (ran.get(instanceId) ?? 0) + 1);
  });
  return new SchedulerEngine({
    db: databases[i]!.db,
    jobs,
    clock: new ManualClock(DUE),
    logger: pino({ level: 'silent' }),
    translate: (key) => key,
    locale: 'zh-CN',
    timeZone: 'Asia/Shanghai',
    capabilitiesOf: () => TEXT_CAPABILITIES,
    instanceId,
    ...(CONCURRENCY ? { taskConcurrency: CONCURRENCY } : {}),
  });
});

const t0 = now();
const passes = await Promise.all(
  engines.map(async (engine) => {
    const report = await engine.runDue(DUE);
    const tasks: Record<string, number> = {};
    for (const t of report.tasks) tasks[t.outcome] = (tasks[t.outcome] ?? 0) + 1;
    return { pass_ms: round(now() - t0, 0), tasks };
  }),
);
const db = databases[0]!.db;
const done = await db.scheduledTask.count({ where: { status: 'done' } });
const runs = await db.auditLog.count({ where: { action: 'closed' } });
for (const d of databases) await d.close();
await admin.query(`DROP DATABASE ${quotePgIdent(name)} WITH (FORCE)`);
await admin.end();
emit({
  benchmark: 'close_pass',
  database: 'postgresql',
  instances: 2,
  tasks: TASKS,
  task_concurrency: CONCURRENCY ?? 'default',
  results: { passes, runner_bodies_run: Object.fromEntries(ran), tasks_done: done, runs_committed: runs, exactly_once: done === TASKS && runs === TASKS },
  machine_before: machineBefore,
  machine: machine(),
});
