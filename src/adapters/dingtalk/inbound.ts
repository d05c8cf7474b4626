/**
 * Robot message callbacks (topic `/v1.0/im/bot/messages/get`) turned into `Incoming`: a group
 * @-message or a 1:1 message, its msgId as the event id, its session webhook remembered for the
 * reply, its pictures and files as attachments by download code. DingTalk strips the robot's own @-mention from `text.content` and sets `isInAtList`.
 */
import type { Attachment, Incoming } from '../../bot/types.ts';

/** A part of a rich-text message: text, or a picture with its download code. */
export interface RichTextPart {
  readonly text?: string;
  readonly type?: string;
  readonly downloadCode?: string;
}

/** The fields of a robot callback this adapter reads (DingTalk sends more). */
export interface RobotCallback {
  readonly msgId: string;
  readonly conversationId: string;
  /** `1` one-to-one, `2` group. */
  readonly conversationType: string;
  readonly conversationTitle?: string;
  readonly senderStaffId?: string;
  readonly senderId: string;
  readonly senderNick?: string;
  readonly isInAtList?: boolean;
  readonly createAt?: number;
  readonly msgtype?: string;
  readonly text?: { readonly content?: string };
  /**
   * `richText` for rich text; for `picture` and `file` the `downloadCode` the robot exchanges for
   * a temporary download URL (下载机器人接收消息的文件内容), and a file's `fileName`.
   */
  readonly content?: { readonly richText?: readonly RichTextPart[]; readonly downloadCode?: string; readonly fileName?: string };
  readonly sessionWebhook?: string;
  readonly sessionWebhookExpiredTime?: number;
}

/** Parses a CALLBACK frame's `data`; undefined when it is not a robot message. */
export function parseCallback(data: string): RobotCallback | undefined {
  try {
    const v = JSON.parse(data) as Partial<RobotCallback>;
    if (typeof v.msgId !== 'string' || typeof v.conversationId !== 'string' || typeof v.senderId !== 'string') return undefined;
    return v as RobotCallback;
  } catch {
    return undefined;
  }
}

/** The text of a text or rich-text message ('' for pictures, files and the rest). */
function textOf(cb: RobotCallback): string {
  if (cb.msgtype === 'richText') return (cb.content?.richText ?? []).map((p) => p.text ?? '').join('');
  return cb.text?.content ?? '';
}

/** The pictures and files a message carries, by their download codes (the `Attachment.ref` the adapter downloads by). */
function attachmentsOf(cb: RobotCallback): Attachment[] {
  const code = cb.content?.downloadCode;
  if (cb.msgtype === 'picture' && code) return [{ kind: 'photo', ref: code }];
  if (cb.msgtype === 'file' && code) return [{ kind: 'file', ref: code, ...(cb.content?.fileName ? { name: cb.content.fileName } : {}) }];
  if (cb.msgtype !== 'richText') return [];
  return (cb.content?.richText ?? []).filter((p) => p.type === 'picture' && p.downloadCode).map((p) => ({ kind: 'photo' as const, ref: p.downloadCode! }));
}

/** The chat id a callback is answered in: the group's conversation, or the member's staffId for 1:1. */
export function chatIdOf(cb: RobotCallback): string {
  return cb.conversationType === '2' ? cb.conversationId : (cb.senderStaffId || cb.senderId);
}

/** The normalised event. */
export function toIncoming(cb: RobotCallback, platform: string, now: Date): Incoming {
  const group = cb.conversationType === '2';
  const text = textOf(cb);
  const userId = cb.senderStaffId || cb.senderId;
  const attachments = attachmentsOf(cb);
  return {
    eventId: cb.msgId,
    chat: { platform, chatId: chatIdOf(cb), kind: group ? 'group' : 'private', ...(group && cb.conversationTitle ? { title: cb.conversationTitle } : {}) },
    actor: { platform, userId, displayName: cb.senderNick || userId },
    sentAt: typeof cb.createAt === 'number' ? new Date(cb.createAt) : now,
    content: { type: 'text', text, mentionsBot: group ? cb.isInAtList !== false : true, textWithoutMention: text.trim(), ...(attachments.length ? { attachments } : {}) },
  };
}
