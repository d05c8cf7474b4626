// /healthz and /metrics in process, on the real HTTP server (127.0.0.1, port 0) and a real SQLite
// file: ready only when the database answers and every adapter is online, `stopping` once shutdown
// begins; the exposition parses, counts events by outcome and sends by result, times recording,
// sizes recording batches and group commits (histograms), and reads the
// outbox backlog per platform and the scheduler's lag from the database at each scrape.
import { pino } from 'pino';
import { afterEach, expect, it } from 'vitest';
import { DeliveryError } from '../../src/bot/adapter.ts';
import type { Database } from '../../src/db/client.ts';
import { GroupCommit } from '../../src/db/group-commit.ts';
import { HttpServer } from '../../src/http/server.ts';
import { HealthCheck } from '../../src/ops/health.ts';
import { Intake } from '../../src/ops/intake.ts';
import { BotMetrics, observeSends } from '../../src/ops/metrics.ts';
import { Counter, Histogram, Registry } from '../../src/ops/prometheus.ts';
import { registerOpsRoutes } from '../../src/ops/routes.ts';
import { freshSqlite } from '../support/db.ts';
import { RecordingAdapter } from '../support/recording-adapter.ts';
import { get, parsePrometheus, sampleValue } from './main-process.ts';

let db: (Database & { file: string }) | undefined;
let http: HttpServer | undefined;
afterEach(async () => {
  await http?.close();
  await db?.close();
  db = http = undefined;
});

const NOW = new Date('2026-12-02T08:00:00Z');
const clock = { now: () => NOW };

it('answers /healthz by the database and the adapters, and /metrics from counters and the database', async () => {
  db = await freshSqlite();
  const adapter = new RecordingAdapter();
  const metrics = new BotMetrics(db.db, clock);
  const health = new HealthCheck(db.db, [adapter]);
  http = new HttpServer(pino({ level: 'silent' }));
  registerOpsRoutes(http, health, metrics, pino({ level: 'silent' }));
  await http.listen(0, '127.0.0.1');
  const port = http.port!;

  // The adapter is offline (not started, or logged out).
  adapter.online = false;
  let h = await get(port, '/healthz');
  expect(h.status).toBe(503);
  expect(JSON.parse(h.body)).toEqual({ status: 'unavailable', database: 'up', adapters: { console: 'down' } });
  adapter.online = true;
  h = await get(port, '/healthz');
  expect([h.status, JSON.parse(h.body).status]).toEqual([200, 'ok']);

  // Events through the intake, sends through the observed adapter, rows in the outbox and the scheduler.
  const outcomes = ['done', 'done', 'failed'] as const;
  let n = 0;
  const intake = new Intake(async () => outcomes[n++]!, metrics);
  const chat = { platform: 'console', chatId: 'c1', kind: 'group' } as const;
  for (let i = 0; i < 3; i++) await intake.sink(adapter.message('张三', '/whoami', { chat: 'c1' }));
  // Recording in batches (a staged receiver: 5 events handed over at once, one statement), and
  // a group commit of 3 event transactions, then one alone.
  const staged = new Intake(
    {
      recordMany: async (incomings) => incomings.map((incoming, k) => ({ ok: true as const, value: { id: k + 1, incoming, secrecy: 'open' as const, receivedAt: NOW } })),
      processRecorded: async () => 'done',
    },
    metrics,
  );
  const other = (i: number) => ({ ...adapter.message('张三', `答案 ${i}`), chat: { platform: 'telegram', chatId: `g${i}`, kind: 'group' } }) as const;
  await Promise.all(Array.from({ length: 5 }, (_, i) => staged.sink(other(i))));
  await staged.idle();
  const gc = new GroupCommit(db.db, { onBatch: (units) => metrics.groupCommitted(units) });
  await Promise.all([0, 1, 2].map((i) => gc.run((tx) => tx.auditLog.create({ data: { action: `m${i}` } }))));
  await gc.run((tx) => tx.auditLog.create({ data: { action: 'alone' } }));
  const observed = observeSends(adapter, metrics);
  await observed.send(chat, { kind: 'text', text: '好' });
  adapter.beforeSend = () => {
    throw new DeliveryError('rate_limited', 'slow down', 1000);
  };
  await observed.send(chat, { kind: 'text', text: '好' }).catch(() => undefined);
  await db.db.outboxMessage.createMany({
    data: [
      { platform: 'console', chatId: 'c1', payload: '{}', idempotencyKey: 'k1', notBefore: new Date(NOW.getTime() - 30_000) },
      { platform: 'console', chatId: 'c2', payload: '{}', idempotencyKey: 'k2', status: 'sending', notBefore: NOW },
      { platform: 'telegram', chatId: 't1', payload: '{}', idempotencyKey: 'k3', notBefore: NOW },
      { platform: 'telegram', chatId: 't1', payload: '{}', idempotencyKey: 'k4', status: 'sent', notBefore: NOW },
    ],
  });
  await db.db.scheduledTask.create({ data: { kind: 'polls.close', key: 'polls.close:1', dueAt: new Date(NOW.getTime() - 90_000), payload: '{}' } });

  const m = await get(port, '/metrics');
  expect(m.status).toBe(200);
  const { samples, types } = parsePrometheus(m.body);
  expect(sampleValue(samples, 'xianfeng_events_received_total', { platform: 'console' })).toBe(3);
  expect(sampleValue(samples, 'xianfeng_events_handled_total', { platform: 'console', outcome: 'done' })).toBe(2);
  expect(sampleValue(samples, 'xianfeng_events_failed_total', { platform: 'console' })).toBe(1);
  expect(sampleValue(samples, 'xianfeng_event_duration_seconds_bucket', { platform: 'console', le: '+Inf' })).toBe(3);
  expect(types.get('xianfeng_event_record_duration_seconds')).toBe('histogram');
  expect(sampleValue(samples, 'xianfeng_event_record_duration_seconds_count', { platform: 'telegram' })).toBe(5);
  expect(sampleValue(samples, 'xianfeng_events_handled_total', { platform: 'telegram', outcome: 'done' })).toBe(5);
  expect(sampleValue(samples, 'xianfeng_record_batch_events_count')).toBe(1);
  expect(sampleValue(samples, 'xianfeng_record_batch_events_sum')).toBe(5);
  expect(sampleValue(samples, 'xianfeng_record_batch_events_bucket', { le: '2' })).toBe(0);
  expect(sampleValue(samples, 'xianfeng_record_batch_events_bucket', { le: '5' })).toBe(1);
  expect(sampleValue(samples, 'xianfeng_group_commit_batch_events_count')).toBe(2);
  expect(sampleValue(samples, 'xianfeng_group_commit_batch_events_sum')).toBe(4);
  expect(sampleValue(samples, 'xianfeng_group_commit_batch_events_bucket', { le: '1' })).toBe(1);
  expect(sampleValue(samples, 'xianfeng_group_commit_batch_events_bucket', { le: '4' })).toBe(2);
  expect(sampleValue(samples, 'xianfeng_sends_total', { platform: 'console', result: 'ok' })).toBe(1);
  expect(sampleValue(samples, 'xianfeng_sends_total', { platform: 'console', result: 'rate_limited' })).toBe(1);
  expect(sampleValue(samples, 'xianfeng_send_duration_seconds_count', { platform: 'console' })).toBe(2);
  expect(sampleValue(samples, 'xianfeng_outbox_backlog', { platform: 'console' })).toBe(2);
  expect(sampleValue(samples, 'xianfeng_outbox_backlog', { platform: 'telegram' })).toBe(1);
  expect(sampleValue(samples, 'xianfeng_outbox_oldest_due_seconds', { platform: 'console' })).toBe(30);
  expect(sampleValue(samples, 'xianfeng_scheduler_lag_seconds')).toBe(90);
  expect(sampleValue(samples, 'xianfeng_up', { part: 'database' })).toBe(1);
  expect(sampleValue(samples, 'process_resident_memory_bytes')).toBeGreaterThan(0);

  // Shutdown begins: not ready any more; the database closed: down.
  health.markStopping();
  h = await get(port, '/healthz');
  expect([h.status, JSON.parse(h.body).status]).toEqual([503, 'stopping']);
  await db.close();
  h = await get(port, '/healthz');
  expect(JSON.parse(h.body).database).toBe('down');
  expect((await get(port, '/metrics')).status).toBe(500);
});

it('renders label values escaped and histogram buckets cumulative', () => {
  const r = new Registry();
  const c = r.register(new Counter('x_total', 'A counter.'));
  c.inc({ chat: 'a "quoted"\\ name\n二' }, 2);
  const hist = r.register(new Histogram('x_seconds', 'A histogram.', [0.1, 1]));
  hist.observe({}, 0.05);
  hist.observe({}, 0.5);
  hist.observe({}, 5);
  return r.render().then((text) => {
    const { samples } = parsePrometheus(text);
    expect(sampleValue(samples, 'x_total', { chat: 'a "quoted"\\ name\n二' })).toBe(2);
    expect(samples.filter((s) => s.name === 'x_seconds_bucket').map((s) => [s.labels.le, s.value])).toEqual([['0.1', 1], ['1', 2], ['+Inf', 3]]);
    expect(sampleValue(samples, 'x_seconds_sum')).toBeCloseTo(5.55);
    expect(() => r.register(new Counter('x_total', 'again'))).toThrow(/twice/);
  });
});
