// Fail fast: an unhandled rejection or uncaught exception is logged with context and the process
// exits 1, after a bounded attempt to stop (a hung stop does not keep it alive).
import { EventEmitter } from 'node:events';
import { describe, expect, it, vi } from 'vitest';
import { installFatalHandlers, type FatalHost } from '../../src/fatal.ts';

function host(): FatalHost & { emitter: EventEmitter; exited: Promise<number> } {
  const emitter = new EventEmitter();
  let resolve!: (code: number) => void;
  const exited = new Promise<number>((r) => (resolve = r));
  return { emitter, exited, on: (e, l) => emitter.on(e, l), exit: (code) => resolve(code) };
}

describe('installFatalHandlers', () => {
  it('logs an unhandled rejection with its kind and error, stops, then exits 1', async () => {
    const h = host();
    const fatal = vi.fn();
    const stop = vi.fn(async () => undefined);
    installFatalHandlers({ logger: { fatal } as never, stop, host: h });
    const err = new Error('broken state');
    h.emitter.emit('unhandledRejection', err);
    expect(await h.exited).toBe(1);
    expect(stop).toHaveBeenCalledTimes(1);
    expect(fatal.mock.calls[0]![0]).toMatchObject({ err, kind: 'unhandledRejection' });
  });

  it('exits 1 on an uncaught exception even when stopping hangs', async () => {
    const h = host();
    const fatal = vi.fn();
    installFatalHandlers({ logger: { fatal } as never, stop: () => new Promise(() => undefined), stopTimeoutMs: 10, host: h });
    h.emitter.emit('uncaughtException', new Error('boom'));
    h.emitter.emit('uncaughtException', new Error('again'));
    expect(await h.exited).toBe(1);
    expect(fatal).toHaveBeenCalledTimes(2);
    expect(fatal.mock.calls[0]![0]).toMatchObject({ kind: 'uncaughtException' });
  });
});
