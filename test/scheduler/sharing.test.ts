/**
 * Due one-off tasks shared between instances and run several at a time (engine.ts `runTasks`,
 * claim.ts): with a burst of due tasks (a county's 500 quiz time-ups at one moment), every task
 * runs exactly once, two instances each run a real share, neither waits for a task the other is
 * running, each runs at most `taskConcurrency` at once, and a killed instance's tasks are run by
 * another, once. On PostgreSQL (two connections, as two processes have) and on SQLite (one
 * process: two engines over one connection; a killed child process for the crash).
 */
import { spawn } from 'node:child_process';
import { afterEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/clock.ts';
import type { ChatRef } from '../../src/bot/types.ts';
import { openDatabase, type Database, type Db } from '../../src/db/client.ts';
import { JobRegistry } from '../../src/scheduler/registry.ts';
import type { PassReport } from '../../src/scheduler/engine.ts';
import { describePg, freshPostgres, freshSqlite } from '../support/db.ts';
import { makeEngine } from './harness.ts';

const GROUP: ChatRef = { platform: 'console', chatId: 'g1', kind: 'group', title: 'g1' };
const DUE = new Date('2026-12-01T04:00:00Z');
/** The task crash-child.ts dies in (its CRASH_AT). */
const CRASH_AT = 15;

let open: Database[] = [];
afterEach(async () => {
  for (const d of open.reverse()) await d.close();
  open = [];
});

/** What the runners saw: which instance ran each task's body, and how many ran at once. */
class Runs {
  readonly byTask = new Map<number, string[]>();
  private readonly inFlight = new Map<string, number>();
  readonly maxInFlight = new Map<string, number>();

  begin(instance: string): void {
    const now = (this.inFlight.get(instance) ?? 0) + 1;
    this.inFlight.set(instance, now);
    this.maxInFlight.set(instance, Math.max(now, this.maxInFlight.get(instance) ?? 0));
  }

  end(instance: string, n: number): void {
    this.inFlight.set(instance, this.inFlight.get(instance)! - 1);
    this.byTask.set(n, [...(this.byTask.get(n) ?? []), instance]);
  }

  ranBy(instance: string): number {
    return [...this.byTask.values()].filter((by) => by.includes(instance)).length;
  }
}

/**
 * A registry whose `share` runner counts itself in `runs`, makes a real statement while others
 * may be in flight, and sends one message; `hold(n)` may keep a run open.
 */
function registry(instance: string, runs: Runs, hold?: (n: number) => Promise<void> | undefined): JobRegistry {
  const jobs = new JobRegistry();
  jobs.handle('share', async (job, payload) => {
    const n = Number(payload.n);
    runs.begin(instance);
    try {
      await hold?.(n);
      await job.db.scheduledTask.count({ where: { status: 'pending' } });
      job.send(GROUP, `share ${n}`);
    } finally {
      runs.end(instance, n);
    }
  });
  jobs.handle('crash', async (job, payload) => {
    await job.audit('ran', `${String(payload.n)} by ${instance}`);
    job.send(GROUP, `crash ${String(payload.n)}`);
  });
  return jobs;
}

/** `count` tasks of `kind` (payload n = 1…count), all due at DUE. */
async function addTasks(db: Db, count: number, kind = 'share'): Promise<void> {
  await db.scheduledTask.createMany({
    data: Array.from({ length: count }, (_, i) => ({ kind, key: `${kind}:${i + 1}`, dueAt: DUE, payload: JSON.stringify({ n: i + 1 }) })),
  });
}

/** Every task's body ran exactly once, every task is done, and each sent one message. */
async function expectEachRanOnce(database: Database, runs: Runs, count: number): Promise<void> {
  expect(runs.byTask.size).toBe(count);
  expect([...runs.byTask.values()].filter((by) => by.length !== 1)).toEqual([]);
  expect(await database.db.scheduledTask.count({ where: { status: 'done' } })).toBe(count);
  const texts = (await database.db.outboxMessage.findMany({ select: { payload: true } })).map((r) => (JSON.parse(r.payload) as { text: string }).text);
  expect(texts).toHaveLength(count);
  expect(new Set(texts).size).toBe(count);
}

/** The outcomes of the tasks a pass ran. */
const outcomes = (r: PassReport) => r.tasks.map((t) => t.outcome);

/** Runs crash-child.ts in `tasks` mode; resolves with the signal it died of. */
function crashChild(url: string): Promise<NodeJS.Signals | number | null> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'test/scheduler/crash-child.ts', url, 'tasks', DUE.toISOString()], { stdio: ['ignore', 'ignore', 'pipe'] });
    let err = '';
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    child.on('error', reject);
    child.on('exit', (code, signal) => (signal || code === 0 ? resolve(signal ?? code) : reject(new Error(`child exited ${code}: ${err}`))));
  });
}

/**
 * 40 due tasks; a process running them four at a time is killed inside task 15's transaction
 * (others in flight); a second instance then runs every task the first did not commit, once.
 * `settled` waits until the database has rolled back the dead process's transactions.
 */
async function killedMidRun(database: Database, settled: () => Promise<void>): Promise<void> {
  await addTasks(database.db, 40, 'crash');
  expect(await crashChild(database.url)).toBe('SIGKILL');
  await settled();
  const ranBy = async () => (await database.db.auditLog.findMany({ where: { action: 'ran' }, select: { detail: true } })).map((r) => r.detail);
  const before = await ranBy();
  expect(before.length).toBeGreaterThan(0);
  expect(before.length).toBeLessThan(CRASH_AT);
  expect(before).not.toContain(`${CRASH_AT} by doomed`);
  expect(await database.db.scheduledTask.count({ where: { status: 'done' } })).toBe(before.length);

  const clock = new ManualClock(new Date(DUE.getTime() + 1_000));
  const report = await makeEngine(database, registry('restarted', new Runs()), clock, { instanceId: 'restarted', taskConcurrency: 4 }).runDue();
  expect(outcomes(report)).toEqual(Array.from({ length: 40 - before.length }, () => 'done'));
  const after = await ranBy();
  const ns = after.map((d) => Number(d.split(' ')[0])).sort((x, y) => x - y);
  expect(ns).toEqual(Array.from({ length: 40 }, (_, i) => i + 1));
  expect(after).toContain(`${CRASH_AT} by restarted`);
  expect(await database.db.scheduledTask.count({ where: { status: 'done' } })).toBe(40);
  expect(await database.db.outboxMessage.count()).toBe(40);
}

/**
 * A task whose runner writes, then fails on a database error (a duplicate key: on PostgreSQL the
 * transaction is aborted until rolled back to a savepoint). Two engines run passes at once: it is
 * run once, its write undone, its retry set a minute later (the row stays locked meanwhile, so the
 * other engine does not run it again at once), then it runs again only at that time.
 */
async function failingTaskRetriedOnce(first: Database, second: Database): Promise<void> {
  let calls = 0;
  const jobs = () => {
    const r = new JobRegistry();
    r.handle('flaky', async (job) => {
      calls++;
      await job.audit('half', 'written before the failure');
      job.send(GROUP, 'never delivered');
      await job.db.scheduledTask.create({ data: { kind: 'flaky', key: 'flaky:1', dueAt: DUE, payload: '{}' } });
    });
    return r;
  };
  await addTasks(first.db, 1, 'flaky');
  const clock = new ManualClock(DUE);
  const a = makeEngine(first, jobs(), clock, { instanceId: 'a', taskConcurrency: 4 });
  const b = makeEngine(second, jobs(), clock, { instanceId: 'b', taskConcurrency: 4 });
  const reports = await Promise.all([a.runDue(DUE), b.runDue(DUE)]);
  expect(reports.flatMap(outcomes)).toEqual(['retry']);
  expect(calls).toBe(1);
  const row = await first.db.scheduledTask.findFirstOrThrow();
  expect([row.status, row.attempts, row.retryAt?.toISOString(), row.doneAt]).toEqual(['pending', 1, new Date(DUE.getTime() + 60_000).toISOString(), null]);
  expect(row.error).toMatch(/Unique constraint/i);
  expect(await first.db.auditLog.count()).toBe(0);
  expect(await first.db.outboxMessage.count()).toBe(0);
  clock.advance(59_999);
  await Promise.all([a.runDue(), b.runDue()]);
  expect(calls).toBe(1);
  clock.advance(1);
  expect((await Promise.all([a.runDue(), b.runDue()])).flatMap(outcomes)).toEqual(['retry']);
  expect(calls).toBe(2);
  expect(await first.db.scheduledTask.findFirstOrThrow()).toMatchObject({ attempts: 2, status: 'pending' });
}

describePg('due tasks shared by two instances on PostgreSQL', () => {
  async function twoDatabases(): Promise<[Database, Database]> {
    const first = await freshPostgres();
    open.push(first);
    const second = await openDatabase(first.url);
    open.push(second);
    return [first, second];
  }

  it('200 due tasks: each runs once, each instance a real share, at most 4 at once each, none tried twice', async () => {
    const [first, second] = await twoDatabases();
    await addTasks(first.db, 200);
    const runs = new Runs();
    const clock = new ManualClock(DUE);
    const a = makeEngine(first, registry('a', runs), clock, { instanceId: 'a', taskConcurrency: 4 });
    const b = makeEngine(second, registry('b', runs), clock, { instanceId: 'b', taskConcurrency: 4 });
    const reports = await Promise.all([a.runDue(DUE), b.runDue(DUE)]);

    await expectEachRanOnce(first, runs, 200);
    // Each pass lists only what it ran: 200 in all, every one done (no task claimed and lost).
    expect(reports.flatMap(outcomes)).toEqual(Array.from({ length: 200 }, () => 'done'));
    for (const [i, instance] of ['a', 'b'].entries()) {
      expect(reports[i]!.tasks).toHaveLength(runs.ranBy(instance));
      expect(runs.ranBy(instance)).toBeGreaterThanOrEqual(50);
      expect(runs.maxInFlight.get(instance)).toBeLessThanOrEqual(4);
      expect(runs.maxInFlight.get(instance)).toBeGreaterThanOrEqual(2);
    }
  });

  it('an instance skips a task the other is running instead of waiting for it', async () => {
    const [first, second] = await twoDatabases();
    await addTasks(first.db, 50);
    const runs = new Runs();
    let release!: () => void;
    const released = new Promise<void>((resolve) => (release = resolve));
    let holding!: () => void;
    const held = new Promise<void>((resolve) => (holding = resolve));
    const hold = (n: number) => {
      if (n !== 1) return undefined;
      holding();
      return released;
    };
    const clock = new ManualClock(DUE);
    const a = makeEngine(first, registry('a', runs, hold), clock, { instanceId: 'a', taskConcurrency: 4 });
    const b = makeEngine(second, registry('b', runs), clock, { instanceId: 'b', taskConcurrency: 4 });
    const passA = a.runDue(DUE);
    await held; // a's run of task 1 is open, its claim uncommitted
    const reportB = await b.runDue(DUE); // would wait on task 1's row lock for as long as a holds it
    expect(reportB.tasks.map((t) => t.key)).not.toContain('share:1');
    expect(runs.byTask.has(1)).toBe(false);
    release();
    const reportA = await passA;
    expect(reportA.tasks.map((t) => t.key)).toContain('share:1');
    await expectEachRanOnce(first, runs, 50);
    expect(runs.ranBy('b')).toBeGreaterThan(0);
  });

  it('a failing task (a database error inside) is rolled back to its savepoint, run once, retried after its backoff', async () => {
    await failingTaskRetriedOnce(...(await twoDatabases()));
  });

  it('an instance killed mid-run: its uncommitted tasks are run by another, once', async () => {
    const [first] = await twoDatabases();
    // Locking every row waits until the server has noticed the dead connection and rolled back its transactions.
    await killedMidRun(first, async () => void (await first.db.$transaction((tx) => tx.$queryRaw`SELECT "id" FROM "ScheduledTask" FOR UPDATE`)));
  });
});

describe('due tasks run several at a time on SQLite', () => {
  it('two engines on one database, 4 at a time each, 200 due tasks: each runs once, at most 4 at once each', async () => {
    const database = await freshSqlite();
    open.push(database);
    await addTasks(database.db, 200);
    const runs = new Runs();
    const clock = new ManualClock(DUE);
    const a = makeEngine(database, registry('a', runs), clock, { instanceId: 'a', taskConcurrency: 4 });
    const b = makeEngine(database, registry('b', runs), clock, { instanceId: 'b', taskConcurrency: 4 });
    const reports = await Promise.all([a.runDue(DUE), b.runDue(DUE)]);

    await expectEachRanOnce(database, runs, 200);
    expect(reports.flatMap(outcomes)).toEqual(Array.from({ length: 200 }, () => 'done'));
    for (const instance of ['a', 'b']) expect(runs.maxInFlight.get(instance) ?? 0).toBeLessThanOrEqual(4);
  });

  it('a failing task (a database error inside) is rolled back to its savepoint, run once, retried after its backoff', async () => {
    const database = await freshSqlite();
    open.push(database);
    await failingTaskRetriedOnce(database, database);
  });

  it('a process killed mid-run: its uncommitted tasks are run by the next one, once', async () => {
    const database = await freshSqlite();
    open.push(database);
    await killedMidRun(database, async () => undefined);
  });
});
