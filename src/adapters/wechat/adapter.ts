/**
 * The WeChat adapter: Wechaty with a selectable puppet (wechat4u by QR login, puppet-service with a
 * token, or an instance such as the mock in tests). It turns room and private messages into
 * `Incoming` events and delivers the outbox's messages to rooms and contacts.
 *
 * WeChat differs from the other platforms in ways the rest of the bot sees only as capabilities:
 * no native polls, quizzes or buttons (polls and quizzes arrive here already rendered as numbered
 * text), a conservative text length, and a slow outgoing pace, because WeChat bans accounts that
 * burst. A logged-out account is `isOnline() === false`: the outbox then holds every WeChat message
 * and delivers it after the next login.
 */
import path from 'node:path';
import { FileBox } from 'file-box';
import qrcodeTerminal from 'qrcode-terminal';
import type { Logger } from 'pino';
import {
  ScanStatus,
  WechatyBuilder,
  qrcodeValueToImageUrl,
  type Contact,
  type Message,
  type PuppetModuleName,
  type Room,
  type Wechaty,
  type WechatyOptions,
} from 'wechaty';
import {
  DeliveryError,
  DownloadTooBigError,
  TEXT_ONLY_CAPABILITIES,
  readAtMost,
  type Adapter,
  type Capabilities,
  type Downloaded,
  type IncomingSink,
  type RateLimits,
  type SendResult,
} from '../../bot/adapter.ts';
import type { Attachment, ChatRef, Incoming, OutgoingMessage } from '../../bot/types.ts';
import type { IdentityLinks } from '../../bot/identity-links.ts';
import type { TranslateOf } from '../../bot/feature.ts';
import type { PlatformPromptKey } from './prompt-keys.ts';
import { systemClock, type Clock } from '../../clock.ts';
import { DEFAULT_PACING, Pacer, dayOf, type PacingLimits } from './pacing.ts';
import { Relinker } from './relinker.ts';
import { ensurePrivateDir, ensurePrivateFile } from './private-files.ts';
import { routeWechatyLog } from './wechaty-log.ts';
import { isTextDocument, TEXT_ATTACHMENT_MAX_BYTES, withText } from '../../bot/text-attachments.ts';
import { toIncoming } from './incoming.ts';
import { ProcessListenerGuard } from './process-guard.ts';

/**
 * Longest text sent as one WeChat message. WeChat itself accepts a few thousand characters, but
 * the web protocol puppets (wechat4u) have failed on long bodies, a phone folds long messages
 * behind "全文" in groups, and notices, reports and numbered polls read best in screen-sized
 * pieces. 1500 characters is about two phone screens of Chinese text; the outbox splits longer
 * texts on line boundaries.
 */
export const WECHAT_MAX_TEXT_LENGTH = 1500;

/**
 * Default outgoing pace. WeChat has no published limits and restricts or bans personal accounts
 * that send like a bot, so the defaults stay well below what a busy human does: at most one message
 * every 2 s into any one chat, 20 a minute into one group, and one message every 2 s overall
 * (0.5 per second) across all chats. Operators with many groups can raise the global rate.
 */
export const DEFAULT_WECHAT_RATE_LIMITS: RateLimits = {
  globalPerSecond: 0.5,
  perChatIntervalMs: 2000,
  perGroupPerMinute: 20,
};

/** File name (under the data directory) of Wechaty's memory card, which holds the login session. */
export const WECHAT_SESSION_NAME = 'wechat-session';

/** A puppet object (rather than a package name), e.g. a `PuppetMock` in tests. */
export type WechatPuppetInstance = Exclude<NonNullable<WechatyOptions['puppet']>, string>;

/** How to build a `WechatAdapter`. */
export interface WechatAdapterOptions {
  /** Puppet package name (`WECHATY_PUPPET`, e.g. `wechaty-puppet-wechat4u`) or a puppet instance. */
  readonly puppet: string | WechatPuppetInstance;
  /** Token for `wechaty-puppet-service` gateways (`WECHATY_PUPPET_SERVICE_TOKEN`); never logged. */
  readonly puppetToken?: string;
  /** The bot's data directory; the login session (memory card) is kept here, never in the repo. */
  readonly dataDir: string;
  readonly logger: Logger;
  /** Overrides of `DEFAULT_WECHAT_RATE_LIMITS`. */
  readonly rateLimits?: Partial<RateLimits>;
  /**
   * Extra names the bot answers to when @-mentioned in text, e.g. `['先锋']`, for puppets that
   * deliver mentions as plain text. The logged-in account's own name is always included.
   */
  readonly botNames?: readonly string[];
  /** Where the login QR code is drawn; defaults to standard output. */
  readonly printQr?: (drawing: string) => void;
  /** Time for pacing and reports (default the system clock). */
  readonly clock?: Clock;
  /** Per-room gaps with jitter and daily caps (default `DEFAULT_PACING`). */
  readonly pacing?: PacingLimits;
  /** Random numbers in [0, 1) for the jitter (default Math.random). */
  readonly random?: () => number;
  /**
   * Re-identifying people and rooms after a login (remarks, topics, overlaps, codes) and telling
   * the admins; without it the adapter keys everyone on the ids of the current login only.
   */
  readonly links?: {
    readonly identities: IdentityLinks;
    readonly translate: TranslateOf<PlatformPromptKey>;
    /** Least share of a room's roll that must match to re-link it (default 0.6). */
    readonly threshold?: number;
  };
}

/** Least share of a bound room's stored roll a room of the same topic must hold to be re-linked to it. */
const DEFAULT_RELINK_THRESHOLD = 0.6;

function validPacing(limits: PacingLimits): PacingLimits {
  for (const [key, value] of Object.entries(limits)) {
    if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
      throw new Error(`WeChat pacing.${key} must be a number of at least 0, got ${String(value)}`);
    }
  }
  return limits;
}

function validRateLimits(overrides: Partial<RateLimits> | undefined): RateLimits {
  const merged = { ...DEFAULT_WECHAT_RATE_LIMITS, ...overrides };
  for (const [key, value] of Object.entries(merged)) {
    if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0) {
      throw new Error(`WeChat rateLimits.${key} must be a positive number, got ${String(value)}`);
    }
  }
  return merged;
}

function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** Session file of Wechaty's memory card for a session name. */
export function sessionFile(sessionPath: string): string {
  return `${sessionPath}.memory-card.json`;
}

/** The WeChat platform behind the `Adapter` interface, on Wechaty. */
/** How long after sending a file a person's command still carries it (WeChat files have no caption). */
const FILE_FOLLOW_UP_MS = 10 * 60_000;
/** Files remembered at most (one per person and chat). */
const RECENT_FILES_MAX = 1000;

export class WechatAdapter implements Adapter {
  readonly platform = 'wechat' as const;
  readonly capabilities: Capabilities;

  private readonly logger: Logger;
  private readonly sessionPath: string;
  private bot: Wechaty | undefined;
  private sink: IncomingSink | undefined;
  private online = false;
  private stopping = false;
  private selfName: string | undefined;
  private readonly clock: Clock;
  private readonly pacer: Pacer;
  private readonly relinker: Relinker | undefined;
  /** Settles once the current login's re-identification is done; messages wait for it. */
  private ready: Promise<void> = Promise.resolve();
  /** Caps already reported today (`day:chat`), so the admins hear of each once. */
  private readonly capsReported = new Set<string>();
  /** The tail of each chat's handling chain: messages of one chat are handled in arrival order. */
  private readonly chains = new Map<string, Promise<void>>();
  /** Remarks being set once their messages are processed (in the background: the chat's next message does not wait). */
  private readonly tagging = new Set<Promise<void>>();
  /**
   * The last text document (a .csv) each person sent in each chat, for FILE_FOLLOW_UP_MS: WeChat
   * files carry no caption, so a command sent right after the file carries it instead (as a
   * Telegram caption would). Key: chat id + user id. Downloaded only when such a command comes.
   */
  private readonly recentFiles = new Map<string, { readonly msg: Message; readonly attachment: Attachment; readonly at: number }>();

  /** Validates the options; connects nothing until `start`. */
  constructor(private readonly options: WechatAdapterOptions) {
    if (typeof options.dataDir !== 'string' || options.dataDir.trim() === '') {
      throw new Error('WechatAdapter needs a dataDir for the login session');
    }
    if (typeof options.puppet === 'string' && options.puppet.trim() === '') {
      throw new Error('WechatAdapter needs a puppet (WECHATY_PUPPET), got an empty name');
    }
    this.logger = options.logger.child({ adapter: 'wechat' });
    this.sessionPath = path.resolve(options.dataDir, WECHAT_SESSION_NAME);
    this.clock = options.clock ?? systemClock;
    this.pacer = new Pacer(validPacing(options.pacing ?? DEFAULT_PACING), options.random);
    this.relinker = options.links
      ? new Relinker({
          identities: options.links.identities,
          translate: options.links.translate,
          logger: this.logger,
          dataDir: options.dataDir,
          threshold: options.links.threshold ?? DEFAULT_RELINK_THRESHOLD,
          sayPrivately: (contactId, text) => this.sayPrivately(contactId, text),
        })
      : undefined;
    this.capabilities = {
      ...TEXT_ONLY_CAPABILITIES,
      maxTextLength: WECHAT_MAX_TEXT_LENGTH,
      images: true,
      files: true,
      privateMessages: true,
      rateLimits: validRateLimits(options.rateLimits),
      mentions: 'native',
      downloads: true,
    };
  }

  /**
   * Fetches a photo or file by the message id it arrived with (the puppet keeps the message): the
   * FileBox's size is checked before reading when the puppet knows it, and the stream is read no
   * further than `maxBytes`.
   */
  async download(ref: string, maxBytes: number): Promise<Downloaded> {
    const msg = await this.bot?.Message.find({ id: ref });
    if (!msg) throw new Error('WeChat message not found (the puppet no longer has it)');
    const box = await msg.toFileBox();
    if (box.size > maxBytes) throw new DownloadTooBigError(box.size);
    const bytes = await readAtMost(await box.toStream(), maxBytes);
    return box.name ? { bytes, name: box.name } : { bytes };
  }

  /**
   * Builds Wechaty with the puppet and starts it. Resolves once the puppet runs, not once logged
   * in: the QR code is drawn and the login URL logged on `scan`, and `isOnline()` turns true on
   * `login`. Fatal-error listeners the puppet installs meanwhile are removed (see process-guard).
   */
  async start(sink: IncomingSink): Promise<void> {
    if (this.bot) throw new Error('WechatAdapter is already started');
    await ensurePrivateDir(this.options.dataDir);
    await ensurePrivateFile(sessionFile(this.sessionPath), '{}');
    await this.relinker?.load();
    routeWechatyLog(this.logger);
    this.sink = sink;
    this.stopping = false;

    const guard = new ProcessListenerGuard();
    const { puppet, puppetToken } = this.options;
    const bot =
      typeof puppet === 'string'
        ? WechatyBuilder.build({
            name: this.sessionPath,
            puppet: puppet as PuppetModuleName,
            ...(puppetToken ? { puppetOptions: { token: puppetToken } } : {}),
          })
        : WechatyBuilder.build({ name: this.sessionPath, puppet });
    this.bot = bot;
    this.listen(bot);
    this.logger.info(
      { puppet: typeof puppet === 'string' ? puppet : puppet.constructor.name, session: this.sessionPath },
      'starting WeChat',
    );
    try {
      await bot.start();
    } catch (error) {
      // Wechaty reports a failing puppet through `error`; a throw means it never got going
      // (e.g. the puppet package is not installed), so there is nothing to stop.
      this.bot = undefined;
      this.sink = undefined;
      const name = typeof puppet === 'string' ? puppet : puppet.constructor.name;
      throw new Error(`WeChat puppet "${name}" could not be started: ${errorText(error)}`, { cause: error });
    } finally {
      for (const removed of guard.sweep()) {
        this.logger.warn(removed, 'removed a process-wide %s listener installed by the WeChat puppet', removed.event);
      }
    }
  }

  /** Stops Wechaty and waits for the messages being handled; leaves no timer or handle behind. */
  async stop(): Promise<void> {
    const bot = this.bot;
    if (!bot) return;
    this.stopping = true;
    this.online = false;
    try {
      await bot.stop();
    } catch (error) {
      this.logger.error({ err: error }, 'WeChat did not stop cleanly');
    }
    await Promise.allSettled([...this.chains.values()]);
    await this.settled();
    this.bot = undefined;
    this.sink = undefined;
    this.logger.info('WeChat stopped');
  }

  /** True while the account is logged in and the adapter runs. */
  isOnline(): boolean {
    return this.online && !this.stopping && this.loggedIn(this.bot);
  }

  /**
   * Sends to a room (group) or contact (private chat) found by id. Text goes as text; an image or
   * file goes as its caption (when there is one) followed by the attachment, so a retry after a
   * failed attachment may repeat the caption but never the picture. Polls and quizzes, which reach
   * a platform without native ones only by mistake, are sent as their fallback text.
   */
  async send(chat: ChatRef, message: OutgoingMessage, _nativeRef?: SendResult): Promise<SendResult> {
    if (chat.platform !== 'wechat') {
      throw new DeliveryError('permanent', `the WeChat adapter cannot send to a ${chat.platform} chat`);
    }
    if (message.kind === 'stop_poll') return {};
    const parts = this.render(message);
    const bot = this.bot;
    if (!bot || !this.isOnline()) throw new DeliveryError('offline', 'WeChat is logged out');

    await this.pace(chat);
    const target = await this.findTarget(bot, chat);
    let messageId: string | undefined;
    for (const part of parts) {
      let sent: Message | void;
      try {
        sent = await target.say(part);
      } catch (error) {
        if (!this.loggedIn(bot)) throw new DeliveryError('offline', `WeChat logged out while sending: ${this.scrub(errorText(error))}`);
        throw new DeliveryError('transient', `WeChat send failed: ${this.scrub(errorText(error))}`);
      }
      this.pacer.record(chat.chatId, chat.kind === 'group', this.clock.now().getTime());
      if (sent && messageId === undefined) messageId = sent.id;
    }
    return messageId === undefined ? {} : { messageId };
  }

  /**
   * Throws `rate_limited` (with the wait) while the room's gap runs or a daily cap is reached; the
   * first message held back by a cap each day is reported to the admins.
   */
  private async pace(chat: ChatRef): Promise<void> {
    const now = this.clock.now().getTime();
    const decision = this.pacer.check(chat.chatId, chat.kind === 'group', now);
    if (decision.ok) return;
    if (decision.cap) await this.reportCap(chat, decision.cap, now);
    const why = decision.cap ? `the ${decision.cap}'s daily cap is reached` : 'the room gap runs';
    throw new DeliveryError('rate_limited', `WeChat pacing: ${why}`, decision.waitMs);
  }

  private async reportCap(chat: ChatRef, cap: 'room' | 'account', now: number): Promise<void> {
    const key = `${dayOf(now).day}:${cap === 'room' ? chat.chatId : '*'}`;
    if (this.capsReported.has(key)) return;
    this.capsReported.add(key);
    const limits = this.pacer.limits;
    this.logger.warn({ chatId: chat.chatId, cap, counts: this.pacer.counts(chat.chatId) }, 'WeChat daily cap reached; messages are held until tomorrow');
    const t = this.options.links?.translate;
    if (!t) return;
    const text = cap === 'room' ? t('wechat.admins.capped', { title: chat.title ?? chat.chatId, cap: limits.roomDailyCap }) : t('wechat.admins.accountCapped', { cap: limits.accountDailyCap });
    try {
      await this.options.links!.identities.notifyAdmins(text, `wechat-cap:${key}`);
    } catch (err) {
      this.logger.error({ err }, 'could not tell the admins about a WeChat cap');
    }
  }

  /** A private text sent now, outside the outbox (the relinker's asks), counted by the pacer. */
  private async sayPrivately(contactId: string, text: string): Promise<void> {
    const bot = this.bot;
    if (!bot) return;
    const contact = await bot.Contact.find({ id: contactId });
    if (!contact) throw new Error(`WeChat contact ${contactId} not found`);
    await contact.say(text);
    this.pacer.record(contactId, false, this.clock.now().getTime());
  }

  /** `text` without the puppet-service token (errors of a gateway may quote it). */
  private scrub(text: string): string {
    const token = this.options.puppetToken;
    return token && token.length >= 4 ? text.split(token).join('***') : text;
  }

  /** What to `say`, in order, for one outgoing message. */
  private render(message: Exclude<OutgoingMessage, { kind: 'stop_poll' }>): (string | FileBox)[] {
    const nonEmpty = (text: string): string => {
      if (text.trim() === '') throw new DeliveryError('permanent', 'refusing to send an empty WeChat message');
      return text;
    };
    switch (message.kind) {
      case 'text':
        return [nonEmpty(message.text)];
      case 'poll':
      case 'quiz':
        return [nonEmpty(message.fallbackText)];
      case 'image':
        return [
          ...(message.caption.trim() ? [message.caption] : []),
          this.fileBox(message.pngBase64, 'image.png'),
        ];
      case 'file':
        return [
          ...(message.caption.trim() ? [message.caption] : []),
          this.fileBox(message.contentBase64, message.fileName),
        ];
    }
  }

  private fileBox(base64: string, name: string): FileBox {
    if (base64.trim() === '') throw new DeliveryError('permanent', `refusing to send an empty attachment ${name}`);
    return FileBox.fromBase64(base64, name);
  }

  /** The room or contact of `chat`, or a `DeliveryError` saying whether trying again can help. */
  private async findTarget(bot: Wechaty, chat: ChatRef): Promise<Room | Contact> {
    const isRoom = chat.kind === 'group';
    try {
      if (isRoom) await bot.puppet.roomPayload(chat.chatId);
      else await bot.puppet.contactPayload(chat.chatId);
    } catch (error) {
      throw await this.explainMissing(bot, chat, error);
    }
    const target = isRoom ? await bot.Room.find({ id: chat.chatId }) : await bot.Contact.find({ id: chat.chatId });
    if (!target) throw new DeliveryError('transient', `WeChat could not load ${chat.kind} chat ${chat.chatId}`);
    return target;
  }

  /**
   * A lookup failed: `permanent` when the account's own room/contact list (fetched fine) lacks the
   * id (the bot left the group, the contact deleted it), `offline` when logged out meanwhile,
   * otherwise `transient` (the puppet or its gateway failed).
   */
  private async explainMissing(bot: Wechaty, chat: ChatRef, error: unknown): Promise<DeliveryError> {
    if (!this.loggedIn(bot)) return new DeliveryError('offline', 'WeChat is logged out');
    let ids: string[];
    try {
      ids = chat.kind === 'group' ? await bot.puppet.roomList() : await bot.puppet.contactList();
    } catch (listError) {
      return new DeliveryError('transient', `WeChat lookup failed: ${errorText(listError)}`);
    }
    if (ids.includes(chat.chatId)) {
      return new DeliveryError('transient', `WeChat could not load ${chat.kind} chat ${chat.chatId}: ${errorText(error)}`);
    }
    return new DeliveryError('permanent', `WeChat ${chat.kind === 'group' ? 'room' : 'contact'} ${chat.chatId} not found`);
  }

  private loggedIn(bot: Wechaty | undefined): boolean {
    if (!bot) return false;
    try {
      return bot.isLoggedIn;
    } catch {
      return false;
    }
  }

  /** Whether a message is held back because its sender may be a member waiting to be re-linked. */
  private async heldForRelink(incoming: Incoming): Promise<boolean> {
    if (!this.relinker || !this.bot) return false;
    const bot = this.bot;
    const text = incoming.content.type === 'text' ? incoming.content.text : '';
    const names = async () => {
      const contact = await bot.Contact.find({ id: incoming.actor.userId });
      return [incoming.actor.displayName, ...(contact ? [contact.name()] : [])];
    };
    return this.relinker.intercept(bot.puppet, incoming.actor.userId, names, text);
  }

  /** Wires Wechaty's events; every listener is synchronous or catches everything it starts. */
  private listen(bot: Wechaty): void {
    const print = this.options.printQr ?? ((drawing: string) => process.stdout.write(`${drawing}\n`));
    bot.on('scan', (qrcode, status) => {
      try {
        if (status === ScanStatus.Waiting || status === ScanStatus.Timeout) {
          this.logger.info({ url: qrcodeValueToImageUrl(qrcode) }, 'scan the QR code with WeChat to log in');
          qrcodeTerminal.generate(qrcode, { small: true }, print);
        } else {
          this.logger.info({ status: ScanStatus[status] ?? status }, 'WeChat login scan status');
        }
      } catch (error) {
        this.logger.error({ err: error }, 'could not show the WeChat login QR code');
      }
    });
    bot.on('login', (user) => {
      try {
        this.selfName = user.name();
      } catch {
        this.selfName = undefined;
      }
      this.ready = this.afterLogin(bot, user.id);
    });
    bot.on('logout', (user, reason) => {
      const wasOnline = this.online;
      this.online = false;
      const log = this.stopping ? this.logger.info.bind(this.logger) : this.logger.warn.bind(this.logger);
      log({ userId: user.id, reason }, 'WeChat logged out; WeChat messages are held until the next login');
      if (wasOnline && !this.stopping) {
        this.relinker?.reportOffline(String(reason ?? ''), this.clock.now()).catch((err: unknown) => this.logger.error({ err }, 'could not tell the admins WeChat went offline'));
      }
    });
    bot.on('error', (error) => {
      this.logger.error({ err: new Error(this.scrub(errorText(error))) }, 'WeChat error');
    });
    bot.on('room-topic', (room, newTopic, oldTopic) => {
      this.logger.info({ chatId: room.id, newTopic, oldTopic }, 'WeChat group renamed');
    });
    bot.on('message', (msg) => this.enqueue(msg));
  }

  /** Queues a message behind earlier ones of the same chat; never throws. */
  private enqueue(msg: Message): void {
    if (this.stopping) return;
    try {
      const key = msg.room()?.id ?? msg.talker().id;
      const previous = this.chains.get(key) ?? Promise.resolve();
      const next = previous.then(() => this.handle(msg));
      this.chains.set(key, next);
      void next.then(() => {
        if (this.chains.get(key) === next) this.chains.delete(key);
      });
    } catch (error) {
      this.logger.error({ err: error, messageId: msg.id }, 'could not queue a WeChat message');
    }
  }

  /**
   * Remembers a text document a person sends; gives a command the same person sends in the same
   * chat within FILE_FOLLOW_UP_MS that document, read (see src/bot/text-attachments.ts).
   */
  private async withRecentFile(incoming: Incoming, msg: Message): Promise<Incoming> {
    const content = incoming.content;
    if (content.type !== 'text') return incoming;
    const key = `${incoming.chat.chatId}\0${incoming.actor.userId}`;
    const now = Date.now();
    const file = content.attachments?.find((a) => a.kind === 'file' && isTextDocument(a.name));
    if (file) {
      this.recentFiles.delete(key);
      this.recentFiles.set(key, { msg, attachment: file, at: now });
      // Bounded: the oldest entries go first (a Map iterates in insertion order).
      for (const k of this.recentFiles.keys()) {
        if (this.recentFiles.size <= RECENT_FILES_MAX) break;
        this.recentFiles.delete(k);
      }
      return incoming;
    }
    const recent = this.recentFiles.get(key);
    const isCommand = /^[/#＃]/.test(content.text.trim()) || content.mentionsBot;
    if (!recent || !isCommand || content.attachments?.length) return incoming;
    if (now - recent.at > FILE_FOLLOW_UP_MS) {
      this.recentFiles.delete(key);
      return incoming;
    }
    // The FileBox's size (when the puppet knows it) is checked before any byte is read, and the
    // stream is read no further than the limit: a 64 MB file never lands in memory.
    const box = await recent.msg.toFileBox().catch(() => null);
    const attachment = await withText(
      recent.attachment,
      box && box.size > 0 ? { size: box.size } : {},
      async () => readAtMost(await (box ?? (await recent.msg.toFileBox())).toStream(), TEXT_ATTACHMENT_MAX_BYTES),
      (err) => this.logger.warn({ err, messageId: recent.msg.id }, 'WeChat file not read; the feature is told it is unreadable'),
    );
    return { ...incoming, content: { ...content, attachments: [attachment] } };
  }

  /**
   * Re-identifies people and rooms (when links are given) before the account counts as online:
   * until then the outbox holds messages for ids that are about to move, and incoming messages wait.
   */
  private async afterLogin(bot: Wechaty, selfId: string): Promise<void> {
    try {
      const moved = await this.relinker?.afterLogin(bot.puppet, selfId, this.clock.now());
      for (const [oldId, newId] of moved ?? []) this.pacer.rename(oldId, newId);
    } catch (error) {
      this.logger.error({ err: error }, 'finding WeChat people and groups again after the login failed');
    }
    if (!this.loggedIn(bot) || this.bot !== bot) return;
    this.online = true;
    this.logger.info({ userId: selfId, name: this.selfName }, 'WeChat logged in');
  }

  /** Normalises and hands one message to the sink; logs, never rethrows, whatever fails. */
  private async handle(msg: Message): Promise<void> {
    try {
      await this.ready;
      const sink = this.sink;
      if (!sink) return;
      const names = [...(this.options.botNames ?? []), ...(this.selfName ? [this.selfName] : [])];
      const incoming = await toIncoming(msg, { botNames: names });
      if (!incoming) return;
      if (await this.heldForRelink(incoming)) return;
      const taken = await sink(await this.withRecentFile(incoming, msg));
      if (this.relinker) this.tagWhenProcessed(taken?.processed, incoming.actor.userId);
    } catch (error) {
      this.logger.error({ err: error, messageId: msg.id }, 'handling a WeChat message failed');
    }
  }

  /**
   * Sets the sender's remark tag once their message is processed (the remark names their member
   * id, known only then), in the background: the chat's next message is handed over once this one
   * is recorded, not processed. `settled` and `stop` wait for it; never throws.
   */
  private tagWhenProcessed(processed: Promise<void> | undefined, userId: string): void {
    const tag = (async () => {
      await processed;
      if (this.bot) await this.relinker?.tag(this.bot.puppet, userId);
    })().catch((error: unknown) => this.logger.debug({ err: error, userId }, 'could not tag a WeChat contact'));
    this.tagging.add(tag);
    void tag.then(() => this.tagging.delete(tag));
  }

  /** Resolves once the remarks of the messages handed over so far are set (see `Adapter.settled`). */
  async settled(): Promise<void> {
    while (this.tagging.size) await Promise.allSettled([...this.tagging]);
  }
}
