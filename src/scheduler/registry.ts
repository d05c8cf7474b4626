import type { CronOptions, DynamicJobSource, JobRunner, Scheduler, TaskRunner } from './contract.ts';

/** A recurring job as registered by a feature. */
export interface CronJob {
  readonly name: string;
  readonly expression: string;
  readonly run: JobRunner;
  readonly reportMissed: boolean;
}

/**
 * Collects the jobs and task runners every feature registers at start-up; the scheduler engine
 * reads it. Names are unique: registering one twice is a programming error.
 */
export class JobRegistry implements Scheduler {
  readonly cronJobs = new Map<string, CronJob>();
  readonly taskRunners = new Map<string, TaskRunner>();
  readonly dynamicSources = new Map<string, DynamicJobSource>();

  cron(name: string, expression: string, run: JobRunner, options: CronOptions = {}): void {
    if (this.cronJobs.has(name)) throw new Error(`cron job ${name} is registered twice`);
    this.cronJobs.set(name, { name, expression, run, reportMissed: options.reportMissed ?? true });
  }

  handle(kind: string, run: TaskRunner): void {
    if (this.taskRunners.has(kind)) throw new Error(`task kind ${kind} is registered twice`);
    this.taskRunners.set(kind, run);
  }

  dynamic(source: string, list: DynamicJobSource): void {
    if (this.dynamicSources.has(source)) throw new Error(`dynamic job source ${source} is registered twice`);
    this.dynamicSources.set(source, list);
  }
}
