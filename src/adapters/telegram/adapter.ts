/**
 * The Telegram adapter (telegraf 4.16). Inbound: long polling (default) or a webhook, each update
 * mapped to `Incoming` and awaited through the sink before Telegram is told it was received.
 * Outbound: one `OutgoingMessage` → one Bot API call, failures mapped to `DeliveryError` for the
 * outbox (which owns rate limits, splitting, retries and order).
 *
 * Why its own polling loop instead of `bot.launch()`: telegraf's loop advances the offset when a
 * batch ARRIVES, so an update whose handler fails is confirmed by the next getUpdates and lost.
 * Here the offset moves past an update only after the sink resolved for it; if the sink throws (the
 * inbox could not record it), the loop backs off and asks again from that update, so Telegram
 * redelivers it and the updates after it. Updates of one batch are handled one after another, in
 * order. Each update still runs through telegraf's middleware (`bot.handleUpdate`), and `bot.catch`
 * logs every failure with its update id and chat; nothing stops the loop except `stop()`.
 */
import { Agent as HttpAgent, type IncomingMessage, type ServerResponse } from 'node:http';
import { Agent as HttpsAgent } from 'node:https';
import { timingSafeEqual } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { Telegraf, TelegramError, type Telegram } from 'telegraf';
import type { Logger } from 'pino';
import { DeliveryError, DownloadTooBigError, readAtMost, type Adapter, type Capabilities, type Downloaded, type IncomingSink, type RateLimits, type SendResult } from '../../bot/adapter.ts';
import type { Button, ChatRef, Incoming, OutgoingMessage } from '../../bot/types.ts';
import { systemClock, type Clock } from '../../clock.ts';
import { errorInfo, redactToken, toDeliveryError } from './errors.ts';
import { ALLOWED_UPDATES, mapUpdate, type TgMessage, type TgUpdate } from './inbound.ts';
import { withText } from '../../bot/text-attachments.ts';
import type { HttpRoutes } from '../../bot/platform.ts';

/** How long downloading a document sent to the bot may take. */
const DOCUMENT_DOWNLOAD_TIMEOUT_MS = 20_000;

/** Telegram's documented broadcast limits (Bot FAQ): ~30 messages/s overall, ~1/s per chat, 20/min per group. */
export const TELEGRAM_DEFAULT_RATE_LIMITS: RateLimits = { globalPerSecond: 30, perChatIntervalMs: 1000, perGroupPerMinute: 20 };

/** Bot API limits the adapter checks before calling (a native poll that does not fit is sent as text). */
export const TELEGRAM_LIMITS = {
  textLength: 4096,
  captionLength: 1024,
  callbackDataBytes: 64,
  pollQuestionLength: 300,
  pollOptionLength: 100,
  pollMinOptions: 2,
  pollMaxOptions: 10,
  quizExplanationLength: 200,
  openPeriodMin: 5,
  openPeriodMax: 600,
} as const;

/** Webhook mode: Telegram POSTs updates to `url`; the adapter serves its path on the bot's shared HTTP server. */
export interface TelegramWebhookOptions {
  /** The public HTTPS URL registered with setWebhook; its path is the path served locally. */
  readonly url: string;
  /** Required: Telegram sends it in `X-Telegram-Bot-Api-Secret-Token`; requests without it get 403. 1-256 of A-Z a-z 0-9 _ -. */
  readonly secret: string;
  /** The bot's shared HTTP server (`PORT`), where the webhook's path is registered when the adapter is built. */
  readonly http: HttpRoutes;
}

/** One entry of the command menu: the ASCII command name (no slash) and its one-line description. */
export interface TelegramCommand {
  readonly name: string;
  readonly description: string;
}

/** Everything the Telegram adapter needs. */
export interface TelegramAdapterOptions {
  /** The bot token (`123456:ABC…`); never logged. */
  readonly token: string;
  /** Bot API root, default https://api.telegram.org (tests: the fake server on 127.0.0.1). */
  readonly apiRoot?: string;
  /** Webhook mode instead of long polling. */
  readonly webhook?: TelegramWebhookOptions;
  /** The bot's username until getMe has answered. */
  readonly botUsernameHint?: string;
  /** Overrides of `TELEGRAM_DEFAULT_RATE_LIMITS` (the outbox enforces them). */
  readonly rateLimits?: Partial<RateLimits>;
  readonly logger: Logger;
  /** The bot's language (`zh-CN`, `en`); the command menu is registered in it for all users. */
  readonly locale: string;
  /**
   * Commands for the menu (setMyCommands), already in the locale's language; a function is read at
   * `start()` (the app's command registry exists only after the adapters are built).
   */
  readonly commands: readonly TelegramCommand[] | (() => readonly TelegramCommand[]);
  /** "Now" for events that carry no date. Default the system clock. */
  readonly clock?: Clock;
  /** Long-poll timeout in seconds for getUpdates (default 50). */
  readonly pollTimeoutSeconds?: number;
  /** Backoff after a failed getUpdates or a failed sink: first and longest delay in ms (default 1000 and 30000). */
  readonly retryDelayMs?: { readonly initial: number; readonly max: number };
  /** A send with no answer after this many ms is abandoned as `transient` (default 30000). */
  readonly sendTimeoutMs?: number;
}

class SinkFailure extends Error {
  constructor(cause: unknown) {
    super('the sink failed', { cause });
  }
}

/** The AbortSignal type telegraf's callApi declares (the abort-controller shim; Node's own works at run time). */
type ApiSignal = NonNullable<Parameters<Telegram['callApi']>[2]>['signal'];
const apiSignal = (signal: AbortSignal): { signal: ApiSignal } => ({ signal: signal as unknown as ApiSignal });

const COMMAND_NAME = /^[a-z0-9_]{1,32}$/;
const SECRET = /^[A-Za-z0-9_-]{1,256}$/;
const MAX_WEBHOOK_BODY = 1 << 20;

/** Cuts a text to at most `max` UTF-16 units without splitting a surrogate pair, marking the cut with "…". */
function clip(text: string, max: number): string {
  if (text.length <= max) return text;
  let cut = max - 1;
  const code = text.charCodeAt(cut - 1);
  if (code >= 0xd800 && code <= 0xdbff) cut--;
  return `${text.slice(0, cut)}…`;
}

/**
 * The Telegram platform behind the `Adapter` interface. Construct with the token, API root and
 * commands; `start(sink)` connects (getMe, setMyCommands, then polling or the webhook server);
 * `send` is called by the outbox; `stop` releases every socket and timer.
 */
export class TelegramAdapter implements Adapter {
  readonly platform = 'telegram' as const;
  readonly capabilities: Capabilities;

  private readonly bot: Telegraf;
  private readonly log: Logger;
  private readonly token: string;
  private readonly clock: Clock;
  private readonly agent: HttpAgent | HttpsAgent;
  private readonly pollTimeout: number;
  private readonly retry: { initial: number; max: number };
  private readonly sendTimeoutMs: number;
  private readonly failedUpdates = new WeakSet<object>();
  private botId = 0;
  private botUsername: string | undefined;
  private sink: IncomingSink | undefined;
  private abort: AbortController | undefined;
  private loop: Promise<void> | undefined;
  private webhookActive = false;
  private offset = 0;
  private confirmedOffset = 0;
  private running = false;
  private unauthorized = false;

  constructor(private readonly opts: TelegramAdapterOptions) {
    if (!/^\d+:[A-Za-z0-9_-]+$/.test(opts.token)) throw new Error('Telegram: the bot token does not look like 123456:ABC-…');
    if (opts.webhook) {
      if (!opts.webhook.secret) throw new Error('Telegram: TELEGRAM_WEBHOOK_SECRET is required in webhook mode');
      if (!SECRET.test(opts.webhook.secret)) throw new Error('Telegram: TELEGRAM_WEBHOOK_SECRET must be 1-256 characters of A-Z a-z 0-9 _ -');
      if (!URL.canParse(opts.webhook.url)) throw new Error(`Telegram: TELEGRAM_WEBHOOK_URL is not a URL: ${opts.webhook.url}`);
      this.registerWebhook(opts.webhook);
    }
    this.token = opts.token;
    this.log = opts.logger.child({ adapter: 'telegram' });
    this.clock = opts.clock ?? systemClock;
    this.pollTimeout = opts.pollTimeoutSeconds ?? 50;
    this.retry = { initial: opts.retryDelayMs?.initial ?? 1000, max: opts.retryDelayMs?.max ?? 30_000 };
    this.sendTimeoutMs = opts.sendTimeoutMs ?? 30_000;
    this.botUsername = opts.botUsernameHint?.replace(/^@/, '');
    this.capabilities = {
      maxTextLength: TELEGRAM_LIMITS.textLength,
      nativePolls: true,
      nativeQuiz: true,
      buttons: true,
      images: true,
      files: true,
      privateMessages: true,
      rateLimits: { ...TELEGRAM_DEFAULT_RATE_LIMITS, ...opts.rateLimits },
      maxPollOptions: 10,
      maxQuestionLength: 300,
      maxOptionLength: 100,
      maxExplanationLength: 200,
      maxOpenSeconds: 600,
      groupMessages: 'all',
      mentions: 'native',
      metered: false,
      downloads: true,
    };
    const apiRoot = opts.apiRoot ?? 'https://api.telegram.org';
    // Our own keep-alive agent, destroyed in stop(). (telegraf drops a custom agent for http:// roots
    // and uses Node's global agent, whose idle sockets are unref'd and do not hold the process.)
    this.agent = apiRoot.startsWith('http://') ? new HttpAgent({ keepAlive: true }) : new HttpsAgent({ keepAlive: true, keepAliveMsecs: 10_000 });
    this.bot = new Telegraf(opts.token, { telegram: { apiRoot, webhookReply: false, agent: this.agent }, handlerTimeout: Infinity });
    this.bot.use(async (ctx) => this.onUpdate(ctx.update as unknown as TgUpdate));
    this.bot.catch((err, ctx) => this.onHandlerError(err, ctx.update as unknown as TgUpdate));
  }

  /** The bot's @username without `@` (from getMe once started; the hint before). For `/cmd@botname`. */
  get username(): string | undefined {
    return this.botUsername;
  }

  /** True while started and the token is accepted. */
  isOnline(): boolean {
    return this.running && !this.unauthorized;
  }

  /** getMe, setMyCommands, then long polling or the webhook server + setWebhook. Rejects (token redacted) if Telegram refuses. */
  async start(sink: IncomingSink): Promise<void> {
    if (this.running) throw new Error('Telegram adapter already started');
    this.sink = sink;
    let me;
    try {
      me = await this.bot.telegram.getMe();
    } catch (err) {
      throw new Error(`Telegram: getMe failed: ${String(errorInfo(err, this.token).message)}`, { cause: err });
    }
    this.bot.botInfo = me;
    this.botId = me.id;
    this.botUsername = me.username;
    this.unauthorized = false;
    await this.registerCommands();
    this.abort = new AbortController();
    if (this.opts.webhook) {
      await this.startWebhook(this.opts.webhook);
    } else {
      await this.bot.telegram.deleteWebhook({ drop_pending_updates: false });
      this.loop = this.pollLoop(this.abort.signal);
    }
    this.running = true;
    this.log.info({ username: me.username, mode: this.opts.webhook ? 'webhook' : 'polling', canReadAllGroupMessages: me.can_read_all_group_messages }, 'telegram adapter started');
  }

  /** Stops polling (aborting the pending long poll) or the webhook server, and closes every socket. */
  async stop(): Promise<void> {
    this.running = false;
    this.abort?.abort();
    await this.loop;
    this.loop = undefined;
    this.webhookActive = false;
    // Confirm what was handled since the last getUpdates, so a restart does not replay it (best effort).
    if (this.offset > this.confirmedOffset) {
      const ac = new AbortController();
      const timer = setTimeout(() => ac.abort(), 2000);
      await this.bot.telegram
        .callApi('getUpdates', { offset: this.offset, limit: 1, timeout: 0, allowed_updates: [...ALLOWED_UPDATES] }, apiSignal(ac.signal))
        .then(() => (this.confirmedOffset = this.offset))
        .catch(() => undefined)
        .finally(() => clearTimeout(timer));
    }
    this.agent.destroy();
  }

  // ------------------------------------------------------------------ inbound

  private async registerCommands(): Promise<void> {
    const seen = new Set<string>();
    const commands: { command: string; description: string }[] = [];
    const wanted = typeof this.opts.commands === 'function' ? this.opts.commands() : this.opts.commands;
    for (const c of wanted) {
      const name = c.name.toLowerCase();
      if (!COMMAND_NAME.test(name) || seen.has(name)) {
        this.log.warn({ command: c.name }, 'command name not allowed by Telegram (a-z 0-9 _, up to 32): left out of the menu');
        continue;
      }
      seen.add(name);
      commands.push({ command: name, description: clip(c.description.trim() || name, 256) });
    }
    try {
      await this.bot.telegram.setMyCommands(commands.slice(0, 100));
      this.log.info({ count: commands.length, locale: this.opts.locale }, 'telegram command menu registered');
    } catch (err) {
      this.log.warn({ err: errorInfo(err, this.token) }, 'setMyCommands failed; the command menu is not updated');
    }
  }

  /** Runs one update through telegraf's middleware; false when the sink failed (the update must not be confirmed). */
  private async process(update: TgUpdate): Promise<boolean> {
    await this.bot.handleUpdate(update as never);
    return !this.failedUpdates.has(update);
  }

  private async onUpdate(update: TgUpdate): Promise<void> {
    const result = mapUpdate(update, { botId: this.botId, botUsername: this.botUsername ?? '', now: () => this.clock.now() });
    if (result.kind === 'skip') {
      this.log.debug({ updateId: update.update_id, reason: result.reason }, 'telegram update skipped');
    } else {
      const incoming = await this.withDocumentText(result.incoming, update.message?.document, update.update_id);
      try {
        await this.sink!(incoming);
      } catch (err) {
        throw new SinkFailure(err);
      }
    }
    // Stop the spinner on the pressed button only once the press is safely recorded.
    const query = update.callback_query;
    if (query) {
      await this.bot.telegram.answerCbQuery(query.id).catch((err: unknown) => {
        this.log.warn({ updateId: update.update_id, err: errorInfo(err, this.token) }, 'answerCallbackQuery failed');
      });
    }
  }

  /**
   * Reads a small text document sent with a message (a question bank as .csv) into its
   * attachment before the event is recorded; see src/bot/text-attachments.ts. The download URL
   * holds the token, so only the redacted error is logged.
   */
  private async withDocumentText(incoming: Incoming, document: TgMessage['document'], updateId: number): Promise<Incoming> {
    const content = incoming.content;
    if (!document || content.type !== 'text' || !content.attachments?.length) return incoming;
    // Only a file with a caption addressed to the bot (a command, a mention, or any caption in a
    // private chat) is fetched: not every spreadsheet members share.
    const caption = content.text.trim();
    const addressed = caption !== '' && (/^[/#＃]/.test(caption) || content.mentionsBot || incoming.chat.kind === 'private');
    if (!addressed) return incoming;
    const attachments = await Promise.all(
      content.attachments.map((a) =>
        a.ref !== document.file_id
          ? a
          : withText(
              a,
              { ...(document.file_size !== undefined ? { size: document.file_size } : {}), ...(document.mime_type ? { mimeType: document.mime_type } : {}) },
              async () => {
                const url = await this.bot.telegram.getFileLink(document.file_id);
                const res = await fetch(url, { signal: AbortSignal.timeout(DOCUMENT_DOWNLOAD_TIMEOUT_MS) });
                if (!res.ok) throw new Error(`file download answered HTTP ${res.status}`);
                return new Uint8Array(await res.arrayBuffer());
              },
              (err) => this.log.warn({ updateId, err: errorInfo(err, this.token) }, 'telegram document not downloaded; the feature is told it is unreadable'),
            ),
      ),
    );
    return { ...incoming, content: { ...content, attachments } };
  }

  /**
   * Fetches a photo or file by its file_id: getFile first (its file_size is checked against
   * `maxBytes` before anything is read; bots may fetch up to 20 MB), then the file URL, read no
   * further than `maxBytes`. The URL holds the token: errors carry only the redacted message.
   */
  async download(ref: string, maxBytes: number): Promise<Downloaded> {
    const file = await this.bot.telegram.getFile(ref);
    if (file.file_size !== undefined && file.file_size > maxBytes) throw new DownloadTooBigError(file.file_size);
    const url = await this.bot.telegram.getFileLink(file);
    const res = await fetch(url, { signal: AbortSignal.timeout(DOCUMENT_DOWNLOAD_TIMEOUT_MS) });
    if (!res.ok) throw new Error(`file download answered HTTP ${res.status}`);
    const length = Number(res.headers.get('content-length') ?? NaN);
    if (length > maxBytes) {
      await res.body?.cancel();
      throw new DownloadTooBigError(length);
    }
    const bytes = await readAtMost(res.body, maxBytes);
    const name = file.file_path?.split('/').pop();
    return name ? { bytes, name } : { bytes };
  }

  private onHandlerError(err: unknown, update: TgUpdate): void {
    const chat = update.message?.chat.id ?? update.callback_query?.message?.chat.id ?? update.poll_answer?.user?.id;
    const context = { updateId: update.update_id, chatId: chat === undefined ? undefined : String(chat), updateType: Object.keys(update).find((k) => k !== 'update_id') };
    if (err instanceof SinkFailure) {
      this.failedUpdates.add(update);
      this.log.error({ ...context, err: errorInfo(err.cause, this.token) }, 'the inbox did not take the update; it stays unconfirmed and will be redelivered');
    } else {
      this.log.error({ ...context, err: errorInfo(err, this.token) }, 'telegram update handling failed');
    }
  }

  private async pollLoop(signal: AbortSignal): Promise<void> {
    let fetchDelay = this.retry.initial;
    let sinkDelay = this.retry.initial;
    while (!signal.aborted) {
      let updates: TgUpdate[];
      try {
        const offset = this.offset;
        updates = (await this.bot.telegram.callApi(
          'getUpdates',
          { offset, timeout: this.pollTimeout, allowed_updates: [...ALLOWED_UPDATES] },
          apiSignal(signal),
        )) as unknown as TgUpdate[];
        this.confirmedOffset = offset;
        this.unauthorized = false;
        fetchDelay = this.retry.initial;
      } catch (err) {
        if (signal.aborted) return;
        const wait = err instanceof TelegramError && err.code === 429 ? (err.parameters?.retry_after ?? 5) * 1000 : fetchDelay;
        if (err instanceof TelegramError && err.code === 401) this.unauthorized = true;
        fetchDelay = Math.min(fetchDelay * 2, this.retry.max);
        this.log.warn({ err: errorInfo(err, this.token), retryInMs: wait }, 'getUpdates failed; retrying');
        if (!(await this.pause(wait, signal))) return;
        continue;
      }
      let failed = false;
      for (const update of updates) {
        if (signal.aborted) return;
        if (update.update_id < this.offset) continue;
        if (!(await this.process(update))) {
          failed = true;
          break;
        }
        this.offset = update.update_id + 1;
      }
      if (failed) {
        if (!(await this.pause(sinkDelay, signal))) return;
        sinkDelay = Math.min(sinkDelay * 2, this.retry.max);
      } else if (updates.length) {
        sinkDelay = this.retry.initial;
      }
    }
  }

  /** Waits `ms` unless stopped first; false when stopped. */
  private async pause(ms: number, signal: AbortSignal): Promise<boolean> {
    try {
      await sleep(ms, undefined, { signal });
      return true;
    } catch {
      return false;
    }
  }

  private async startWebhook(hook: TelegramWebhookOptions): Promise<void> {
    this.webhookActive = true;
    try {
      // snake_case `secret_token`: a camelCase key would be dropped and the check silently off.
      await this.bot.telegram.setWebhook(hook.url, { secret_token: hook.secret, allowed_updates: [...ALLOWED_UPDATES], drop_pending_updates: false });
    } catch (err) {
      this.webhookActive = false;
      throw new Error(`Telegram: setWebhook failed: ${String(errorInfo(err, this.token).message)}`, { cause: err });
    }
  }

  /** Registers the webhook's path on the shared server; requests before start (or after stop) get 503, so Telegram retries them. */
  private registerWebhook(hook: TelegramWebhookOptions): void {
    const expected = Buffer.from(hook.secret);
    hook.http.route('POST', new URL(hook.url).pathname || '/', (req, res) => this.onWebhookRequest(req, res, expected));
  }

  private async onWebhookRequest(req: IncomingMessage, res: ServerResponse, secret: Buffer): Promise<void> {
    const answer = (status: number): void => {
      res.statusCode = status;
      res.end();
    };
    if (!this.webhookActive) {
      req.resume();
      return answer(503);
    }
    const given = req.headers['x-telegram-bot-api-secret-token'];
    const givenBuf = Buffer.from(typeof given === 'string' ? given : '');
    if (givenBuf.length !== secret.length || !timingSafeEqual(givenBuf, secret)) {
      this.log.warn({ remote: req.socket.remoteAddress }, 'webhook request with a wrong or missing secret token refused');
      req.resume();
      return answer(403);
    }
    let update: TgUpdate;
    try {
      const chunks: Buffer[] = [];
      let size = 0;
      for await (const chunk of req) {
        size += (chunk as Buffer).length;
        if (size > MAX_WEBHOOK_BODY) throw new Error('body too large');
        chunks.push(chunk as Buffer);
      }
      update = JSON.parse(Buffer.concat(chunks).toString('utf8')) as TgUpdate;
      if (typeof update?.update_id !== 'number') throw new Error('no update_id');
    } catch (err) {
      this.log.warn({ err: errorInfo(err, this.token) }, 'webhook request body is not an update');
      return answer(400);
    }
    // A non-2xx answer makes Telegram deliver the update again later; the inbox dedupes by update_id.
    answer((await this.process(update)) ? 200 : 500);
  }

  // ------------------------------------------------------------------ outbound

  /**
   * Sends one message: text (+ inline buttons whose `command` is the callback_data), a native poll
   * or quiz (non-anonymous, so votes come back as poll_answer), stop_poll (by `nativeRef.messageId`),
   * a photo or a document. An anonymous poll, or one beyond Telegram's poll limits, is sent as its
   * `fallbackText`. Throws `DeliveryError` (see `toDeliveryError`); a button command over 64 bytes is
   * a `permanent` error before any call.
   */
  async send(chat: ChatRef, message: OutgoingMessage, nativeRef?: SendResult): Promise<SendResult> {
    const method = this.methodFor(message);
    const ac = new AbortController();
    const timer = setTimeout(() => ac.abort(), this.sendTimeoutMs);
    try {
      return await this.sendOnce(chat.chatId, message, nativeRef, ac.signal);
    } catch (err) {
      const mapped = toDeliveryError(err, method, this.token);
      if (mapped.kind === 'offline') this.unauthorized = true;
      throw mapped;
    } finally {
      clearTimeout(timer);
    }
  }

  private methodFor(message: OutgoingMessage): string {
    switch (message.kind) {
      case 'text':
        return 'sendMessage';
      case 'poll':
      case 'quiz':
        return 'sendPoll';
      case 'stop_poll':
        return 'stopPoll';
      case 'image':
        return 'sendPhoto';
      case 'file':
        return 'sendDocument';
    }
  }

  private keyboard(buttons: readonly (readonly Button[])[] | undefined): { inline_keyboard: { text: string; callback_data: string }[][] } | undefined {
    const rows = (buttons ?? []).filter((r) => r.length > 0);
    if (rows.length === 0) return undefined;
    return {
      inline_keyboard: rows.map((row) =>
        row.map((b) => {
          const bytes = Buffer.byteLength(b.command, 'utf8');
          if (bytes < 1 || bytes > TELEGRAM_LIMITS.callbackDataBytes) {
            throw new DeliveryError('permanent', `telegram: button "${b.label}" command is ${bytes} bytes; callback_data must be 1-${TELEGRAM_LIMITS.callbackDataBytes} bytes`);
          }
          if (!b.label.trim()) throw new DeliveryError('permanent', `telegram: button for "${b.command}" has an empty label`);
          return { text: b.label, callback_data: b.command };
        }),
      ),
    };
  }

  private async sendText(chatId: string, text: string, buttons: readonly (readonly Button[])[] | undefined, signal: AbortSignal): Promise<SendResult> {
    const markup = this.keyboard(buttons);
    const msg = await this.bot.telegram.callApi('sendMessage', { chat_id: chatId, text, ...(markup ? { reply_markup: markup } : {}) }, apiSignal(signal));
    return { messageId: String(msg.message_id) };
  }

  private fitsNativePoll(question: string, options: readonly string[]): boolean {
    const L = TELEGRAM_LIMITS;
    return (
      question.length >= 1 &&
      question.length <= L.pollQuestionLength &&
      options.length >= L.pollMinOptions &&
      options.length <= L.pollMaxOptions &&
      options.every((o) => o.length >= 1 && o.length <= L.pollOptionLength)
    );
  }

  private async sendOnce(chatId: string, message: OutgoingMessage, nativeRef: SendResult | undefined, signal: AbortSignal): Promise<SendResult> {
    switch (message.kind) {
      case 'text':
        return this.sendText(chatId, message.text, message.buttons, signal);
      case 'poll': {
        // A bot never sees votes on an anonymous native poll, and a non-anonymous one would expose
        // the voters: an anonymous ballot goes out as text.
        if (message.anonymous || !this.fitsNativePoll(message.question, message.options)) return this.sendText(chatId, message.fallbackText, undefined, signal);
        const msg = await this.bot.telegram.callApi(
          'sendPoll',
          { chat_id: chatId, type: 'regular', question: message.question, options: [...message.options], is_anonymous: false, allows_multiple_answers: message.multiple },
          apiSignal(signal),
        );
        return { messageId: String(msg.message_id), nativePollId: msg.poll.id };
      }
      case 'quiz': {
        if (!Number.isInteger(message.correctIndex) || message.correctIndex < 0 || message.correctIndex >= message.options.length) {
          throw new DeliveryError('permanent', `telegram: quiz correctIndex ${message.correctIndex} is not one of its ${message.options.length} options`);
        }
        if (!this.fitsNativePoll(message.question, message.options)) return this.sendText(chatId, message.fallbackText, undefined, signal);
        const L = TELEGRAM_LIMITS;
        // Telegram closes a quiz after 5-600 s; a longer one stays open until stop_poll closes it.
        const open = Math.max(L.openPeriodMin, Math.round(message.openSeconds));
        const explanation = message.explanation.trim() ? clip(message.explanation, L.quizExplanationLength) : undefined;
        const msg = await this.bot.telegram.callApi(
          'sendPoll',
          {
            chat_id: chatId,
            type: 'quiz',
            question: message.question,
            options: [...message.options],
            correct_option_id: message.correctIndex,
            is_anonymous: false,
            ...(open <= L.openPeriodMax ? { open_period: open } : {}),
            ...(explanation ? { explanation } : {}),
          },
          apiSignal(signal),
        );
        return { messageId: String(msg.message_id), nativePollId: msg.poll.id };
      }
      case 'stop_poll': {
        const messageId = Number(nativeRef?.messageId);
        if (!nativeRef?.messageId || !Number.isSafeInteger(messageId)) return {};
        try {
          await this.bot.telegram.callApi('stopPoll', { chat_id: chatId, message_id: messageId }, apiSignal(signal));
        } catch (err) {
          // Closing twice (or after open_period ran out) is the goal reached.
          if (err instanceof TelegramError && /already been closed/i.test(err.description ?? '')) return { messageId: nativeRef.messageId };
          throw err;
        }
        return { messageId: nativeRef.messageId };
      }
      case 'image': {
        const bytes = Buffer.from(message.pngBase64, 'base64');
        if (bytes.length === 0) throw new DeliveryError('permanent', 'telegram: image is empty');
        const msg = await this.bot.telegram.callApi(
          'sendPhoto',
          { chat_id: chatId, photo: { source: bytes, filename: 'image.png' }, ...(message.caption ? { caption: clip(message.caption, TELEGRAM_LIMITS.captionLength) } : {}) },
          apiSignal(signal),
        );
        return { messageId: String(msg.message_id) };
      }
      case 'file': {
        const bytes = Buffer.from(message.contentBase64, 'base64');
        if (bytes.length === 0) throw new DeliveryError('permanent', `telegram: file ${message.fileName} is empty`);
        const msg = await this.bot.telegram.callApi(
          'sendDocument',
          { chat_id: chatId, document: { source: bytes, filename: message.fileName }, ...(message.caption ? { caption: clip(message.caption, TELEGRAM_LIMITS.captionLength) } : {}) },
          apiSignal(signal),
        );
        return { messageId: String(msg.message_id) };
      }
    }
  }

  /** Redacts the bot token from a text (for callers that log around the adapter). */
  redact(text: string): string {
    return redactToken(text, this.token);
  }
}
