/**
 * Pictures and files over the 智能机器人 long connection. The protocol has no caption on a medium
 * and no upload by HTTP: the picture or file is uploaded as a temporary medium through the same
 * socket (the SDK's `uploadMedia`: `aibot_upload_media_init` → chunks of 512 KB →
 * `aibot_upload_media_finish` → a media_id valid for three days), then sent as an `image` or
 * `file` message (`sendMediaMessage`, `aibot_send_msg`). The caption goes first, as a text.
 * A retry after a failure part-way (the caption went, the medium did not) resumes where it
 * stopped, so nobody reads the caption twice; a media_id already issued is used again.
 * A medium WeCom would not take (a picture over 2 MB, a file over 20 MB: the 上传临时素材 limits)
 * is sent as its text fallback instead.
 */
import crypto from 'node:crypto';
import type { WSClient } from '@wecom/aibot-node-sdk';

/**
 * Largest medium of each type WeCom takes: 上传临时素材 says image 2 MB (JPG, PNG), file 20 MB, and
 * every file more than 5 bytes (https://developer.work.weixin.qq.com/document/10112). The long
 * connection's own upload documents only its 512 KB × 100 chunks, so the stricter limits are kept.
 */
export const MEDIA_MAX_BYTES = { image: 2 * 2 ** 20, file: 20 * 2 ** 20 } as const;
const MEDIA_MIN_BYTES = 6;

/** A media_id is used again only well inside its three days. */
const MEDIA_ID_REUSE_MS = 2 * 24 * 3600_000;

/** What is already done of one picture or file message to one chat. */
interface Progress {
  captionSent: boolean;
  media?: { readonly id: string; readonly until: number };
}

/** A picture or file message, as the outbox gives it. */
export interface MediaMessage {
  readonly kind: 'image' | 'file';
  readonly caption: string;
  readonly fallbackText: string;
  readonly fileName?: string;
  readonly pngBase64?: string;
  readonly contentBase64?: string;
}

/** Remembers, per chat and message, the steps that went through (bounded; oldest forgotten). */
export class MediaProgress {
  private readonly steps = new Map<string, Progress>();

  constructor(private readonly max = 500) {}

  /** The progress of `message` to `chatId` (a new entry when there is none). */
  of(chatId: string, message: MediaMessage): { key: string; progress: Progress } {
    const key = crypto.createHash('sha256').update(chatId).update('\u0000').update(JSON.stringify(message)).digest('hex');
    let progress = this.steps.get(key);
    if (!progress) {
      progress = { captionSent: false };
      this.steps.set(key, progress);
      if (this.steps.size > this.max) this.steps.delete(this.steps.keys().next().value!);
    }
    return { key, progress };
  }

  /** The message was delivered whole. */
  done(key: string): void {
    this.steps.delete(key);
  }
}

/** What sending a medium needs from the outbound side. */
export interface MediaContext {
  readonly client: WSClient;
  readonly media: MediaProgress;
  readonly now: number;
  /** Sends a text to the chat (a passive reply while an exchange is open, else proactively). */
  readonly sendText: (text: string) => Promise<unknown>;
}

/** The bytes, WeCom type and file name of a message, or undefined when WeCom would refuse them. */
export function mediumOf(message: MediaMessage): { type: 'image' | 'file'; bytes: Buffer; filename: string } | undefined {
  const type = message.kind;
  const bytes = Buffer.from((type === 'image' ? message.pngBase64 : message.contentBase64) ?? '', 'base64');
  if (bytes.length < MEDIA_MIN_BYTES || bytes.length > MEDIA_MAX_BYTES[type]) return undefined;
  const filename = type === 'image' ? 'xianfeng.png' : message.fileName || 'export.csv';
  return { type, bytes, filename };
}

/** Sends the caption, uploads the medium (unless a live media_id is known) and sends it; resumes a part-done send. */
export async function sendMedia(ctx: MediaContext, chatId: string, message: MediaMessage): Promise<void> {
  const medium = mediumOf(message);
  if (!medium) {
    await ctx.sendText(message.fallbackText);
    return;
  }
  const { key, progress } = ctx.media.of(chatId, message);
  if (!progress.captionSent && message.caption.trim()) {
    await ctx.sendText(message.caption);
    progress.captionSent = true;
  }
  if (!progress.media || progress.media.until <= ctx.now) {
    const uploaded = await ctx.client.uploadMedia(medium.bytes, { type: medium.type, filename: medium.filename });
    progress.media = { id: uploaded.media_id, until: ctx.now + MEDIA_ID_REUSE_MS };
  }
  await ctx.client.sendMediaMessage(chatId, medium.type, progress.media.id);
  ctx.media.done(key);
}
