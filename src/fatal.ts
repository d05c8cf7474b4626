/**
 * Fail fast: an unhandled promise rejection or an uncaught exception means the bot's state can no
 * longer be trusted, so it is logged with its context and the process exits non-zero for the
 * supervisor to restart it (the inbox, outbox and ledger make a restart safe). A bounded attempt
 * to stop cleanly comes first, so a hung shutdown never keeps a broken process alive.
 */
import type { Logger } from 'pino';

/** What the handlers attach to and how they end the process (the real `process`, or a test double). */
export interface FatalHost {
  on(event: 'unhandledRejection' | 'uncaughtException', listener: (err: unknown) => void): unknown;
  exit(code: number): void;
}

/** Options of `installFatalHandlers`. */
export interface FatalOptions {
  readonly logger: Pick<Logger, 'fatal'>;
  /** Stops the app, closes the database (best effort); awaited for at most `stopTimeoutMs`. */
  readonly stop?: () => Promise<void>;
  readonly stopTimeoutMs?: number;
  readonly host?: FatalHost;
}

/** Installs the two handlers; returns nothing to undo: they live as long as the process. */
export function installFatalHandlers(opts: FatalOptions): void {
  const host: FatalHost = opts.host ?? process;
  let exiting = false;
  const die = (kind: 'unhandledRejection' | 'uncaughtException') => (err: unknown) => {
    opts.logger.fatal({ err, kind, pid: process.pid, uptimeSeconds: Math.round(process.uptime()) }, `${kind}: exiting for a restart`);
    if (exiting) return;
    exiting = true;
    const timeout = new Promise<void>((resolve) => setTimeout(resolve, opts.stopTimeoutMs ?? 5_000));
    const stopped = opts.stop ? opts.stop().catch(() => undefined) : Promise.resolve();
    void Promise.race([stopped, timeout]).finally(() => host.exit(1));
  };
  host.on('unhandledRejection', die('unhandledRejection'));
  host.on('uncaughtException', die('uncaughtException'));
}
