/**
 * Turns a Wechaty message into the platform-neutral `Incoming` the inbox records. Kept apart from
 * the adapter's connection handling so the mapping is read (and tested) in one place.
 */
import { types, type Message } from 'wechaty';
import type { Attachment, Incoming, MentionedPerson } from '../../bot/types.ts';

/** What the mapping needs besides the message itself. */
export interface IncomingOptions {
  /**
   * Names the bot is @-mentioned by in text (its WeChat name, the nickname members give it such as
   * `先锋`). Used only when the puppet reports no mention list: the web protocol (wechat4u) often
   * delivers `@先锋 打卡` as plain text, and Wechaty then matches only the account's own name.
   */
  readonly botNames: readonly string[];
}

/** The separators WeChat puts after an @-mention: the four-per-em space it inserts, or a space. */
const MENTION_END = '(?:\u2005|\u0020|$)';

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/**
 * Looks for `@name` of one of `names` in `text`; returns the text without that mention, or
 * undefined when none is there. Longer names are tried first (`@先锋队` is not `@先锋`).
 */
export function stripNamedMention(text: string, names: readonly string[]): string | undefined {
  const sorted = [...new Set(names.map((n) => n.trim()).filter((n) => n.length > 0))].sort(
    (a, b) => b.length - a.length,
  );
  for (const name of sorted) {
    const pattern = new RegExp(`(^|\\s)[@＠]${escapeRegExp(name)}${MENTION_END}`);
    if (pattern.test(text)) {
      return text.replace(pattern, '$1').replace(/\s+/g, ' ').trim();
    }
  }
  return undefined;
}

/** The talker's group nickname (群昵称, often their real name) in a room, else their WeChat name. */
async function displayNameOf(msg: Message): Promise<string> {
  const talker = msg.talker();
  const room = msg.room();
  if (room) {
    try {
      const alias = await room.alias(talker);
      if (alias && alias.trim()) return alias.trim();
    } catch {
      // Some puppets cannot read member aliases; the contact name is a fine fallback.
    }
  }
  return talker.name();
}

/** The people a room message @-mentions (WeChat's mention list), the bot left out. */
async function mentionsOf(msg: Message): Promise<MentionedPerson[]> {
  try {
    const contacts = await msg.mentionList();
    return contacts
      .filter((c) => !c.self())
      .map((c) => ({ span: `@${c.name()}`, actor: { platform: 'wechat', userId: c.id, displayName: c.name() } }));
  } catch {
    return []; // Puppets that cannot list mentions: targets are then named by M number or reply.
  }
}

/**
 * Maps a room or private message to `Incoming`, or returns undefined for what the bot does not
 * handle: its own messages, and message types other than text, image and file (voice, stickers,
 * links, recalls, system notices).
 */
export async function toIncoming(msg: Message, options: IncomingOptions): Promise<Incoming | undefined> {
  if (msg.self()) return undefined;
  const type = msg.type();
  const attachments: Attachment[] = [];
  if (type === types.Message.Image) {
    attachments.push({ kind: 'photo', ref: msg.id });
  } else if (type === types.Message.Attachment) {
    const name = msg.payload?.filename;
    attachments.push(name ? { kind: 'file', ref: msg.id, name } : { kind: 'file', ref: msg.id });
  } else if (type !== types.Message.Text) {
    return undefined;
  }

  const talker = msg.talker();
  const room = msg.room();
  const text = type === types.Message.Text ? msg.text() : '';
  let mentionsBot = false;
  let textWithoutMention: string | undefined;
  const mentions = room && type === types.Message.Text ? await mentionsOf(msg) : [];
  if (room && type === types.Message.Text) {
    mentionsBot = await msg.mentionSelf();
    if (mentionsBot) {
      textWithoutMention = (await msg.mentionText()).trim();
    } else {
      textWithoutMention = stripNamedMention(text, options.botNames);
      mentionsBot = textWithoutMention !== undefined;
    }
  }

  const chat = room
    ? { platform: 'wechat' as const, chatId: room.id, kind: 'group' as const, title: await room.topic() }
    : { platform: 'wechat' as const, chatId: talker.id, kind: 'private' as const };

  return {
    eventId: msg.id,
    chat,
    actor: { platform: 'wechat', userId: talker.id, displayName: await displayNameOf(msg) },
    sentAt: msg.date(),
    content: {
      type: 'text',
      text,
      mentionsBot,
      ...(textWithoutMention !== undefined ? { textWithoutMention } : {}),
      ...(mentions.length > 0 ? { mentions } : {}),
      ...(attachments.length > 0 ? { attachments } : {}),
    },
  };
}
