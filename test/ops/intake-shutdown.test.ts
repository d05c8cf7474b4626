// The intake's shutdown semantics and the shutdown sequence, without a database: close() waits for
// events in flight and takes no more; events handed over after close() wait and are refused at
// release() (later ones at once); the shutdown runs once, in order, and exits with its code.
import { pino } from 'pino';
import { expect, it } from 'vitest';
import type { Incoming } from '../../src/bot/types.ts';
import { Intake, ShuttingDownError } from '../../src/ops/intake.ts';
import { gracefulShutdown } from '../../src/ops/shutdown.ts';
import { HealthCheck } from '../../src/ops/health.ts';

const event = (id: string): Incoming => ({ eventId: id, chat: { platform: 'console', chatId: 'c', kind: 'group' } }) as unknown as Incoming;

function deferred(): { promise: Promise<void>; resolve: () => void } {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
}

it('close() waits for the events in flight and takes no new ones; release() refuses the held ones', async () => {
  const handling = deferred();
  const received: string[] = [];
  const intake = new Intake(async (e) => {
    received.push(e.eventId);
    await handling.promise;
    return 'done';
  });
  const first = intake.sink(event('a'));
  await new Promise((r) => setImmediate(r));
  await new Promise((r) => setImmediate(r));
  expect(intake.pending).toBe(1);

  let closed = false;
  const closing = intake.close().then(() => (closed = true));
  const late = intake.sink(event('b'));
  let lateSettled = false;
  late.catch(() => undefined).finally(() => (lateSettled = true));
  await new Promise((r) => setImmediate(r));
  expect(closed).toBe(false);
  handling.resolve();
  await first;
  await closing;
  expect(closed).toBe(true);
  expect(lateSettled).toBe(false); // held, not processed
  intake.release();
  await expect(late).rejects.toBeInstanceOf(ShuttingDownError);
  await expect(intake.sink(event('c'))).rejects.toBeInstanceOf(ShuttingDownError);
  expect(received).toEqual(['a']);
});

it('gracefulShutdown marks not-ready, stops the app with the drain time, closes HTTP then the database, exits once', async () => {
  const steps: string[] = [];
  const health = new HealthCheck({ $queryRawUnsafe: async () => [] } as never, []);
  const shutdown = gracefulShutdown({
    app: { stop: async (o) => void steps.push(`app.stop ${o?.drainMs}`) },
    http: { close: async () => void steps.push('http.close') },
    database: { close: async () => void steps.push('database.close') },
    health,
    logger: pino({ level: 'silent' }),
    drainMs: 1234,
    exit: (code) => void steps.push(`exit ${code}`),
  });
  const a = shutdown(0, 'SIGTERM');
  expect((await health.check()).status).toBe('stopping');
  await Promise.all([a, shutdown(0, 'SIGINT')]);
  expect(steps).toEqual(['app.stop 1234', 'http.close', 'database.close', 'exit 0']);
});

it('a failing stop still closes everything and exits 1', async () => {
  const steps: string[] = [];
  await gracefulShutdown({
    app: {
      stop: async () => {
        throw new Error('adapter stuck');
      },
    },
    http: { close: async () => void steps.push('http.close') },
    database: { close: async () => void steps.push('database.close') },
    logger: pino({ level: 'silent' }),
    drainMs: 10,
    exit: (code) => void steps.push(`exit ${code}`),
  })(0, 'SIGTERM');
  expect(steps).toEqual(['http.close', 'database.close', 'exit 1']);
});
