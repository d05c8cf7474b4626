/**
 * DingTalk's OpenAPI as the robot uses it: the access token (cached, refreshed before it expires
 * and once on a 401) and the two metered send endpoints, group (`groupMessages/send`) and 1:1
 * (`oToMessages/batchSend`, up to 20 members a call), and the download URL of a received file. Each send counts the HTTP calls it made (its token request included)
 * in the `Spend` it is given, so the adapter can report what it cost from the monthly budget, even
 * with many sends in flight at once. Errors become `DeliveryError` kinds.
 */
import { DeliveryError } from '../../bot/adapter.ts';
import type { Clock } from '../../clock.ts';

/** A robot message as the OpenAPI takes it: a template key and its parameters. */
export interface RobotMessage {
  readonly msgKey: 'sampleText' | 'sampleMarkdown' | 'sampleActionCard';
  readonly msgParam: Record<string, string>;
}

/**
 * Most userIds one `oToMessages/batchSend` call takes ("每次最多传20个": 批量发送人与机器人会话中机器人消息,
 * https://open.dingtalk.com/document/group/chatbots-send-one-on-one-chat-messages-in-batches).
 */
export const MAX_BATCH_USERS = 20;

/** What a 1:1 batch send reports: its query key and the members it did not reach. */
export interface UsersSent {
  readonly processQueryKey?: string;
  readonly failed: ReadonlyMap<string, DeliveryError>;
}

/** The metered calls one send made so far. */
export interface Spend {
  calls: number;
}

/** How the OpenAPI client is configured. */
export interface OpenApiOptions {
  /** Base of the OpenAPI, e.g. `https://api.dingtalk.com` (no trailing slash). */
  readonly apiRoot: string;
  readonly clientId: string;
  readonly clientSecret: string;
  readonly robotCode: string;
  readonly clock: Clock;
  /** Refresh the token this long before DingTalk says it expires (default 5 minutes). */
  readonly refreshMarginMs?: number;
  /** Abort a call after this long (default 15 s). */
  readonly timeoutMs?: number;
}

/** The quota error DingTalk returns when the organisation's monthly API calls are used up. */
export const QUOTA_EXCEEDED_ERRCODE = 90020;

/** Talks to the OpenAPI; one instance per adapter. */
export class DingTalkOpenApi {
  private token: { value: string; refreshAt: number } | undefined;
  private pendingToken: Promise<string> | undefined;

  constructor(private readonly opts: OpenApiOptions) {}

  /** Sends to a group by its openConversationId. */
  async sendToGroup(openConversationId: string, message: RobotMessage, spend: Spend): Promise<string | undefined> {
    const body = { robotCode: this.opts.robotCode, openConversationId, msgKey: message.msgKey, msgParam: JSON.stringify(message.msgParam) };
    const res = await this.authorized('/v1.0/robot/groupMessages/send', body, spend);
    return typeof res.processQueryKey === 'string' ? res.processQueryKey : undefined;
  }

  /**
   * Sends 1:1 to up to `MAX_BATCH_USERS` members by staffId in one call. DingTalk names the
   * members it does not know (`invalidStaffIdList`) and those it held back for flow control
   * (`flowControlledStaffIdList`); they come back as `failed`, every other member got it.
   */
  async sendToUsers(staffIds: readonly string[], message: RobotMessage, spend: Spend): Promise<UsersSent> {
    if (staffIds.length < 1 || staffIds.length > MAX_BATCH_USERS) throw new RangeError(`oToMessages/batchSend takes 1 to ${MAX_BATCH_USERS} userIds, not ${staffIds.length}`);
    const body = { robotCode: this.opts.robotCode, userIds: staffIds, msgKey: message.msgKey, msgParam: JSON.stringify(message.msgParam) };
    const res = await this.authorized('/v1.0/robot/oToMessages/batchSend', body, spend);
    const failed = new Map<string, DeliveryError>();
    for (const id of listOf(res.invalidStaffIdList)) failed.set(id, new DeliveryError('permanent', 'DingTalk does not know this staffId (invalidStaffIdList)'));
    for (const id of listOf(res.flowControlledStaffIdList)) failed.set(id, new DeliveryError('rate_limited', 'DingTalk flow-controlled this member (flowControlledStaffIdList)', 60_000));
    return { ...(typeof res.processQueryKey === 'string' ? { processQueryKey: res.processQueryKey } : {}), failed };
  }

  /**
   * Exchanges a received picture's or file's `downloadCode` for its temporary download URL
   * (`/v1.0/robot/messageFiles/download`, 下载机器人接收消息的文件内容,
   * https://open.dingtalk.com/document/orgapp/download-the-file-content-of-the-robot-receiving-message).
   */
  async downloadUrl(downloadCode: string, spend: Spend): Promise<string> {
    const res = await this.authorized('/v1.0/robot/messageFiles/download', { downloadCode, robotCode: this.opts.robotCode }, spend);
    if (typeof res.downloadUrl !== 'string' || !res.downloadUrl) throw new DeliveryError('transient', 'DingTalk returned no downloadUrl');
    return res.downloadUrl;
  }

  /** The cached token, or a new one (one request however many sends wait for it; it is charged to the send that made it). */
  async accessToken(spend: Spend): Promise<string> {
    if (this.token && this.opts.clock.now().getTime() < this.token.refreshAt) return this.token.value;
    this.pendingToken ??= this.fetchToken(spend).finally(() => (this.pendingToken = undefined));
    return this.pendingToken;
  }

  private async fetchToken(spend: Spend): Promise<string> {
    const res = await this.call('/v1.0/oauth2/accessToken', { appKey: this.opts.clientId, appSecret: this.opts.clientSecret }, {}, spend);
    if (typeof res.accessToken !== 'string' || !res.accessToken) throw new DeliveryError('transient', 'DingTalk returned no accessToken');
    const lifeMs = (typeof res.expireIn === 'number' ? res.expireIn : 7200) * 1000;
    const margin = Math.min(this.opts.refreshMarginMs ?? 5 * 60_000, lifeMs / 2);
    this.token = { value: res.accessToken, refreshAt: this.opts.clock.now().getTime() + lifeMs - margin };
    return res.accessToken;
  }

  /** A call with the token header; on a 401 the token is dropped and the call made once more. */
  private async authorized(path: string, body: unknown, spend: Spend): Promise<Record<string, unknown>> {
    try {
      return await this.call(path, body, { 'x-acs-dingtalk-access-token': await this.accessToken(spend) }, spend);
    } catch (err) {
      if (!(err instanceof UnauthorizedError)) throw err;
      this.token = undefined;
      try {
        return await this.call(path, body, { 'x-acs-dingtalk-access-token': await this.accessToken(spend) }, spend);
      } catch (again) {
        if (again instanceof UnauthorizedError) throw new DeliveryError('offline', 'DingTalk refused the access token twice (401)');
        throw again;
      }
    }
  }

  private async call(path: string, body: unknown, headers: Record<string, string>, spend: Spend): Promise<Record<string, unknown>> {
    spend.calls++;
    let res: Response;
    try {
      res = await fetch(`${this.opts.apiRoot}${path}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', accept: 'application/json', ...headers },
        body: JSON.stringify(body),
        signal: AbortSignal.timeout(this.opts.timeoutMs ?? 15_000),
      });
    } catch (err) {
      throw new DeliveryError('transient', `DingTalk ${path} unreachable: ${err instanceof Error ? err.name : 'error'}`);
    }
    const json = (await res.json().catch(() => ({}))) as Record<string, unknown>;
    if (res.ok && !isErrorBody(json)) return json;
    throw errorOf(path, res, json);
  }
}

function listOf(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : [];
}

/** A 401: the token is stale or revoked. */
class UnauthorizedError extends Error {}

function isErrorBody(json: Record<string, unknown>): boolean {
  return typeof json.errcode === 'number' && json.errcode !== 0;
}

/** Maps a failed response to how the outbox should react (never quoting headers or tokens). */
export function errorOf(path: string, res: Response, json: Record<string, unknown>): Error {
  const code = String(json.errcode ?? json.code ?? res.status);
  const what = `DingTalk ${path}: ${res.status} ${code}`;
  if (code === String(QUOTA_EXCEEDED_ERRCODE) || /QuotaExceed|ApiCallLimit/i.test(code)) {
    return new DeliveryError('permanent', `${what}: the organisation's monthly API calls are used up`);
  }
  if (res.status === 429 || /Throttl|QpsLimit|FlowControl/i.test(code)) {
    const retry = Number(res.headers.get('retry-after'));
    return new DeliveryError('rate_limited', `${what}: rate limited`, Number.isFinite(retry) && retry > 0 ? retry * 1000 : 1000);
  }
  if (res.status === 401) return new UnauthorizedError(what);
  if (res.status >= 500) return new DeliveryError('transient', what);
  return new DeliveryError('permanent', `${what}: ${String(json.message ?? json.errmsg ?? '').slice(0, 200)}`);
}
