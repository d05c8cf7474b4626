/**
 * The console adapter: the bot in a terminal, with no account and no token. You type as a person
 * in a chat; `:as NAME` switches who you are, `:in CHAT` which group you are in, `:dm` opens your
 * private chat with the bot. Piped input runs line by line, waiting for the bot's replies to each,
 * and ends at end of input — the transcript is the output.
 */
import { randomUUID } from 'node:crypto';
import path from 'node:path';
import readline from 'node:readline';
import type { Readable, Writable } from 'node:stream';
import { TEXT_ONLY_CAPABILITIES, type Adapter, type Capabilities, type IncomingSink, type SendResult } from '../../bot/adapter.ts';
import type { ChatRef, OutgoingMessage } from '../../bot/types.ts';
import type { Translate } from '../../bot/feature.ts';
import type { Clock } from '../../clock.ts';
import { writePrivateFile } from '../../db/paths.ts';

/** The console's starting user: the first to speak on the console, so an admin (`firstSpeakerIsAdmin`). */
export const CONSOLE_ADMIN_NAME = '管理员';

/** The chat the console starts in. */
export const CONSOLE_START_CHAT = '控制台';

/** Options of the console adapter. */
export interface ConsoleAdapterOptions {
  readonly input: Readable;
  readonly output: Writable;
  /** Interactive REPL with a prompt (a TTY), or a script read to its end (piped input). */
  readonly interactive: boolean;
  readonly botName: string;
  readonly translate: Translate;
  readonly clock: Clock;
  /** Where exported files and pictures are written (their path is printed). */
  readonly dataDir: string;
  /** Resolves once every reply to the last line has been delivered (the outbox is idle for console). */
  readonly waitForIdle: () => Promise<void>;
  /** Called when the input ends (piped mode: the script is done). */
  readonly onEnd?: () => void;
}

/** Capabilities of a terminal: plain text; pictures and files are saved and their path shown. */
const CONSOLE_CAPABILITIES: Capabilities = {
  ...TEXT_ONLY_CAPABILITIES,
  images: true,
  files: true,
  privateMessages: true,
  rateLimits: { globalPerSecond: 10_000, perChatIntervalMs: 0, perGroupPerMinute: 1_000_000 },
  firstSpeakerIsAdmin: true,
};

/** The terminal REPL adapter (see the module comment). */
export class ConsoleAdapter implements Adapter {
  readonly platform = 'console' as const;
  readonly capabilities = CONSOLE_CAPABILITIES;
  private user = CONSOLE_ADMIN_NAME;
  private chat: ChatRef = { platform: 'console', chatId: CONSOLE_START_CHAT, kind: 'group', title: CONSOLE_START_CHAT };
  private rl: readline.Interface | undefined;
  private done: Promise<void> = Promise.resolve();

  constructor(private readonly opts: ConsoleAdapterOptions) {}

  isOnline(): boolean {
    return true;
  }

  async start(sink: IncomingSink): Promise<void> {
    const { input, output, interactive } = this.opts;
    this.rl = readline.createInterface({ input, output: interactive ? output : undefined, terminal: interactive, crlfDelay: Infinity });
    if (interactive) {
      this.print(this.opts.translate('core.console.welcome', { name: this.opts.botName }));
      this.rl.setPrompt(this.prompt());
      this.rl.prompt();
    }
    // Lines are handled strictly one after another, each waiting for its replies.
    let chain = Promise.resolve();
    this.rl.on('line', (line) => {
      chain = chain.then(() => this.handleLine(line, sink)).catch((err: unknown) => this.print(`! ${String(err)}`));
    });
    this.done = new Promise((resolve) => {
      this.rl!.on('close', () => {
        void chain.then(() => {
          resolve();
          this.opts.onEnd?.();
        });
      });
    });
  }

  /** Resolves when the input has ended and its last line was answered. */
  finished(): Promise<void> {
    return this.done;
  }

  async stop(): Promise<void> {
    this.rl?.close();
    this.rl = undefined;
  }

  async send(chat: ChatRef, message: OutgoingMessage): Promise<SendResult> {
    const where = this.sameChat(chat) ? '' : ` → ${chat.kind === 'private' ? this.opts.translate('core.console.dmWith', { name: chat.chatId }) : `[${chat.title ?? chat.chatId}]`}`;
    const head = `${this.opts.botName}${where}: `;
    switch (message.kind) {
      case 'text':
        this.print(head + indent(message.text, head.length));
        break;
      case 'image':
      case 'file': {
        const name = message.kind === 'image' ? `chart-${Date.now()}.png` : message.fileName;
        const file = this.saveFile(name, message.kind === 'image' ? message.pngBase64 : message.contentBase64);
        this.print(head + indent(`${message.caption}\n${this.opts.translate('core.console.saved', { path: file })}`, head.length));
        break;
      }
      default:
        // Polls and quizzes never reach a console: the outbox renders their numbered text.
        this.print(head + indent(JSON.stringify(message), head.length));
    }
    return {};
  }

  private async handleLine(raw: string, sink: IncomingSink): Promise<void> {
    const line = raw.replace(/\r$/, '');
    if (!this.opts.interactive) this.print(`${this.prompt()}${line}`);
    const meta = /^:(\w+)\s*(.*)$/.exec(line.trim());
    if (meta) this.runMeta(meta[1]!, meta[2]!.trim());
    else if (line.trim()) {
      await sink({
        eventId: randomUUID(),
        chat: this.chat,
        actor: { platform: 'console', userId: this.user, displayName: this.user },
        sentAt: this.opts.clock.now(),
        content: { type: 'text', text: line, mentionsBot: false },
      });
      await this.opts.waitForIdle();
    }
    if (this.opts.interactive && this.rl) {
      this.rl.setPrompt(this.prompt());
      this.rl.prompt();
    }
  }

  private runMeta(cmd: string, arg: string): void {
    const t = this.opts.translate;
    switch (cmd) {
      case 'as':
        if (!arg) return this.print(t('core.console.asUsage'));
        this.user = arg.slice(0, 32);
        return this.print(t('core.console.nowAs', { name: this.user }));
      case 'in':
        if (!arg) return this.print(t('core.console.inUsage'));
        this.chat = { platform: 'console', chatId: arg.slice(0, 64), kind: 'group', title: arg.slice(0, 64) };
        return this.print(t('core.console.nowIn', { chat: this.chat.chatId }));
      case 'dm':
        this.chat = { platform: 'console', chatId: this.user, kind: 'private', title: this.user };
        return this.print(t('core.console.nowDm', { name: this.user }));
      case 'help':
        return this.print(t('core.console.help'));
      default:
        return this.print(t('core.console.unknownMeta', { cmd }));
    }
  }

  private prompt(): string {
    const where = this.chat.kind === 'private' ? this.opts.translate('core.console.dm') : this.chat.chatId;
    return `${this.user}@${where}> `;
  }

  private sameChat(chat: ChatRef): boolean {
    return chat.chatId === this.chat.chatId && chat.kind === this.chat.kind;
  }

  private saveFile(name: string, base64: string): string {
    // Exports may hold names and results: readable by the bot's user only (0600 in a 0700 folder).
    const safe = name.replace(/[^\w.\-\u4e00-\u9fff]/g, '_').slice(0, 80) || 'file';
    const file = path.join(this.opts.dataDir, 'exports', safe);
    writePrivateFile(file, Buffer.from(base64, 'base64'));
    return file;
  }

  private print(text: string): void {
    this.opts.output.write(`${text}\n`);
  }
}

function indent(text: string, width: number): string {
  return text.replace(/\n/g, `\n${' '.repeat(Math.min(width, 8))}`);
}
