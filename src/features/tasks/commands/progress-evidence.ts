/**
 * Photos and files sent AFTER /progress: a message holding only them, from the person who reported
 * progress in the same chat within the last 10 minutes, attaches to that report and is stored
 * after the commit with its SHA-256 (records/evidence.ts). Offered by the router through
 * `Feature.claimAttachments`.
 */
import type { AttachmentClaim, Context } from '../../../bot/feature.ts';
import type { Attachment } from '../../../bot/types.ts';
import { chatKeyOf, evidenceWord, freshEvidence, laterEvidenceSince, storeEvidenceAfterCommit } from '../../records/api.ts';
import { addProgressEvidence, progressReportedSince, setProgressEvidence } from '../store.ts';

/** The claim of this sender's progress report made here in the last 10 minutes on `attachments`; null when there is none. */
export async function claimForProgress(ctx: Context, attachments: readonly Attachment[], dataDir: string): Promise<AttachmentClaim | null> {
  const r = await progressReportedSince(ctx.db, ctx.member.id, chatKeyOf(ctx), laterEvidenceSince(ctx));
  if (!r) return null;
  return {
    at: r.createdAt,
    run: async () => {
      const added = freshEvidence(ctx, r.evidence, attachments);
      if (!added.length) return;
      const all = await addProgressEvidence(ctx.db, r, added);
      await ctx.audit('tasks.progress.attach', `task ${r.taskId} unit ${r.unitId} +${added.length}`);
      ctx.reply(ctx.t('tasks.progress.attached', { what: evidenceWord(ctx, added), id: r.taskId }));
      storeEvidenceAfterCommit(ctx, dataDir, r.unitId, all, (db, stored) => setProgressEvidence(db, r.id, stored));
    },
  };
}
