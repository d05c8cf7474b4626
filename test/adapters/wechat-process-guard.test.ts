/** The process guard on a stand-in for `process`: which fatal-error listeners it removes and keeps. */
import { EventEmitter } from 'node:events';
import { describe, expect, it } from 'vitest';
import { ProcessListenerGuard, isKnownSwallower } from '../../src/adapters/wechat/process-guard.ts';

describe('ProcessListenerGuard', () => {
  it('removes listeners added after it was created and keeps the earlier ones', () => {
    const proc = new EventEmitter();
    const appCrash = (): void => {};
    const appRejection = (): void => {};
    proc.on('uncaughtException', appCrash);
    proc.on('unhandledRejection', appRejection);
    const guard = new ProcessListenerGuard(proc);
    const puppetCrash = (): void => {};
    const puppetRejection = (): void => {};
    proc.on('uncaughtException', puppetCrash);
    proc.on('unhandledRejection', puppetRejection);
    proc.on('message', puppetCrash); // other events are none of its business
    expect(guard.sweep()).toEqual([
      { event: 'uncaughtException', reason: 'window' },
      { event: 'unhandledRejection', reason: 'window' },
    ]);
    expect(proc.listeners('uncaughtException')).toEqual([appCrash]);
    expect(proc.listeners('unhandledRejection')).toEqual([appRejection]);
    expect(proc.listeners('message')).toEqual([puppetCrash]);
    expect(guard.sweep()).toEqual([]);
  });

  it("removes wechat4u's swallowing listener even when it was there before", () => {
    const proc = new EventEmitter();
    // Verbatim from wechat4u/lib/wechat.js.
    proc.on('uncaughtException', function (err) {
      console.log('uncaughtException', err);
    });
    const guard = new ProcessListenerGuard(proc);
    expect(guard.sweep()).toEqual([{ event: 'uncaughtException', reason: 'known' }]);
    expect(proc.listenerCount('uncaughtException')).toBe(0);
  });

  it('recognises the known swallowers by their source only', () => {
    expect(isKnownSwallower((err: unknown) => console.log('uncaughtException', err))).toBe(true);
    expect(isKnownSwallower((e: Error) => console.error('Wechaty uncaughtException: %s', e.stack))).toBe(true);
    expect(isKnownSwallower((e: Error) => process.exit(e ? 1 : 0))).toBe(false);
  });
});
