import { pino, type Logger } from 'pino';

export type { Logger };

/**
 * Paths redacted from every log line: tokens and secrets never reach logs, wherever they appear
 * in a logged object. Values of the platform modules' secret variables are also scrubbed from the
 * finished line (`secretValues`), so a token inside an error message or a URL is caught too.
 */
const REDACT = ['token', '*.token', 'secret', '*.secret', 'password', '*.password', 'accessToken', '*.accessToken', 'headers.authorization', '*.headers.authorization', 'config.platforms'];

/**
 * Creates the process logger (JSON to stderr, so stdout stays the console transcript). Every
 * value in `secretValues` (the configured tokens and secrets) is replaced by `***` in each line
 * before it is written, whatever field or free text it appears in.
 */
export function createLogger(level: string, destination: pino.DestinationStream = pino.destination(2), secretValues: readonly string[] = []): Logger {
  const secrets = secretValues.filter((s) => s.length >= 4);
  const hooks = secrets.length ? { streamWrite: (line: string) => redactSecrets(line, secrets.flatMap(jsonForms)) } : {};
  return pino({ level, base: undefined, redact: { paths: REDACT, censor: '***' }, hooks }, destination);
}

/** A secret as it appears in a JSON line: itself, and escaped as JSON would escape it. */
function jsonForms(secret: string): string[] {
  const escaped = JSON.stringify(secret).slice(1, -1);
  return escaped === secret ? [secret] : [secret, escaped];
}

/** Replaces every occurrence of each secret in a string (e.g. an error message holding a URL). */
export function redactSecrets(text: string, secrets: readonly (string | undefined)[]): string {
  let out = text;
  for (const s of secrets) if (s && s.length >= 4) out = out.split(s).join('***');
  return out;
}
