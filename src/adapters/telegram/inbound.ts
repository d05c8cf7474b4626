/**
 * Turns Telegram updates (as the Bot API sends them) into the bot's platform-neutral `Incoming`
 * events. Pure functions: no network, no telegraf instance, so every rule here is unit-testable.
 */
import type { Actor, Attachment, ChatRef, Incoming, MentionedPerson } from '../../bot/types.ts';

/** The fields of a Telegram `User` this adapter reads. */
export interface TgUser {
  readonly id: number;
  readonly is_bot: boolean;
  readonly first_name: string;
  readonly last_name?: string;
  readonly username?: string;
}

/** The fields of a Telegram `Chat` this adapter reads. */
export interface TgChat {
  readonly id: number;
  readonly type: string;
  readonly title?: string;
  readonly first_name?: string;
  readonly last_name?: string;
  readonly username?: string;
}

/** A Telegram `MessageEntity` (offsets and lengths in UTF-16 code units, like JS strings). */
export interface TgEntity {
  readonly type: string;
  readonly offset: number;
  readonly length: number;
  readonly user?: TgUser;
}

/** The fields of a Telegram `Message` this adapter reads. */
export interface TgMessage {
  readonly message_id: number;
  readonly date: number;
  readonly chat: TgChat;
  readonly from?: TgUser;
  readonly text?: string;
  readonly caption?: string;
  readonly entities?: readonly TgEntity[];
  readonly caption_entities?: readonly TgEntity[];
  readonly photo?: readonly { readonly file_id: string }[];
  readonly document?: { readonly file_id: string; readonly file_name?: string; readonly file_size?: number; readonly mime_type?: string };
  readonly reply_to_message?: TgMessage;
}

/** The update kinds this adapter handles (others are skipped). */
export interface TgUpdate {
  readonly update_id: number;
  readonly message?: TgMessage;
  readonly callback_query?: { readonly id: string; readonly from: TgUser; readonly message?: TgMessage; readonly data?: string };
  readonly poll_answer?: { readonly poll_id: string; readonly user?: TgUser; readonly option_ids: readonly number[] };
}

/** The update types requested from Telegram (`allowed_updates`). */
export const ALLOWED_UPDATES = ['message', 'callback_query', 'poll_answer'] as const;

/** What the mapper needs to know about the bot itself and the time. */
export interface MapEnv {
  readonly botId: number;
  /** The bot's username without `@`. */
  readonly botUsername: string;
  /** "Now", for events that carry no date (button presses, poll answers). */
  readonly now: () => Date;
}

/** The outcome of mapping one update: an event for the sink, or a reason to skip it. */
export type MapResult = { readonly kind: 'event'; readonly incoming: Incoming } | { readonly kind: 'skip'; readonly reason: string };

/** A person's display name: first + last name, else @username, else the id. */
export function displayName(u: { readonly id: number; readonly first_name?: string; readonly last_name?: string; readonly username?: string }): string {
  const name = [u.first_name, u.last_name].filter((s) => s && s.trim()).join(' ').trim();
  return name || (u.username ? `@${u.username}` : String(u.id));
}

/** The platform-neutral actor of a Telegram user. */
export function toActor(u: TgUser): Actor {
  return { platform: 'telegram', userId: String(u.id), displayName: displayName(u), ...(u.username ? { username: u.username.toLowerCase() } : {}) };
}

/** The platform-neutral chat of a Telegram chat; undefined for channels (the bot does not serve them). */
export function toChatRef(c: TgChat): ChatRef | undefined {
  if (c.type === 'private') return { platform: 'telegram', chatId: String(c.id), kind: 'private', title: displayName(c) };
  if (c.type === 'group' || c.type === 'supergroup') {
    return { platform: 'telegram', chatId: String(c.id), kind: 'group', ...(c.title ? { title: c.title } : {}) };
  }
  return undefined;
}

/** The private chat between the bot and a user (used where Telegram gives no chat). */
export function privateChatOf(u: TgUser): ChatRef {
  return { platform: 'telegram', chatId: String(u.id), kind: 'private', title: displayName(u) };
}

interface TextFacts {
  readonly mentionsBot: boolean;
  /** People other than the bot the text mentions (`@username` and text mentions of users without one). */
  readonly mentions: readonly MentionedPerson[];
  readonly textWithoutMention?: string;
  /** Set when the message starts with `/cmd@otherbot`: a command for another bot. */
  readonly commandForOtherBot?: string;
}

/**
 * Reads the entities of a text: whether the bot is mentioned (`@bot`, a text mention of it, or
 * `/cmd@bot`), the text without those mentions, and whether a leading command names another bot.
 */
export function textFacts(text: string, entities: readonly TgEntity[], env: MapEnv): TextFacts {
  const me = env.botUsername.toLowerCase();
  const cuts: { start: number; end: number }[] = [];
  const mentions: MentionedPerson[] = [];
  let commandForOtherBot: string | undefined;
  for (const e of entities) {
    const span = text.slice(e.offset, e.offset + e.length);
    if (e.type === 'mention' && span.slice(1).toLowerCase() === me) cuts.push({ start: e.offset, end: e.offset + e.length });
    else if (e.type === 'mention') mentions.push({ span, username: span.slice(1).toLowerCase() });
    if (e.type === 'text_mention' && e.user?.id === env.botId) cuts.push({ start: e.offset, end: e.offset + e.length });
    else if (e.type === 'text_mention' && e.user && !e.user.is_bot) mentions.push({ span, actor: toActor(e.user) });
    if (e.type === 'bot_command') {
      const at = span.indexOf('@');
      if (at < 0) continue;
      const target = span.slice(at + 1).toLowerCase();
      if (target === me) cuts.push({ start: e.offset + at, end: e.offset + e.length });
      else if (e.offset === 0) commandForOtherBot = span.slice(at + 1);
    }
  }
  if (cuts.length === 0) return { mentionsBot: false, mentions, ...(commandForOtherBot ? { commandForOtherBot } : {}) };
  let out = text;
  for (const c of [...cuts].sort((a, b) => b.start - a.start)) out = out.slice(0, c.start) + out.slice(c.end);
  return { mentionsBot: true, mentions, textWithoutMention: out.replace(/[ \t]{2,}/g, ' ').trim() };
}

function attachmentsOf(m: TgMessage): Attachment[] {
  const out: Attachment[] = [];
  // Telegram lists a photo's sizes smallest first: the last one is the original.
  const photo = m.photo?.[m.photo.length - 1];
  if (photo) out.push({ kind: 'photo', ref: photo.file_id });
  if (m.document) out.push({ kind: 'file', ref: m.document.file_id, ...(m.document.file_name ? { name: m.document.file_name } : {}) });
  return out;
}

function mapMessage(updateId: number, m: TgMessage, env: MapEnv): MapResult {
  if (!m.from) return { kind: 'skip', reason: 'message without a sender' };
  if (m.from.is_bot) return { kind: 'skip', reason: 'message from a bot' };
  const chat = toChatRef(m.chat);
  if (!chat) return { kind: 'skip', reason: `unsupported chat type ${m.chat.type}` };
  const text = m.text ?? m.caption ?? '';
  const entities = (m.text !== undefined ? m.entities : m.caption_entities) ?? [];
  const attachments = attachmentsOf(m);
  if (!text && attachments.length === 0) return { kind: 'skip', reason: 'message without text or attachment' };
  const facts = textFacts(text, entities, env);
  if (facts.commandForOtherBot) return { kind: 'skip', reason: `command for another bot (@${facts.commandForOtherBot})` };
  const replyFrom = m.reply_to_message?.from;
  // A reply to one of the bot's own messages is addressed to the bot, like a mention.
  const repliesToBot = replyFrom?.id === env.botId;
  const incoming: Incoming = {
    eventId: String(updateId),
    chat,
    actor: toActor(m.from),
    sentAt: new Date(m.date * 1000),
    content: {
      type: 'text',
      text,
      mentionsBot: facts.mentionsBot || repliesToBot,
      ...(facts.textWithoutMention !== undefined ? { textWithoutMention: facts.textWithoutMention } : {}),
      ...(replyFrom ? { replyTo: toActor(replyFrom) } : {}),
      ...(facts.mentions.length ? { mentions: facts.mentions } : {}),
      ...(attachments.length ? { attachments } : {}),
    },
  };
  return { kind: 'event', incoming };
}

/**
 * Maps one update. Text and captioned messages become `text` events, button presses `button`
 * events, native poll votes `poll_answer` events (in the voter's private chat: Telegram gives no
 * chat, and the router puts the vote in the poll's own chat). Updates from bots, from channels,
 * without content, or commands addressed to another bot (`/help@otherbot`) are skipped.
 */
export function mapUpdate(update: TgUpdate, env: MapEnv): MapResult {
  if (update.message) return mapMessage(update.update_id, update.message, env);
  const q = update.callback_query;
  if (q) {
    if (q.from.is_bot) return { kind: 'skip', reason: 'button press from a bot' };
    if (q.data === undefined || q.data === '') return { kind: 'skip', reason: 'button press without data' };
    const chat = (q.message && toChatRef(q.message.chat)) ?? privateChatOf(q.from);
    return {
      kind: 'event',
      incoming: { eventId: String(update.update_id), chat, actor: toActor(q.from), sentAt: env.now(), content: { type: 'button', data: q.data } },
    };
  }
  const a = update.poll_answer;
  if (a) {
    if (!a.user) return { kind: 'skip', reason: 'poll answer without a user (anonymous voter chat)' };
    if (a.user.is_bot) return { kind: 'skip', reason: 'poll answer from a bot' };
    return {
      kind: 'event',
      incoming: {
        eventId: String(update.update_id),
        chat: privateChatOf(a.user),
        actor: toActor(a.user),
        sentAt: env.now(),
        content: { type: 'poll_answer', nativePollId: a.poll_id, optionIndexes: [...a.option_ids] },
      },
    };
  }
  const kind = Object.keys(update).find((k) => k !== 'update_id') ?? 'empty';
  return { kind: 'skip', reason: `unhandled update type ${kind}` };
}
