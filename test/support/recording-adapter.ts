import { TEXT_ONLY_CAPABILITIES, type Adapter, type Capabilities, type IncomingSink, type SendResult } from '../../src/bot/adapter.ts';
import type { ChatRef, Incoming, OutgoingMessage, Platform } from '../../src/bot/types.ts';

/** A message the recording adapter delivered. */
export interface Delivered {
  readonly chat: ChatRef;
  readonly message: OutgoingMessage;
}

/** Text-only capabilities, like the console. */
export const TEXT_CAPABILITIES: Capabilities = {
  ...TEXT_ONLY_CAPABILITIES,
  privateMessages: true,
  rateLimits: { globalPerSecond: 100_000, perChatIntervalMs: 0, perGroupPerMinute: 1_000_000 },
};

/**
 * An in-memory platform for tests and benchmarks: `say` feeds an inbound message as an adapter
 * would, `sent` records every delivered message. Optionally fails sends through `failNext`.
 */
export class RecordingAdapter implements Adapter {
  readonly sent: Delivered[] = [];
  private sink: IncomingSink | undefined;
  private seq = 0;
  online = true;
  /** Called before each send; throw from it to simulate a failure. */
  beforeSend: ((chat: ChatRef, message: OutgoingMessage) => void) | undefined;

  readonly capabilities: Capabilities;

  /** A `console` recording adapter behaves as the console does: its first speaker becomes an admin. */
  constructor(
    readonly platform: Platform = 'console',
    capabilities: Capabilities = TEXT_CAPABILITIES,
  ) {
    this.capabilities = platform === 'console' && capabilities.firstSpeakerIsAdmin === undefined ? { ...capabilities, firstSpeakerIsAdmin: true } : capabilities;
  }

  isOnline(): boolean {
    return this.online;
  }

  async start(sink: IncomingSink): Promise<void> {
    this.sink = sink;
  }

  async stop(): Promise<void> {
    this.sink = undefined;
  }

  async send(chat: ChatRef, message: OutgoingMessage): Promise<SendResult> {
    this.beforeSend?.(chat, message);
    this.sent.push({ chat, message });
    return { messageId: String(this.sent.length) };
  }

  /** Texts delivered to a chat id, in order. */
  textsTo(chatId: string): string[] {
    return this.sent.filter((d) => d.chat.chatId === chatId && d.message.kind === 'text').map((d) => (d.message as { text: string }).text);
  }

  /** Builds an inbound text message as this platform would deliver it. */
  message(user: string, text: string, options: { chat?: string; private?: boolean; eventId?: string; sentAt?: Date } = {}): Incoming {
    const chatId = options.private ? user : (options.chat ?? '东北流村党支部');
    return {
      eventId: options.eventId ?? `e${++this.seq}-${Math.random().toString(36).slice(2)}`,
      chat: { platform: this.platform, chatId, kind: options.private ? 'private' : 'group', title: chatId },
      actor: { platform: this.platform, userId: user, displayName: user },
      sentAt: options.sentAt ?? new Date(),
      content: { type: 'text', text, mentionsBot: false },
    };
  }

  /** Delivers an event through the running bot's sink. */
  async deliver(incoming: Incoming): Promise<void> {
    if (!this.sink) throw new Error('adapter not started');
    await this.sink(incoming);
  }
}
