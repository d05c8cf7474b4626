import { pino, type Logger } from 'pino';

export type { Logger };

/**
 * Paths redacted from every log line: tokens and secrets never reach logs, wherever they appear
 * in a logged object. Free-text redaction of the Telegram token (telegraf puts it in URLs) is done
 * by `redactSecrets` in the adapters' error logging.
 */
const REDACT = ['token', '*.token', 'secret', '*.secret', 'password', '*.password', 'config.TELEGRAM_BOT_TOKEN', 'config.TELEGRAM_WEBHOOK_SECRET', 'config.WECHATY_PUPPET_SERVICE_TOKEN', 'headers.authorization', '*.headers.authorization'];

/** Creates the process logger (JSON to stderr, so stdout stays the console transcript). */
export function createLogger(level: string, destination: pino.DestinationStream = pino.destination(2)): Logger {
  return pino({ level, base: undefined, redact: { paths: REDACT, censor: '***' } }, destination);
}

/** Replaces every occurrence of each secret in a string (e.g. an error message holding a URL). */
export function redactSecrets(text: string, secrets: readonly (string | undefined)[]): string {
  let out = text;
  for (const s of secrets) if (s && s.length >= 4) out = out.split(s).join('***');
  return out;
}
