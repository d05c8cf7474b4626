import { spawn } from 'node:child_process';
import { afterEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/clock.ts';
import type { ChatRef } from '../../src/bot/types.ts';
import type { Database } from '../../src/db/client.ts';
import { JobRegistry } from '../../src/scheduler/registry.ts';
import { LATE_AFTER_MS, MAX_TASK_ATTEMPTS } from '../../src/scheduler/engine.ts';
import { cancelTask, findTask, scheduleTask } from '../../src/scheduler/tasks.ts';
import { freshSqlite } from '../support/db.ts';
import { driveUntil, makeEngine } from './harness.ts';

const GROUP: ChatRef = { platform: 'console', chatId: 'g1', kind: 'group', title: 'g1' };
/** 2026-12-01 00:00 in Asia/Shanghai. */
const DEC_1 = new Date('2026-11-30T16:00:00Z');
/** 2027-01-01 00:00 in Asia/Shanghai. */
const JAN_1 = new Date('2026-12-31T16:00:00Z');

let databases: Database[] = [];
async function fresh(): Promise<Database> {
  const d = await freshSqlite();
  databases.push(d);
  return d;
}
afterEach(async () => {
  for (const d of databases) await d.close();
  databases = [];
});

/** Every outbox row as key → text. */
async function outbox(database: Database): Promise<Map<string, string>> {
  const rows = await database.db.outboxMessage.findMany({ orderBy: { id: 'asc' } });
  return new Map(rows.map((r) => [r.idempotencyKey, (JSON.parse(r.payload) as { text?: string }).text ?? '']));
}

describe('recurring jobs over a month', () => {
  it('fires exactly the expected occurrences of December 2026, each once, on time', async () => {
    const database = await fresh();
    const clock = new ManualClock(DEC_1);
    const jobs = new JobRegistry();
    const say = (name: string) => async (job: { scheduledAt: Date; send: (c: ChatRef, m: string) => void }) => job.send(GROUP, `${name} ${job.scheduledAt.toISOString()}`);
    jobs.cron('leadership', '30 19 * * 0', say('leadership')); // Sundays 19:30
    jobs.cron('cadres', '30 8 * * 1', say('cadres')); // Mondays 08:30
    jobs.cron('joint', '0 15 28 * *', say('joint')); // the 28th, 15:00
    jobs.dynamic('test', async () => [
      { name: 'leadership:reminder', label: () => 'reminder', expression: '30 19 * * 0', leadMinutes: 60, since: new Date(0), run: say('reminder') },
    ]);
    const engine = makeEngine(database, jobs, clock);
    await engine.runDue(DEC_1); // first start: the cursor begins here
    const reports = await driveUntil(engine, clock, JAN_1);
    const fired = reports.flatMap((r) => r.fired);

    // Counted by hand: December 2026 starts on a Tuesday. Sundays 6, 13, 20, 27 (4, and 4
    // reminders at 18:30); Mondays 7, 14, 21, 28 (4); the 28th (1). 13 in all. Shanghai is UTC+8.
    const expected = [
      ['leadership:reminder', '2026-12-06T10:30:00.000Z'],
      ['leadership', '2026-12-06T11:30:00.000Z'],
      ['cadres', '2026-12-07T00:30:00.000Z'],
      ['leadership:reminder', '2026-12-13T10:30:00.000Z'],
      ['leadership', '2026-12-13T11:30:00.000Z'],
      ['cadres', '2026-12-14T00:30:00.000Z'],
      ['leadership:reminder', '2026-12-20T10:30:00.000Z'],
      ['leadership', '2026-12-20T11:30:00.000Z'],
      ['cadres', '2026-12-21T00:30:00.000Z'],
      ['leadership:reminder', '2026-12-27T10:30:00.000Z'],
      ['leadership', '2026-12-27T11:30:00.000Z'],
      ['cadres', '2026-12-28T00:30:00.000Z'],
      ['joint', '2026-12-28T07:00:00.000Z'],
    ];
    expect(fired.map((f) => [f.job, f.scheduledAt.toISOString()])).toEqual(expected);
    expect(fired.every((f) => f.outcome === 'sent')).toBe(true);
    expect(reports.flatMap((r) => r.missed)).toEqual([]);

    const ledger = await database.db.scheduleOccurrence.findMany({ orderBy: { scheduledAt: 'asc' } });
    expect(ledger).toHaveLength(13);
    expect(ledger.every((r) => r.status === 'sent' && r.firedAt.getTime() === r.scheduledAt.getTime())).toBe(true);
    const sent = await outbox(database);
    expect(sent.size).toBe(13);
    expect(sent.get('occ:joint:2026-12-28T07:00:00.000Z:0')).toBe('joint 2026-12-28T07:00:00.000Z');
    expect(sent.get('occ:leadership:reminder:2026-12-06T10:30:00.000Z:0')).toBe('reminder 2026-12-06T10:30:00.000Z');

    // Passes at any other instant add nothing.
    for (const at of ['2026-12-06T11:30:00Z', '2026-12-15T00:00:00Z', '2026-12-31T16:00:00Z']) {
      const again = await engine.runDue(new Date(at));
      expect(again.fired).toEqual([]);
    }
    expect((await outbox(database)).size).toBe(13);
  });

  it('does not fire a dynamic job before it existed', async () => {
    const database = await fresh();
    const clock = new ManualClock(DEC_1);
    const jobs = new JobRegistry();
    const created = new Date('2026-12-06T11:31:00Z'); // a minute after that Sunday's 19:30
    jobs.dynamic('test', async () => [
      { name: 'weekly', label: () => 'w', expression: '30 19 * * 0', leadMinutes: 0, since: created, run: async (job) => job.send(GROUP, 'w') },
    ]);
    const engine = makeEngine(database, jobs, clock);
    await engine.runDue(DEC_1);
    const fired = (await driveUntil(engine, clock, new Date('2026-12-14T00:00:00Z'))).flatMap((r) => r.fired);
    expect(fired.map((f) => f.scheduledAt.toISOString())).toEqual(['2026-12-13T11:30:00.000Z']);
  });
});

describe('downtime', () => {
  async function setup(graceMs?: number) {
    const database = await fresh();
    const unit = await database.db.orgUnit.create({ data: { name: '东风镇', kind: 'township' } });
    await database.db.member.create({
      data: { name: '管理员', role: 'admin', unitId: unit.id, identities: { create: { platform: 'console', externalId: '管理员', displayName: '管理员' } } },
    });
    const clock = new ManualClock('2026-12-01T00:00:00Z'); // 08:00 in Shanghai
    const jobs = new JobRegistry();
    jobs.cron('daily', '0 9 * * *', async (job) => job.send(GROUP, `daily ${job.late ? 'late' : 'on time'}`));
    const engine = makeEngine(database, jobs, clock, { graceMs });
    await engine.runDue(clock.now());
    return { database, clock, jobs, engine };
  }

  it('sends an occurrence missed by less than the grace period late, and records and reports older ones', async () => {
    const { database, clock, jobs, engine } = await setup();
    // Down from Dec 1 08:00 to Dec 3 10:30 (Shanghai): 09:00 on Dec 1 and 2 are older than 2 h, Dec 3 is 1.5 h old.
    clock.set('2026-12-03T02:30:00Z');
    const report = await engine.runDue();
    expect(report.fired.map((f) => [f.scheduledAt.toISOString(), f.outcome])).toEqual([['2026-12-03T01:00:00.000Z', 'late']]);
    expect(report.missed.map((m) => m.scheduledAt.toISOString())).toEqual(['2026-12-01T01:00:00.000Z', '2026-12-02T01:00:00.000Z']);

    const ledger = await database.db.scheduleOccurrence.findMany({ orderBy: { scheduledAt: 'asc' } });
    expect(ledger.map((r) => [r.scheduledAt.toISOString(), r.status])).toEqual([
      ['2026-12-01T01:00:00.000Z', 'missed'],
      ['2026-12-02T01:00:00.000Z', 'missed'],
      ['2026-12-03T01:00:00.000Z', 'late'],
    ]);
    const rows = await database.db.outboxMessage.findMany({ orderBy: { id: 'asc' } });
    expect(rows).toHaveLength(2);
    const report0 = rows.find((r) => r.chatKind === 'private')!;
    expect(report0.chatId).toBe('管理员');
    const text = (JSON.parse(report0.payload) as { text: string }).text;
    expect(text).toContain('2 次定时通知超过了补发时限（120 分钟）');
    expect(text).toContain('daily，原定 12月1日 周二 09:00');
    expect(text).toContain('daily，原定 12月2日 周三 09:00');
    const group = rows.find((r) => r.chatKind === 'group')!;
    expect((JSON.parse(group.payload) as { text: string }).text).toBe('daily late');

    // A second instance looking at the same moment adds nothing and reports nothing again.
    const other = makeEngine(database, jobs, clock, { instanceId: 'test-2' });
    const second = await other.runDue();
    expect(second.fired.map((f) => f.outcome)).toEqual([]);
    expect(second.missed).toEqual([]);
    expect(await database.db.outboxMessage.count()).toBe(2);
  });

  it('treats exactly the grace period as late and one millisecond more as missed', async () => {
    for (const [extra, status] of [
      [0, 'late'],
      [1, 'missed'],
    ] as const) {
      const { database, clock, engine } = await setup(30 * 60_000);
      clock.set(new Date(Date.parse('2026-12-01T01:00:00Z') + 30 * 60_000 + extra));
      await engine.runDue();
      const row = await database.db.scheduleOccurrence.findFirstOrThrow();
      expect(row.status).toBe(status);
    }
  });

  it('counts a fire within a minute of its time as on time, later as late', async () => {
    const { database, clock, engine } = await setup();
    clock.set(new Date(Date.parse('2026-12-01T01:00:00Z') + LATE_AFTER_MS));
    await engine.runDue();
    clock.set(new Date(Date.parse('2026-12-02T01:00:00Z') + LATE_AFTER_MS + 1));
    await engine.runDue();
    const ledger = await database.db.scheduleOccurrence.findMany({ orderBy: { scheduledAt: 'asc' } });
    expect(ledger.map((r) => r.status)).toEqual(['sent', 'late']);
  });
});

describe('a restart in the middle of a fire', () => {
  /** Runs test/scheduler/crash-child.ts, which dies with SIGKILL at `mode`. */
  function crashChild(url: string, mode: 'before-commit' | 'after-commit', now: string): Promise<NodeJS.Signals | number | null> {
    return new Promise((resolve, reject) => {
      const child = spawn(process.execPath, ['--import', 'tsx', 'test/scheduler/crash-child.ts', url, mode, now], { stdio: ['ignore', 'ignore', 'pipe'] });
      let err = '';
      child.stderr.on('data', (d: Buffer) => (err += d.toString()));
      child.on('error', reject);
      child.on('exit', (code, signal) => (signal || code === 0 ? resolve(signal ?? code) : reject(new Error(`child exited ${code}: ${err}`))));
    });
  }

  function registry(): JobRegistry {
    const jobs = new JobRegistry();
    jobs.cron('daily', '0 9 * * *', async (job) => job.send(GROUP, 'daily'));
    return jobs;
  }

  it('a process killed before its fire committed leaves nothing; the restarted one fires once', async () => {
    const database = await fresh();
    const clock = new ManualClock('2026-12-01T00:00:00Z');
    await makeEngine(database, registry(), clock).runDue();
    expect(await crashChild(database.url, 'before-commit', '2026-12-01T01:00:05Z')).toBe('SIGKILL');
    expect(await database.db.scheduleOccurrence.count()).toBe(0);
    expect(await database.db.outboxMessage.count()).toBe(0);
    expect(await database.db.auditLog.count()).toBe(0); // the job's own write was rolled back too

    clock.set('2026-12-01T01:00:30Z');
    const report = await makeEngine(database, registry(), clock, { instanceId: 'restarted' }).runDue();
    expect(report.fired.map((f) => f.outcome)).toEqual(['sent']);
    expect([...(await outbox(database)).keys()]).toEqual(['occ:daily:2026-12-01T01:00:00.000Z:0']);
  });

  it('a process killed after its fire committed (cursor not yet moved): the restarted one finds the claim and sends nothing', async () => {
    const database = await fresh();
    const clock = new ManualClock('2026-12-01T00:00:00Z');
    await makeEngine(database, registry(), clock).runDue();
    expect(await crashChild(database.url, 'after-commit', '2026-12-01T01:00:05Z')).toBe('SIGKILL');
    expect(await database.db.scheduleOccurrence.count()).toBe(1);
    const cursor = await database.db.schedulerCursor.findFirstOrThrow();
    expect(cursor.until.toISOString()).toBe('2026-12-01T00:00:00.000Z'); // died before moving it

    clock.set('2026-12-01T01:00:30Z');
    const report = await makeEngine(database, registry(), clock, { instanceId: 'restarted' }).runDue();
    expect(report.fired.map((f) => f.outcome)).toEqual(['taken']);
    expect(await database.db.outboxMessage.count()).toBe(1);
  });
});

describe('one-off tasks', () => {
  it('scheduleTask inserts, replaces while pending, re-arms a cancelled one and leaves a done one alone', async () => {
    const database = await fresh();
    const db = database.db;
    const spec = { kind: 'polls.close', key: 'polls.close:1', dueAt: new Date('2026-12-01T12:00:00Z'), payload: { pollId: 1 } };
    expect(await scheduleTask(db, spec)).toBe('scheduled');
    expect(await scheduleTask(db, { ...spec, dueAt: new Date('2026-12-01T13:00:00Z') })).toBe('replaced');
    expect((await findTask(db, spec.key))!.dueAt.toISOString()).toBe('2026-12-01T13:00:00.000Z');
    expect(await db.scheduledTask.count()).toBe(1);
    expect(await cancelTask(db, spec.key)).toBe(true);
    expect(await cancelTask(db, spec.key)).toBe(false);
    expect(await scheduleTask(db, spec)).toBe('replaced');
    expect((await findTask(db, spec.key))!.status).toBe('pending');

    const jobs = new JobRegistry();
    const ran: unknown[] = [];
    jobs.handle('polls.close', async (job, payload) => {
      ran.push(payload);
      job.send(GROUP, `closed ${String(payload.pollId)}`);
    });
    const clock = new ManualClock('2026-12-01T11:00:00Z');
    const engine = makeEngine(database, jobs, clock);
    await engine.runDue();
    expect(ran).toEqual([]);
    expect((await engine.nextDueAt())!.toISOString()).toBe('2026-12-01T12:00:00.000Z');
    clock.set('2026-12-01T12:00:00Z');
    const report = await engine.runDue();
    expect(report.tasks).toEqual([{ key: 'polls.close:1', kind: 'polls.close', outcome: 'done' }]);
    expect(ran).toEqual([{ pollId: 1 }]);
    expect(await scheduleTask(db, spec)).toBe('already-done');
    expect(await cancelTask(db, spec.key)).toBe(false);
    clock.set('2026-12-02T12:00:00Z');
    expect((await engine.runDue()).tasks).toEqual([]);
    expect([...(await outbox(database)).values()]).toEqual(['closed 1']);
  });

  it('rejects a bad spec (a programming error) and a payload that is too large', async () => {
    const database = await fresh();
    await expect(scheduleTask(database.db, { kind: '', key: 'k', dueAt: new Date(), payload: {} })).rejects.toThrow();
    await expect(scheduleTask(database.db, { kind: 'k', key: 'k', dueAt: new Date('nope'), payload: {} })).rejects.toThrow();
    await expect(scheduleTask(database.db, { kind: 'k', key: 'k', dueAt: new Date(), payload: { big: 'x'.repeat(20_000) } })).rejects.toThrow(/too large/);
    expect(await database.db.scheduledTask.count()).toBe(0);
  });

  it('a failing runner sends nothing, is retried with backoff and given up after 5 attempts', async () => {
    const database = await fresh();
    const jobs = new JobRegistry();
    let calls = 0;
    jobs.handle('flaky', async (job) => {
      calls++;
      job.send(GROUP, 'never delivered');
      throw new Error('boom');
    });
    await scheduleTask(database.db, { kind: 'flaky', key: 'flaky:1', dueAt: new Date('2026-12-01T00:00:00Z'), payload: {} });
    const clock = new ManualClock('2026-12-01T00:00:00Z');
    const engine = makeEngine(database, jobs, clock);
    const outcomes: string[] = [];
    const times: string[] = [];
    for (let i = 0; i < 10; i++) {
      const next = await engine.nextDueAt();
      if (!next) break;
      clock.set(next);
      times.push(next.toISOString());
      outcomes.push(...(await engine.runDue()).tasks.map((t) => t.outcome));
    }
    expect(outcomes).toEqual(['retry', 'retry', 'retry', 'retry', 'failed']);
    expect(calls).toBe(MAX_TASK_ATTEMPTS);
    // 1 min, 5 min, 25 min, 125 min after each failure.
    expect(times).toEqual(['2026-12-01T00:00:00.000Z', '2026-12-01T00:01:00.000Z', '2026-12-01T00:06:00.000Z', '2026-12-01T00:31:00.000Z', '2026-12-01T02:36:00.000Z']);
    const row = await database.db.scheduledTask.findFirstOrThrow();
    expect([row.status, row.attempts, row.error]).toEqual(['failed', 5, 'Error: boom']);
    expect(await database.db.outboxMessage.count()).toBe(0);
  });

  it('a task with no registered runner is marked failed, a late one knows it is late', async () => {
    const database = await fresh();
    const jobs = new JobRegistry();
    const lateness: boolean[] = [];
    jobs.handle('known', async (job) => void lateness.push(job.late));
    await scheduleTask(database.db, { kind: 'gone', key: 'gone:1', dueAt: new Date('2026-12-01T00:00:00Z'), payload: {} });
    await scheduleTask(database.db, { kind: 'known', key: 'known:1', dueAt: new Date('2026-12-01T00:00:00Z'), payload: {} });
    await scheduleTask(database.db, { kind: 'known', key: 'known:2', dueAt: new Date('2026-12-01T02:59:30Z'), payload: {} });
    const engine = makeEngine(database, jobs, new ManualClock('2026-12-01T03:00:00Z'));
    const report = await engine.runDue();
    expect(report.tasks.map((t) => [t.key, t.outcome])).toEqual([
      ['gone:1', 'failed'],
      ['known:1', 'done'],
      ['known:2', 'done'],
    ]);
    expect(lateness).toEqual([true, false]);
  });

  it('a task a runner schedules for now runs in the same pass, once', async () => {
    const database = await fresh();
    const jobs = new JobRegistry();
    const order: string[] = [];
    jobs.handle('chain', async (job, payload) => {
      const n = Number(payload.n);
      order.push(`chain ${n}`);
      if (n < 3) await scheduleTask(job.db, { kind: 'chain', key: `chain:${n + 1}`, dueAt: job.now(), payload: { n: n + 1 } });
    });
    await scheduleTask(database.db, { kind: 'chain', key: 'chain:1', dueAt: new Date('2026-12-01T00:00:00Z'), payload: { n: 1 } });
    const engine = makeEngine(database, jobs, new ManualClock('2026-12-01T00:00:00Z'));
    await engine.runDue();
    await engine.runDue();
    expect(order).toEqual(['chain 1', 'chain 2', 'chain 3']);
  });

  it('a runner that re-arms its own task (it ran early, or waits) runs again at the new time, then is done', async () => {
    const database = await fresh();
    const jobs = new JobRegistry();
    const runs: string[] = [];
    jobs.handle('wait', async (job) => {
      runs.push(job.now().toISOString());
      if (runs.length < 3) await job.scheduleTask({ kind: 'wait', key: 'wait:1', dueAt: new Date(job.now().getTime() + 2_000), payload: { n: runs.length } });
    });
    await scheduleTask(database.db, { kind: 'wait', key: 'wait:1', dueAt: new Date('2026-12-01T00:00:00Z'), payload: { n: 0 } });
    const clock = new ManualClock('2026-12-01T00:00:00Z');
    const engine = makeEngine(database, jobs, clock);
    await engine.runDue();
    expect(await findTask(database.db, 'wait:1')).toMatchObject({ status: 'pending', dueAt: new Date('2026-12-01T00:00:02Z'), payload: { n: 1 } });
    clock.advance(1_000);
    await engine.runDue();
    expect(runs).toHaveLength(1);
    clock.advance(1_000);
    await engine.runDue();
    clock.advance(2_000);
    await engine.runDue();
    clock.advance(2_000);
    await engine.runDue();
    expect(runs).toEqual(['2026-12-01T00:00:00.000Z', '2026-12-01T00:00:02.000Z', '2026-12-01T00:00:04.000Z']);
    expect(await findTask(database.db, 'wait:1')).toMatchObject({ status: 'done' });
  });
});
