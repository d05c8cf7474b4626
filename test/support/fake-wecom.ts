// A fake WeCom 智能机器人 long-connection server on 127.0.0.1, speaking the frames of the official
// SDK (@wecom/aibot-node-sdk 1.0.7, read from its source): `aibot_subscribe` → ack with errcode,
// `ping` → ack, callbacks pushed as `aibot_msg_callback` / `aibot_event_callback`, and every
// reply or send (`aibot_respond_msg`, `aibot_respond_welcome_msg`, `aibot_respond_update_msg`,
// `aibot_send_msg`) acknowledged on its req_id. Like WeCom it keeps one connection per bot id
// (a newer one gets the old one a `disconnected_event`), accepts a passive reply only on a
// callback's req_id, once, and can enforce a per-chat rate limit with errcode 45009. Temporary
// media arrive by the SDK's three-step upload over the same socket (`aibot_upload_media_init` →
// `aibot_upload_media_chunk` × N, base64, at most 512 KB each, 0-based `chunk_index` as the SDK
// sends it → `aibot_upload_media_finish` → media_id), checked against the declared size, chunk
// count and MD5; an image or file message must name a media_id it issued, of its type.
// Pictures and files people send (`addFile`, then `say(…, { image | file })`) are served over HTTP
// from a temporary url, AES-256-CBC encrypted with the callback's aeskey (IV its first 16 bytes,
// PKCS#7 padded to 32 bytes, as the SDK's decryptFile expects).
// test/adapters/wecom-fake-server.test.ts drives the SDK's own client against it.
import crypto from 'node:crypto';
import { EventEmitter } from 'node:events';
import http, { type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebSocketServer, type WebSocket } from 'ws';
import { writeInChunks } from './serve-bytes.ts';

/** A frame as the SDK writes and reads it. */
export interface Frame {
  cmd?: string;
  headers: { req_id: string };
  body?: Record<string, unknown>;
  errcode?: number;
  errmsg?: string;
}

/** Something the bot put on a chat: a passive reply, a welcome, a card update or a proactive send. */
export interface Delivery {
  readonly cmd: string;
  /** The group chatid or the person's userid. */
  readonly chatId: string;
  readonly body: Record<string, unknown>;
  /** The text a person reads (markdown / stream content / welcome text), or the card's title. */
  readonly text: string;
  readonly at: number;
  /** For an image or file message: the uploaded medium it names. */
  readonly media?: FakeMedia;
}

/** A temporary medium the bot uploaded. */
export interface FakeMedia {
  readonly type: string;
  readonly filename: string;
  readonly bytes: Buffer;
}

interface Upload {
  readonly type: string;
  readonly filename: string;
  readonly totalSize: number;
  readonly totalChunks: number;
  readonly md5: unknown;
  readonly chunks: Map<number, Buffer>;
}

/** Types of temporary media and the largest each may be (WeCom's 上传临时素材 limits: image 2 MB, voice 2 MB, video 10 MB, file 20 MB; more than 5 bytes). */
const MEDIA_LIMITS: Record<string, number> = { image: 2 * 2 ** 20, voice: 2 * 2 ** 20, video: 10 * 2 ** 20, file: 20 * 2 ** 20 };
const CHUNK_MAX = 512 * 1024;

interface Callback {
  chatId: string;
  userId: string;
  answered: boolean;
  kind: 'message' | 'enter_chat' | 'click';
}

/** A file the fake serves: its url and key as a callback names them. */
export interface FakeFileRef {
  readonly url: string;
  readonly aeskey: string;
}

/** AES-256-CBC with the key's first 16 bytes as IV, PKCS#7 padding to a multiple of 32 bytes (WeCom's file encryption). */
export function encryptWecomFile(plain: Buffer, aeskey: string): Buffer {
  const key = Buffer.from(aeskey, 'base64');
  const pad = 32 - (plain.length % 32);
  const cipher = crypto.createCipheriv('aes-256-cbc', key, key.subarray(0, 16));
  cipher.setAutoPadding(false);
  return Buffer.concat([cipher.update(Buffer.concat([plain, Buffer.alloc(pad, pad)])), cipher.final()]);
}

/** What a test can tell the fake. */
export interface FakeWecomOptions {
  readonly botId?: string;
  readonly secret?: string;
  /** Time of the fake's records and callbacks (ms); default Date.now. */
  readonly clock?: () => number;
  /** Proactive sends allowed per chat per minute before errcode 45009 (default: no limit). */
  readonly perChatPerMinute?: number;
}

/** The fake server. */
export class FakeWecom extends EventEmitter {
  readonly botId: string;
  readonly secret: string;
  /** Every frame the bot sent, in order. */
  readonly received: Frame[] = [];
  /** Everything delivered to chats, in order. */
  readonly deliveries: Delivery[] = [];
  /** Subscribe attempts (bot id, secret ok?). */
  readonly subscribes: { botId: unknown; ok: boolean }[] = [];
  private server: WebSocketServer | undefined;
  private active: WebSocket | undefined;
  private readonly callbacks = new Map<string, Callback>();
  private readonly sendTimes = new Map<string, number[]>();
  private readonly failNext: { chatId: string; errcode: number }[] = [];
  private readonly clock: () => number;
  private seq = 0;
  private readonly uploads = new Map<string, Upload>();
  private readonly mediaFailures: number[] = [];
  /** Media uploaded and finished, by media_id. */
  readonly media = new Map<string, FakeMedia>();
  /** Violations of the per-chat limit the bot caused (should stay 0). */
  rateViolations = 0;
  /** Each fetch of a file url, with the encrypted bytes the fake wrote before the client stopped. */
  readonly fileFetches: { url: string; bytesWritten: number }[] = [];
  private readonly files = new Map<string, { encrypted: Buffer; name?: string; chunked: boolean }>();
  private fileServer: http.Server | undefined;

  constructor(private readonly opts: FakeWecomOptions = {}) {
    super();
    this.botId = opts.botId ?? 'aibFAKEBOTID01';
    this.secret = opts.secret ?? 'S3cr3t-fake-wecom-secret-value';
    this.clock = opts.clock ?? Date.now;
  }

  /** The `wsUrl` to give the SDK. */
  get url(): string {
    const port = (this.server!.address() as AddressInfo).port;
    return `ws://127.0.0.1:${port}`;
  }

  /** True while a bot connection is subscribed. */
  get connected(): boolean {
    return !!this.active;
  }

  async start(): Promise<void> {
    this.server = new WebSocketServer({ host: '127.0.0.1', port: 0 });
    this.server.on('connection', (ws) => this.accept(ws));
    await new Promise<void>((resolve) => this.server!.once('listening', () => resolve()));
    const files = http.createServer((req, res) => this.serveFile(req.url ?? '/', res));
    this.fileServer = files;
    await new Promise<void>((resolve) => files.listen(0, '127.0.0.1', resolve));
  }

  /** A picture or file people can send: encrypted with a fresh key, served at a fresh url; `chunked` leaves out its content-length. */
  addFile(bytes: Buffer, opts: { name?: string; chunked?: boolean } = {}): FakeFileRef {
    const aeskey = crypto.randomBytes(32).toString('base64');
    const port = (this.fileServer!.address() as AddressInfo).port;
    const url = `http://127.0.0.1:${port}/cgi-bin/download?id=${crypto.randomBytes(8).toString('hex')}`;
    this.files.set(new URL(url).search, { encrypted: encryptWecomFile(bytes, aeskey), chunked: opts.chunked ?? false, ...(opts.name ? { name: opts.name } : {}) });
    return { url, aeskey };
  }

  private serveFile(path: string, res: ServerResponse): void {
    const file = this.files.get(new URL(path, 'http://x').search);
    if (!file) return void res.writeHead(404).end();
    const record = { url: path, bytesWritten: 0 };
    this.fileFetches.push(record);
    res.writeHead(200, {
      'content-type': 'application/octet-stream',
      ...(file.chunked ? {} : { 'content-length': String(file.encrypted.length) }),
      ...(file.name ? { 'content-disposition': `attachment; filename*=UTF-8''${encodeURIComponent(file.name)}` } : {}),
    });
    writeInChunks(res, file.encrypted, record);
  }

  async stop(): Promise<void> {
    this.fileServer?.closeAllConnections();
    await new Promise<void>((resolve) => (this.fileServer ? this.fileServer.close(() => resolve()) : resolve()));
    this.fileServer = undefined;
    for (const ws of this.server?.clients ?? []) ws.terminate();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
    this.server = undefined;
  }

  /** Resolves when `predicate` holds (checked after every frame and state change). */
  async until(predicate: () => boolean, what = 'condition', timeoutMs = 5000): Promise<void> {
    if (predicate()) return;
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.off('change', check);
        reject(new Error(`fake wecom: timed out waiting for ${what}`));
      }, timeoutMs);
      const check = () => {
        if (!predicate()) return;
        clearTimeout(timer);
        this.off('change', check);
        resolve();
      };
      this.on('change', check);
    });
  }

  /** Makes the next proactive send or reply to `chatId` fail with `errcode`. */
  failNextSend(chatId: string, errcode: number): void {
    this.failNext.push({ chatId, errcode });
  }

  /** Makes the next image or file message (to any chat) fail with `errcode`. */
  failNextMedia(errcode: number): void {
    this.mediaFailures.push(errcode);
  }

  /** A person writes to the bot: in a group (`chatId`) it is an @-mention; without, a 1:1 message. Returns the msgid. */
  say(userId: string, text: string, opts: { chatId?: string; msgid?: string; msgtype?: 'text' | 'voice'; image?: FakeFileRef; file?: FakeFileRef } = {}): string {
    const msgid = opts.msgid ?? `msg_${++this.seq}_${crypto.randomBytes(3).toString('hex')}`;
    const msgtype = opts.msgtype ?? 'text';
    this.push('aibot_msg_callback', { chatId: opts.chatId ?? userId, userId, kind: 'message', answered: false }, {
      msgid,
      aibotid: this.botId,
      ...(opts.chatId ? { chatid: opts.chatId, chattype: 'group' } : { chattype: 'single' }),
      from: { userid: userId },
      create_time: Math.floor(this.clock() / 1000),
      ...messageOf(msgtype, text, opts),
    });
    return msgid;
  }

  /** A person opens the 1:1 chat with the bot (`enter_chat`). */
  enterChat(userId: string): void {
    this.event(userId, undefined, { eventtype: 'enter_chat' }, 'enter_chat');
  }

  /** A person clicks a card: a button (`eventKey`) or a submit with ticked options. */
  click(userId: string, card: { taskId: string; eventKey: string; optionIds?: string[]; cardType?: string }, chatId?: string): string {
    return this.event(userId, chatId, {
      eventtype: 'template_card_event',
      template_card_event: {
        card_type: card.cardType ?? (card.optionIds ? 'vote_interaction' : 'button_interaction'),
        event_key: card.eventKey,
        task_id: card.taskId,
        ...(card.optionIds ? { selected_items: { selected_item: [{ question_key: 'q', option_ids: { option_id: card.optionIds } }] } } : {}),
      },
    }, 'click');
  }

  /** Another connection took the bot over: the current one gets `disconnected_event` and is closed. */
  kick(): void {
    const ws = this.active;
    if (!ws) return;
    this.active = undefined;
    ws.send(JSON.stringify(this.eventFrame(undefined, undefined, { eventtype: 'disconnected_event' })));
    setImmediate(() => ws.close(1000, 'new connection'));
    this.emit('change');
  }

  /** The network drops: the connection is cut without a word. */
  drop(): void {
    const ws = this.active;
    this.active = undefined;
    ws?.terminate();
    this.emit('change');
  }

  /** Deliveries to one chat. */
  to(chatId: string): Delivery[] {
    return this.deliveries.filter((d) => d.chatId === chatId);
  }

  /** Cards delivered to a chat, newest last. */
  cards(chatId: string): Record<string, unknown>[] {
    return this.to(chatId)
      .filter((d) => d.cmd !== 'aibot_respond_update_msg' && d.body.msgtype === 'template_card')
      .map((d) => d.body.template_card as Record<string, unknown>);
  }

  private event(userId: string, chatId: string | undefined, event: Record<string, unknown>, kind: Callback['kind']): string {
    const frame = this.eventFrame(userId, chatId, event);
    this.callbacks.set(frame.headers.req_id, { chatId: chatId ?? userId, userId, answered: false, kind });
    this.active?.send(JSON.stringify(frame));
    return String(frame.body!.msgid);
  }

  private eventFrame(userId: string | undefined, chatId: string | undefined, event: Record<string, unknown>): Frame {
    return {
      cmd: 'aibot_event_callback',
      headers: { req_id: `evt_${++this.seq}` },
      body: {
        msgid: `evt_msg_${this.seq}_${crypto.randomBytes(3).toString('hex')}`,
        create_time: Math.floor(this.clock() / 1000),
        aibotid: this.botId,
        ...(chatId ? { chatid: chatId, chattype: 'group' } : { chattype: 'single' }),
        ...(userId ? { from: { userid: userId } } : {}),
        msgtype: 'event',
        event,
      },
    };
  }

  private push(cmd: string, callback: Callback, body: Record<string, unknown>): void {
    const reqId = `cb_${++this.seq}`;
    this.callbacks.set(reqId, callback);
    this.active?.send(JSON.stringify({ cmd, headers: { req_id: reqId }, body }));
  }

  private accept(ws: WebSocket): void {
    ws.on('message', (data) => {
      const frame = JSON.parse(String(data)) as Frame;
      this.received.push(frame);
      this.handle(ws, frame);
      this.emit('change');
    });
    ws.on('close', () => {
      if (this.active === ws) this.active = undefined;
      this.emit('change');
    });
  }

  private ack(ws: WebSocket, reqId: string, errcode = 0, errmsg = 'ok'): void {
    ws.send(JSON.stringify({ headers: { req_id: reqId }, errcode, errmsg }));
  }

  private handle(ws: WebSocket, frame: Frame): void {
    const reqId = frame.headers?.req_id ?? '';
    if (frame.cmd === 'aibot_subscribe') return this.subscribe(ws, frame);
    if (ws !== this.active) return; // frames on a connection that is not (or no longer) subscribed are ignored
    if (frame.cmd === 'ping') return this.ack(ws, reqId);
    const body = frame.body ?? {};
    if (frame.cmd?.startsWith('aibot_upload_media_')) return this.upload(ws, frame.cmd, reqId, body);
    const code = this.check(frame, body);
    if (code) return this.ack(ws, reqId, code, code === 45009 ? 'api freq out of limit' : 'invalid request');
    this.record(frame, body);
    this.ack(ws, reqId);
  }

  private subscribe(ws: WebSocket, frame: Frame): void {
    const ok = frame.body?.bot_id === this.botId && frame.body?.secret === this.secret;
    this.subscribes.push({ botId: frame.body?.bot_id, ok });
    if (!ok) return this.ack(ws, frame.headers.req_id, 40058, 'invalid bot_id or secret');
    const old = this.active;
    this.active = ws;
    if (old && old !== ws) {
      old.send(JSON.stringify(this.eventFrame(undefined, undefined, { eventtype: 'disconnected_event' })));
      setImmediate(() => old.close(1000, 'new connection'));
    }
    this.ack(ws, frame.headers.req_id);
  }

  /** One step of the three-step upload; answered with an errcode, and the step's result in `body`. */
  private upload(ws: WebSocket, cmd: string, reqId: string, body: Record<string, unknown>): void {
    const answer = (errcode: number, result?: Record<string, unknown>) => ws.send(JSON.stringify({ headers: { req_id: reqId }, errcode, errmsg: errcode ? 'invalid upload' : 'ok', ...(result ? { body: result } : {}) }));
    if (cmd === 'aibot_upload_media_init') {
      const { type, filename, total_size: size, total_chunks: chunks, md5 } = body as Record<string, unknown>;
      const limit = MEDIA_LIMITS[String(type)];
      if (!limit || typeof filename !== 'string' || !filename || typeof size !== 'number' || size <= 5 || size > limit) return answer(40009);
      if (typeof chunks !== 'number' || chunks !== Math.ceil(size / CHUNK_MAX) || chunks > 100) return answer(40009);
      const id = `up_${++this.seq}`;
      this.uploads.set(id, { type: String(type), filename, totalSize: size, totalChunks: chunks, md5, chunks: new Map() });
      return answer(0, { upload_id: id });
    }
    const up = this.uploads.get(String(body.upload_id));
    if (!up) return answer(40009);
    if (cmd === 'aibot_upload_media_chunk') {
      const index = body.chunk_index;
      const data = typeof body.base64_data === 'string' ? Buffer.from(body.base64_data, 'base64') : undefined;
      if (typeof index !== 'number' || index < 0 || index >= up.totalChunks || !data?.length || data.length > CHUNK_MAX) return answer(40009);
      up.chunks.set(index, data);
      return answer(0);
    }
    if (cmd !== 'aibot_upload_media_finish' || up.chunks.size !== up.totalChunks) return answer(40009);
    const bytes = Buffer.concat([...up.chunks.entries()].sort(([a], [b]) => a - b).map(([, b]) => b));
    if (bytes.length !== up.totalSize || (up.md5 !== undefined && up.md5 !== crypto.createHash('md5').update(bytes).digest('hex'))) return answer(40009);
    this.uploads.delete(String(body.upload_id));
    const mediaId = `media_${++this.seq}_${crypto.randomBytes(4).toString('hex')}`;
    this.media.set(mediaId, { type: up.type, filename: up.filename, bytes });
    answer(0, { type: up.type, media_id: mediaId, created_at: String(Math.floor(this.clock() / 1000)) });
  }

  /** The medium an image, file, voice or video message names, if the fake issued it for that type. */
  private mediumOf(body: Record<string, unknown>): FakeMedia | undefined | null {
    const type = String(body.msgtype);
    if (!MEDIA_LIMITS[type]) return undefined;
    const medium = this.media.get(String((body[type] as { media_id?: unknown } | undefined)?.media_id));
    return medium && medium.type === type ? medium : null;
  }

  /** An errcode for a frame WeCom would refuse, or 0. */
  private check(frame: Frame, body: Record<string, unknown>): number {
    const chatId = this.chatOf(frame, body);
    const fail = this.failNext.findIndex((f) => f.chatId === chatId);
    if (fail >= 0) return this.failNext.splice(fail, 1)[0]!.errcode;
    const medium = this.mediumOf(body);
    if (medium === null) return 40007; // invalid media_id
    if (medium && this.mediaFailures.length) return this.mediaFailures.shift()!;
    if (frame.cmd === 'aibot_send_msg') {
      if (!chatId) return 40058;
      const limit = this.opts.perChatPerMinute;
      if (limit) {
        const now = this.clock();
        const times = (this.sendTimes.get(chatId) ?? []).filter((t) => now - t < 60_000);
        if (times.length >= limit) {
          this.rateViolations++;
          return 45009;
        }
        times.push(now);
        this.sendTimes.set(chatId, times);
      }
      return 0;
    }
    const cb = this.callbacks.get(frame.headers.req_id);
    if (!cb) return 40058;
    if (frame.cmd === 'aibot_respond_update_msg') return cb.kind === 'click' ? 0 : 40058;
    if (frame.cmd === 'aibot_respond_welcome_msg') return cb.kind === 'enter_chat' && !cb.answered ? 0 : 40058;
    if (frame.cmd === 'aibot_respond_msg') return cb.kind === 'message' && !cb.answered ? 0 : 40058;
    return 40058;
  }

  private chatOf(frame: Frame, body: Record<string, unknown>): string | undefined {
    if (frame.cmd === 'aibot_send_msg') return typeof body.chatid === 'string' ? body.chatid : undefined;
    return this.callbacks.get(frame.headers.req_id)?.chatId;
  }

  private record(frame: Frame, body: Record<string, unknown>): void {
    const cmd = frame.cmd ?? '';
    const cb = this.callbacks.get(frame.headers.req_id);
    if (cb && cmd !== 'aibot_respond_update_msg') {
      const stream = body.stream as { finish?: boolean } | undefined;
      if (!stream || stream.finish) cb.answered = true;
    }
    const media = this.mediumOf(body) ?? undefined;
    this.deliveries.push({ cmd, chatId: this.chatOf(frame, body)!, body, text: media ? `[${media.type} ${media.filename}]` : textOf(body), at: this.clock(), ...(media ? { media } : {}) });
  }
}

/** The words a person reads in a delivered body. */
function textOf(body: Record<string, unknown>): string {
  const b = body as { markdown?: { content?: string }; stream?: { content?: string }; text?: { content?: string }; template_card?: { main_title?: { title?: string }; sub_title_text?: string } };
  if (b.markdown?.content !== undefined) return b.markdown.content;
  if (b.stream?.content !== undefined) return b.stream.content;
  if (b.text?.content !== undefined) return b.text.content;
  const card = b.template_card;
  return card ? [card.main_title?.title, card.sub_title_text].filter(Boolean).join('\n') : '';
}

/**
 * The message fields of a callback: text or voice; an image (1:1 `image`, in a group `mixed`: the
 * @-text, then the picture, since a group bot hears only @-messages); or a file.
 */
function messageOf(msgtype: string, text: string, opts: { chatId?: string; image?: FakeFileRef; file?: FakeFileRef }): Record<string, unknown> {
  if (opts.image && opts.chatId) return { msgtype: 'mixed', mixed: { msg_item: [{ msgtype: 'text', text: { content: text } }, { msgtype: 'image', image: { ...opts.image } }] } };
  if (opts.image) return { msgtype: 'image', image: { ...opts.image } };
  if (opts.file) return { msgtype: 'file', file: { ...opts.file } };
  return { msgtype, [msgtype]: { content: text } };
}
