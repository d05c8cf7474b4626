/**
 * The one long connection to WeCom, on the official SDK's `WSClient` (subscribe, heartbeat, reply
 * queues). The SDK's own reconnection is turned off and done here instead: exponential backoff
 * with jitter after a drop; after an authentication failure one clear log line, the status
 * `auth_failed` and a slow retry; after `disconnected_event` (another connection took the bot
 * over) the status `kicked` and a slow retry, never a fight in a loop.
 */
import { WSClient, type WsFrame } from '@wecom/aibot-node-sdk';
import type { Logger } from '../../logger.ts';
import { redactSecrets } from '../../logger.ts';

/** Where the connection stands; admins see it in the log and the status file. */
export type ConnectionState = 'stopped' | 'standby' | 'connecting' | 'online' | 'auth_failed' | 'kicked';

/** How the connection is set up. */
export interface ConnectionOptions {
  readonly botId: string;
  readonly secret: string;
  readonly wsUrl: string;
  readonly heartbeatMs: number;
  /** First and largest delay between reconnection attempts. */
  readonly backoff: { readonly initialMs: number; readonly maxMs: number };
  /** Delay before trying again after an authentication failure or a take-over. */
  readonly slowRetryMs: number;
  readonly logger: Logger;
  /** 0 ≤ x < 1 (Math.random); tests fix it. */
  readonly random?: () => number;
  readonly onMessage: (frame: WsFrame) => void;
  readonly onEvent: (frame: WsFrame) => void;
  readonly onState: (state: ConnectionState, reason?: string) => void;
}

/** The SDK's logger, redacted and quietened: its debug lines print whole message bodies. */
function sdkLogger(logger: Logger, secret: string) {
  const clean = (message: string, args: unknown[]) =>
    redactSecrets([message, ...args.map((a) => (a instanceof Error ? a.message : typeof a === 'string' ? a : JSON.stringify(a)))].join(' '), [secret]);
  return {
    debug: () => undefined,
    info: (m: string, ...a: unknown[]) => logger.debug({ sdk: true }, clean(m, a)),
    warn: (m: string, ...a: unknown[]) => logger.info({ sdk: true }, clean(m, a)),
    error: (m: string, ...a: unknown[]) => logger.info({ sdk: true }, clean(m, a)),
  };
}

/** Opens, keeps and closes the long connection. */
export class WecomConnection {
  private client: WSClient | undefined;
  private timer: NodeJS.Timeout | undefined;
  private attempts = 0;
  private current: ConnectionState = 'stopped';
  /** Why the socket went away, learnt before its `disconnected` event. */
  private cause: 'auth' | 'kicked' | undefined;

  constructor(private readonly opts: ConnectionOptions) {}

  /** The state now. */
  get state(): ConnectionState {
    return this.current;
  }

  /** The connected client for sending, if online. */
  get sender(): WSClient | undefined {
    return this.current === 'online' ? this.client : undefined;
  }

  /** Connects (again); safe to call in any state. */
  open(): void {
    this.clearTimer();
    this.dispose();
    this.cause = undefined;
    this.setState('connecting');
    const client = new WSClient({
      botId: this.opts.botId,
      secret: this.opts.secret,
      wsUrl: this.opts.wsUrl,
      heartbeatInterval: this.opts.heartbeatMs,
      maxReconnectAttempts: 0,
      maxAuthFailureAttempts: 0,
      logger: sdkLogger(this.opts.logger, this.opts.secret),
    });
    client.on('authenticated', () => {
      this.attempts = 0;
      this.setState('online');
    });
    client.on('message', (frame) => this.opts.onMessage(frame));
    client.on('event', (frame) => {
      if ((frame.body as { event?: { eventtype?: string } } | undefined)?.event?.eventtype === 'disconnected_event') this.cause = 'kicked';
      else this.opts.onEvent(frame);
    });
    client.on('error', (err) => {
      if (/^Authentication failed/.test(err.message)) this.cause = 'auth';
    });
    client.on('disconnected', (reason) => {
      if (this.client === client) this.afterDrop(redactSecrets(reason, [this.opts.secret]));
    });
    this.client = client;
    client.connect();
  }

  /** Disconnects and stays disconnected (`standby` while another instance holds the lease). */
  close(state: 'stopped' | 'standby' = 'stopped'): void {
    this.clearTimer();
    this.dispose();
    this.setState(state);
  }

  private afterDrop(reason: string): void {
    this.dispose();
    if (this.cause === 'auth') {
      this.setState('auth_failed', 'WeCom refused the bot id or secret (WECOM_BOT_ID / WECOM_BOT_SECRET)');
      this.retryIn(this.opts.slowRetryMs);
    } else if (this.cause === 'kicked') {
      this.setState('kicked', 'another connection took this WeCom bot over (a second instance or deployment with the same bot id?)');
      this.retryIn(this.opts.slowRetryMs);
    } else {
      this.attempts++;
      const { initialMs, maxMs } = this.opts.backoff;
      const base = Math.min(maxMs, initialMs * 2 ** (this.attempts - 1));
      const delay = Math.round(base / 2 + (base / 2) * (this.opts.random ?? Math.random)());
      this.setState('connecting', `connection lost (${reason}); reconnecting in ${delay} ms (attempt ${this.attempts})`);
      this.retryIn(delay);
    }
  }

  private retryIn(ms: number): void {
    this.clearTimer();
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.open();
    }, ms);
  }

  private dispose(): void {
    const client = this.client;
    this.client = undefined;
    if (!client) return;
    client.removeAllListeners();
    client.on('error', () => undefined); // late socket errors of a closed client are expected
    if (client.isConnected || (client as unknown as { started?: boolean }).started) client.disconnect();
  }

  private clearTimer(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
  }

  private setState(state: ConnectionState, reason?: string): void {
    const changed = state !== this.current;
    this.current = state;
    if (changed || reason) this.opts.onState(state, reason);
  }
}
