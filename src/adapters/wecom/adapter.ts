/**
 * The WeCom 智能机器人 adapter: the bot in the cadres' internal WeCom groups and 1:1 chats, over
 * the official long connection. Inbound callbacks become `Incoming` (msgid is the event id);
 * replies go back on the callback's req_id while WeCom allows it, everything else is sent
 * proactively; polls, ratings and quiz questions are template cards whose clicks come back as the
 * commands they stand for. With a database lease, only the instance holding it connects and sends.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { WsFrame } from '@wecom/aibot-node-sdk';
import { DeliveryError, type Adapter, type Capabilities, type Downloaded, type IncomingSink, type RateLimits, type SendResult } from '../../bot/adapter.ts';
import type { ChatRef, Incoming, OutgoingMessage } from '../../bot/types.ts';
import type { Clock } from '../../clock.ts';
import type { Logger } from '../../logger.ts';
import { LeaseKeeper } from '../../db/lease-keeper.ts';
import type { LeaseStore } from '../../db/lease.ts';
import type { Db } from '../../db/client.ts';
import { firstReplyOf } from './replies.ts';
import { WecomConnection, type ConnectionState } from './connection.ts';
import { OpenExchanges, type ExchangeLimits } from './exchanges.ts';
import { cardClickOf, fileKeysOf, incomingClick, incomingEnterChat, incomingMessage, WECOM, type CallbackBody } from './inbound.ts';
import { downloadEncrypted, FileKeys } from './download.ts';
import { CardMemory } from './card-memory.ts';
import { toDeliveryError, safeMessage } from './errors.ts';
import { sendOutgoing } from './outbound.ts';
import { MediaProgress } from './media.ts';

/** Everything the adapter is built from (the platform module fills it from the environment). */
export interface WecomAdapterOptions {
  readonly botId: string;
  readonly secret: string;
  readonly wsUrl: string;
  readonly botName: string;
  readonly logger: Logger;
  readonly clock: Clock;
  /** The bot's database: where the adapter reads which reply answers which callback. */
  readonly db: Db;
  readonly rateLimits: RateLimits;
  readonly exchanges: ExchangeLimits;
  readonly heartbeatMs?: number;
  readonly backoff?: { readonly initialMs: number; readonly maxMs: number };
  readonly slowRetryMs?: number;
  /** With a lease store, only the instance holding `wecom:<botId>` connects. */
  readonly lease?: { readonly store: LeaseStore; readonly holder: string; readonly ttlMs: number; readonly checkEveryMs?: number };
  /** Where the connection's state is written for admins (`wecom-status.json`), if anywhere. */
  readonly statusFile?: string;
  readonly random?: () => number;
}

/** The capability matrix of WeCom (limits from the 智能机器人 and template card docs). */
export function wecomCapabilities(rateLimits: RateLimits): Capabilities {
  return {
    maxTextLength: 1000, // markdown content is at most 4096 bytes: 1000 characters even if all emoji
    nativePolls: true,
    nativeQuiz: true,
    buttons: true,
    // Uploaded as temporary media over the long connection, then sent as image / file messages (media.ts).
    images: true,
    files: true,
    privateMessages: true,
    rateLimits,
    maxPollOptions: 20,
    maxQuestionLength: 300,
    maxOptionLength: 100,
    maxExplanationLength: 200,
    maxOpenSeconds: 7 * 24 * 3600,
    groupMessages: 'mentions',
    mentions: 'text',
    metered: false,
    // Received pictures and files: fetched by their url, decrypted with the callback's aeskey (download.ts).
    downloads: true,
  };
}

/** The adapter itself. */
export class WecomAdapter implements Adapter {
  readonly platform = WECOM;
  readonly capabilities: Capabilities;
  readonly username = undefined;
  private readonly connection: WecomConnection;
  private readonly exchanges: OpenExchanges;
  private readonly cards = new CardMemory(2000);
  private readonly media = new MediaProgress();
  private readonly fileKeys = new FileKeys();
  private readonly keeper: LeaseKeeper | undefined;
  private sink: IncomingSink | undefined;
  private readonly log: Logger;
  /** The problem state last logged as an error (cleared once online again). */
  private reported: ConnectionState | undefined;
  /** The tail of each chat's handling chain: callbacks of one chat are handled in arrival order. */
  private readonly chains = new Map<string, Promise<void>>();

  constructor(private readonly opts: WecomAdapterOptions) {
    this.log = opts.logger;
    this.capabilities = wecomCapabilities(opts.rateLimits);
    this.exchanges = new OpenExchanges(opts.exchanges);
    this.connection = new WecomConnection({
      botId: opts.botId,
      secret: opts.secret,
      wsUrl: opts.wsUrl,
      heartbeatMs: opts.heartbeatMs ?? 30_000,
      backoff: opts.backoff ?? { initialMs: 1000, maxMs: 60_000 },
      slowRetryMs: opts.slowRetryMs ?? 10 * 60_000,
      logger: opts.logger,
      ...(opts.random ? { random: opts.random } : {}),
      onMessage: (frame) => this.inOrder(frame, () => this.onMessage(frame)),
      onEvent: (frame) => this.inOrder(frame, () => this.onEvent(frame)),
      onState: (state, reason) => this.onState(state, reason),
    });
    if (opts.lease) {
      this.keeper = new LeaseKeeper({
        ...opts.lease,
        name: `wecom:${opts.botId}`,
        logger: opts.logger,
        onAcquired: () => this.connection.open(),
        onLost: () => this.connection.close('standby'),
      });
    }
  }

  /** Where the connection stands (`online`, `standby`, `auth_failed`, `kicked`, …). */
  get status(): ConnectionState {
    return this.connection.state;
  }

  /** The lease keeper, when several instances share the bot (tests run its checks by hand). */
  get lease(): LeaseKeeper | undefined {
    return this.keeper;
  }

  async start(sink: IncomingSink): Promise<void> {
    this.sink = sink;
    if (this.keeper) {
      this.connection.close('standby');
      await this.keeper.start();
    } else this.connection.open();
  }

  async stop(): Promise<void> {
    this.connection.close('stopped');
    await Promise.allSettled([...this.chains.values()]);
    await this.keeper?.stop();
    this.exchanges.clear();
  }

  isOnline(): boolean {
    return this.connection.state === 'online' && (!this.keeper || this.keeper.holding);
  }

  async send(chat: ChatRef, message: OutgoingMessage, nativeRef?: SendResult): Promise<SendResult> {
    const client = this.connection.sender;
    if (!client || !this.isOnline()) throw new DeliveryError('offline', `wecom is ${this.connection.state}`);
    try {
      return await sendOutgoing({ client, exchanges: this.exchanges, cards: this.cards, media: this.media, botName: this.opts.botName, now: this.opts.clock.now().getTime(), log: this.log }, chat, message, nativeRef);
    } catch (err) {
      throw toDeliveryError(err, `send to ${chat.kind} ${chat.chatId}`, this.opts.secret);
    }
  }

  /** Runs `handle` after the callbacks of the same chat that arrived before it. */
  private inOrder(frame: WsFrame, handle: () => Promise<void>): void {
    const body = (frame.body ?? {}) as CallbackBody;
    const key = body.chattype === 'group' && body.chatid ? `g:${body.chatid}` : `p:${body.from?.userid ?? ''}`;
    const next = (this.chains.get(key) ?? Promise.resolve()).then(handle).catch((err: unknown) => {
      this.log.error({ err: safeMessage(err, this.opts.secret) }, 'wecom callback not handled');
    });
    this.chains.set(key, next);
    void next.finally(() => {
      if (this.chains.get(key) === next) this.chains.delete(key);
    });
  }

  private async deliver(incoming: Incoming): Promise<boolean> {
    if (!this.sink) return false;
    try {
      await this.sink(incoming);
      return true;
    } catch (err) {
      this.log.error({ err: safeMessage(err, this.opts.secret), eventId: incoming.eventId }, 'wecom event not recorded');
      return false;
    }
  }

  private async onMessage(frame: WsFrame): Promise<void> {
    const body = (frame.body ?? {}) as CallbackBody;
    const incoming = incomingMessage(body, this.opts.botName, this.opts.clock.now());
    if (!incoming) return;
    for (const [url, key] of fileKeysOf(body)) this.fileKeys.remember(url, key);
    const userId = incoming.actor.userId;
    this.exchanges.open(incoming.chat.chatId, { frame: { headers: frame.headers }, userId, kind: 'message', openedAt: this.opts.clock.now().getTime() });
    await this.settle(incoming, frame);
  }

  /**
   * Fetches a picture or file people sent, by its url, decrypted with the key its callback gave
   * (kept in memory: after a restart the file cannot be read, and WeCom's url expires anyway).
   */
  async download(ref: string, maxBytes: number): Promise<Downloaded> {
    const key = this.fileKeys.keyOf(ref);
    if (!key) throw new Error('the key of this WeCom file is not known (received before the bot restarted)');
    return downloadEncrypted(ref, key, maxBytes);
  }

  /** Hands an event to the bot, then tells its exchange which reply (if any) answers it. */
  private async settle(incoming: Incoming, frame: WsFrame): Promise<void> {
    const recorded = await this.deliver(incoming);
    const reply = recorded ? await firstReplyOf(this.opts.db, incoming.eventId, incoming.chat.chatId).catch(() => undefined) : undefined;
    this.exchanges.ready(incoming.chat.chatId, frame.headers.req_id, reply);
  }

  private async onEvent(frame: WsFrame): Promise<void> {
    const body = (frame.body ?? {}) as CallbackBody;
    const type = body.event?.eventtype;
    const now = this.opts.clock.now();
    if (type === 'enter_chat') {
      const incoming = incomingEnterChat(body, now);
      if (!incoming) return;
      this.exchanges.open(incoming.chat.chatId, { frame: { headers: frame.headers }, userId: incoming.actor.userId, kind: 'welcome', openedAt: now.getTime() });
      await this.settle(incoming, frame);
    } else if (type === 'template_card_event') {
      await this.onCardClick(frame, body, now);
    }
  }

  private async onCardClick(frame: WsFrame, body: CallbackBody, now: Date): Promise<void> {
    const click = cardClickOf(body);
    const command = click && this.cards.commandOf(click);
    const incoming = command ? incomingClick(body, command, now) : undefined;
    if (!click || !incoming) return;
    if (!(await this.deliver(incoming))) return;
    const updated = this.cards.afterClick(click);
    const client = this.connection.sender;
    if (!updated || !client) return;
    // Only the clicker's copy changes (userids): an anonymous choice is shown to its voter alone.
    await client.updateTemplateCard({ headers: frame.headers }, updated, [incoming.actor.userId]).catch((err: unknown) => {
      this.log.debug({ err: safeMessage(err, this.opts.secret), taskId: click.taskId }, 'wecom card update refused');
    });
  }

  private onState(state: ConnectionState, reason?: string): void {
    if (state !== 'online') this.exchanges.clear();
    const line = { platform: WECOM, state, ...(reason ? { reason } : {}) };
    if (state === 'auth_failed' || state === 'kicked') {
      // One error line per problem: the slow retries of the same problem log at debug level.
      if (this.reported !== state) this.log.error(line, `wecom ${state}: ${reason ?? ''}`);
      else this.log.debug(line, `wecom still ${state}`);
      this.reported = state;
    } else if (state === 'online') {
      this.reported = undefined;
      this.log.info(line, 'wecom connected');
    } else if (this.reported) this.log.debug(line, `wecom ${state}`);
    else this.log.info(line, `wecom ${state}`);
    this.writeStatus(state, reason);
  }

  private writeStatus(state: ConnectionState, reason?: string): void {
    const file = this.opts.statusFile;
    if (!file) return;
    try {
      fs.mkdirSync(path.dirname(file), { recursive: true });
      fs.writeFileSync(file, `${JSON.stringify({ platform: WECOM, state, since: this.opts.clock.now().toISOString(), ...(reason ? { reason } : {}) })}\n`, { mode: 0o600 });
    } catch (err) {
      this.log.warn({ err: safeMessage(err, this.opts.secret) }, 'wecom status file not written');
    }
  }
}
