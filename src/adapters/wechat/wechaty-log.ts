/**
 * Wechaty's own logger (brolog, shared by wechaty, its puppets and the memory card) prints to the
 * console by itself, past our logger and so past its redaction of secrets (the puppet-service
 * token). This sends every one of its lines through our logger instead: errors as errors, warnings
 * as warnings, the rest at debug. Wechaty has one such logger per process, so the last adapter
 * started owns it.
 */
import { log as wechatyLog } from 'wechaty';
import type { Logger } from 'pino';

/** Routes Wechaty's log lines into `logger` (tagged `wechaty: true`). */
export function routeWechatyLog(logger: Logger): void {
  const child = logger.child({ wechaty: true });
  wechatyLog.enableLogging((level: string, text?: string) => {
    if (text === undefined) return;
    if (level === 'ERR') child.error(text);
    else if (level === 'WARN') child.warn(text);
    else child.debug(text);
  });
}
