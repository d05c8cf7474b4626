/**
 * How WeCom failures become the outbox's `DeliveryError` kinds, and how anything the SDK says is
 * made safe to log (the bot secret is removed from every text).
 */
import { DeliveryError } from '../../bot/adapter.ts';
import { redactSecrets } from '../../logger.ts';

/** Error codes (WeCom's global code list) that mean "too fast": wait, then retry the same chat. */
const RATE_LIMITED: ReadonlyMap<number, number> = new Map([
  [45009, 60_000], // 接口调用超过限制 (per-minute and per-hour quotas)
  [45033, 1_000], // 接口并发调用超过限制
  [45047, 60_000], // 发送消息数量超过上限
  [846607, 60_000], // 机器人发送消息频率超过限制
]);

/** Error codes of a server-side hiccup: retry with backoff. */
const TRANSIENT = new Set([-1, 6000, 50001, 50002]);

/** Error codes of a revoked or wrong credential: hold everything until it comes back. */
const OFFLINE = new Set([40001, 40014, 42001, 600041]);

/** An SDK rejection: either the server's ack frame (errcode/errmsg) or an Error. */
interface AckFrame {
  errcode?: number;
  errmsg?: string;
}

/** Text of any error with the secret removed. */
export function safeMessage(err: unknown, secret: string): string {
  const raw = err instanceof Error ? err.message : typeof err === 'object' && err ? `${(err as AckFrame).errcode ?? ''} ${(err as AckFrame).errmsg ?? ''}`.trim() : String(err);
  return redactSecrets(raw, [secret]);
}

/**
 * Maps a failed send to what the outbox should do:
 * - 45009 / 45033 / 45047 / 846607 (over a quota) → `rate_limited` for the quota's window;
 * - -1 / 6000 / 5000x (system busy) and an ack that never came → `transient`;
 * - 40001 / 40014 / 42001 (credential) and "not connected" / connection closed → `offline`;
 * - any other errcode (no such chat, the bot is not in the group, a bad card) → `permanent`.
 */
export function toDeliveryError(err: unknown, what: string, secret: string): DeliveryError {
  if (err instanceof DeliveryError) return err;
  const text = `wecom ${what}: ${safeMessage(err, secret)}`;
  const code = typeof err === 'object' && err && !(err instanceof Error) ? (err as AckFrame).errcode : undefined;
  if (typeof code === 'number') {
    const wait = RATE_LIMITED.get(code);
    if (wait !== undefined) return new DeliveryError('rate_limited', text, wait);
    if (TRANSIENT.has(code)) return new DeliveryError('transient', text);
    if (OFFLINE.has(code)) return new DeliveryError('offline', text);
    return new DeliveryError('permanent', text);
  }
  const message = err instanceof Error ? err.message : String(err);
  if (/not connected|connection closed|manually closed|disconnected due to new connection|cancelled/i.test(message)) return new DeliveryError('offline', text);
  if (/ack timeout|ECONN|ETIMEDOUT|socket/i.test(message)) return new DeliveryError('transient', text);
  return new DeliveryError('permanent', text);
}
