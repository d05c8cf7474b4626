import { afterEach, expect, it } from 'vitest';
import { ManualClock } from '../../src/clock.ts';
import type { ChatRef } from '../../src/bot/types.ts';
import { openDatabase, type Database } from '../../src/db/client.ts';
import { JobRegistry } from '../../src/scheduler/registry.ts';
import { scheduleTask } from '../../src/scheduler/tasks.ts';
import type { PassReport } from '../../src/scheduler/engine.ts';
import { describePg, freshPostgres } from '../support/db.ts';
import { makeEngine } from './harness.ts';

const GROUPS: ChatRef[] = ['g1', 'g2', 'g3'].map((id) => ({ platform: 'console', chatId: id, kind: 'group', title: id }));
/** 2026-12-01 00:00 in Asia/Shanghai. */
const DEC_1 = new Date('2026-11-30T16:00:00Z');
/** 2027-01-01 00:00 in Asia/Shanghai. */
const JAN_1 = new Date('2026-12-31T16:00:00Z');

let open: Database[] = [];
afterEach(async () => {
  for (const d of open.reverse()) await d.close();
  open = [];
});

/**
 * Several instances are a PostgreSQL deployment (SQLite serves one process: two better-sqlite3
 * connections in one process block each other's event loop while one holds a transaction).
 * Two scheduler instances, each with its own connection to one database, run every pass of
 * December 2026 at the same moments. Jobs: Sundays 19:30 (4), Mondays 08:30 (4), the 28th (1), a
 * daily 09:00 (31) = 40 occurrences, each posting to 3 chats; plus 30 one-off tasks (one a day at
 * 12:00, 1 to 30 December) each posting once. Everything must be posted exactly once.
 */
function twoInstances(fresh: () => Promise<Database>) {
  return async () => {
    const first = await fresh();
    open.push(first);
    const second = await openDatabase(first.url);
    open.push(second);

    const runs = new Map<string, number>();
    const count = (key: string) => runs.set(key, (runs.get(key) ?? 0) + 1);
    const registry = () => {
      const jobs = new JobRegistry();
      for (const [name, expr] of [
        ['leadership', '30 19 * * 0'],
        ['cadres', '30 8 * * 1'],
        ['joint', '0 15 28 * *'],
        ['daily', '0 9 * * *'],
      ] as const) {
        jobs.cron(name, expr, async (job) => {
          count(`${name} ${job.scheduledAt.toISOString()}`);
          for (const chat of GROUPS) job.send(chat, `${name} ${job.scheduledAt.toISOString()}`);
        });
      }
      jobs.handle('close', async (job, payload) => {
        count(`close ${String(payload.n)}`);
        job.send(GROUPS[0]!, `close ${String(payload.n)}`);
      });
      return jobs;
    };
    for (let n = 1; n <= 30; n++) {
      await scheduleTask(first.db, { kind: 'close', key: `close:${n}`, dueAt: new Date(Date.UTC(2026, 11, n, 4, 0)), payload: { n } });
    }
    const clock = new ManualClock(DEC_1);
    const a = makeEngine(first, registry(), clock, { instanceId: 'a' });
    const b = makeEngine(second, registry(), clock, { instanceId: 'b' });
    await a.runDue(DEC_1);
    const reports: PassReport[] = [];
    for (let i = 0; i < 1000; i++) {
      const next = await a.nextDueAt();
      if (next === null || next > JAN_1) break;
      clock.set(next);
      reports.push(...(await Promise.all([a.runDue(next), b.runDue(next)])));
    }

    // Each occurrence: exactly one instance sent it, the other found it taken.
    const fired = reports.flatMap((r) => r.fired);
    const sent = fired.filter((f) => f.outcome === 'sent');
    expect(sent).toHaveLength(40);
    expect(fired.filter((f) => f.outcome === 'taken')).toHaveLength(fired.length - 40);
    expect(new Set(sent.map((f) => `${f.job} ${f.scheduledAt.toISOString()}`)).size).toBe(40);
    expect(fired.some((f) => f.outcome === 'failed' || f.outcome === 'late')).toBe(false);
    expect(reports.flatMap((r) => r.tasks).filter((t) => t.outcome === 'done')).toHaveLength(30);
    // The job bodies ran once per occurrence or task (a losing instance never reaches the body, or rolls back).
    expect([...runs.values()].every((v) => v === 1)).toBe(true);
    expect(runs.size).toBe(70);

    const ledger = await first.db.scheduleOccurrence.findMany();
    expect(ledger).toHaveLength(40);
    const outbox = await first.db.outboxMessage.findMany({ select: { idempotencyKey: true } });
    expect(outbox).toHaveLength(40 * 3 + 30);
    expect(new Set(outbox.map((o) => o.idempotencyKey)).size).toBe(150);
    expect(await first.db.scheduledTask.count({ where: { status: 'done' } })).toBe(30);
    // Both instances did part of the work.
    const byInstance = new Set(ledger.map((r) => r.instance));
    return byInstance;
  };
}

describePg('two scheduler instances on one PostgreSQL database', () => {
  it('each occurrence and task is posted once, and both instances take part', async () => {
    const instances = await twoInstances(freshPostgres)();
    expect([...instances].sort()).toEqual(['a', 'b']);
  });
});
