/**
 * The bot's metrics (`/metrics`): events in, handled and failed, how long recording and handling
 * took, how many events each recording statement and each group commit took; sends
 * and their latency per platform; read from the database at each scrape, the outbox backlog per
 * platform and the scheduler's lag. Counters are this process's own; the database gauges are the
 * same on every instance sharing the database.
 */
import type { Adapter } from '../bot/adapter.ts';
import { DeliveryError } from '../bot/adapter.ts';
import type { Platform } from '../bot/types.ts';
import type { Db } from '../db/client.ts';
import type { Clock } from '../clock.ts';
import { Counter, Gauge, Histogram, Registry } from './prometheus.ts';
import type { EventObserver, EventResult } from './intake.ts';
import type { HealthReport } from './health.ts';

/** Latency buckets in seconds: from a fast SQLite write to a slow chart. */
const LATENCY_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

/** Events in one recording statement (at most RECORD_BATCH_MAX_ROWS, 200). */
const RECORD_BATCH_BUCKETS = [1, 2, 5, 10, 25, 50, 100, 200];

/** Event transactions in one group commit on SQLite (at most GROUP_COMMIT_MAX_UNITS, 32). */
const GROUP_COMMIT_BUCKETS = [1, 2, 4, 8, 16, 32];

/** The scheduler's cursor row (scheduler/engine.ts) that says how far the schedules were looked at. */
const SCHEDULER_CURSOR = 'schedules';

/** Every metric of the bot, and the registry that renders them. */
export class BotMetrics implements EventObserver {
  readonly registry = new Registry();
  readonly eventsReceived = this.registry.register(new Counter('xianfeng_events_received_total', 'Inbound events handed over by the adapters.'));
  readonly eventsHandled = this.registry.register(new Counter('xianfeng_events_handled_total', 'Inbound events handled, by outcome (done, ignored, refused, duplicate, stale, failed, error).'));
  readonly eventsFailed = this.registry.register(new Counter('xianfeng_events_failed_total', 'Inbound events whose handler failed (apologised) or that could not be recorded.'));
  readonly eventSeconds = this.registry.register(new Histogram('xianfeng_event_duration_seconds', 'Time from hand-over to recorded and processed.', LATENCY_BUCKETS));
  readonly recordSeconds = this.registry.register(new Histogram('xianfeng_event_record_duration_seconds', 'Time from hand-over to recorded (when the adapter is answered).', LATENCY_BUCKETS));
  readonly recordBatch = this.registry.register(new Histogram('xianfeng_record_batch_events', 'Inbound events recorded by one statement.', RECORD_BATCH_BUCKETS));
  readonly groupCommitBatch = this.registry.register(new Histogram('xianfeng_group_commit_batch_events', 'Event transactions sharing one SQLite transaction (group commit).', GROUP_COMMIT_BUCKETS));
  readonly sends = this.registry.register(new Counter('xianfeng_sends_total', 'Outbox sends by result (ok, rate_limited, permanent, transient, offline).'));
  readonly sendSeconds = this.registry.register(new Histogram('xianfeng_send_duration_seconds', 'Latency of one send to the platform.', LATENCY_BUCKETS));
  readonly backlog = this.registry.register(new Gauge('xianfeng_outbox_backlog', 'Outbox messages not yet sent (pending or being sent), by platform.'));
  readonly oldestDue = this.registry.register(new Gauge('xianfeng_outbox_oldest_due_seconds', 'How long the oldest due outbox message has waited, by platform.'));
  readonly schedulerLag = this.registry.register(new Gauge('xianfeng_scheduler_lag_seconds', 'How overdue the oldest due one-off task is (0: none is waiting).'));
  readonly cursorAge = this.registry.register(new Gauge('xianfeng_scheduler_cursor_age_seconds', 'Time since the recurring schedules were last looked at (about a minute at most when healthy).'));
  readonly up = this.registry.register(new Gauge('xianfeng_up', 'Parts of the bot that are up (1) or down (0): the database and each adapter.'));
  readonly startTime = this.registry.register(new Gauge('process_start_time_seconds', 'Start time of the process since the Unix epoch.'));
  readonly rss = this.registry.register(new Gauge('process_resident_memory_bytes', 'Resident memory of the process.'));

  /** `db` and `clock` feed the gauges read at each scrape. */
  constructor(private readonly db: Db, private readonly clock: Clock) {
    this.startTime.set({}, Math.round(Date.now() / 1000 - process.uptime()));
    this.registry.onCollect(() => this.collect());
  }

  received(platform: Platform): void {
    this.eventsReceived.inc({ platform });
  }

  finished(platform: Platform, result: EventResult, seconds: number): void {
    this.eventsHandled.inc({ platform, outcome: result });
    if (result === 'failed' || result === 'error') this.eventsFailed.inc({ platform });
    this.eventSeconds.observe({ platform }, seconds);
  }

  recorded(platform: Platform, seconds: number): void {
    this.recordSeconds.observe({ platform }, seconds);
  }

  recordBatched(rows: number): void {
    this.recordBatch.observe({}, rows);
  }

  groupCommitted(units: number): void {
    this.groupCommitBatch.observe({}, units);
  }

  /** Counts and times one send. */
  sent(platform: Platform, result: string, seconds: number): void {
    this.sends.inc({ platform, result });
    this.sendSeconds.observe({ platform }, seconds);
  }

  /** Sets `xianfeng_up` from a readiness report (the database and each adapter). */
  recordHealth(report: HealthReport): void {
    const adapters = Object.entries(report.adapters).map(([platform, state]) => ({ labels: { part: `adapter:${platform}` }, value: state === 'up' ? 1 : 0 }));
    this.up.replace([{ labels: { part: 'database' }, value: report.database === 'up' ? 1 : 0 }, ...adapters]);
  }

  private async collect(): Promise<void> {
    this.rss.set({}, process.memoryUsage.rss());
    const now = this.clock.now();
    const [outbox, task, cursor] = await Promise.all([
      this.db.outboxMessage.groupBy({ by: ['platform'], where: { status: { in: ['pending', 'sending'] } }, _count: { _all: true }, _min: { notBefore: true } }),
      this.db.scheduledTask.findFirst({
        where: { status: 'pending', dueAt: { lte: now }, OR: [{ retryAt: null }, { retryAt: { lte: now } }] },
        orderBy: { dueAt: 'asc' },
        select: { dueAt: true },
      }),
      this.db.schedulerCursor.findUnique({ where: { name: SCHEDULER_CURSOR } }),
    ]);
    const age = (d: Date | null | undefined) => (d ? Math.max(0, (now.getTime() - d.getTime()) / 1000) : 0);
    this.backlog.replace(outbox.map((r) => ({ labels: { platform: r.platform }, value: r._count._all })));
    this.oldestDue.replace(outbox.map((r) => ({ labels: { platform: r.platform }, value: age(r._min.notBefore) })));
    this.schedulerLag.set({}, age(task?.dueAt));
    this.cursorAge.set({}, age(cursor?.until));
  }
}

/** The adapter with every `send` counted and timed into `metrics` (everything else passes through). */
export function observeSends(adapter: Adapter, metrics: BotMetrics): Adapter {
  const send: Adapter['send'] = async (chat, message, ref) => {
    const started = performance.now();
    let result = 'ok';
    try {
      return await adapter.send(chat, message, ref);
    } catch (err) {
      result = err instanceof DeliveryError ? err.kind : 'transient';
      throw err;
    } finally {
      metrics.sent(adapter.platform, result, (performance.now() - started) / 1000);
    }
  };
  return new Proxy(adapter, {
    get(target, prop) {
      if (prop === 'send') return send;
      const value: unknown = Reflect.get(target, prop, target);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
}
