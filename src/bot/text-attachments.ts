/**
 * Small text documents people send to the bot (a question bank as `.csv`): which ones adapters
 * read before recording the event, and how their bytes become text. Platform-neutral; the
 * adapters do the downloading.
 */
import type { Attachment } from './types.ts';
import { DownloadTooBigError } from './adapter.ts';

/** The largest text document an adapter reads into an event (the inbox stores it with the event). */
export const TEXT_ATTACHMENT_MAX_BYTES = 256_000;

/** True for a document the bot reads as text: a `.csv` or `.txt` name, or a text/csv MIME type. */
export function isTextDocument(name: string | undefined, mimeType?: string): boolean {
  return /\.(csv|txt)$/i.test(name ?? '') || /^text\/(csv|plain|comma-separated-values)\b/i.test(mimeType ?? '');
}

/**
 * The text of a document's bytes: UTF-8 (a byte-order mark dropped), or, when the bytes are not
 * valid UTF-8, GB18030 — what Excel on a Chinese Windows saves "CSV" in. Throws when neither fits.
 */
export function decodeTextDocument(bytes: Uint8Array): string {
  try {
    return new TextDecoder('utf-8', { fatal: true, ignoreBOM: false }).decode(bytes);
  } catch {
    return new TextDecoder('gb18030', { fatal: true }).decode(bytes);
  }
}

/**
 * Reads a text document into an attachment with `fetchBytes` (the adapter's download), keeping
 * the attachment as it was when it is not a text document. Never throws: a failed or oversized
 * download is recorded as `textError` (a DownloadTooBigError from a capped read is `tooBig`), so
 * the feature can say what went wrong.
 */
export async function withText(
  attachment: Attachment,
  info: { readonly size?: number; readonly mimeType?: string },
  fetchBytes: () => Promise<Uint8Array>,
  onError: (err: unknown) => void,
): Promise<Attachment> {
  if (attachment.kind !== 'file' || !isTextDocument(attachment.name, info.mimeType)) return attachment;
  if (info.size !== undefined && info.size > TEXT_ATTACHMENT_MAX_BYTES) return { ...attachment, textError: 'tooBig' };
  try {
    const bytes = await fetchBytes();
    if (bytes.length > TEXT_ATTACHMENT_MAX_BYTES) return { ...attachment, textError: 'tooBig' };
    return { ...attachment, text: decodeTextDocument(bytes) };
  } catch (err) {
    // A capped read (readAtMost) stops at the limit: that is a file too big, not an unreadable one.
    if (err instanceof DownloadTooBigError) return { ...attachment, textError: 'tooBig' };
    onError(err);
    return { ...attachment, textError: 'unreadable' };
  }
}
