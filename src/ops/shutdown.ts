/**
 * Graceful shutdown on SIGTERM or SIGINT: readiness turns to `stopping`, the bot stops taking
 * events, finishes the ones in flight, delivers what is due for at most the drain time
 * (`BOT_SHUTDOWN_SECONDS`), then closes the HTTP server and the database and exits 0. What was
 * not delivered stays in the outbox for the next start. A second signal, or a shutdown that hangs
 * past the drain time plus a margin, exits at once with status 1.
 */
import type { App } from '../app.ts';
import type { Logger } from '../logger.ts';
import type { HealthCheck } from './health.ts';

/** Time a shutdown may take beyond the drain time (stopping adapters, closing the database) before it is cut short. */
export const SHUTDOWN_MARGIN_MS = 15_000;

/** What a shutdown stops, in order. */
export interface ShutdownParts {
  readonly app: Pick<App, 'stop'>;
  readonly http: { close(): Promise<void> };
  readonly database: { close(): Promise<void> };
  readonly health?: HealthCheck;
  readonly logger: Logger;
  /** Longest time to keep delivering what is due. */
  readonly drainMs: number;
  /** Ends the process (process.exit; tests pass a recorder). */
  readonly exit: (code: number) => void;
}

/** Returns `shutdown(code, reason)`: the first call stops everything and exits with `code`; later calls do nothing. */
export function gracefulShutdown(parts: ShutdownParts): (code: number, reason: string) => Promise<void> {
  let running: Promise<void> | undefined;
  return (code, reason) =>
    (running ??= (async () => {
      const { logger } = parts;
      logger.info({ reason, drainMs: parts.drainMs }, 'shutting down');
      parts.health?.markStopping();
      const watchdog = setTimeout(() => {
        logger.error({ reason }, 'shutdown took too long: exiting now');
        parts.exit(1);
      }, parts.drainMs + SHUTDOWN_MARGIN_MS);
      watchdog.unref();
      let exitCode = code;
      try {
        await parts.app.stop({ drainMs: parts.drainMs });
      } catch (err) {
        logger.error({ err }, 'shutdown: stopping the bot failed');
        exitCode = 1;
      }
      await parts.http.close();
      await parts.database.close();
      clearTimeout(watchdog);
      logger.info({ code: exitCode }, 'stopped');
      parts.exit(exitCode);
    })());
}

/** Shuts down on the first SIGTERM or SIGINT; a second one exits at once (status 1). */
export function shutdownOnSignals(shutdown: (code: number, reason: string) => Promise<void>, logger: Logger, exit: (code: number) => void): void {
  let signalled = false;
  const onSignal = (signal: NodeJS.Signals) => {
    if (signalled) {
      logger.warn({ signal }, 'second signal during shutdown: exiting now');
      exit(1);
      return;
    }
    signalled = true;
    void shutdown(0, signal);
  };
  process.on('SIGTERM', onSignal);
  process.on('SIGINT', onSignal);
}
