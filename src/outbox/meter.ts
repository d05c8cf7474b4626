/**
 * The metered-call budget of platforms whose sends cost from a monthly allowance (an OpenAPI
 * that gives a free organisation 10,000 calls a month; `Capabilities.metered` and
 * `monthlyCallBudget`). The outbox asks `admit` before each send that would cost, and `record`s
 * what each send spent (the adapter reports it). As the month's calls near the budget:
 * - from `DIGEST_FROM` of it, low-priority private messages (daily questions, individual
 *   reminders: `priority: 'low'`) are not sent one by one; each group of the platform gets one
 *   digest a day saying so instead;
 * - from `PRIVATE_CUT_FROM`, no private message is sent through a metered route any more;
 * - at the budget less a small reserve, nothing metered is sent (group notices and results are
 *   the last to go); the reserve carries the admins' warning;
 * - the admins are told privately once at 80% and once at 100% (both crossed at once, or 100%
 *   claimed first by another instance: only the 100% warning).
 * Counts live in `MeteredUsage` (one row per platform and month in BOT_TIMEZONE), so they
 * survive restarts and are shared by every instance: increments are atomic in the database, each
 * warning level is claimed by one instance, and a count older than `SPENT_FRESH_MS` is read
 * again (the other instances' calls). No platform is named here.
 */
import type { Adapter, Capabilities } from '../bot/adapter.ts';
import type { Translate } from '../bot/feature.ts';
import type { ChatRef, OutgoingMessage, Platform } from '../bot/types.ts';
import { localDateKey } from '../bot/time.ts';
import type { Db } from '../db/client.ts';
import { isUniqueViolation } from '../db/client.ts';
import type { Clock } from '../clock.ts';
import type { Logger } from '../logger.ts';
import { enqueueMessages } from './enqueue.ts';

/** Share of the budget from which low-priority private messages become a group digest. */
export const DIGEST_FROM = 0.6;
/** Share of the budget from which no private message is sent through a metered route. */
export const PRIVATE_CUT_FROM = 0.95;
/** Budget percentages the admins are told about, once each a month. */
export const WARN_AT = [80, 100] as const;

/** What the outbox does with one message on a metered platform. */
export type Admission = 'send' | 'digest' | 'cut';

/** What the meter needs. */
export interface MeterOptions {
  readonly db: Db;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly translate: Translate;
  readonly timeZone: string;
  readonly capabilitiesOf: (platform: Platform) => Capabilities | undefined;
  /** `BOT_ADMINS`: told even before they have written to the bot. */
  readonly admins: readonly { readonly platform: Platform; readonly userId: string }[];
  /** Wakes the outbox after the meter enqueued a warning or a digest. */
  readonly onEnqueued: () => void;
}

/**
 * How long a count read from the database (or returned by this instance's own increment) is
 * trusted: other instances spend too, so an older one is read again.
 */
export const SPENT_FRESH_MS = 1000;

/** Keys of the meter's own rows: the warnings are sent from the reserve. */
const WARN_KEY = 'meter:warn:';

/** The calls kept back from the budget for the admins' 100% warning. */
export function reserveOf(budget: number): number {
  return Math.max(1, Math.min(10, Math.floor(budget / 100)));
}

/** Counts metered calls and decides what may still be sent this month. */
export class CallMeter {
  private readonly spentCache = new Map<string, { calls: number; at: number }>();
  private readonly digestDays = new Set<string>();
  private readonly warnedLevel = new Map<string, number>();

  constructor(private readonly opts: MeterOptions) {}

  /** The month key (`YYYY-MM`, BOT_TIMEZONE) of now. */
  month(): string {
    return localDateKey(this.opts.clock.now(), this.opts.timeZone).slice(0, 7);
  }

  /** Calls spent this month on `platform` by every instance (as of at most `SPENT_FRESH_MS` ago). */
  async spent(platform: Platform): Promise<number> {
    const key = `${platform}\u0000${this.month()}`;
    const now = this.opts.clock.now().getTime();
    const cached = this.spentCache.get(key);
    if (cached && now - cached.at < SPENT_FRESH_MS) return cached.calls;
    const row = await this.opts.db.meteredUsage.findUnique({ where: { platform_month: { platform, month: this.month() } } });
    this.spentCache.set(key, { calls: row?.calls ?? 0, at: now });
    return row?.calls ?? 0;
  }

  /** Decides about one message that would cost metered calls (`adapter.meteredCost`). */
  async admit(adapter: Adapter, chat: ChatRef, idempotencyKey: string, message: OutgoingMessage): Promise<Admission> {
    const budget = adapter.capabilities.monthlyCallBudget ?? 0;
    if (budget <= 0 || (adapter.meteredCost?.(chat) ?? 1) === 0 || idempotencyKey.startsWith(WARN_KEY)) return 'send';
    const spent = await this.spent(adapter.platform);
    if (spent >= budget - reserveOf(budget)) return 'cut';
    if (chat.kind === 'private' && spent >= budget * PRIVATE_CUT_FROM) return 'cut';
    if (chat.kind === 'private' && message.kind === 'text' && message.priority === 'low' && spent >= budget * DIGEST_FROM) {
      await this.enqueueDigests(adapter.platform);
      return 'digest';
    }
    return 'send';
  }

  /** Adds `calls` to this month's count and tells the admins when a warning level is crossed. */
  async record(adapter: Adapter, calls: number | undefined): Promise<void> {
    if (!calls || calls <= 0) return;
    const { platform } = adapter;
    const month = this.month();
    const where = { platform_month: { platform, month } };
    let row;
    try {
      row = await this.opts.db.meteredUsage.upsert({ where, create: { platform, month, calls }, update: { calls: { increment: calls } } });
    } catch (err) {
      if (!isUniqueViolation(err)) throw err;
      row = await this.opts.db.meteredUsage.update({ where, data: { calls: { increment: calls } } });
    }
    this.spentCache.set(`${platform}\u0000${month}`, { calls: row.calls, at: this.opts.clock.now().getTime() });
    const budget = adapter.capabilities.monthlyCallBudget ?? 0;
    if (budget > 0) await this.warnIfCrossed(platform, month, row.calls, budget);
  }

  private async warnIfCrossed(platform: Platform, month: string, spent: number, budget: number): Promise<void> {
    const level = spent >= budget - reserveOf(budget) ? 100 : spent >= budget * 0.8 ? 80 : 0;
    const key = `${platform}\u0000${month}`;
    if (level === 0 || (this.warnedLevel.get(key) ?? 0) >= level) return;
    this.warnedLevel.set(key, level);
    // One instance wins the claim of each level, so each warning is enqueued once.
    const { count } = await this.opts.db.meteredUsage.updateMany({ where: { platform, month, warned: { lt: level } }, data: { warned: level } });
    if (count !== 1) return;
    const text = this.opts.translate(level === 100 ? 'core.meter.used' : 'core.meter.nearly', { spent, budget, percent: level });
    const chats = await this.adminChats(platform);
    const items = chats.map((chat) => ({ chat, message: { kind: 'text', text } as const, key: `${WARN_KEY}${platform}:${month}:${level}:${chat.chatId}` }));
    await enqueueMessages(this.opts.db, items, this.opts.capabilitiesOf, this.opts.clock.now());
    this.opts.logger.warn({ platform, month, spent, budget, level, admins: chats.length }, 'metered call budget warning');
    this.opts.onEnqueued();
  }

  /** Private chats of the admins on `platform`: the roster's admins and `BOT_ADMINS`. */
  private async adminChats(platform: Platform): Promise<ChatRef[]> {
    const rows = await this.opts.db.platformIdentity.findMany({ where: { platform, member: { role: 'admin' } }, select: { externalId: true } });
    const ids = new Set([...rows.map((r) => r.externalId), ...this.opts.admins.filter((a) => a.platform === platform).map((a) => a.userId)]);
    return [...ids].map((chatId) => ({ platform, chatId, kind: 'private' }));
  }

  /** Today's digest in every group of the platform (once a day each: the key says so). */
  private async enqueueDigests(platform: Platform): Promise<void> {
    const day = localDateKey(this.opts.clock.now(), this.opts.timeZone);
    if (this.digestDays.has(`${platform}\u0000${day}`)) return;
    this.digestDays.add(`${platform}\u0000${day}`);
    const groups = await this.opts.db.chat.findMany({ where: { platform, kind: 'group' }, select: { externalId: true, title: true } });
    const text = this.opts.translate('core.meter.digest');
    const items = groups.map((g) => ({ chat: { platform, chatId: g.externalId, kind: 'group' as const }, message: { kind: 'text' as const, text }, key: `meter:digest:${platform}:${day}:${g.externalId}` }));
    if ((await enqueueMessages(this.opts.db, items, this.opts.capabilitiesOf, this.opts.clock.now())) > 0) this.opts.onEnqueued();
  }
}
