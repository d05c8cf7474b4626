/**
 * The callbacks the bot may still answer on their own `req_id` (WeCom's passive reply): each
 * message a person sends is an exchange until the bot replies to it, a person may have at most
 * three exchanges open with the bot, and a reply is accepted only for a while. Once the bot has
 * processed a callback, the exchange learns the first reply it produced (as stored in the outbox);
 * when the outbox sends exactly that message, it goes back on the callback's req_id (closing the
 * person's exchange). Everything else, and everything once the window has passed, is sent
 * proactively, so no reply is ever attached to the wrong message.
 */
import type { WsFrameHeaders } from '@wecom/aibot-node-sdk';

/** One callback that may still be answered. */
export interface Exchange {
  readonly frame: WsFrameHeaders;
  readonly userId: string;
  /** `message` replies are streamed (`aibot_respond_msg`); `welcome` ones answer enter_chat (`aibot_respond_welcome_msg`, text only). */
  readonly kind: 'message' | 'welcome';
  readonly openedAt: number;
  /** The outbox payload of the callback's first reply, once processed (undefined before). */
  expects: string | undefined;
}

/** How long each kind of callback may be answered, and how many a person may have open. */
export interface ExchangeLimits {
  readonly replyWindowMs: number;
  readonly welcomeWindowMs: number;
  readonly maxOpenPerUser: number;
}

/** The open exchanges, per chat, oldest first. */
export class OpenExchanges {
  private readonly byChat = new Map<string, Exchange[]>();

  constructor(private readonly limits: ExchangeLimits) {}

  /** Records a callback as open; a person's oldest exchanges beyond the limit are given up (answered proactively). */
  open(chatId: string, exchange: Omit<Exchange, 'expects'>): void {
    const list = this.byChat.get(chatId) ?? [];
    list.push({ ...exchange, expects: undefined });
    const mine = list.filter((e) => e.userId === exchange.userId);
    const excess = mine.length - this.limits.maxOpenPerUser;
    const dropped = new Set(mine.slice(0, Math.max(0, excess)));
    this.byChat.set(chatId, list.filter((e) => !dropped.has(e)));
  }

  /** Marks a callback processed with its first reply's payload; without a reply it is closed. */
  ready(chatId: string, reqId: string, firstReply: string | undefined): void {
    const list = this.byChat.get(chatId) ?? [];
    for (const e of list) if (e.frame.headers.req_id === reqId) e.expects = firstReply;
    if (firstReply === undefined) this.byChat.set(chatId, list.filter((e) => e.frame.headers.req_id !== reqId));
  }

  /** Takes the still answerable exchange whose first reply is `payload` (expired ones are dropped). */
  take(chatId: string, payload: string, now: number): Exchange | undefined {
    const list = (this.byChat.get(chatId) ?? []).filter((e) => now - e.openedAt < this.windowOf(e));
    const i = list.findIndex((e) => e.expects === payload);
    const taken = i >= 0 ? list.splice(i, 1)[0] : undefined;
    if (list.length) this.byChat.set(chatId, list);
    else this.byChat.delete(chatId);
    return taken;
  }

  /** Forgets everything (the connection is gone: its req_ids are no longer valid). */
  clear(): void {
    this.byChat.clear();
  }

  /** Exchanges currently open for a person across chats (tests, diagnostics). */
  openFor(userId: string): number {
    let n = 0;
    for (const list of this.byChat.values()) n += list.filter((e) => e.userId === userId).length;
    return n;
  }

  private windowOf(e: Exchange): number {
    return e.kind === 'welcome' ? this.limits.welcomeWindowMs : this.limits.replyWindowMs;
  }
}
