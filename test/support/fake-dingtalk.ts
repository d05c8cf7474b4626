/**
 * A fake DingTalk on 127.0.0.1 for tests and benchmarks: the Stream gateway
 * (`/v1.0/gateway/connections/open` → endpoint + ticket), the Stream WebSocket (SYSTEM ping and
 * CALLBACK frames; a callback not acknowledged is pushed again by `redeliverUnacknowledged`),
 * the OpenAPI token (`/v1.0/oauth2/accessToken`) and robot send endpoints (group and 1:1), and
 * session webhooks, and received pictures and files (`addFile`, `say({ picture })`: the
 * `messageFiles/download` exchange of a downloadCode for a temporary URL, then the URL itself).
 * Its notion of time is the injected `now`, so token and webhook expiry follow
 * a test's manual clock. Every metered OpenAPI call is logged in `calls`.
 */
import { randomUUID } from 'node:crypto';
import { createRequire } from 'node:module';
import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { writeInChunks } from './serve-bytes.ts';

/** The part of the `ws` package the fake uses (ws ships no types; @types/ws is not installed). */
interface WsSocket {
  send(data: string): void;
  close(): void;
  terminate(): void;
  on(event: 'message', fn: (data: Buffer) => void): void;
  on(event: 'close', fn: () => void): void;
  readonly readyState: number;
}
interface WsServer {
  handleUpgrade(req: IncomingMessage, socket: unknown, head: Buffer, cb: (ws: WsSocket) => void): void;
  close(): void;
}
const { WebSocketServer } = createRequire(import.meta.url)('ws') as { WebSocketServer: new (o: { noServer: true }) => WsServer };

/** One OpenAPI call the fake served. */
export interface FakeCall {
  readonly path: string;
  readonly at: number;
  readonly status: number;
  /** For `oToMessages/batchSend`: the userIds of the call. */
  readonly userIds?: readonly string[];
}

/** A message a robot sent, by whichever route. */
export interface FakeSent {
  readonly route: 'group' | 'user' | 'webhook';
  /** openConversationId, staffId, or the conversation of the webhook. */
  readonly target: string;
  readonly content: string;
  readonly at: number;
}

/** What a test says through the fake: a member's message to the robot. */
export interface FakeSay {
  readonly conversationId: string;
  readonly group: boolean;
  readonly staffId: string;
  readonly nick: string;
  readonly text: string;
  readonly title?: string;
  /** Default: a fresh id. */
  readonly msgId?: string;
  /** Default: true in groups. */
  readonly atBot?: boolean;
  /** A picture with this downloadCode: 1:1 a `picture` message (the text ignored), in a group `richText` (the text, then the picture). */
  readonly picture?: string;
  /** A file message (msgtype `file`) instead of the text. */
  readonly file?: { readonly downloadCode: string; readonly fileName: string };
}

/** A received file the fake serves. */
interface FakeFile {
  readonly bytes: Buffer;
  /** Sent without a content-length (chunked), so only reading it tells its size. */
  readonly chunked: boolean;
}

/** The fake's configuration. */
export interface FakeDingTalkOptions {
  readonly clientId?: string;
  readonly clientSecret?: string;
  readonly now?: () => number;
  /** Lifetime of an access token in seconds (default 7200). */
  readonly tokenSeconds?: number;
  /** Lifetime of a session webhook in ms (default 90 minutes). */
  readonly webhookMs?: number;
}

/** The fake DingTalk server. */
export class FakeDingTalk {
  readonly clientId: string;
  readonly clientSecret: string;
  readonly calls: FakeCall[] = [];
  readonly sent: FakeSent[] = [];
  /** CALLBACK frames acknowledged, by messageId, with the ack's data. */
  readonly acks = new Map<string, string>();
  /** Pushes of each callback frame (first push and re-pushes), by messageId. */
  readonly pushes = new Map<string, number>();
  /** Replies to SYSTEM pings, by messageId. */
  readonly pongs = new Set<string>();
  /** Responses queued for the next OpenAPI send calls (429, quota, 5xx). */
  readonly failNext: { status: number; body: Record<string, unknown>; headers?: Record<string, string> }[] = [];
  /** Gateway connections opened (each a fresh ticket). */
  connections = 0;
  /** The next this-many callback acknowledgements are lost on the way (the frame stays unacknowledged). */
  loseAcks = 0;
  /** staffIds the organisation does not have: a 1:1 send names them in `invalidStaffIdList`. */
  readonly unknownStaffIds = new Set<string>();
  /** Every access token issued (the secrets test looks for them in the logs). */
  readonly issuedTokens: string[] = [];
  /** Temporary download URLs fetched, and the bytes the fake wrote for each before the client stopped. */
  readonly fileFetches: { downloadCode: string; bytesWritten: number }[] = [];
  private readonly files = new Map<string, FakeFile>();
  private readonly fileUrls = new Map<string, { downloadCode: string; expiresAt: number }>();
  private readonly server = http.createServer((req, res) => void this.route(req, res));
  private readonly wss = new WebSocketServer({ noServer: true });
  private readonly sockets = new Set<WsSocket>();
  private readonly tickets = new Set<string>();
  private readonly tokens = new Map<string, number>();
  private readonly webhooks = new Map<string, { conversationId: string; expiresAt: number }>();
  private readonly unacked = new Map<string, string>();
  private readonly lostAnswers = new Set<string>();
  private readonly now: () => number;
  private waiters: (() => void)[] = [];
  root = '';

  constructor(private readonly opts: FakeDingTalkOptions = {}) {
    this.clientId = opts.clientId ?? 'dingfakeclientid';
    this.clientSecret = opts.clientSecret ?? 'fake-client-secret-Zq81';
    this.now = opts.now ?? Date.now;
    this.server.on('upgrade', (req, socket, head) => this.upgrade(req, socket, head));
  }

  /** Listens on 127.0.0.1 on a free port; `root` is then the API root. */
  async start(): Promise<void> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    this.root = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  async stop(): Promise<void> {
    for (const s of this.sockets) s.terminate();
    this.wss.close();
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  /** Open Stream connections. */
  get connected(): number {
    return this.sockets.size;
  }

  /** Every access token issued so far is refused from now on (401). */
  revokeTokens(): void {
    this.tokens.clear();
  }

  /** Resolves when `test()` holds, re-checked after each frame, call or connection (5 s cap). */
  async until(test: () => boolean, what = 'condition'): Promise<void> {
    const deadline = Date.now() + 5000;
    while (!test()) {
      if (Date.now() > deadline) throw new Error(`fake DingTalk: timed out waiting for ${what}`);
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, 50);
        this.waiters.push(() => (clearTimeout(t), resolve()));
      });
    }
  }

  /** A picture or file members can send by `downloadCode` (`say({ picture })`); `chunked` leaves out its content-length. */
  addFile(downloadCode: string, bytes: Buffer, opts: { chunked?: boolean } = {}): void {
    this.files.set(downloadCode, { bytes, chunked: opts.chunked ?? false });
  }

  /** Pushes a member's message as a CALLBACK frame; returns the frame's messageId and the msgId. */
  say(s: FakeSay): { messageId: string; msgId: string } {
    const session = randomUUID();
    this.webhooks.set(session, { conversationId: s.conversationId, expiresAt: this.now() + (this.opts.webhookMs ?? 90 * 60_000) });
    const msgId = s.msgId ?? `msg${randomUUID().replace(/-/g, '')}`;
    const data = JSON.stringify({
      conversationId: s.conversationId,
      conversationType: s.group ? '2' : '1',
      ...(s.group ? { conversationTitle: s.title ?? s.conversationId, isInAtList: s.atBot ?? true } : {}),
      chatbotCorpId: 'dingcorp',
      chatbotUserId: '$:LWCP_v1:$robot',
      msgId,
      senderNick: s.nick,
      isAdmin: false,
      senderStaffId: s.staffId,
      senderId: `$:LWCP_v1:$${s.staffId}`,
      senderCorpId: 'dingcorp',
      sessionWebhookExpiredTime: this.now() + (this.opts.webhookMs ?? 90 * 60_000),
      createAt: this.now(),
      sessionWebhook: `${this.root}/robot/sendBySession?session=${session}`,
      robotCode: this.clientId,
      ...messageOf(s),
    });
    const messageId = randomUUID();
    this.unacked.set(messageId, data);
    this.push(messageId, data);
    return { messageId, msgId };
  }

  /** Answers (acknowledged or lost) the client sent for `messageId`'s pushes so far. */
  answered(messageId: string): boolean {
    return this.acks.has(messageId) || this.lostAnswers.has(messageId);
  }

  /** Pushes every callback not yet acknowledged again (DingTalk does so after about 60 s). */
  redeliverUnacknowledged(): number {
    for (const [id, data] of this.unacked) this.push(id, data);
    return this.unacked.size;
  }

  /** Sends a SYSTEM ping; the client must answer with its messageId. */
  ping(): string {
    const messageId = randomUUID();
    this.broadcast({ specVersion: '1.0', type: 'SYSTEM', headers: { contentType: 'application/json', messageId, time: String(this.now()), topic: 'ping' }, data: JSON.stringify({ opaque: messageId }) });
    return messageId;
  }

  /** Closes every Stream connection from the server side (a network cut). */
  dropConnections(): void {
    for (const s of this.sockets) s.terminate();
  }

  private push(messageId: string, data: string): void {
    this.pushes.set(messageId, (this.pushes.get(messageId) ?? 0) + 1);
    this.broadcast({
      specVersion: '1.0',
      type: 'CALLBACK',
      headers: { appId: 'app', connectionId: 'conn', contentType: 'application/json', messageId, time: String(this.now()), topic: '/v1.0/im/bot/messages/get' },
      data,
    });
  }

  private broadcast(frame: unknown): void {
    for (const s of this.sockets) if (s.readyState === 1) s.send(JSON.stringify(frame));
  }

  private notify(): void {
    const w = this.waiters;
    this.waiters = [];
    for (const f of w) f();
  }

  private upgrade(req: IncomingMessage, socket: { destroy(): void; write(s: string): void }, head: Buffer): void {
    const ticket = new URL(req.url ?? '/', this.root).searchParams.get('ticket') ?? '';
    if (!this.tickets.delete(ticket)) {
      socket.write('HTTP/1.1 401 Unauthorized\r\n\r\n');
      socket.destroy();
      return;
    }
    this.wss.handleUpgrade(req, socket, head, (ws) => {
      this.sockets.add(ws);
      ws.on('message', (raw) => this.onClientFrame(raw.toString('utf8')));
      ws.on('close', () => (this.sockets.delete(ws), this.notify()));
      this.notify();
    });
  }

  /** A client frame: an answer `{code, headers: {messageId}, message, data}` to a ping or a callback. */
  private onClientFrame(text: string): void {
    const frame = JSON.parse(text) as { code?: number; headers?: { messageId?: string; topic?: string }; data?: string };
    const id = frame.headers?.messageId;
    if (!id || frame.code !== 200) return;
    if (frame.headers?.topic === 'ping') this.pongs.add(id);
    else if (this.loseAcks > 0 && this.unacked.has(id)) {
      this.loseAcks--;
      this.lostAnswers.add(id);
    } else if (this.unacked.delete(id)) this.acks.set(id, frame.data ?? '');
    this.notify();
  }

  private async route(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const body = await readJson(req);
    const url = new URL(req.url ?? '/', this.root);
    const reply = (status: number, json: unknown, headers: Record<string, string> = {}) => {
      res.writeHead(status, { 'content-type': 'application/json', ...headers }).end(JSON.stringify(json));
      this.notify();
    };
    if (url.pathname === '/v1.0/gateway/connections/open') return this.gateway(body, reply);
    if (url.pathname === '/robot/sendBySession') return this.sessionWebhook(url, body, reply);
    if (url.pathname.startsWith('/files/')) return this.serveFile(url, res);
    const call = (status: number, json: unknown, headers?: Record<string, string>) => {
      const userIds = url.pathname.endsWith('/batchSend') && Array.isArray(body.userIds) ? { userIds: body.userIds as string[] } : {};
      this.calls.push({ path: url.pathname, at: this.now(), status, ...userIds });
      reply(status, json, headers);
    };
    if (url.pathname === '/v1.0/oauth2/accessToken') return this.accessToken(body, call);
    if (url.pathname === '/v1.0/robot/messageFiles/download') return this.downloadUrl(req, body, call);
    if (url.pathname === '/v1.0/robot/groupMessages/send' || url.pathname === '/v1.0/robot/oToMessages/batchSend') return this.robotSend(req, url.pathname, body, call);
    reply(404, { code: 'NotFound', message: url.pathname });
  }

  private gateway(body: Record<string, unknown>, reply: (s: number, j: unknown) => void): void {
    if (body.clientId !== this.clientId || body.clientSecret !== this.clientSecret) return reply(401, { code: 'InvalidAuthentication', message: 'clientId or clientSecret is wrong' });
    const subs = body.subscriptions as { type: string; topic: string }[] | undefined;
    if (!subs?.some((s) => s.type === 'CALLBACK' && s.topic === '/v1.0/im/bot/messages/get')) return reply(400, { code: 'InvalidParameter', message: 'no robot subscription' });
    const ticket = randomUUID();
    this.tickets.add(ticket);
    this.connections++;
    reply(200, { endpoint: `${this.root.replace('http', 'ws')}/connect`, ticket });
  }

  private accessToken(body: Record<string, unknown>, reply: (s: number, j: unknown) => void): void {
    if (body.appKey !== this.clientId || body.appSecret !== this.clientSecret) return reply(401, { code: 'InvalidAuthentication', message: 'appKey or appSecret is wrong' });
    const token = `tok-${randomUUID()}`;
    const seconds = this.opts.tokenSeconds ?? 7200;
    this.tokens.set(token, this.now() + seconds * 1000);
    this.issuedTokens.push(token);
    reply(200, { accessToken: token, expireIn: seconds });
  }

  private robotSend(req: IncomingMessage, path: string, body: Record<string, unknown>, reply: (s: number, j: unknown, h?: Record<string, string>) => void): void {
    if (!this.tokenValid(req)) return reply(401, { code: 'InvalidAuthentication', message: '不合法的access_token' });
    const fail = this.failNext.shift();
    if (fail) return reply(fail.status, fail.body, fail.headers);
    const invalid = invalidSendBody(path, body, this.clientId);
    if (invalid) return reply(400, { code: 'InvalidParameter', message: invalid });
    const content = contentOf(String(body.msgKey), JSON.parse(String(body.msgParam)) as Record<string, string>);
    if (path.endsWith('/groupMessages/send')) {
      this.sent.push({ route: 'group', target: String(body.openConversationId), content, at: this.now() });
      return reply(200, { processQueryKey: randomUUID() });
    }
    const userIds = body.userIds as string[];
    const invalidStaffIdList = userIds.filter((u) => this.unknownStaffIds.has(u));
    for (const u of userIds) if (!invalidStaffIdList.includes(u)) this.sent.push({ route: 'user', target: u, content, at: this.now() });
    reply(200, { processQueryKey: randomUUID(), invalidStaffIdList, flowControlledStaffIdList: [] });
  }

  private tokenValid(req: IncomingMessage): boolean {
    const expires = this.tokens.get(String(req.headers['x-acs-dingtalk-access-token'] ?? ''));
    return expires !== undefined && expires > this.now();
  }

  /** `messageFiles/download`: a known downloadCode of this robot becomes a temporary URL (an hour). */
  private downloadUrl(req: IncomingMessage, body: Record<string, unknown>, reply: (s: number, j: unknown) => void): void {
    if (!this.tokenValid(req)) return reply(401, { code: 'InvalidAuthentication', message: '不合法的access_token' });
    if (body.robotCode !== this.clientId) return reply(400, { code: 'InvalidParameter', message: 'robotCode' });
    const code = typeof body.downloadCode === 'string' ? body.downloadCode : '';
    if (!this.files.has(code)) return reply(400, { code: 'InvalidParameter', message: 'downloadCode 无效' });
    const id = randomUUID();
    this.fileUrls.set(id, { downloadCode: code, expiresAt: this.now() + 3_600_000 });
    reply(200, { downloadUrl: `${this.root}/files/${id}.file` });
  }

  /** The temporary URL: the file's bytes, with their content-length unless the file is chunked. */
  private serveFile(url: URL, res: ServerResponse): void {
    const entry = this.fileUrls.get(url.pathname.slice('/files/'.length).replace(/\.file$/, ''));
    const file = entry && entry.expiresAt > this.now() ? this.files.get(entry.downloadCode) : undefined;
    if (!entry || !file) return void res.writeHead(403, { 'content-type': 'text/plain' }).end('expired');
    const fetchRecord = { downloadCode: entry.downloadCode, bytesWritten: 0 };
    this.fileFetches.push(fetchRecord);
    res.writeHead(200, { 'content-type': 'application/octet-stream', ...(file.chunked ? {} : { 'content-length': String(file.bytes.length) }) });
    res.on('close', () => this.notify());
    writeInChunks(res, file.bytes, fetchRecord);
  }

  private sessionWebhook(url: URL, body: Record<string, unknown>, reply: (s: number, j: unknown) => void): void {
    const hook = this.webhooks.get(url.searchParams.get('session') ?? '');
    if (!hook || hook.expiresAt <= this.now()) return reply(200, { errcode: 300001, errmsg: 'session 过期' });
    const text = body.text as { content?: string } | undefined;
    this.sent.push({ route: 'webhook', target: hook.conversationId, content: text?.content ?? '', at: this.now() });
    reply(200, { errcode: 0, errmsg: 'ok' });
  }
}

/** The message fields of a callback: a picture, a file, or the text (a group's after the robot's stripped @). */
function messageOf(s: FakeSay): Record<string, unknown> {
  // A group robot hears only @-messages: a picture there comes as rich text (the @ stripped, any text before it).
  if (s.picture && s.group) return { msgtype: 'richText', content: { richText: [...(s.text ? [{ text: s.text }] : []), { type: 'picture', downloadCode: s.picture, pictureDownloadCode: s.picture }] } };
  if (s.picture) return { msgtype: 'picture', content: { downloadCode: s.picture, pictureDownloadCode: s.picture } };
  if (s.file) return { msgtype: 'file', content: { downloadCode: s.file.downloadCode, fileName: s.file.fileName } };
  return { msgtype: 'text', text: { content: s.group ? ` ${s.text}` : s.text } };
}

/**
 * Templates the robot send endpoints take (企业机器人发送消息的消息类型) and the msgParam fields each requires.
 * https://open.dingtalk.com/document/development/robot-message-type
 */
const TEMPLATES: Record<string, readonly string[]> = {
  sampleText: ['content'],
  sampleMarkdown: ['title', 'text'],
  sampleImageMsg: ['photoURL'],
  sampleLink: ['text', 'title', 'picUrl', 'messageUrl'],
  sampleActionCard: ['title', 'text', 'singleTitle', 'singleURL'],
  sampleFile: ['mediaId', 'fileName', 'fileType'],
};

/**
 * Why a robot send body is refused (400 InvalidParameter), or undefined. The shape is the official
 * one: `robotCode`, `msgKey`, `msgParam` as a JSON string; `openConversationId` for a group
 * (机器人发送群聊消息, `/v1.0/robot/groupMessages/send`);
 * `userIds`, 1 to 20 strings, for 1:1 ("每次最多传20个": 批量发送人与机器人会话中机器人消息,
 * https://open.dingtalk.com/document/group/chatbots-send-one-on-one-chat-messages-in-batches).
 */
function invalidSendBody(path: string, body: Record<string, unknown>, robotCode: string): string | undefined {
  if (body.robotCode !== robotCode) return 'robotCode';
  const fields = TEMPLATES[String(body.msgKey)];
  if (!fields) return 'msgKey';
  if (typeof body.msgParam !== 'string') return 'msgParam must be a JSON string';
  let param: unknown;
  try {
    param = JSON.parse(body.msgParam);
  } catch {
    return 'msgParam is not JSON';
  }
  if (typeof param !== 'object' || param === null || fields.some((f) => typeof (param as Record<string, unknown>)[f] !== 'string')) return `msgParam of ${String(body.msgKey)} needs ${fields.join(', ')}`;
  if (path.endsWith('/groupMessages/send')) return typeof body.openConversationId === 'string' && body.openConversationId ? undefined : 'openConversationId';
  const ids = body.userIds;
  if (!Array.isArray(ids) || ids.length < 1 || ids.length > 20 || ids.some((u) => typeof u !== 'string' || !u)) return 'userIds must hold 1 to 20 userIds';
  return undefined;
}

/** What a member sees of a template message (its text, or the file or picture it names). */
function contentOf(msgKey: string, param: Record<string, string>): string {
  if (msgKey === 'sampleText') return param.content ?? '';
  if (msgKey === 'sampleMarkdown' || msgKey === 'sampleActionCard') return param.text ?? '';
  if (msgKey === 'sampleFile') return `[file ${param.fileName}]`;
  if (msgKey === 'sampleImageMsg') return `[image ${param.photoURL}]`;
  return param.text ?? '';
}

async function readJson(req: IncomingMessage): Promise<Record<string, unknown>> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  try {
    return JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}') as Record<string, unknown>;
  } catch {
    return {};
  }
}
