/**
 * A scheduler process that dies mid-fire (SIGKILL, no clean-up), for the restart tests:
 * `crash-child.ts <database url> before-commit|after-commit <now ISO>`.
 * - before-commit: the job writes (ledger claim, an audit row, its message), then the process dies
 *   inside the open transaction;
 * - after-commit: the fire commits, then the process dies before the cursor moves.
 */
import { ManualClock } from '../../src/clock.ts';
import { openDatabase } from '../../src/db/client.ts';
import { JobRegistry } from '../../src/scheduler/registry.ts';
import { makeEngine } from './harness.ts';

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
const engine = makeEngine(database, jobs, new ManualClock(now), {
  instanceId: 'doomed',
  onEnqueued: () => {
    if (mode === 'after-commit') process.kill(process.pid, 'SIGKILL');
  },
});
await engine.runDue();
process.exit(0);
