/**
 * Messages holding only photos or files (no text, no command): offered to the features that can
 * take them as evidence of a record the sender made shortly before (`Feature.claimAttachments`,
 * e.g. a photo sent after /minutes). Only in a unit's group or a private chat; the latest claim
 * wins; with no claim the message is ignored silently. The router calls this inside the event's
 * transaction, so a redelivered event (deduped by the inbox) never attaches twice.
 */
import type { AttachmentClaim, ChatInfo, Context, Feature } from './feature.ts';
import type { Attachment, Incoming } from './types.ts';

/** The attachments of a message that holds nothing else (no text once the bot's mention is removed); undefined otherwise. */
export function attachmentsOnly(incoming: Incoming): readonly Attachment[] | undefined {
  const c = incoming.content;
  if (c.type !== 'text' || !c.attachments?.length) return undefined;
  const text = (c.mentionsBot ? (c.textWithoutMention ?? c.text) : c.text).trim();
  return text ? undefined : c.attachments;
}

/** True when attachment-only messages from this chat are offered: a private chat, or a group bound to a unit. */
function offeredIn(chat: ChatInfo): boolean {
  return chat.ref.kind === 'private' || chat.unitId !== null;
}

/**
 * Offers `attachments` to every feature with `claimAttachments` and runs the latest claim; true
 * when one ran, false when the message is to be ignored. `guard` turns a refusal into its reply.
 */
export async function offerAttachments(
  features: readonly Feature[],
  ctx: Context,
  attachments: readonly Attachment[],
  guard: (fn: () => Promise<boolean>) => Promise<boolean>,
): Promise<boolean> {
  if (!offeredIn(ctx.chat)) return false;
  let best: AttachmentClaim | null = null;
  for (const f of features) {
    const claim = f.claimAttachments ? await f.claimAttachments(ctx, attachments) : null;
    if (claim && (!best || claim.at > best.at)) best = claim;
  }
  if (!best) return false;
  const chosen = best;
  return guard(async () => {
    await chosen.run();
    return true;
  });
}
