/**
 * How Telegram failures become the outbox's `DeliveryError` kinds, and how errors are made safe to
 * log (telegraf puts the bot token in every request URL, so any error text may carry it).
 */
import { TelegramError } from 'telegraf';
import { DeliveryError } from '../../bot/adapter.ts';
import { redactSecrets } from '../../logger.ts';

/** Removes the token, and anything shaped like a bot token, from a text. */
export function redactToken(text: string, token: string): string {
  return redactSecrets(text, [token]).replace(/\b\d{5,}:[A-Za-z0-9_-]{20,}\b/g, '***');
}

/** A loggable summary of any error, with the token removed from message and description. */
export function errorInfo(err: unknown, token: string): Record<string, unknown> {
  if (err instanceof TelegramError) {
    return { name: 'TelegramError', code: err.code, message: redactToken(err.description ?? err.message, token), ...(err.parameters ? { parameters: err.parameters } : {}) };
  }
  if (err instanceof Error) {
    const code = (err as { code?: unknown }).code;
    return { name: err.name, message: redactToken(err.message, token), ...(typeof code === 'string' || typeof code === 'number' ? { code } : {}) };
  }
  return { message: redactToken(String(err), token) };
}

const NETWORK_ERROR_NAMES = new Set(['FetchError', 'AbortError', 'TimeoutError']);

/** True for errors that mean "no answer from Telegram": connection refused or reset, DNS, timeout. */
export function isNetworkError(err: unknown): boolean {
  if (!(err instanceof Error)) return false;
  const code = (err as { code?: unknown }).code;
  return NETWORK_ERROR_NAMES.has(err.name) || (typeof code === 'string' && /^(E[A-Z]+|UND_ERR_\w+)$/.test(code));
}

/**
 * Maps a failed Bot API call to what the outbox should do:
 * - 429 → `rate_limited`, waiting `parameters.retry_after` seconds (1 s when absent);
 * - 401 → `offline` (the token was revoked: hold everything rather than fail it);
 * - 5xx, connection errors and timeouts → `transient` (retry with backoff);
 * - any other Telegram error (400 chat not found, 403 bot was kicked / blocked…) → `permanent`
 *   with Telegram's description as the reason;
 * - anything else (a bug, bad input) → `permanent`, so it cannot loop forever.
 */
export function toDeliveryError(err: unknown, method: string, token: string): DeliveryError {
  if (err instanceof DeliveryError) return err;
  if (err instanceof TelegramError) {
    const description = redactToken(err.description ?? err.message, token);
    const what = `telegram ${method}: ${err.code} ${description}`;
    if (err.code === 429) return new DeliveryError('rate_limited', what, Math.max(0, err.parameters?.retry_after ?? 1) * 1000);
    if (err.code === 401) return new DeliveryError('offline', what);
    if (err.code >= 500) return new DeliveryError('transient', what);
    const migrated = err.parameters?.migrate_to_chat_id;
    return new DeliveryError('permanent', migrated !== undefined ? `${what} (the group is now chat ${migrated})` : what);
  }
  const info = errorInfo(err, token);
  if (isNetworkError(err)) return new DeliveryError('transient', `telegram ${method}: network error: ${String(info.message)}`);
  return new DeliveryError('permanent', `telegram ${method}: ${String(info.message)}`);
}
