/**
 * WeCom callback bodies (`aibot_msg_callback`, `aibot_event_callback`) as the bot's `Incoming`:
 * the chat (a group's chatid, or the person's userid for a 1:1 chat), the speaker, the text with
 * the bot's @-mention removed (groups show the bot only messages that @-mention it), and a
 * template card click as the command it stands for.
 */
import type { Attachment, ChatRef, Incoming, IncomingContent } from '../../bot/types.ts';
import type { CardClick } from './cards.ts';

/** The platform name in every chat and member row (`BOT_ADMINS=wecom:<userid>`). */
export const WECOM = 'wecom';

/** The fields of a callback body this adapter reads (see the SDK's `BaseMessage` / `EventMessage`). */
export interface CallbackBody {
  msgid?: string;
  chatid?: string;
  chattype?: 'single' | 'group';
  from?: { userid?: string };
  create_time?: number;
  msgtype?: string;
  text?: { content?: string };
  voice?: { content?: string };
  mixed?: { msg_item?: { msgtype?: string; text?: { content?: string }; image?: EncryptedFile }[] };
  image?: EncryptedFile;
  file?: EncryptedFile;
  event?: Record<string, unknown> & { eventtype?: string };
}

/** A received picture or file: its temporary download url and the key its body is encrypted with. */
export interface EncryptedFile {
  url?: string;
  aeskey?: string;
}

/** The chat a callback came from: its group, or the 1:1 chat with the sender. */
export function chatOf(body: CallbackBody): ChatRef | undefined {
  const userId = body.from?.userid;
  if (body.chattype === 'group' && body.chatid) return { platform: WECOM, chatId: body.chatid, kind: 'group' };
  if (userId) return { platform: WECOM, chatId: userId, kind: 'private' };
  return undefined;
}

/** When the callback was created: `create_time` in seconds or milliseconds, else now. */
function sentAt(body: CallbackBody, now: Date): Date {
  const t = body.create_time;
  if (typeof t !== 'number' || !Number.isFinite(t) || t <= 0) return now;
  return new Date(t < 1e12 ? t * 1000 : t);
}

/** The text of a message: text, the words of a voice message, or the text items of a mixed one. */
function textOf(body: CallbackBody): string {
  if (body.msgtype === 'text') return body.text?.content ?? '';
  if (body.msgtype === 'voice') return body.voice?.content ?? '';
  if (body.msgtype === 'mixed') return (body.mixed?.msg_item ?? []).map((i) => (i.msgtype === 'text' ? (i.text?.content ?? '') : '')).join('').trim();
  return '';
}

function attachmentsOf(body: CallbackBody): Attachment[] {
  const out: Attachment[] = [];
  if (body.msgtype === 'image' && body.image?.url) out.push({ kind: 'photo', ref: body.image.url });
  if (body.msgtype === 'file' && body.file?.url) out.push({ kind: 'file', ref: body.file.url });
  for (const i of body.mixed?.msg_item ?? []) if (i.msgtype === 'image' && i.image?.url) out.push({ kind: 'photo', ref: i.image.url });
  return out;
}

/** The [url, aeskey] of each picture and file a message carries (the adapter keeps the keys until the download). */
export function fileKeysOf(body: CallbackBody): [string, string][] {
  const files = [body.msgtype === 'image' ? body.image : undefined, body.msgtype === 'file' ? body.file : undefined, ...(body.mixed?.msg_item ?? []).map((i) => (i.msgtype === 'image' ? i.image : undefined))];
  return files.filter((f): f is Required<EncryptedFile> => !!f?.url && !!f.aeskey).map((f) => [f.url, f.aeskey]);
}

/**
 * Removes the bot's @-mention from a group message: `@先锋 1` → `1`. WeCom writes the mention as
 * `@<the bot's name in WeCom>`, which may differ from `BOT_NAME`; every group message reaching the
 * bot mentions it, so the first `@name` token is removed when the configured name is absent.
 */
export function withoutMention(text: string, botName: string): string {
  const named = `@${botName}`;
  if (text.includes(named)) return text.split(named).join(' ').replace(/\s+/g, ' ').trim();
  return text.replace(/@\S+\s?/, '').trim();
}

/** A message callback as an `Incoming`, or undefined when it names no sender or id. */
export function incomingMessage(body: CallbackBody, botName: string, now: Date): Incoming | undefined {
  const chat = chatOf(body);
  const userId = body.from?.userid;
  if (!chat || !userId || !body.msgid) return undefined;
  const text = textOf(body);
  const attachments = attachmentsOf(body);
  const group = chat.kind === 'group';
  const content: IncomingContent = {
    type: 'text',
    text,
    mentionsBot: group,
    ...(group ? { textWithoutMention: withoutMention(text, botName) } : {}),
    ...(attachments.length ? { attachments } : {}),
  };
  return { eventId: body.msgid, chat, actor: { platform: WECOM, userId, displayName: userId }, sentAt: sentAt(body, now), content };
}

/** The click a `template_card_event` carries (the event nests it, or gives it flat: both are read). */
export function cardClickOf(body: CallbackBody): CardClick | undefined {
  const event = body.event ?? {};
  const nested = (event.template_card_event ?? event) as {
    event_key?: unknown;
    task_id?: unknown;
    selected_items?: { selected_item?: { option_ids?: { option_id?: unknown } }[] };
  };
  if (typeof nested.event_key !== 'string' || typeof nested.task_id !== 'string') return undefined;
  const optionIds: string[] = [];
  for (const item of nested.selected_items?.selected_item ?? []) {
    const ids = item.option_ids?.option_id;
    for (const id of Array.isArray(ids) ? ids : ids === undefined ? [] : [ids]) if (typeof id === 'string') optionIds.push(id);
  }
  return { taskId: nested.task_id, eventKey: nested.event_key, optionIds };
}

/** A card click as the button press it is, with the callback's msgid as the event id. */
export function incomingClick(body: CallbackBody, command: string, now: Date): Incoming | undefined {
  const chat = chatOf(body);
  const userId = body.from?.userid;
  if (!chat || !userId || !body.msgid) return undefined;
  return { eventId: body.msgid, chat, actor: { platform: WECOM, userId, displayName: userId }, sentAt: sentAt(body, now), content: { type: 'button', data: command } };
}

/**
 * `enter_chat` (a person opens the 1:1 chat with the bot) as `/help` from them, with an event id
 * per person: the inbox records it once, so each person is greeted once, ever.
 */
export function incomingEnterChat(body: CallbackBody, now: Date): Incoming | undefined {
  const userId = body.from?.userid;
  if (!userId) return undefined;
  return {
    eventId: `enter_chat:${userId}`,
    chat: { platform: WECOM, chatId: userId, kind: 'private' },
    actor: { platform: WECOM, userId, displayName: userId },
    sentAt: sentAt(body, now),
    content: { type: 'text', text: '/help', mentionsBot: false },
  };
}
