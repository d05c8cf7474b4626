import type { ChatRef, Incoming, OutgoingMessage, Platform } from './types.ts';

/**
 * What a platform can do. Features and the outbox consult this matrix instead of testing the
 * platform's name: one table per adapter, no `if (platform === …)` anywhere else.
 */
export interface Capabilities {
  /** Longest text message; longer texts are split on line boundaries by the outbox. */
  readonly maxTextLength: number;
  /** Native regular polls whose (non-anonymous) answers come back as `poll_answer`. */
  readonly nativePolls: boolean;
  /** Native quiz polls with a correct answer. */
  readonly nativeQuiz: boolean;
  /** Inline buttons under a message, pressed as `button` events. */
  readonly buttons: boolean;
  /** PNG pictures. */
  readonly images: boolean;
  /** File documents (CSV exports). */
  readonly files: boolean;
  /** The bot can open a private chat with a member it knows (daily question, receipts, nudges). */
  readonly privateMessages: boolean;
  /** Outgoing pace the outbox keeps for this platform. */
  readonly rateLimits: RateLimits;
  /** Most options a poll may have to be sent natively or as a card (more are sent as numbered text). */
  readonly maxPollOptions: number;
  /** Longest question text of a native poll, quiz or card (longer ones are sent as text). */
  readonly maxQuestionLength: number;
  /** Longest option label of a native poll, quiz or card. */
  readonly maxOptionLength: number;
  /** Longest explanation shown with a native quiz answer. */
  readonly maxExplanationLength: number;
  /** Longest time a native quiz question may stay open, in seconds. */
  readonly maxOpenSeconds: number;
  /**
   * Which group messages the bot receives: `all` (every message of the group) or only those
   * that @-mention it. Announcements tell people to write
   * `@先锋 1` where it is `mentions`.
   */
  readonly groupMessages: 'all' | 'mentions';
  /** How an outgoing message's `mentions` are shown: the platform's own @-mention, or `@名字` in the text. */
  readonly mentions: 'native' | 'text';
  /** Each send costs from a monthly call budget (a platform whose sends are counted per month): the outbox counts and spares them. */
  readonly metered: boolean;
  /** With `metered`: the calls a month the outbox may spend (0 or absent = unlimited; src/outbox/meter.ts). */
  readonly monthlyCallBudget?: number;
  /**
   * Most private chats one send may reach (a platform whose 1:1 endpoint takes a list of users,
   * so one call, and one metered call, serves them all; see `Adapter.sendToMany`). Absent: one
   * chat a send.
   */
  readonly privateBatch?: number;
  /** The platform is the terminal of whoever runs the bot: the first person to speak on it becomes an admin. */
  readonly firstSpeakerIsAdmin?: boolean;
  /** Photos and files people sent can be fetched later by their reference (`Adapter.download`); absent = false. */
  readonly downloads?: boolean;
}

/** A photo or file fetched from the platform on demand (`Adapter.download`). */
export interface Downloaded {
  readonly bytes: Uint8Array;
  /** The file name the platform gives, when it gives one. */
  readonly name?: string;
}

/** The file is larger than the caller's limit: nothing (or nothing past the limit) was read. */
export class DownloadTooBigError extends Error {
  constructor(readonly size: number | null) {
    super(size === null ? 'file larger than the limit' : `file of ${size} bytes is larger than the limit`);
    this.name = 'DownloadTooBigError';
  }
}

/** Reads a response body, failing with DownloadTooBigError as soon as it passes `maxBytes` (never buffering more). */
export async function readAtMost(body: AsyncIterable<Uint8Array> | null, maxBytes: number): Promise<Uint8Array> {
  const chunks: Uint8Array[] = [];
  let total = 0;
  for await (const chunk of body ?? []) {
    total += chunk.byteLength;
    if (total > maxBytes) throw new DownloadTooBigError(null);
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
}

/** A safe fallback when a platform's capabilities are unknown (it is not running): plain text, no private messages. */
export const TEXT_ONLY_CAPABILITIES: Capabilities = {
  maxTextLength: 4000,
  nativePolls: false,
  nativeQuiz: false,
  buttons: false,
  images: false,
  files: false,
  privateMessages: false,
  rateLimits: { globalPerSecond: 30, perChatIntervalMs: 0, perGroupPerMinute: 1000 },
  maxPollOptions: 10,
  maxQuestionLength: 300,
  maxOptionLength: 100,
  maxExplanationLength: 200,
  maxOpenSeconds: 600,
  groupMessages: 'all',
  mentions: 'text',
  metered: false,
};

/** Outgoing pace for one platform; the outbox enforces it per chat and overall. */
export interface RateLimits {
  /** Messages per second across all chats. */
  readonly globalPerSecond: number;
  /** Minimum milliseconds between two messages to one chat. */
  readonly perChatIntervalMs: number;
  /** Messages per minute into one group chat (private chats are not limited by this). */
  readonly perGroupPerMinute: number;
}

/** What a successful send reports back, so later messages can refer to it (stop a native poll). */
export interface SendResult {
  /** The platform's id of the sent message, when it has one. */
  readonly messageId?: string;
  /** The platform's id of a native poll that was sent. */
  readonly nativePollId?: string;
  /** Metered calls this send spent (a `metered` platform; 0 when it went by a free route). */
  readonly meteredCalls?: number;
}

/** What one send to several private chats (`Adapter.sendToMany`) reports back. */
export interface BatchSendResult {
  /** Metered calls the whole batch spent. */
  readonly meteredCalls?: number;
  /** The platform's id of the sent message, when it has one. */
  readonly messageId?: string;
  /** Chats (by chatId) the message did not reach, and why; every other chat of the batch got it. */
  readonly failed: ReadonlyMap<string, DeliveryError>;
}

/**
 * Why a send failed, as far as the outbox cares: wait and retry this chat (`rate_limited`), give
 * up on this message only (`permanent`, e.g. the bot was removed from the group), retry later with
 * backoff (`transient`: 5xx, network), or hold everything for this platform until it comes back
 * (`offline`: the account is logged out).
 */
export class DeliveryError extends Error {
  /** @param kind how the outbox should react; @param retryAfterMs for `rate_limited`, the wait asked for. */
  constructor(
    readonly kind: 'rate_limited' | 'permanent' | 'transient' | 'offline',
    message: string,
    readonly retryAfterMs?: number,
  ) {
    super(message);
    this.name = 'DeliveryError';
  }
  /** Metered calls the failed send spent all the same (set by a `metered` adapter). */
  meteredCalls?: number;
}

/**
 * Receives each inbound event; resolves once it is durably recorded (so a polling adapter may
 * confirm it, a webhook answer). Its processing may still be under way in the chat's lane: the
 * bot's sink resolves with `processed`, for an adapter that does something once the bot knows
 * the sender (one that tags a contact it met with its member id). Test sinks may resolve with nothing.
 */
export type IncomingSink = (event: Incoming) => Promise<void | HandedOver>;

/** What the bot's sink tells an adapter about an event it took. */
export interface HandedOver {
  /** Settles once the event is processed (or its processing failed); never rejects. */
  readonly processed: Promise<void>;
}

/**
 * One chat platform behind one interface. Adapters normalise inbound events to `Incoming`, hand
 * them to the sink, and deliver `OutgoingMessage`s the outbox gives them. Only files in
 * `src/adapters/` import a platform SDK.
 */
export interface Adapter {
  readonly platform: Platform;
  readonly capabilities: Capabilities;
  /** The bot's own user name on the platform once started (e.g. `xianfeng_bot`), for `/cmd@name`. */
  readonly username?: string | undefined;
  /** Connects and starts delivering events to `sink`. */
  start(sink: IncomingSink): Promise<void>;
  /** Disconnects and releases every timer and handle, so the process can exit. */
  stop(): Promise<void>;
  /**
   * Delivers one message (already split to `maxTextLength` and already rendered for the
   * capabilities: a `poll` reaches here only if `nativePolls`, etc.). Throws `DeliveryError`.
   * `nativeRef` carries the stored native message for `stop_poll`.
   */
  send(chat: ChatRef, message: OutgoingMessage, nativeRef?: SendResult): Promise<SendResult>;
  /**
   * With `Capabilities.privateBatch`: delivers one message to several private chats (at most
   * `privateBatch`) in as few calls as the platform allows. One chat's failure is reported in
   * `failed`, not thrown; a throw means none of them was sent.
   */
  sendToMany?(chats: readonly ChatRef[], message: OutgoingMessage): Promise<BatchSendResult>;
  /** False while the platform cannot send (the account logged out); the outbox then holds its messages. */
  isOnline(): boolean;
  /** With `metered`: the metered calls a send to `chat` would cost now (0 by a free route); default 1. */
  meteredCost?(chat: ChatRef): number;
  /**
   * With `downloads`: fetches a photo or file people sent, by the `Attachment.ref` it arrived with.
   * Checks the size the platform reports BEFORE reading and stops reading past `maxBytes`
   * (DownloadTooBigError either way); other failures throw.
   */
  download?(ref: string, maxBytes: number): Promise<Downloaded>;
  /**
   * Resolves when this adapter's session is over by itself (the console at the end of piped
   * input): the bot then delivers what is due and exits 0. Adapters that run until stopped omit it.
   */
  finished?(): Promise<void>;
  /**
   * Resolves once the adapter's own follow-up work on events already handed over (work it does in
   * the background once an event is processed, so the next event of the chat need not wait) is done.
   * `App.idle` waits for it; adapters with no such work omit it.
   */
  settled?(): Promise<void>;
}
