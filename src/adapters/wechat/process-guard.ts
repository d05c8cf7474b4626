/**
 * Keeps a puppet from taking over the process's fatal-error handling.
 *
 * wechat4u (loaded by wechaty-puppet-wechat4u, the default puppet) runs
 * `process.on('uncaughtException', err => console.log(...))` when its module is imported, and
 * wechaty itself registers logging-only `uncaughtException` / `unhandledRejection` listeners when
 * its log level is verbose. Either one turns every later crash of the whole bot into a console line:
 * the process keeps running in an unknown state instead of exiting (and being restarted). The
 * adapter therefore watches the window in which it loads and starts the puppet, and afterwards
 * removes every fatal-error listener that appeared in that window, plus any listener recognisably
 * installed by wechat4u or wechaty, wherever it came from. Listeners that were there before the
 * window (the application's own) are never touched.
 */
import type { EventEmitter } from 'node:events';

/** The process events whose listeners decide what a crash does. */
export const FATAL_EVENTS = ['uncaughtException', 'unhandledRejection'] as const;

/** One of `FATAL_EVENTS`. */
export type FatalEvent = (typeof FATAL_EVENTS)[number];

type Listener = (...args: unknown[]) => void;

/** Source fragments of the swallowing listeners wechat4u and wechaty are known to install. */
const KNOWN_SWALLOWERS = [
  /console\.log\(\s*['"]uncaughtException['"]/, // wechat4u/lib/wechat.js and src/wechat.js
  /Wechaty uncaughtException/, // wechaty/src/config.ts in verbose mode
  /Wechaty unhandledRejection/,
];

/** True when `listener` is one of the crash-swallowing handlers shipped by wechat4u or wechaty. */
export function isKnownSwallower(listener: (...args: never[]) => unknown): boolean {
  const source = Function.prototype.toString.call(listener);
  return KNOWN_SWALLOWERS.some((pattern) => pattern.test(source));
}

/** A listener the guard took off the process, reported so the adapter can log it. */
export interface RemovedListener {
  readonly event: FatalEvent;
  /** `window` when it appeared while the puppet was loading; `known` when recognised by its source. */
  readonly reason: 'window' | 'known';
}

/**
 * Remembers the fatal-error listeners present when it is created (the application's own) and,
 * on `sweep()`, removes those added since then and any known swallower. Create it right before
 * the puppet is loaded or started; sweep right after.
 */
export class ProcessListenerGuard {
  private readonly before = new Map<FatalEvent, Set<Listener>>();

  /** Snapshots the current listeners of every fatal event. */
  constructor(private readonly proc: EventEmitter = process) {
    for (const event of FATAL_EVENTS) {
      this.before.set(event, new Set(this.proc.listeners(event) as Listener[]));
    }
  }

  /** Removes every fatal-error listener that is not the application's; returns what it removed. */
  sweep(): RemovedListener[] {
    const removed: RemovedListener[] = [];
    for (const event of FATAL_EVENTS) {
      const ours = this.before.get(event) ?? new Set<Listener>();
      for (const listener of this.proc.listeners(event) as Listener[]) {
        const reason = !ours.has(listener) ? 'window' : isKnownSwallower(listener) ? 'known' : undefined;
        if (reason) {
          this.proc.removeListener(event, listener);
          removed.push({ event, reason });
        }
      }
    }
    return removed;
  }
}
