/**
 * The DingTalk robot behind the `Adapter` interface: Stream mode in (`stream.ts`), session
 * webhook or OpenAPI out (`openapi.ts`). A callback is acknowledged once the sink (the
 * inbox) has recorded it (its processing goes on in its chat's lane; one the process dies before
 * processing is processed at the next start), so DingTalk pushes an unrecorded one again and the
 * inbox answers it once. Each send reports the metered OpenAPI calls it spent; one message to
 * many members' 1:1 chats (`sendToMany`) costs one call per 20 members. Pictures and files
 * people sent are fetched on demand by their download code (`download`).
 */
import type { Adapter, BatchSendResult, Capabilities, Downloaded, IncomingSink, SendResult } from '../../bot/adapter.ts';
import { DeliveryError, DownloadTooBigError, readAtMost } from '../../bot/adapter.ts';
import type { ChatRef, OutgoingMessage } from '../../bot/types.ts';
import type { Clock } from '../../clock.ts';
import type { Logger } from '../../logger.ts';
import { chatIdOf, parseCallback, toIncoming } from './inbound.ts';
import { DingTalkOpenApi, MAX_BATCH_USERS, type RobotMessage, type Spend } from './openapi.ts';
import { StreamClient } from './stream.ts';

/** Everything the adapter is built from. */
export interface DingTalkAdapterOptions {
  readonly clientId: string;
  readonly clientSecret: string;
  readonly robotCode: string;
  readonly apiRoot: string;
  readonly capabilities: Capabilities;
  readonly logger: Logger;
  readonly clock: Clock;
  readonly backoffMs?: { readonly initial: number; readonly max: number };
}

/** How long fetching one received picture or file may take. */
const DOWNLOAD_TIMEOUT_MS = 60_000;

/** A session webhook is not used in its last minute (a send could outlive it). */
const WEBHOOK_MARGIN_MS = 60_000;

/** The DingTalk adapter. */
export class DingTalkAdapter implements Adapter {
  readonly platform = 'dingtalk';
  readonly capabilities: Capabilities;
  private readonly api: DingTalkOpenApi;
  private stream: StreamClient | undefined;
  private readonly webhooks = new Map<string, { url: string; expiresAt: number }>();
  private online = false;

  constructor(private readonly opts: DingTalkAdapterOptions) {
    this.capabilities = opts.capabilities;
    this.api = new DingTalkOpenApi({ apiRoot: opts.apiRoot, clientId: opts.clientId, clientSecret: opts.clientSecret, robotCode: opts.robotCode, clock: opts.clock });
  }

  /** Opens the Stream connection in the background; an authentication failure is logged once and leaves the bot running. */
  async start(sink: IncomingSink): Promise<void> {
    const stream = new StreamClient({
      clientId: this.opts.clientId,
      clientSecret: this.opts.clientSecret,
      apiRoot: this.opts.apiRoot,
      logger: this.opts.logger,
      ...(this.opts.backoffMs ? { backoffMs: this.opts.backoffMs } : {}),
      onCallback: (frame) => void this.onCallback(frame.headers.messageId, frame.data, sink),
      onAuthFailure: () => (this.online = false),
    });
    this.stream = stream;
    this.online = true;
    void stream.connect();
  }

  async stop(): Promise<void> {
    this.stream?.stop();
    this.stream = undefined;
    this.online = false;
  }

  isOnline(): boolean {
    return this.online;
  }

  /** Records, processes, then acknowledges one callback; a failure leaves it unacknowledged for DingTalk to push again. */
  private async onCallback(messageId: string, data: string, sink: IncomingSink): Promise<void> {
    const cb = parseCallback(data);
    const stream = this.stream;
    if (!cb) {
      stream?.acknowledge(messageId);
      return;
    }
    if (cb.sessionWebhook && typeof cb.sessionWebhookExpiredTime === 'number') {
      this.webhooks.set(chatIdOf(cb), { url: cb.sessionWebhook, expiresAt: cb.sessionWebhookExpiredTime });
    }
    try {
      await sink(toIncoming(cb, this.platform, this.opts.clock.now()));
      stream?.acknowledge(messageId);
    } catch (err) {
      this.opts.logger.error({ err: err instanceof Error ? err.message : String(err), eventId: cb.msgId }, 'DingTalk callback not recorded; left unacknowledged for redelivery');
    }
  }

  /** 0 while the chat's session webhook is valid (a free reply), else 1 OpenAPI call. */
  meteredCost(chat: ChatRef): number {
    return this.webhookOf(chat) ? 0 : 1;
  }

  private webhookOf(chat: ChatRef): string | undefined {
    const hook = this.webhooks.get(chat.chatId);
    return hook && hook.expiresAt - WEBHOOK_MARGIN_MS > this.opts.clock.now().getTime() ? hook.url : undefined;
  }

  /** Sends one message: through the chat's session webhook while valid (free), else the OpenAPI (metered). */
  async send(chat: ChatRef, message: OutgoingMessage): Promise<SendResult> {
    const robot = robotMessageOf(message);
    if (!robot) return { meteredCalls: 0 };
    const hook = this.webhookOf(chat);
    if (hook) {
      await this.sendByWebhook(hook, robot);
      return { meteredCalls: 0 };
    }
    const spend = { calls: 0 };
    try {
      if (chat.kind === 'private') {
        const { processQueryKey, failed } = await this.api.sendToUsers([chat.chatId], robot, spend);
        const failure = failed.get(chat.chatId);
        if (failure) throw failure;
        return { ...(processQueryKey ? { messageId: processQueryKey } : {}), meteredCalls: spend.calls };
      }
      const id = await this.api.sendToGroup(chat.chatId, robot, spend);
      return { ...(id ? { messageId: id } : {}), meteredCalls: spend.calls };
    } catch (err) {
      if (err instanceof DeliveryError) err.meteredCalls = spend.calls;
      throw err;
    }
  }

  /**
   * One message to several members' 1:1 chats: those with a valid session webhook by it (free),
   * the others in `oToMessages/batchSend` calls of up to 20 staffIds each (one metered call each).
   */
  async sendToMany(chats: readonly ChatRef[], message: OutgoingMessage): Promise<BatchSendResult> {
    const robot = robotMessageOf(message);
    const failed = new Map<string, DeliveryError>();
    if (!robot) return { meteredCalls: 0, failed };
    const byApi = chats.filter((c) => !this.webhookOf(c)).map((c) => c.chatId);
    const byHook = chats.filter((c) => this.webhookOf(c));
    await Promise.all(byHook.map((c) => this.sendByWebhook(this.webhookOf(c)!, robot).catch((err: unknown) => failed.set(c.chatId, asDeliveryError(err)))));
    const spend: Spend = { calls: 0 };
    let messageId: string | undefined;
    for (let i = 0; i < byApi.length; i += MAX_BATCH_USERS) {
      const ids = byApi.slice(i, i + MAX_BATCH_USERS);
      try {
        const sent = await this.api.sendToUsers(ids, robot, spend);
        messageId ??= sent.processQueryKey;
        for (const [id, err] of sent.failed) failed.set(id, err);
      } catch (err) {
        for (const id of ids) failed.set(id, asDeliveryError(err));
      }
    }
    return { meteredCalls: spend.calls, ...(messageId ? { messageId } : {}), failed };
  }

  /**
   * Fetches a picture or file people sent, by its `downloadCode`: the OpenAPI gives a temporary
   * URL (one call from the monthly budget), whose body is refused when its content-length is over
   * `maxBytes` and read no further than `maxBytes` otherwise. The URL is never logged or thrown.
   */
  async download(ref: string, maxBytes: number): Promise<Downloaded> {
    const url = await this.api.downloadUrl(ref, { calls: 0 });
    // A network failure's error names the host, never the URL's signed query.
    const res = await fetch(url, { signal: AbortSignal.timeout(DOWNLOAD_TIMEOUT_MS) });
    if (!res.ok) {
      await res.body?.cancel();
      throw new Error(`DingTalk file download answered HTTP ${res.status}`);
    }
    const length = Number(res.headers.get('content-length') ?? NaN);
    if (length > maxBytes) {
      await res.body?.cancel();
      throw new DownloadTooBigError(length);
    }
    return { bytes: await readAtMost(res.body, maxBytes) };
  }

  private async sendByWebhook(url: string, robot: RobotMessage): Promise<void> {
    const body = robot.msgKey === 'sampleText' ? { msgtype: 'text', text: { content: robot.msgParam.content } } : { msgtype: 'markdown', markdown: { title: robot.msgParam.title, text: robot.msgParam.text } };
    let res: Response;
    try {
      res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body), signal: AbortSignal.timeout(15_000) });
    } catch {
      throw new DeliveryError('transient', 'DingTalk session webhook unreachable');
    }
    const json = (await res.json().catch(() => ({}))) as { errcode?: number };
    if (res.status === 429) throw new DeliveryError('rate_limited', 'DingTalk session webhook rate limited', 1000);
    if (!res.ok || (json.errcode ?? 0) !== 0) throw new DeliveryError(res.status >= 500 ? 'transient' : 'permanent', `DingTalk session webhook answered ${res.status} ${json.errcode ?? ''}`);
  }
}

function asDeliveryError(err: unknown): DeliveryError {
  return err instanceof DeliveryError ? err : new DeliveryError('transient', err instanceof Error ? err.message : String(err));
}

/** A text with its mentions written as `@名字` (DingTalk's OpenAPI text has no @ of its own). */
export function robotMessageOf(message: OutgoingMessage): RobotMessage | undefined {
  if (message.kind !== 'text') return undefined;
  const names = (message.mentions ?? []).map((m) => `@${m.name}`).filter((at) => !message.text.includes(at));
  const content = names.length ? `${message.text}\n${names.join(' ')}` : message.text;
  return { msgKey: 'sampleText', msgParam: { content } };
}
