/**
 * Photos and files sent AFTER /minutes: a message holding only them, from the person who entered
 * minutes in the same chat within the last 10 minutes, attaches to that record (its current
 * version) and is stored after the commit like the rest of its evidence (evidence.ts). The router
 * offers such messages through `Feature.claimAttachments`.
 */
import type { AttachmentClaim, Context } from '../../bot/feature.ts';
import type { Attachment } from '../../bot/types.ts';
import { getMeeting, when } from '../meetings/api.ts';
import { chatKeyOf, evidenceWord, freshEvidence, laterEvidenceSince, storeEvidenceAfterCommit } from './evidence.ts';
import { addMinutesAttachments, minutesEnteredSince, setMinutesAttachments } from './store.ts';

/** The claim of the minutes this sender entered here in the last 10 minutes on `attachments`; null when there are none. */
export async function claimForMinutes(ctx: Context, attachments: readonly Attachment[], dataDir: string): Promise<AttachmentClaim | null> {
  const r = await minutesEnteredSince(ctx.db, ctx.member.id, chatKeyOf(ctx), laterEvidenceSince(ctx));
  if (!r) return null;
  return {
    at: r.enteredAt,
    run: async () => {
      const added = freshEvidence(ctx, r.attachments, attachments);
      const m = await getMeeting(ctx.db, r.meetingId);
      if (!added.length || !m) return;
      const all = await addMinutesAttachments(ctx.db, r.id, added);
      await ctx.audit('minutes.attach', `meeting ${m.id} ${r.startsAt.toISOString()} v${r.version} +${added.length}`);
      ctx.reply(ctx.t('records.minutes.attached', { what: evidenceWord(ctx, added), id: m.id, title: m.title, time: when(ctx, r.startsAt) }));
      storeEvidenceAfterCommit(ctx, dataDir, r.unitId, all, (db, stored) => setMinutesAttachments(db, r.id, stored));
    },
  };
}
