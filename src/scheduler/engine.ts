/**
 * The scheduler engine: runs every recurring job (`cron` and `dynamic` ones from the JobRegistry)
 * and every due one-off task exactly once, however many instances share the database and however
 * often they restart.
 *
 * How a recurring occurrence fires: in one transaction the engine inserts its ledger row
 * (`ScheduleOccurrence`, unique job + scheduled time), runs the job, and enqueues the job's
 * messages under keys derived from the occurrence (`occ:<job>:<iso>:<n>`). A second instance's
 * insert waits on the first's and then fails on the unique key (or finds the row): it does nothing.
 * A crash before the commit leaves nothing behind, so the restarted process fires it again.
 *
 * Downtime: the cursor (`SchedulerCursor`) remembers up to when every occurrence was dealt with.
 * On the next pass, occurrences since then are fired late (status `late`) when they are at most
 * the grace period old (`BOT_SCHEDULE_GRACE_MINUTES`, default 120), and older ones are recorded as
 * `missed` and reported to every admin in a private message, not sent.
 *
 * One-off tasks (`ScheduledTask`, scheduled by features with `scheduleTask`) are run by up to
 * `taskConcurrency` workers at once (default 4 on PostgreSQL, 1 on SQLite, where writes serialize
 * anyway). Each worker claims the next due task inside the transaction that runs it (claim.ts:
 * `pending` → `done`, on PostgreSQL `FOR UPDATE SKIP LOCKED`), so the claim commits together with
 * the runner's writes and messages, and another worker or instance skips a task being run instead
 * of waiting for it: instances share a burst of due tasks, none runs one twice, and a crashed
 * instance's claims roll back with its connection. A runner that throws is rolled back to a
 * savepoint taken after the claim, and in the same transaction the task is given a retry time
 * (backoff) or, after `MAX_TASK_ATTEMPTS`, marked `failed`: the row stays locked throughout, so no
 * one retries it early.
 *
 * Time comes from the injected clock only: `runDue(now)` fires everything due up to `now` in time
 * order, and `nextDueAt()` says when the next thing is due, so tests drive a month in milliseconds.
 * In production node-cron wakes the engine every minute (second 0, in the org time zone) and a
 * timer wakes it at the next due instant (one-off tasks such as quiz time limits need seconds).
 */
import nodeCron, { type ScheduledTask as CronTask } from 'node-cron';
import { TEXT_ONLY_CAPABILITIES, type Capabilities } from '../bot/adapter.ts';
import { DEFAULT_BOT_NAME, type ScheduleFn } from '../bot/context.ts';
import type { Translate, Tx } from '../bot/feature.ts';
import type { ChatRef, QueuedMessage, Platform } from '../bot/types.ts';
import { membersWithRole, privateChatsOf, writeAudit } from '../bot/roster.ts';
import { enqueueMessages, type OutboxItem } from '../outbox/enqueue.ts';
import type { Db } from '../db/client.ts';
import { isUniqueViolation, providerOfClient, type Provider } from '../db/client.ts';
import type { Clock } from '../clock.ts';
import type { Logger } from '../logger.ts';
import type { JobContext, JobRunner, TaskSpec } from './contract.ts';
import type { JobRegistry } from './registry.ts';
import { checkCron, CronSchedule } from './cron.ts';
import { parsePayload, rearmTask, scheduleTask } from './tasks.ts';
import { claimNextTask, type ClaimedTask } from './claim.ts';
import { formatLocal } from '../bot/time.ts';

/** Default grace period: occurrences missed by at most this long are still sent (late). */
export const DEFAULT_GRACE_MS = 2 * 60 * 60_000;

/** An occurrence fired more than this after its time counts as late. */
export const LATE_AFTER_MS = 60_000;

/** Failed runs of a one-off task before it is given up (`failed`). */
export const MAX_TASK_ATTEMPTS = 5;

/** Missed occurrences recorded per job and pass (a per-minute job down for a week stops here). */
const MAX_MISSED_PER_JOB = 200;
/** Due occurrences fired per job and pass (the grace window of a per-minute job is 120). */
const MAX_DUE_PER_JOB = 500;
/** Tasks taken per query. */
const TASK_BATCH = 200;
/**
 * One-off tasks run at once per instance on PostgreSQL by default. Each holds a pool connection
 * for its transaction (the default pool has 10, and the inbox, the intake and the outbox need
 * theirs), so it stays small.
 */
export const DEFAULT_TASK_CONCURRENCY = 4;
/** The savepoint a task's runner runs in (a name no runner uses). */
const TASK_SAVEPOINT = 'scheduler_task_run';
/** Extra rounds for tasks that became due during a pass (a runner scheduling an immediate follow-up). */
const MAX_TASK_ROUNDS = 5;
/** A job's transaction may take this long (many chats of a unit). */
const TX_OPTIONS = { timeout: 30_000, maxWait: 30_000 } as const;
const CURSOR = 'schedules';

/** Tuning and wiring of the engine. */
export interface SchedulerEngineOptions {
  readonly db: Db;
  readonly jobs: JobRegistry;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly translate: Translate;
  readonly locale: 'zh-CN' | 'en';
  readonly timeZone: string;
  readonly capabilitiesOf: (platform: Platform) => Capabilities | undefined;
  /** Stores a one-off task a job schedules (default the scheduler's `scheduleTask`). */
  readonly scheduleTask?: ScheduleFn;
  /** The bot's display name (`BOT_NAME`), for `@先锋 1`-style hints (default 先锋). */
  readonly botName?: string;
  /** Names this process in the ledger (which instance fired what). */
  readonly instanceId: string;
  /** Occurrences missed by at most this long are sent late; older ones are reported (default 2 h). */
  readonly graceMs?: number;
  /** Called after messages were enqueued (wakes the outbox). */
  readonly onEnqueued?: () => void;
  /** Longest sleep when nothing is due sooner (default 60 s): work scheduled by another instance is seen within it. */
  readonly maxSleepMs?: number;
  /**
   * Due one-off tasks run at once by this instance (default DEFAULT_TASK_CONCURRENCY on
   * PostgreSQL, 1 on SQLite: its one connection runs one transaction at a time anyway).
   */
  readonly taskConcurrency?: number;
}

/** What happened to one occurrence in a pass. */
export type OccurrenceOutcome = 'sent' | 'late' | 'taken' | 'failed';

/** What one pass did (tests and logs read it). */
export interface PassReport {
  readonly fired: { readonly job: string; readonly scheduledAt: Date; readonly outcome: OccurrenceOutcome }[];
  readonly missed: { readonly job: string; readonly scheduledAt: Date }[];
  /**
   * The tasks this instance ran, as they finished. A task another instance ran (or is running) is
   * not listed: it was skipped at no cost (claim.ts), so there is no `taken` outcome for tasks.
   */
  readonly tasks: { readonly key: string; readonly kind: string; readonly outcome: TaskOutcome }[];
}

/** What happened to one task this instance claimed. */
export type TaskOutcome = 'done' | 'retry' | 'failed';

/** A recurring job as the engine sees it (static or dynamic). */
interface JobView {
  readonly name: string;
  readonly label: (t: Translate) => string;
  readonly schedule: CronSchedule;
  readonly since: Date | null;
  readonly run: JobRunner;
  /** Whether admins hear about its missed occurrences. */
  readonly reportMissed: boolean;
}

interface DueOccurrence {
  readonly type: 'occurrence';
  readonly at: Date;
  readonly job: JobView;
}

interface DueTask {
  readonly type: 'task';
  readonly at: Date;
  readonly row: { id: number; dueAt: Date };
}

/** Thrown inside a fire's transaction when the occurrence is already claimed. */
class AlreadyClaimed extends Error {}

/** The engine (see the module comment). One per process. */
export class SchedulerEngine {
  private readonly graceMs: number;
  private readonly maxSleepMs: number;
  private readonly provider: Provider;
  private readonly taskConcurrency: number;
  private readonly staticJobs: JobView[];
  private readonly scheduleCache = new Map<string, CronSchedule>();
  /** Per job: the next fire computed from some instant `from` (valid for any later start before `next`). */
  private readonly nextCache = new Map<string, { key: string; from: number; next: number | null }>();
  private chain: Promise<unknown> = Promise.resolve();
  private running = false;
  private ticker: CronTask | undefined;
  private timer: NodeJS.Timeout | undefined;
  private notifyTimer: NodeJS.Timeout | undefined;
  private armGeneration = 0;

  constructor(private readonly opts: SchedulerEngineOptions) {
    this.graceMs = opts.graceMs ?? DEFAULT_GRACE_MS;
    this.maxSleepMs = opts.maxSleepMs ?? 60_000;
    this.provider = providerOfClient(opts.db);
    this.taskConcurrency = opts.taskConcurrency ?? (this.provider === 'postgresql' ? DEFAULT_TASK_CONCURRENCY : 1);
    if (!Number.isInteger(this.taskConcurrency) || this.taskConcurrency < 1) throw new Error(`scheduler: taskConcurrency must be a whole number ≥ 1, not ${this.taskConcurrency}`);
    this.staticJobs = [...opts.jobs.cronJobs.values()].map((j) => {
      const check = checkCron(j.expression, opts.timeZone, new Date(0));
      if (!check.ok) throw new Error(`cron job ${j.name}: "${j.expression}" is not a 5-field cron expression (${check.problem.kind})`);
      return { name: j.name, label: () => j.name, schedule: this.scheduleFor(check.expression, 0), since: null, run: j.run, reportMissed: j.reportMissed };
    });
  }

  /** Catches up after downtime, then runs in the background until `stop`. */
  async start(): Promise<void> {
    if (this.running) return;
    this.running = true;
    await this.runDue().catch((err: unknown) => this.opts.logger.error({ err }, 'scheduler catch-up pass failed'));
    this.ticker = nodeCron.schedule('* * * * *', () => this.wake(), {
      timezone: this.opts.timeZone,
      name: `xianfeng-scheduler-${this.opts.instanceId}`,
      noOverlap: true,
      unref: true,
      suppressMissedWarning: true,
    });
    this.arm();
  }

  /** Stops waking up and waits for a pass in progress. */
  async stop(): Promise<void> {
    this.running = false;
    this.armGeneration++;
    if (this.timer) clearTimeout(this.timer);
    if (this.notifyTimer) clearTimeout(this.notifyTimer);
    this.timer = undefined;
    this.notifyTimer = undefined;
    if (this.ticker) await this.ticker.destroy();
    this.ticker = undefined;
    await this.chain.catch(() => undefined);
  }

  /**
   * Something may have been scheduled (a handler called `scheduleTask`): recompute the wake-up.
   * Calls within 50 ms are coalesced, so a burst of messages costs one look.
   */
  notify(): void {
    if (!this.running || this.notifyTimer) return;
    this.notifyTimer = setTimeout(() => {
      this.notifyTimer = undefined;
      if (this.running) this.arm();
    }, 50);
    this.notifyTimer.unref();
  }

  /**
   * Fires everything due up to `now` (default the clock's now), oldest first: recurring
   * occurrences (missed ones older than the grace period are recorded and reported instead) and
   * one-off tasks. Passes of one engine never overlap; several engines are safe by the ledger.
   */
  runDue(now?: Date): Promise<PassReport> {
    const run = this.chain.then(() => this.pass(now ?? this.opts.clock.now()));
    this.chain = run.catch(() => undefined);
    return run;
  }

  /** When the next occurrence or task is due (after everything up to the cursor), or null. */
  async nextDueAt(): Promise<Date | null> {
    const { db } = this.opts;
    const cursorRow = await db.schedulerCursor.findUnique({ where: { name: CURSOR } });
    const cursor = cursorRow?.until ?? this.opts.clock.now();
    let best: number | null = null;
    const consider = (t: number | null) => {
      if (t !== null && (best === null || t < best)) best = t;
    };
    for (const job of await this.currentJobs()) {
      const after = job.since && job.since > cursor ? job.since : cursor;
      consider(this.nextFire(job, after));
    }
    const task = await db.scheduledTask.findFirst({ where: { status: 'pending', retryAt: null }, orderBy: { dueAt: 'asc' }, select: { dueAt: true } });
    if (task) consider(task.dueAt.getTime());
    const retry = await db.scheduledTask.findFirst({ where: { status: 'pending', retryAt: { not: null } }, orderBy: { retryAt: 'asc' }, select: { retryAt: true } });
    if (retry?.retryAt) consider(retry.retryAt.getTime());
    return best === null ? null : new Date(best);
  }

  // ---------------------------------------------------------------------------------------------

  private wake(): void {
    if (!this.running) return;
    void this.runDue()
      .catch((err: unknown) => this.opts.logger.error({ err }, 'scheduler pass failed'))
      .finally(() => this.arm());
  }

  /** Sets the timer to the next due instant (at most `maxSleepMs` away). */
  private arm(): void {
    const generation = ++this.armGeneration;
    void this.nextDueAt()
      .then((next) => {
        if (!this.running || generation !== this.armGeneration) return;
        const now = this.opts.clock.now().getTime();
        const delay = next === null ? this.maxSleepMs : Math.min(Math.max(next.getTime() - now, 0), this.maxSleepMs);
        if (this.timer) clearTimeout(this.timer);
        this.timer = setTimeout(() => this.wake(), delay);
        this.timer.unref();
      })
      .catch((err: unknown) => this.opts.logger.warn({ err }, 'scheduler could not compute its next wake-up'));
  }

  private async pass(now: Date): Promise<PassReport> {
    const report: PassReport = { fired: [], missed: [], tasks: [] };
    const cursor = await this.readCursor(now);
    const jobs = await this.currentJobs();
    // Missed: older than the grace period; exactly the grace period old is still sent (late).
    const graceStart = new Date(now.getTime() - this.graceMs - 1);

    const due: (DueOccurrence | DueTask)[] = [];
    const missed: { job: JobView; at: Date }[] = [];
    let moreMissed = 0;
    for (const job of jobs) {
      const after = job.since && job.since > cursor ? job.since : cursor;
      if (after < graceStart) {
        const m = job.schedule.firesBetween(after, graceStart, MAX_MISSED_PER_JOB);
        for (const at of m.fires) missed.push({ job, at });
        if (m.more) moreMissed++;
      }
      const from = after > graceStart ? after : graceStart;
      for (const at of job.schedule.firesBetween(from, now, MAX_DUE_PER_JOB).fires) due.push({ type: 'occurrence', at, job });
    }
    if (missed.length) await this.recordMissed(missed, moreMissed > 0, now, report);

    const seen = new Set<number>();
    for (const row of await this.dueTasks(now)) {
      seen.add(row.id);
      due.push({ type: 'task', at: row.dueAt, row });
    }
    due.sort((a, b) => a.at.getTime() - b.at.getTime() || (a.type === b.type ? 0 : a.type === 'occurrence' ? -1 : 1));
    // In time order; the tasks due between two occurrences run side by side.
    let tasks: number[] = [];
    for (const item of due) {
      if (item.type === 'task') {
        tasks.push(item.row.id);
        continue;
      }
      await this.runTasks(tasks, now, report);
      tasks = [];
      report.fired.push({ job: item.job.name, scheduledAt: item.at, outcome: await this.fire(item.job, item.at, now) });
    }
    await this.runTasks(tasks, now, report);
    // Tasks that became due while this pass ran (a runner scheduling an immediate follow-up).
    for (let round = 0; round < MAX_TASK_ROUNDS; round++) {
      const fresh = (await this.dueTasks(now)).filter((r) => !seen.has(r.id));
      if (!fresh.length) break;
      for (const row of fresh) seen.add(row.id);
      await this.runTasks(fresh.map((r) => r.id), now, report);
    }
    await this.opts.db.schedulerCursor.updateMany({ where: { name: CURSOR, until: { lt: now } }, data: { until: now } });
    return report;
  }

  /** The cursor, created at `now` on the very first pass (no history: nothing before it is due). */
  private async readCursor(now: Date): Promise<Date> {
    const { db } = this.opts;
    const row = await db.schedulerCursor.findUnique({ where: { name: CURSOR } });
    if (row) return row.until;
    try {
      await db.schedulerCursor.create({ data: { name: CURSOR, until: now } });
      return now;
    } catch (err) {
      if (!isUniqueViolation(err)) throw err;
      const again = await db.schedulerCursor.findUnique({ where: { name: CURSOR } });
      return again?.until ?? now;
    }
  }

  /** Static jobs plus every dynamic source's current list (a failing source is logged and skipped). */
  private async currentJobs(): Promise<JobView[]> {
    const jobs = [...this.staticJobs];
    const names = new Set(jobs.map((j) => j.name));
    for (const [source, list] of this.opts.jobs.dynamicSources) {
      let listed;
      try {
        listed = await list(this.opts.db);
      } catch (err) {
        this.opts.logger.error({ err, source }, 'dynamic job source failed');
        continue;
      }
      for (const d of listed) {
        if (names.has(d.name)) {
          this.opts.logger.warn({ job: d.name, source }, 'dynamic job name used twice; skipped');
          continue;
        }
        let schedule: CronSchedule;
        try {
          schedule = this.scheduleFor(d.expression, Math.max(0, Math.trunc(d.leadMinutes)));
        } catch (err) {
          this.opts.logger.warn({ err, job: d.name, expression: d.expression }, 'dynamic job has a bad cron expression; skipped');
          continue;
        }
        names.add(d.name);
        jobs.push({ name: d.name, label: (t) => d.label(t), schedule, since: d.since, run: d.run, reportMissed: true });
      }
    }
    return jobs;
  }

  private scheduleFor(expression: string, leadMinutes: number): CronSchedule {
    const key = `${expression}|${leadMinutes}`;
    let s = this.scheduleCache.get(key);
    if (!s) {
      s = new CronSchedule(expression, this.opts.timeZone, leadMinutes);
      this.scheduleCache.set(key, s);
    }
    return s;
  }

  /** The next fire of `job` strictly after `after`, memoised while `after` stays before it. */
  private nextFire(job: JobView, after: Date): number | null {
    const key = `${job.schedule.expression}|${job.schedule.leadMinutes}`;
    const t = after.getTime();
    const cached = this.nextCache.get(job.name);
    if (cached && cached.key === key && cached.from <= t && (cached.next === null || t < cached.next)) return cached.next;
    const next = job.schedule.nextFireAfter(after)?.getTime() ?? null;
    this.nextCache.set(job.name, { key, from: t, next });
    return next;
  }

  private async dueTasks(now: Date): Promise<DueTask['row'][]> {
    return this.opts.db.scheduledTask.findMany({
      where: { status: 'pending', dueAt: { lte: now }, OR: [{ retryAt: null }, { retryAt: { lte: now } }] },
      orderBy: [{ dueAt: 'asc' }, { id: 'asc' }],
      take: TASK_BATCH,
      select: { id: true, dueAt: true },
    });
  }

  /** The context a job or task runs with; `send` collects outbox items keyed by `keyPrefix`. */
  private context(tx: Tx, scheduledAt: Date, late: boolean, now: Date, items: OutboxItem[], keyPrefix: string, ownTask?: { id: number; key: string }): JobContext {
    const o = this.opts;
    const schedule = async (spec: TaskSpec): Promise<void> => {
      // A runner re-arming its own task (it ran early, or waits for something): claimed `done` a
      // moment ago in this transaction, it is made pending again instead of being left done.
      if (ownTask && spec.key === ownTask.key) await rearmTask(tx, ownTask.id, spec);
      else await (o.scheduleTask ?? scheduleTask)(tx, spec);
    };
    return {
      db: tx,
      scheduledAt,
      late,
      now: () => now,
      t: o.translate,
      locale: o.locale,
      timeZone: o.timeZone,
      capabilitiesOf: (p) => o.capabilitiesOf(p) ?? TEXT_ONLY_CAPABILITIES,
      send: (chat: ChatRef, message: QueuedMessage | string) => {
        const m: QueuedMessage = typeof message === 'string' ? { kind: 'text', text: message } : message;
        items.push({ chat, message: m, key: `${keyPrefix}:${items.length}` });
      },
      scheduleTask: schedule,
      audit: (action, detail) => writeAudit(tx, null, action, detail),
      botName: o.botName ?? DEFAULT_BOT_NAME,
    };
  }

  /** Claims and runs one occurrence (one retry on an error), or records it as failed. */
  private async fire(job: JobView, at: Date, now: Date): Promise<OccurrenceOutcome> {
    const { db, logger } = this.opts;
    const where = { job_scheduledAt: { job: job.name, scheduledAt: at } };
    if (await db.scheduleOccurrence.findUnique({ where, select: { id: true } })) return 'taken';
    const late = now.getTime() - at.getTime() > LATE_AFTER_MS;
    const status = late ? 'late' : 'sent';
    let lastError: unknown;
    for (let attempt = 1; attempt <= 2; attempt++) {
      try {
        const added = await db.$transaction(async (tx) => {
          try {
            await tx.scheduleOccurrence.create({ data: { job: job.name, scheduledAt: at, status, firedAt: now, instance: this.opts.instanceId } });
          } catch (err) {
            if (isUniqueViolation(err)) throw new AlreadyClaimed();
            throw err;
          }
          const items: OutboxItem[] = [];
          await job.run(this.context(tx, at, late, now, items, `occ:${job.name}:${at.toISOString()}`));
          return enqueueMessages(tx, items, this.opts.capabilitiesOf, now);
        }, TX_OPTIONS);
        if (added) this.opts.onEnqueued?.();
        return status;
      } catch (err) {
        if (err instanceof AlreadyClaimed || isUniqueViolation(err)) {
          // The claim lost a race, or the job's own write collided: look which.
          if (await db.scheduleOccurrence.findUnique({ where, select: { id: true } })) return 'taken';
        }
        lastError = err;
        logger.warn({ err, job: job.name, scheduledAt: at.toISOString(), attempt }, 'scheduled job failed');
      }
    }
    logger.error({ err: lastError, job: job.name, scheduledAt: at.toISOString() }, 'scheduled job failed twice; recorded as failed');
    try {
      await db.scheduleOccurrence.create({
        data: { job: job.name, scheduledAt: at, status: 'failed', firedAt: now, instance: this.opts.instanceId, error: errorText(lastError) },
      });
    } catch (err) {
      if (!isUniqueViolation(err)) logger.error({ err }, 'could not record a failed occurrence');
      else return 'taken';
    }
    return 'failed';
  }

  /** Records occurrences older than the grace period as missed and tells every admin privately. */
  private async recordMissed(missed: { job: JobView; at: Date }[], more: boolean, now: Date, report: PassReport): Promise<void> {
    const { db, logger } = this.opts;
    try {
      const recorded = await db.$transaction(async (tx) => {
        const fresh: { job: JobView; at: Date; id: number }[] = [];
        for (const m of missed) {
          const where = { job_scheduledAt: { job: m.job.name, scheduledAt: m.at } };
          if (await tx.scheduleOccurrence.findUnique({ where, select: { id: true } })) continue;
          const row = await tx.scheduleOccurrence.create({
            data: { job: m.job.name, scheduledAt: m.at, status: 'missed', firedAt: now, instance: this.opts.instanceId },
            select: { id: true },
          });
          fresh.push({ ...m, id: row.id });
        }
        const told = fresh.filter((m) => m.job.reportMissed);
        if (!told.length) return fresh;
        const text = this.missedText(told, more, now);
        const items: OutboxItem[] = [];
        for (const admin of await membersWithRole(tx, ['admin'])) {
          for (const chat of await privateChatsOf(tx, admin.id)) {
            if (!this.opts.capabilitiesOf(chat.platform)?.privateMessages) continue;
            items.push({ chat, message: { kind: 'text', text }, key: `missed:${told[0]!.id}:${admin.id}:${items.length}` });
          }
        }
        if (await enqueueMessages(tx, items, this.opts.capabilitiesOf, now)) this.opts.onEnqueued?.();
        return fresh;
      }, TX_OPTIONS);
      for (const m of recorded) report.missed.push({ job: m.job.name, scheduledAt: m.at });
      if (recorded.length) logger.warn({ count: recorded.length }, 'occurrences missed during downtime were recorded and reported');
    } catch (err) {
      if (isUniqueViolation(err)) return; // another instance recorded them at the same moment
      logger.error({ err }, 'could not record missed occurrences');
    }
  }

  private missedText(fresh: { job: JobView; at: Date }[], more: boolean, now: Date): string {
    const { translate: t, timeZone, locale } = this.opts;
    const lines = [t('scheduler.missed.header', { count: fresh.length, minutes: Math.round(this.graceMs / 60_000) })];
    const shown = fresh.slice(0, 20);
    for (const m of shown) lines.push(t('scheduler.missed.line', { job: m.job.label(t), time: formatLocal(m.at, timeZone, locale, now) }));
    if (fresh.length > shown.length || more) lines.push(t('scheduler.missed.more'));
    return lines.join('\n');
  }

  /**
   * Runs the tasks among `ids` (due at `now`) that no one else runs, up to `taskConcurrency` at
   * once: each worker claims the next one in its own transaction until none is left to claim.
   */
  private async runTasks(ids: readonly number[], now: Date, report: PassReport): Promise<void> {
    if (!ids.length) return;
    const open = [...ids];
    const worker = async (): Promise<void> => {
      while (open.length) {
        let run: { task: ClaimedTask; outcome: TaskOutcome } | null;
        try {
          run = await this.claimAndRun(open, now);
        } catch (err) {
          this.opts.logger.error({ err }, 'could not claim a due task');
          return;
        }
        if (!run) return;
        report.tasks.push({ key: run.task.key, kind: run.task.kind, outcome: run.outcome });
      }
    };
    await Promise.all(Array.from({ length: Math.min(this.taskConcurrency, ids.length) }, worker));
  }

  /**
   * In one transaction: claims the next task among `open` (removing it from `open`) and runs it.
   * Null when there was nothing left to claim. A failure the transaction could not record itself
   * (it ended: a timeout, a lost connection) is counted afterwards, outside it.
   */
  private async claimAndRun(open: number[], now: Date): Promise<{ task: ClaimedTask; outcome: TaskOutcome } | null> {
    const claim: { task: ClaimedTask | null } = { task: null };
    try {
      const run = await this.opts.db.$transaction(async (tx) => {
        const task = (claim.task = await claimNextTask(tx, this.provider, open, now));
        if (!task) return null;
        // (Absent only when another worker's claim list, built before this one's, re-took a task
        // that re-armed itself for now meanwhile: it is due, so running it is right.)
        const at = open.indexOf(task.id);
        if (at >= 0) open.splice(at, 1);
        return { task, ...(await this.runClaimed(tx, task, now)) };
      }, TX_OPTIONS);
      if (run?.enqueued) this.opts.onEnqueued?.();
      return run && { task: run.task, outcome: run.outcome };
    } catch (err) {
      const claimed = claim.task;
      if (!claimed) throw err;
      this.opts.logger.warn({ err, kind: claimed.kind, key: claimed.key }, 'task failed');
      return { task: claimed, outcome: await this.countFailureAfter(claimed, err, now) };
    }
  }

  /**
   * Runs a task claimed in `tx`. A runner that throws is rolled back to a savepoint taken after the
   * claim, and the failure is recorded in the same transaction (the task stays locked meanwhile).
   */
  private async runClaimed(tx: Tx, task: ClaimedTask, now: Date): Promise<{ outcome: TaskOutcome; enqueued: boolean }> {
    const { logger } = this.opts;
    const runner = this.opts.jobs.taskRunners.get(task.kind);
    if (!runner) {
      await tx.scheduledTask.update({ where: { id: task.id }, data: { status: 'failed', doneAt: null, error: `no runner for task kind ${task.kind}` } });
      logger.error({ kind: task.kind, key: task.key }, 'task has no runner; marked failed');
      return { outcome: 'failed', enqueued: false };
    }
    const late = now.getTime() - task.dueAt.getTime() > LATE_AFTER_MS;
    await tx.$executeRawUnsafe(`SAVEPOINT ${TASK_SAVEPOINT}`);
    try {
      const items: OutboxItem[] = [];
      await runner(this.context(tx, task.dueAt, late, now, items, `task:${task.id}:${task.attempts}`, { id: task.id, key: task.key }), parsePayload(task.payload));
      const added = await enqueueMessages(tx, items, this.opts.capabilitiesOf, now);
      await tx.$executeRawUnsafe(`RELEASE SAVEPOINT ${TASK_SAVEPOINT}`);
      return { outcome: 'done', enqueued: added > 0 };
    } catch (err) {
      // When the transaction itself is gone (a timeout), the caller counts the failure instead.
      await tx.$executeRawUnsafe(`ROLLBACK TO SAVEPOINT ${TASK_SAVEPOINT}`).catch(() => Promise.reject(err));
      await tx.$executeRawUnsafe(`RELEASE SAVEPOINT ${TASK_SAVEPOINT}`);
      logger.warn({ err, kind: task.kind, key: task.key }, 'task failed');
      const giveUp = task.attempts >= MAX_TASK_ATTEMPTS;
      await tx.scheduledTask.update({
        where: { id: task.id },
        data: { status: giveUp ? 'failed' : 'pending', doneAt: null, error: errorText(err), retryAt: giveUp ? null : new Date(now.getTime() + backoffMs(task.attempts)) },
      });
      if (giveUp) logger.error({ kind: task.kind, key: task.key, attempts: task.attempts }, 'task gave up after repeated failures');
      return { outcome: giveUp ? 'failed' : 'retry', enqueued: false };
    }
  }

  /** Counts a failed run whose transaction ended without recording it (its claim rolled back too). */
  private async countFailureAfter(task: ClaimedTask, err: unknown, now: Date): Promise<TaskOutcome> {
    const { db, logger } = this.opts;
    const after = await db.scheduledTask.update({ where: { id: task.id }, data: { attempts: { increment: 1 }, error: errorText(err) }, select: { attempts: true, status: true } });
    if (after.status !== 'pending') return 'failed';
    const giveUp = after.attempts >= MAX_TASK_ATTEMPTS;
    await db.scheduledTask.updateMany({
      where: { id: task.id, status: 'pending' },
      data: giveUp ? { status: 'failed', retryAt: null } : { retryAt: new Date(now.getTime() + backoffMs(after.attempts)) },
    });
    if (giveUp) logger.error({ kind: task.kind, key: task.key, attempts: after.attempts }, 'task gave up after repeated failures');
    return giveUp ? 'failed' : 'retry';
  }
}

/** Wait before retry number `attempts` of a failed task: 1 min, 5 min, 25 min, … (at most 6 h). */
export function backoffMs(attempts: number): number {
  return Math.min(60_000 * 5 ** Math.max(0, attempts - 1), 6 * 60 * 60_000);
}

function errorText(err: unknown): string {
  return (err instanceof Error ? `${err.name}: ${err.message}` : String(err)).slice(0, 1000);
}
