/**
 * A fake Telegram Bot API server on 127.0.0.1 for tests: the real telegraf client talks to it over
 * real HTTP (`apiRoot`). It keeps updates with the real offset / long-poll semantics, validates
 * requests the way the real API does (text length, callback_data bytes, poll options…), records every
 * call in a clock-stamped log, and lets a test inject updates, failures and webhook deliveries.
 * Nothing here sleeps: `waitFor*` helpers resolve on events.
 */
import { EventEmitter } from 'node:events';
import { createServer, request as httpRequest, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Chat, Message, MessageEntity, Update, User } from 'telegraf/types';

/** A person (or another bot) who talks in the fake chats. */
export interface FakeUser {
  readonly id: number;
  readonly first_name: string;
  readonly last_name?: string;
  readonly username?: string;
  readonly is_bot?: boolean;
}

/** A chat the fake knows; sends to unknown chats fail with 400 "chat not found" (unless `unknownChats: 'accept'`). */
export interface FakeChat {
  readonly id: number;
  readonly type: 'private' | 'group' | 'supergroup';
  readonly title?: string;
  readonly first_name?: string;
  readonly last_name?: string;
  readonly username?: string;
}

/** Options of the fake server. */
export interface FakeTelegramOptions {
  /** The bot token the fake accepts (others get 401). */
  readonly token?: string;
  /** The bot itself, as getMe returns it. */
  readonly bot?: { readonly id: number; readonly first_name: string; readonly username: string };
  /** Source of the call log's timestamps (ms). Default `Date.now`; tests pass their fake clock. */
  readonly clock?: () => number;
  /** What to do with sends to a chat the fake has never seen. Default `reject` (400 chat not found). */
  readonly unknownChats?: 'reject' | 'accept';
  /** update_id of the first injected update. Default 1000. */
  readonly firstUpdateId?: number;
}

/** A file uploaded with a multipart call (sendPhoto, sendDocument). */
export interface UploadedFile {
  readonly field: string;
  readonly filename: string;
  readonly bytes: Buffer;
}

/** One API call as the fake saw it. */
export interface CallRecord {
  /** Order of arrival, from 1. */
  readonly seq: number;
  readonly method: string;
  /** `chat_id` of the call as a string, when it has one. */
  readonly chatId?: string;
  /** `clock()` when the call arrived. */
  readonly at: number;
  readonly payload: Record<string, unknown>;
  readonly files: readonly UploadedFile[];
  /** Set once answered: true for `ok: true`. */
  ok?: boolean;
  errorCode?: number;
  description?: string;
  /** The `result` returned on success. */
  result?: unknown;
}

/** A failure to answer instead of the real result, for the next `times` matching calls. */
export interface FailureSpec {
  readonly method: string;
  /** Only calls to this chat (any chat when omitted). */
  readonly chatId?: number | string;
  /** How many matching calls fail (default 1). */
  readonly times?: number;
  readonly code: number;
  readonly description: string;
  /** For 429: `parameters.retry_after` in seconds. */
  readonly retryAfter?: number;
  /** Never answer the call (until the fake stops): a timeout, from the client's point of view. */
  readonly hang?: boolean;
}

/** A native poll the fake holds, as sent by the bot. */
export interface FakePoll {
  readonly id: string;
  readonly chatId: number;
  readonly messageId: number;
  readonly type: 'regular' | 'quiz';
  readonly question: string;
  readonly options: readonly string[];
  readonly isAnonymous: boolean;
  readonly allowsMultiple: boolean;
  readonly correctOptionId?: number;
  readonly openPeriod?: number;
  closed: boolean;
}

/** The webhook the bot registered with setWebhook. */
export interface FakeWebhook {
  readonly url: string;
  readonly secretToken?: string;
  readonly allowedUpdates?: readonly string[];
}

/** The update body without its id (the fake numbers updates itself). */
export type UpdateBody = Record<string, unknown>;

class ApiError extends Error {
  constructor(
    readonly code: number,
    readonly description: string,
    readonly parameters?: Record<string, unknown>,
  ) {
    super(description);
  }
}

const SEND_METHODS = new Set(['sendMessage', 'sendPoll', 'sendPhoto', 'sendDocument']);
const JSON_FORM_FIELDS = ['reply_markup', 'options', 'caption_entities', 'entities', 'allowed_updates', 'commands', 'scope'];
const DEFAULT_TOKEN = '123456789:TEST-fake-token_secretpart';

/** Counts UTF-16 code units, as the Bot API does for text lengths and entity offsets. */
const len = (s: string): number => s.length;

/**
 * Entities Telegram attaches to a text: `bot_command` for `/name` and `/name@bot` tokens and
 * `mention` for `@username`, with UTF-16 offsets.
 */
export function entitiesFor(text: string): MessageEntity[] {
  const out: MessageEntity[] = [];
  const re = /(?<![\w/@])(\/[A-Za-z0-9_]{1,32}(?:@[A-Za-z0-9_]{3,32})?|@[A-Za-z0-9_]{5,32})(?![\w@])/g;
  for (const m of text.matchAll(re)) {
    const token = m[1]!;
    out.push({ type: token.startsWith('/') ? 'bot_command' : 'mention', offset: m.index, length: len(token) });
  }
  return out;
}

/** The largest number of entries that fall inside any window of `windowMs` (inclusive start, exclusive end). */
export function maxInWindow(times: readonly number[], windowMs: number): number {
  const t = [...times].sort((a, b) => a - b);
  let best = 0;
  let lo = 0;
  for (let hi = 0; hi < t.length; hi++) {
    while (t[hi]! - t[lo]! >= windowMs) lo++;
    best = Math.max(best, hi - lo + 1);
  }
  return best;
}

/** The smallest gap between two consecutive entries (Infinity for fewer than two). */
export function minGap(times: readonly number[]): number {
  const t = [...times].sort((a, b) => a - b);
  let best = Infinity;
  for (let i = 1; i < t.length; i++) best = Math.min(best, t[i]! - t[i - 1]!);
  return best;
}

interface Waiter {
  finish(): void;
}

/**
 * The fake Bot API server. `start()` it, give `apiRoot` and `token` to the bot, inject updates with
 * the `inject*` helpers, and assert on `calls` / `sent()`; `stop()` it in afterEach.
 */
export class FakeTelegram {
  readonly token: string;
  readonly bot: { readonly id: number; readonly first_name: string; readonly username: string };
  /** The call log's clock; replaceable at any time. */
  clock: () => number;
  /** Every API call, in order of arrival. */
  readonly calls: CallRecord[] = [];
  /** Native polls sent by the bot, by poll id. */
  readonly polls = new Map<string, FakePoll>();
  /** Commands registered with setMyCommands (the last call wins). */
  commands: { command: string; description: string }[] = [];
  /** The registered webhook, if any. */
  webhook: FakeWebhook | undefined;

  private readonly unknownChats: 'reject' | 'accept';
  private readonly chats = new Map<number, FakeChat>();
  private readonly kicked = new Map<number, string>();
  private pending: Update[] = [];
  private readonly deliveries = new Map<number, number>();
  private confirmedBelow = 0;
  private nextUpdateId: number;
  private readonly messageIds = new Map<number, number>();
  private readonly callbackQueries = new Map<string, { answered: boolean }>();
  /** Files people "uploaded" (addFile): file_id → path and bytes, served by getFile and /file/bot<token>/<path>. */
  private readonly files = new Map<string, { path: string; bytes: Buffer }>();
  private failures: (FailureSpec & { left: number })[] = [];
  private server: Server | undefined;
  private waiter: Waiter | undefined;
  private readonly events = new EventEmitter();
  private nextPollId = 1;
  private nextCallbackId = 1;
  private seq = 0;

  constructor(opts: FakeTelegramOptions = {}) {
    this.token = opts.token ?? DEFAULT_TOKEN;
    this.bot = opts.bot ?? { id: 777000111, first_name: 'Xianfeng', username: 'xianfeng_test_bot' };
    this.clock = opts.clock ?? (() => Date.now());
    this.unknownChats = opts.unknownChats ?? 'reject';
    this.nextUpdateId = opts.firstUpdateId ?? 1000;
    this.events.setMaxListeners(0);
  }

  /** Listens on 127.0.0.1 on a random port. */
  async start(): Promise<void> {
    const server = createServer((req, res) => void this.onRequest(req, res));
    this.server = server;
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, '127.0.0.1', () => resolve());
    });
  }

  /** Ends pending long polls, closes every connection and the listening socket. */
  async stop(): Promise<void> {
    this.waiter?.finish();
    const server = this.server;
    this.server = undefined;
    if (!server) return;
    await new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    });
  }

  /** The port the fake listens on. */
  get port(): number {
    if (!this.server) throw new Error('FakeTelegram is not started');
    return (this.server.address() as AddressInfo).port;
  }

  /** What to give telegraf as `apiRoot`. */
  get apiRoot(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  /** The bot as a Telegram `User`. */
  get botUser(): User {
    return { id: this.bot.id, is_bot: true, first_name: this.bot.first_name, username: this.bot.username };
  }

  // ---------------------------------------------------------------- chats

  /** Makes a chat known (injecting a message into it does this too). */
  addChat(chat: FakeChat): void {
    this.chats.set(chat.id, chat);
  }

  /** From now on every send to this chat fails with 403 (default: the bot was kicked from the group). */
  kickBot(chatId: number, description = 'Forbidden: bot was kicked from the group chat'): void {
    this.kicked.set(chatId, description);
  }

  // ---------------------------------------------------------------- updates

  /** Queues a raw update (without update_id); returns the update_id given to it. */
  injectUpdate(body: UpdateBody): number {
    const update = { update_id: this.nextUpdateId++, ...body } as unknown as Update;
    this.pending.push(update);
    this.changed();
    this.waiter?.finish();
    return update.update_id;
  }

  /** Injects a text message into a group (a `/command` gets its `bot_command` entity); returns it. */
  injectGroupMessage(args: {
    chat: { id: number; title: string; type?: 'group' | 'supergroup' };
    from: FakeUser;
    text?: string;
    caption?: string;
    replyTo?: Message;
    photoFileId?: string;
    document?: { fileId: string; fileName: string; bytes?: Buffer; mimeType?: string };
    date?: number;
  }): { updateId: number; message: Message } {
    const chat: FakeChat = { id: args.chat.id, type: args.chat.type ?? 'supergroup', title: args.chat.title };
    return this.injectMessage(chat, args);
  }

  /** Injects a private (one-to-one) text message from a person to the bot; returns it. */
  injectPrivateMessage(args: {
    from: FakeUser;
    text?: string;
    caption?: string;
    replyTo?: Message;
    photoFileId?: string;
    document?: { fileId: string; fileName: string; bytes?: Buffer; mimeType?: string };
    date?: number;
  }): { updateId: number; message: Message } {
    const f = args.from;
    const chat: FakeChat = { id: f.id, type: 'private', first_name: f.first_name, last_name: f.last_name, username: f.username };
    return this.injectMessage(chat, args);
  }

  private injectMessage(
    chat: FakeChat,
    args: {
      from: FakeUser;
      text?: string;
      caption?: string;
      replyTo?: Message;
      photoFileId?: string;
      document?: { fileId: string; fileName: string; bytes?: Buffer; mimeType?: string };
      date?: number;
    },
  ): { updateId: number; message: Message } {
    this.addChat(chat);
    const message: Record<string, unknown> = {
      message_id: this.nextMessageId(chat.id),
      date: args.date ?? Math.floor(this.clock() / 1000),
      chat: this.chatObject(chat),
      from: { is_bot: false, ...args.from },
    };
    if (args.text !== undefined) {
      message.text = args.text;
      const entities = entitiesFor(args.text);
      if (entities.length) message.entities = entities;
    }
    if (args.caption !== undefined) {
      message.caption = args.caption;
      const entities = entitiesFor(args.caption);
      if (entities.length) message.caption_entities = entities;
    }
    if (args.photoFileId) {
      message.photo = [
        { file_id: `${args.photoFileId}-small`, file_unique_id: `u-${args.photoFileId}-s`, width: 90, height: 90 },
        { file_id: args.photoFileId, file_unique_id: `u-${args.photoFileId}`, width: 1280, height: 960 },
      ];
    }
    if (args.document) {
      const d = args.document;
      if (d.bytes) this.addFile(d.fileId, d.fileName, d.bytes);
      message.document = {
        file_id: d.fileId,
        file_unique_id: `u-${d.fileId}`,
        file_name: d.fileName,
        ...(d.mimeType ? { mime_type: d.mimeType } : {}),
        ...(d.bytes ? { file_size: d.bytes.length } : {}),
      };
    }
    if (args.replyTo) message.reply_to_message = args.replyTo;
    const updateId = this.injectUpdate({ message });
    return { updateId, message: message as unknown as Message };
  }

  /** Makes a file downloadable with getFile and the file URL, as if a person had sent it. */
  addFile(fileId: string, fileName: string, bytes: Buffer): void {
    this.files.set(fileId, { path: `documents/file_${this.files.size + 1}${/\.[A-Za-z0-9]{1,8}$/.exec(fileName)?.[0] ?? ''}`, bytes });
  }

  /** Injects a press on an inline button of a message the bot sent; returns the update id and query id. */
  injectCallbackQuery(args: { message: Message; from: FakeUser; data: string }): { updateId: number; queryId: string } {
    const queryId = `cbq-${this.nextCallbackId++}`;
    this.callbackQueries.set(queryId, { answered: false });
    const updateId = this.injectUpdate({
      callback_query: {
        id: queryId,
        from: { is_bot: false, ...args.from },
        message: args.message,
        chat_instance: `ci-${args.message.chat.id}`,
        data: args.data,
      },
    });
    return { updateId, queryId };
  }

  /** Injects a vote on a native poll (only non-anonymous polls produce these); returns the update id. */
  injectPollAnswer(args: { pollId: string; user: FakeUser; optionIds: readonly number[] }): number {
    return this.injectUpdate({ poll_answer: { poll_id: args.pollId, user: { is_bot: false, ...args.user }, option_ids: [...args.optionIds] } });
  }

  /** True once the bot confirmed the update (a later getUpdates offset, or a 2xx webhook answer). */
  isConfirmed(updateId: number): boolean {
    return updateId < this.confirmedBelow;
  }

  /** How many times the update was handed to the bot (getUpdates results and webhook posts). */
  deliveryCount(updateId: number): number {
    return this.deliveries.get(updateId) ?? 0;
  }

  /** Updates not yet confirmed. */
  pendingUpdates(): readonly Update[] {
    return this.pending;
  }

  // ---------------------------------------------------------------- failures

  /** The next `times` calls of `method` (to `chatId`, if given) fail as described. */
  failNext(spec: FailureSpec): void {
    this.failures.push({ ...spec, left: spec.times ?? 1 });
  }

  // ---------------------------------------------------------------- queries

  /** Successful message sends (sendMessage, sendPoll, sendPhoto, sendDocument), optionally to one chat. */
  sent(chatId?: number | string): CallRecord[] {
    return this.calls.filter((c) => c.ok === true && SEND_METHODS.has(c.method) && (chatId === undefined || c.chatId === String(chatId)));
  }

  /** Calls of one method (answered or not). */
  callsOf(method: string): CallRecord[] {
    return this.calls.filter((c) => c.method === method);
  }

  /** Whether answerCallbackQuery was called for the query. */
  callbackAnswered(queryId: string): boolean {
    return this.callbackQueries.get(queryId)?.answered ?? false;
  }

  // ---------------------------------------------------------------- waiting

  /**
   * Resolves as soon as `predicate()` holds, re-checking after every call, injection and
   * confirmation; rejects after `timeoutMs` (a safety net, not a delay) with `what` in the message.
   */
  waitFor(predicate: () => boolean, what = 'condition', timeoutMs = 10_000): Promise<void> {
    if (predicate()) return Promise.resolve();
    return new Promise<void>((resolve, reject) => {
      const check = (): void => {
        if (!predicate()) return;
        cleanup();
        resolve();
      };
      const timer = setTimeout(() => {
        cleanup();
        reject(new Error(`FakeTelegram: timed out after ${timeoutMs} ms waiting for ${what}`));
      }, timeoutMs);
      const cleanup = (): void => {
        clearTimeout(timer);
        this.events.off('change', check);
      };
      this.events.on('change', check);
    });
  }

  /** Resolves with the first answered call (already made or future) that matches. */
  async waitForCall(match: (c: CallRecord) => boolean, what = 'a matching call', timeoutMs?: number): Promise<CallRecord> {
    let found: CallRecord | undefined;
    await this.waitFor(() => (found = this.calls.find((c) => c.ok !== undefined && match(c))) !== undefined, what, timeoutMs);
    return found!;
  }

  /** Resolves when the update has been confirmed by the bot. */
  waitForConfirmed(updateId: number, timeoutMs?: number): Promise<void> {
    return this.waitFor(() => this.isConfirmed(updateId), `update ${updateId} to be confirmed`, timeoutMs);
  }

  /** Resolves when `n` successful sends have been made in total. */
  waitForSent(n: number, timeoutMs?: number): Promise<void> {
    return this.waitFor(() => this.sent().length >= n, `${n} sent messages`, timeoutMs);
  }

  // ---------------------------------------------------------------- webhook

  /** POSTs an update to a URL as Telegram would, with the secret header when given; returns the status. */
  async postUpdate(url: string, update: Update | UpdateBody, secret?: string): Promise<number> {
    const body = JSON.stringify(update);
    const headers: Record<string, string | number> = { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) };
    if (secret !== undefined) headers['x-telegram-bot-api-secret-token'] = secret;
    return await new Promise<number>((resolve, reject) => {
      const req = httpRequest(url, { method: 'POST', headers, agent: false }, (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
      });
      req.on('error', reject);
      req.end(body);
    });
  }

  /**
   * Delivers every pending update to the registered webhook with its secret, in order, as Telegram
   * does; a 2xx answer confirms the update, anything else leaves it pending. Returns the statuses.
   * `urlOverride` replaces the registered (public) URL with where the bot really listens.
   */
  async deliverPendingToWebhook(urlOverride?: string): Promise<number[]> {
    const hook = this.webhook;
    if (!hook) throw new Error('FakeTelegram: no webhook registered');
    const url = urlOverride ?? hook.url;
    const statuses: number[] = [];
    for (const update of [...this.pending]) {
      this.deliveries.set(update.update_id, this.deliveryCount(update.update_id) + 1);
      const status = await this.postUpdate(url, update, hook.secretToken);
      statuses.push(status);
      if (status >= 200 && status < 300) {
        this.pending = this.pending.filter((u) => u.update_id !== update.update_id);
        this.confirmedBelow = Math.max(this.confirmedBelow, update.update_id + 1);
      }
      this.changed();
    }
    return statuses;
  }

  // ---------------------------------------------------------------- HTTP

  private changed(): void {
    this.events.emit('change');
  }

  private nextMessageId(chatId: number): number {
    const id = (this.messageIds.get(chatId) ?? 0) + 1;
    this.messageIds.set(chatId, id);
    return id;
  }

  private chatObject(chat: FakeChat): Chat {
    if (chat.type === 'private') {
      return { id: chat.id, type: 'private', first_name: chat.first_name ?? 'User', ...(chat.last_name ? { last_name: chat.last_name } : {}), ...(chat.username ? { username: chat.username } : {}) };
    }
    return { id: chat.id, type: chat.type, title: chat.title ?? `chat ${chat.id}` } as Chat;
  }

  private async onRequest(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const reply = (status: number, body: unknown): void => {
      if (res.writableEnded || res.destroyed) return;
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(body));
    };
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const download = /^\/file\/bot([^/]+)\/(.+)$/.exec(url.pathname);
    if (download) {
      this.calls.push({ seq: ++this.seq, method: 'downloadFile', at: this.clock(), payload: { path: download[2]! }, files: [] });
      this.changed();
      const file = download[1] === this.token ? [...this.files.values()].find((f) => f.path === download[2]) : undefined;
      if (!file) return reply(404, { ok: false, error_code: 404, description: 'Not Found' });
      res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': String(file.bytes.length) });
      res.end(file.bytes);
      return;
    }
    const m = /^\/bot([^/]+)\/([A-Za-z]+)$/.exec(url.pathname);
    if (!m) return reply(404, { ok: false, error_code: 404, description: 'Not Found' });
    if (m[1] !== this.token) return reply(401, { ok: false, error_code: 401, description: 'Unauthorized' });
    const method = m[2]!;
    let payload: Record<string, unknown>;
    let files: UploadedFile[];
    try {
      const raw = await readBody(req);
      ({ payload, files } = parseBody(req.headers['content-type'] ?? '', raw, url.searchParams));
    } catch {
      return reply(400, { ok: false, error_code: 400, description: 'Bad Request: invalid request body' });
    }
    const record: CallRecord = {
      seq: ++this.seq,
      method,
      at: this.clock(),
      payload,
      files,
      ...(payload.chat_id !== undefined ? { chatId: String(payload.chat_id) } : {}),
    };
    this.calls.push(record);
    this.changed();
    try {
      const result = await this.dispatch(method, payload, files, req);
      record.ok = true;
      record.result = result;
      reply(200, { ok: true, result });
    } catch (e) {
      const err = e instanceof ApiError ? e : new ApiError(500, 'Internal Server Error');
      record.ok = false;
      record.errorCode = err.code;
      record.description = err.description;
      reply(err.code, { ok: false, error_code: err.code, description: err.description, ...(err.parameters ? { parameters: err.parameters } : {}) });
    }
    this.changed();
  }

  private takeFailure(method: string, chatId: string | undefined): FailureSpec | undefined {
    const f = this.failures.find((x) => x.left > 0 && x.method === method && (x.chatId === undefined || String(x.chatId) === chatId));
    if (!f) return undefined;
    f.left--;
    this.failures = this.failures.filter((x) => x.left > 0);
    return f;
  }

  private async dispatch(method: string, p: Record<string, unknown>, files: UploadedFile[], req: IncomingMessage): Promise<unknown> {
    const chatKey = p.chat_id !== undefined ? String(p.chat_id) : undefined;
    const failure = this.takeFailure(method, chatKey);
    if (failure?.hang) {
      await new Promise<void>((resolve) => req.once('close', () => resolve()));
      throw new ApiError(failure.code, failure.description);
    }
    if (failure) throw new ApiError(failure.code, failure.description, failure.retryAfter !== undefined ? { retry_after: failure.retryAfter } : undefined);
    switch (method) {
      case 'getFile': {
        const file = this.files.get(String(p.file_id));
        if (!file) throw new ApiError(400, 'Bad Request: invalid file_id');
        return { file_id: String(p.file_id), file_unique_id: `u-${String(p.file_id)}`, file_size: file.bytes.length, file_path: file.path };
      }
      case 'getMe':
        return { ...this.botUser, can_join_groups: true, can_read_all_group_messages: false, supports_inline_queries: false };
      case 'getUpdates':
        return await this.getUpdates(p, req);
      case 'setWebhook': {
        const url = str(p.url);
        if (!url) throw new ApiError(400, 'Bad Request: bad webhook: URL must not be empty');
        const secret = p.secret_token === undefined ? undefined : str(p.secret_token);
        if (secret !== undefined && !/^[A-Za-z0-9_-]{1,256}$/.test(secret)) throw new ApiError(400, 'Bad Request: secret token contains unallowed characters');
        this.webhook = { url, ...(secret !== undefined ? { secretToken: secret } : {}), ...(Array.isArray(p.allowed_updates) ? { allowedUpdates: p.allowed_updates as string[] } : {}) };
        this.waiter?.finish();
        return true;
      }
      case 'deleteWebhook':
        this.webhook = undefined;
        if (p.drop_pending_updates === true || p.drop_pending_updates === 'true') this.confirmThrough(this.nextUpdateId);
        return true;
      case 'getWebhookInfo':
        return { url: this.webhook?.url ?? '', has_custom_certificate: false, pending_update_count: this.pending.length };
      case 'setMyCommands':
        return this.setMyCommands(p);
      case 'getMyCommands':
        return this.commands;
      case 'answerCallbackQuery': {
        const q = this.callbackQueries.get(str(p.callback_query_id));
        if (!q) throw new ApiError(400, 'Bad Request: query is too old and response timeout expired or query ID is invalid');
        q.answered = true;
        return true;
      }
      case 'sendMessage':
        return this.sendMessage(p);
      case 'sendPoll':
        return this.sendPoll(p);
      case 'stopPoll':
        return this.stopPoll(p);
      case 'sendPhoto':
      case 'sendDocument':
        return this.sendMedia(method, p, files);
      default:
        throw new ApiError(404, 'Not Found');
    }
  }

  private confirmThrough(offset: number): void {
    if (offset <= this.confirmedBelow) return;
    this.confirmedBelow = offset;
    this.pending = this.pending.filter((u) => u.update_id >= offset);
  }

  private async getUpdates(p: Record<string, unknown>, req: IncomingMessage): Promise<Update[]> {
    if (this.webhook) throw new ApiError(409, "Conflict: can't use getUpdates method while webhook is active; use deleteWebhook to delete the webhook first");
    const offset = Number(p.offset ?? 0);
    const limit = Math.min(100, Math.max(1, Number(p.limit ?? 100)));
    const timeout = Math.max(0, Number(p.timeout ?? 0));
    const allowed = Array.isArray(p.allowed_updates) && p.allowed_updates.length ? new Set(p.allowed_updates as string[]) : undefined;
    if (offset > 0) this.confirmThrough(offset);
    this.changed();
    // A newer getUpdates terminates the one still waiting, as on the real API.
    if (this.waiter) {
      const old = this.waiter;
      this.waiter = undefined;
      old.finish();
    }
    const ready = (): Update[] =>
      this.pending.filter((u) => !allowed || Object.keys(u).some((k) => k !== 'update_id' && allowed.has(k))).slice(0, limit);
    if (ready().length === 0 && timeout > 0 && this.server) {
      let conflicted = false;
      await new Promise<void>((resolve) => {
        const waiter: Waiter = {
          finish: () => {
            clearTimeout(timer);
            req.off('close', onClose);
            if (this.waiter === waiter) this.waiter = undefined;
            else conflicted = true;
            resolve();
          },
        };
        const onClose = (): void => waiter.finish();
        const timer = setTimeout(() => waiter.finish(), timeout * 1000);
        req.on('close', onClose);
        this.waiter = waiter;
      });
      if (conflicted && this.server) throw new ApiError(409, 'Conflict: terminated by other getUpdates request; make sure that only one bot instance is running');
      if (this.webhook) throw new ApiError(409, "Conflict: can't use getUpdates method while webhook is active; use deleteWebhook to delete the webhook first");
    }
    const out = ready();
    for (const u of out) this.deliveries.set(u.update_id, this.deliveryCount(u.update_id) + 1);
    return out;
  }

  private setMyCommands(p: Record<string, unknown>): true {
    if (!Array.isArray(p.commands)) throw new ApiError(400, 'Bad Request: commands must be an array');
    if (p.commands.length > 100) throw new ApiError(400, 'Bad Request: too many commands');
    const out: { command: string; description: string }[] = [];
    for (const c of p.commands as { command?: unknown; description?: unknown }[]) {
      const command = str(c.command);
      const description = str(c.description);
      if (!/^[a-z0-9_]{1,32}$/.test(command)) throw new ApiError(400, 'Bad Request: BOT_COMMAND_INVALID');
      if (len(description) < 1 || len(description) > 256) throw new ApiError(400, 'Bad Request: command description is invalid');
      out.push({ command, description });
    }
    this.commands = out;
    return true;
  }

  private targetChat(p: Record<string, unknown>): FakeChat {
    if (p.chat_id === undefined || p.chat_id === '') throw new ApiError(400, 'Bad Request: chat_id is empty');
    const id = Number(p.chat_id);
    if (!Number.isSafeInteger(id)) throw new ApiError(400, 'Bad Request: chat not found');
    const kicked = this.kicked.get(id);
    if (kicked) throw new ApiError(403, kicked);
    let chat = this.chats.get(id);
    if (!chat) {
      if (this.unknownChats === 'reject') throw new ApiError(400, 'Bad Request: chat not found');
      chat = id < 0 ? { id, type: 'supergroup', title: `chat ${id}` } : { id, type: 'private', first_name: `user ${id}` };
      this.chats.set(id, chat);
    }
    return chat;
  }

  private checkReplyMarkup(p: Record<string, unknown>): void {
    const markup = p.reply_markup as { inline_keyboard?: unknown } | undefined;
    if (markup === undefined) return;
    if (!Array.isArray(markup.inline_keyboard)) throw new ApiError(400, "Bad Request: can't parse reply keyboard markup JSON object");
    for (const row of markup.inline_keyboard) {
      if (!Array.isArray(row)) throw new ApiError(400, 'Bad Request: inline keyboard rows must be arrays');
      for (const b of row as { text?: unknown; callback_data?: unknown }[]) {
        if (!str(b.text)) throw new ApiError(400, 'Bad Request: text buttons are unallowed in the inline keyboard');
        const bytes = Buffer.byteLength(str(b.callback_data), 'utf8');
        if (bytes < 1 || bytes > 64) throw new ApiError(400, 'Bad Request: BUTTON_DATA_INVALID');
      }
    }
  }

  private baseMessage(chat: FakeChat): Record<string, unknown> {
    return { message_id: this.nextMessageId(chat.id), date: Math.floor(this.clock() / 1000), chat: this.chatObject(chat), from: this.botUser };
  }

  private sendMessage(p: Record<string, unknown>): unknown {
    const chat = this.targetChat(p);
    const text = str(p.text);
    if (len(text.trim()) === 0) throw new ApiError(400, 'Bad Request: message text is empty');
    if (len(text) > 4096) throw new ApiError(400, 'Bad Request: message is too long');
    this.checkReplyMarkup(p);
    return { ...this.baseMessage(chat), text, ...(p.reply_markup ? { reply_markup: p.reply_markup } : {}) };
  }

  private sendPoll(p: Record<string, unknown>): unknown {
    const chat = this.targetChat(p);
    const question = str(p.question);
    if (len(question) < 1 || len(question) > 300) throw new ApiError(400, 'Bad Request: poll question length must not exceed 300');
    if (!Array.isArray(p.options)) throw new ApiError(400, 'Bad Request: options must be an array');
    const options = (p.options as unknown[]).map((o) => (typeof o === 'string' ? o : str((o as { text?: unknown }).text)));
    if (options.length < 2) throw new ApiError(400, 'Bad Request: poll must have at least 2 option');
    if (options.length > 10) throw new ApiError(400, "Bad Request: poll can't have more than 10 options");
    if (options.some((o) => len(o) < 1 || len(o) > 100)) throw new ApiError(400, 'Bad Request: poll options length must not exceed 100');
    const type = p.type === undefined ? 'regular' : str(p.type);
    if (type !== 'regular' && type !== 'quiz') throw new ApiError(400, 'Bad Request: wrong poll type specified');
    const isAnonymous = !(p.is_anonymous === false || p.is_anonymous === 'false');
    const allowsMultiple = p.allows_multiple_answers === true || p.allows_multiple_answers === 'true';
    let correctOptionId: number | undefined;
    if (type === 'quiz') {
      if (allowsMultiple) throw new ApiError(400, "Bad Request: quiz poll can't allow multiple answers");
      correctOptionId = Number(p.correct_option_id);
      if (p.correct_option_id === undefined || !Number.isInteger(correctOptionId) || correctOptionId < 0 || correctOptionId >= options.length) {
        throw new ApiError(400, 'Bad Request: wrong correct option ID specified');
      }
      if (p.explanation !== undefined && len(str(p.explanation)) > 200) throw new ApiError(400, 'Bad Request: explanation is too long');
    }
    let openPeriod: number | undefined;
    if (p.open_period !== undefined) {
      openPeriod = Number(p.open_period);
      if (!Number.isInteger(openPeriod) || openPeriod < 5 || openPeriod > 600) throw new ApiError(400, 'Bad Request: wrong open period specified');
    }
    const message = this.baseMessage(chat);
    const poll: FakePoll = {
      id: `poll-${this.nextPollId++}`,
      chatId: chat.id,
      messageId: message.message_id as number,
      type,
      question,
      options,
      isAnonymous,
      allowsMultiple,
      closed: false,
      ...(correctOptionId !== undefined ? { correctOptionId } : {}),
      ...(openPeriod !== undefined ? { openPeriod } : {}),
    };
    this.polls.set(poll.id, poll);
    return { ...message, poll: this.pollObject(poll) };
  }

  private pollObject(poll: FakePoll): unknown {
    return {
      id: poll.id,
      question: poll.question,
      options: poll.options.map((text) => ({ text, voter_count: 0 })),
      total_voter_count: 0,
      is_closed: poll.closed,
      is_anonymous: poll.isAnonymous,
      type: poll.type,
      allows_multiple_answers: poll.allowsMultiple,
      ...(poll.correctOptionId !== undefined ? { correct_option_id: poll.correctOptionId } : {}),
      ...(poll.openPeriod !== undefined ? { open_period: poll.openPeriod } : {}),
    };
  }

  private stopPoll(p: Record<string, unknown>): unknown {
    const chat = this.targetChat(p);
    const messageId = Number(p.message_id);
    const poll = [...this.polls.values()].find((x) => x.chatId === chat.id && x.messageId === messageId);
    if (!poll) throw new ApiError(400, 'Bad Request: message with poll to stop not found');
    if (poll.closed) throw new ApiError(400, 'Bad Request: poll has already been closed');
    poll.closed = true;
    return this.pollObject(poll);
  }

  private sendMedia(method: 'sendPhoto' | 'sendDocument', p: Record<string, unknown>, files: UploadedFile[]): unknown {
    const chat = this.targetChat(p);
    const field = method === 'sendPhoto' ? 'photo' : 'document';
    const file = files.find((f) => f.field === field);
    const ref = p[field];
    if (!file && (typeof ref !== 'string' || ref === '')) throw new ApiError(400, `Bad Request: there is no ${field} in the request`);
    if (file && file.bytes.length === 0) throw new ApiError(400, 'Bad Request: file must be non-empty');
    if (p.caption !== undefined && len(str(p.caption)) > 1024) throw new ApiError(400, 'Bad Request: message caption is too long');
    this.checkReplyMarkup(p);
    const fileId = `file-${this.seq}`;
    const media =
      method === 'sendPhoto'
        ? { photo: [{ file_id: fileId, file_unique_id: `u-${fileId}`, width: 100, height: 100, file_size: file?.bytes.length ?? 0 }] }
        : { document: { file_id: fileId, file_unique_id: `u-${fileId}`, file_name: file?.filename ?? 'file', file_size: file?.bytes.length ?? 0 } };
    return { ...this.baseMessage(chat), ...media, ...(p.caption !== undefined ? { caption: str(p.caption) } : {}) };
  }
}

function str(v: unknown): string {
  return typeof v === 'string' ? v : v === undefined || v === null ? '' : String(v);
}

async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

/** Parses a JSON, multipart or query-string request into a payload and uploaded files. */
function parseBody(contentType: string, raw: Buffer, query: URLSearchParams): { payload: Record<string, unknown>; files: UploadedFile[] } {
  const payload: Record<string, unknown> = Object.fromEntries(query.entries());
  const files: UploadedFile[] = [];
  if (raw.length === 0) return { payload, files };
  if (contentType.startsWith('application/json')) {
    Object.assign(payload, JSON.parse(raw.toString('utf8')) as Record<string, unknown>);
    return { payload, files };
  }
  const boundary = /boundary=([^;]+)/.exec(contentType)?.[1];
  if (contentType.startsWith('multipart/form-data') && boundary) {
    const text = raw.toString('latin1');
    for (let segment of text.split(`--${boundary}`).slice(1)) {
      if (segment.startsWith('--')) break;
      if (segment.startsWith('\r\n')) segment = segment.slice(2);
      if (segment.endsWith('\r\n')) segment = segment.slice(0, -2);
      const split = segment.indexOf('\r\n\r\n');
      if (split < 0) throw new Error('bad multipart part');
      const headers = segment.slice(0, split);
      const body = Buffer.from(segment.slice(split + 4), 'latin1');
      const name = /name="([^"]*)"/.exec(headers)?.[1];
      if (!name) throw new Error('multipart part without a name');
      const filename = /filename="([^"]*)"/.exec(headers)?.[1];
      if (filename !== undefined) {
        files.push({ field: name, filename, bytes: body });
        continue;
      }
      const value = body.toString('utf8');
      payload[name] = JSON_FORM_FIELDS.includes(name) ? JSON.parse(value) : value;
    }
    return { payload, files };
  }
  if (contentType.startsWith('application/x-www-form-urlencoded')) {
    for (const [k, v] of new URLSearchParams(raw.toString('utf8'))) payload[k] = JSON_FORM_FIELDS.includes(k) ? JSON.parse(v) : v;
    return { payload, files };
  }
  throw new Error(`unsupported content type ${contentType}`);
}
