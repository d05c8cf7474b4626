/**
 * What features use from the scheduler (issue #8 implements it in this folder). Two kinds of
 * timed work, both run exactly once across restarts and instances:
 * - recurring jobs: a cron expression in the org's time zone (`cron`), e.g. the daily question;
 * - one-off tasks: stored rows due at a time (`scheduleTask` inside a handler's transaction),
 *   e.g. "close poll #12 at 20:00", "time is up for quiz #3 question 2".
 * A job runs in one transaction with its outgoing messages (`send`): it commits or not at all.
 */
import type { BaseContext } from '../bot/context.ts';
import type { Translate, Tx } from '../bot/feature.ts';

/** Everything a job may use while it runs: the base context (its `send` keys derive from the occurrence, so a re-run never duplicates), and when it was due. */
export interface JobContext extends BaseContext {
  /** When the job was due. */
  readonly scheduledAt: Date;
  /** True when it runs late (after downtime, within the grace period). */
  readonly late: boolean;
}

/** Runs a recurring job. */
export type JobRunner = (job: JobContext) => Promise<void>;

/** Runs one due one-off task; `payload` is what `scheduleTask` stored. */
export type TaskRunner = (job: JobContext, payload: Record<string, unknown>) => Promise<void>;

/**
 * A recurring job whose schedule lives in the database (a meeting's notice or its reminder), as a
 * source lists it. Its occurrences go through the same ledger, grace period and missed reports as
 * `cron` jobs.
 */
export interface DynamicJob {
  /** Unique ledger name, e.g. `meeting:5:notice`. */
  readonly name: string;
  /** Names the job for people (an admin told of a missed occurrence), e.g. `会议 #5 领导班子会（会前提醒）`. */
  label(t: Translate): string;
  /** A 5-field cron in the org time zone. */
  readonly expression: string;
  /** Fires this many minutes before each cron time (a reminder); 0 fires at the cron time. */
  readonly leadMinutes: number;
  /** Occurrences firing at or before this instant are never due (when the schedule was created). */
  readonly since: Date;
  /** Runs one occurrence; `job.scheduledAt` is the fire time (cron time minus `leadMinutes`). */
  readonly run: JobRunner;
}

/** Lists the dynamic jobs of one source; called on every scheduler pass, so keep it one query. */
export type DynamicJobSource = (db: Tx) => Promise<readonly DynamicJob[]>;

/** Options of a recurring job. */
export interface CronOptions {
  /** Tell admins privately when occurrences were missed during downtime (default true). */
  readonly reportMissed?: boolean;
}

/** Where features register their timed work (through `Feature.jobs`). */
export interface Scheduler {
  /**
   * A recurring job: `name` unique, `expression` a 5-field cron in the org time zone. Routine jobs
   * (a daily question, reminders) pass `{ reportMissed: false }`: occurrences lost to downtime are
   * still recorded as missed, but admins are told only of the ones that matter (notices).
   */
  cron(name: string, expression: string, run: JobRunner, options?: CronOptions): void;
  /** The runner of one-off tasks of `kind` (e.g. `polls.close`). */
  handle(kind: string, run: TaskRunner): void;
  /** A source of recurring jobs kept in the database (e.g. `meetings`), listed on every pass. */
  dynamic(source: string, list: DynamicJobSource): void;
}

/** A one-off task to run at `dueAt`; `key` is unique (scheduling the same key again replaces it while pending). */
export interface TaskSpec {
  readonly kind: string;
  readonly key: string;
  readonly dueAt: Date;
  readonly payload: Record<string, unknown>;
}
