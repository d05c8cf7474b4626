/**
 * A scheduler process that dies mid-fire (SIGKILL, no clean-up), for the restart tests:
 * `crash-child.ts <database url> before-commit|after-commit|tasks <now ISO>`.
 * - before-commit: the job writes (ledger claim, an audit row, its message), then the process dies
 *   inside the open transaction;
 * - after-commit: the fire commits, then the process dies before the cursor moves;
 * - tasks: one-off tasks of kind `crash` (payload `{ n }`) run four at a time, each writing an
 *   audit row `ran <n> by doomed` and a message; the one with `n` = CRASH_AT kills the process
 *   inside its transaction while others are in flight.
 */
import { ManualClock } from '../../src/clock.ts';
import { openDatabase } from '../../src/db/client.ts';
import { JobRegistry } from '../../src/scheduler/registry.ts';
import { makeEngine } from './harness.ts';

/** The task (`n`) whose run kills the `tasks` child (sharing.test.ts knows it as 15). */
const CRASH_AT = 15;

const [url, mode, now] = process.argv.slice(2) as [string, string, string];
const database = await openDatabase(url);
const jobs = new JobRegistry();
jobs.cron('daily', '0 9 * * *', async (job) => {
  job.send({ platform: 'console', chatId: 'g1', kind: 'group', title: 'g1' }, 'daily');
  if (mode === 'before-commit') {
    await job.db.auditLog.create({ data: { action: 'half', detail: 'written inside the fire' } });
    process.kill(process.pid, 'SIGKILL');
    await new Promise(() => undefined);
  }
});
jobs.handle('crash', async (job, payload) => {
  const n = Number(payload.n);
  await job.audit('ran', `${n} by doomed`);
  job.send({ platform: 'console', chatId: 'g1', kind: 'group', title: 'g1' }, `crash ${n}`);
  if (n === CRASH_AT) {
    process.kill(process.pid, 'SIGKILL');
    await new Promise(() => undefined);
  }
});
const engine = makeEngine(database, jobs, new ManualClock(now), {
  instanceId: 'doomed',
  taskConcurrency: 4,
  onEnqueued: () => {
    if (mode === 'after-commit') process.kill(process.pid, 'SIGKILL');
  },
});
await engine.runDue();
process.exit(0);
