/**
 * The Stream-mode connection, on the official `dingtalk-stream` SDK's `DWClient`. The SDK keeps
 * the WebSocket, answers the SYSTEM `ping`, and hands CALLBACK frames to listeners; this subclass
 * changes what it cannot configure: the gateway address (the SDK hard-codes api.dingtalk.com;
 * private deployments and tests need `DINGTALK_API_ROOT`), reconnection with exponential backoff
 * and jitter instead of a fixed 1 s, and an authentication failure that stops the loop with one
 * clear log line instead of retrying every second for ever. It never turns on the SDK's debug
 * printing (which prints the configuration, secret included).
 */
import { DWClient, TOPIC_ROBOT, type DWClientDownStream } from 'dingtalk-stream';
import type { Logger } from '../../logger.ts';

/** How the Stream client connects. */
export interface StreamOptions {
  readonly clientId: string;
  readonly clientSecret: string;
  /** Base of the gateway: `${apiRoot}/v1.0/gateway/connections/open`. */
  readonly apiRoot: string;
  readonly logger: Logger;
  /** First and longest wait between connection attempts (default 1 s and 60 s). */
  readonly backoffMs?: { readonly initial: number; readonly max: number };
  /** Called for each robot message callback frame. */
  readonly onCallback: (frame: DWClientDownStream) => void;
  /** Called once when the gateway refuses the credentials (the loop has stopped). */
  readonly onAuthFailure?: (status: number) => void;
}

/** The gateway answered 401/403: the Client ID or Secret is wrong; retrying will not help. */
export class StreamAuthError extends Error {
  constructor(readonly status: number) {
    super(`DingTalk refused the Client ID / Client Secret (gateway answered ${status})`);
    this.name = 'StreamAuthError';
  }
}

/** The official client with a configurable gateway and a careful reconnect loop. */
export class StreamClient extends DWClient {
  private stopped = false;
  private looping = false;
  private attempt = 0;
  private retryTimer: NodeJS.Timeout | undefined;
  private readonly backoff: { readonly initial: number; readonly max: number };

  constructor(private readonly options: StreamOptions) {
    super({ clientId: options.clientId, clientSecret: options.clientSecret, keepAlive: true, debug: false, ua: 'xianfeng' });
    this.backoff = options.backoffMs ?? { initial: 1000, max: 60_000 };
    // The SDK's default subscription list is a module-level array shared by every client: own one.
    this.config.subscriptions = [{ type: 'CALLBACK', topic: TOPIC_ROBOT }];
    this.on(TOPIC_ROBOT, (frame: DWClientDownStream) => options.onCallback(frame));
    (this as unknown as { reconnectInterval: number }).reconnectInterval = this.backoff.initial;
  }

  /** The gateway call of the SDK, against `apiRoot`, telling an authentication failure apart. */
  override async getEndpoint(): Promise<this> {
    const res = await fetch(`${this.options.apiRoot}/v1.0/gateway/connections/open`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json' },
      body: JSON.stringify({ clientId: this.config.clientId, clientSecret: this.config.clientSecret, ua: this.config.ua, subscriptions: this.config.subscriptions }),
      signal: AbortSignal.timeout(15_000),
    });
    if (res.status === 401 || res.status === 403) throw new StreamAuthError(res.status);
    if (!res.ok) throw new Error(`gateway answered ${res.status}`);
    const body = (await res.json()) as { endpoint?: string; ticket?: string };
    if (!body.endpoint || !body.ticket) throw new Error('gateway gave no endpoint or ticket');
    (this as unknown as { dw_url: string }).dw_url = `${body.endpoint}?ticket=${encodeURIComponent(body.ticket)}`;
    return this;
  }

  /**
   * Connects, retrying with exponential backoff and full jitter until it succeeds, `stop` is
   * called, or the credentials are refused. The SDK calls this again after a socket closes.
   */
  override async connect(): Promise<void> {
    if (this.looping || this.stopped) return;
    this.looping = true;
    try {
      while (!this.stopped) {
        try {
          await this.getEndpoint();
          if (this.stopped) return;
          await this._connect();
          this.attempt = 0;
          return;
        } catch (err) {
          if (err instanceof StreamAuthError) {
            this.stopped = true;
            this.options.logger.error({ status: err.status }, `${err.message}: DingTalk is off until the configuration is fixed; other platforms keep running`);
            this.options.onAuthFailure?.(err.status);
            return;
          }
          const wait = this.nextDelay();
          this.options.logger.warn({ reason: err instanceof Error ? err.message.slice(0, 120) : 'error', retryInMs: wait }, 'DingTalk Stream connection failed; retrying');
          await new Promise<void>((resolve) => (this.retryTimer = setTimeout(resolve, wait)));
        }
      }
    } finally {
      this.looping = false;
    }
  }

  /** Closes the socket and ends every retry. */
  stop(): void {
    this.stopped = true;
    if (this.retryTimer) clearTimeout(this.retryTimer);
    const socket = (this as unknown as { socket?: { removeAllListeners(e: string): void; on(e: string, f: () => void): void } }).socket;
    if (socket) {
      socket.removeAllListeners('error');
      socket.on('error', () => {});
    }
    this.disconnect();
  }

  /** Acknowledges a callback frame so DingTalk does not push it again. */
  acknowledge(messageId: string): void {
    this.socketCallBackResponse(messageId, { status: 'SUCCESS' });
  }

  private nextDelay(): number {
    const cap = Math.min(this.backoff.max, this.backoff.initial * 2 ** this.attempt++);
    return Math.round(cap / 2 + Math.random() * (cap / 2));
  }
}
