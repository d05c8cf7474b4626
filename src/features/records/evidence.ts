/**
 * Evidence (佐证材料) of the minutes: the photos and files sent with /minutes or by the same person
 * in the same chat within EVIDENCE_WINDOW_MS before it, fetched from the platform after the
 * minutes commit (`Context.download`, size checked first) and stored under
 * `<BOT_DATA_DIR>/evidence/<unit id>/` as `<sha256>.<ext>` (files 0600 in 0700 folders), their
 * SHA-256 recorded on the minutes. A platform that cannot fetch files keeps the reference only.
 * The tasks slice uses the same for the evidence of /progress.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { DownloadTooBigError } from '../../bot/adapter.ts';
import type { Context } from '../../bot/feature.ts';
import { recentAttachments } from '../../bot/inbox.ts';
import { makePrivateDir, PRIVATE_FILE_MODE } from '../../db/paths.ts';
import type { Db } from '../../db/client.ts';
import type { MinutesAttachment } from './store.ts';

/** Photos and files sent this long before the command count as its evidence. */
export const EVIDENCE_WINDOW_MS = 10 * 60_000;
/** Largest evidence file stored (some platforms' bots cannot fetch more than 20 MB either). */
export const MAX_EVIDENCE_BYTES = 20 * 1024 * 1024;
/** Most attachments taken for one record. */
const MAX_ATTACHMENTS = 20;

/** This message's attachments and the sender's in this chat during the window before it, oldest first, each once. */
export async function evidenceOf(ctx: Context): Promise<MinutesAttachment[]> {
  const platform = ctx.incoming.chat.platform;
  const now = ctx.now();
  const before = await recentAttachments(ctx.db, ctx.incoming.chat, ctx.incoming.actor, new Date(now.getTime() - EVIDENCE_WINDOW_MS), now);
  const own = ctx.incoming.content.type === 'text' ? (ctx.incoming.content.attachments ?? []) : [];
  const seen = new Set<string>();
  const out: MinutesAttachment[] = [];
  for (const a of [...before, ...own]) {
    if (seen.has(a.ref) || out.length >= MAX_ATTACHMENTS) continue;
    seen.add(a.ref);
    out.push({ kind: a.kind, platform, ref: a.ref, name: a.name ?? null });
  }
  return out;
}

/** Writes `bytes` content-addressed under `dir`; returns the path relative to the data directory. */
function storeFile(dataDir: string, unitId: number, bytes: Uint8Array, sha256: string, name: string | null): string {
  const ext = /\.([A-Za-z0-9]{1,8})$/.exec(name ?? '')?.[1]?.toLowerCase() ?? 'bin';
  const relative = path.join('evidence', String(unitId), `${sha256}.${ext}`);
  makePrivateDir(path.join(dataDir, 'evidence', String(unitId)));
  try {
    fs.writeFileSync(path.join(dataDir, relative), bytes, { mode: PRIVATE_FILE_MODE, flag: 'wx' });
  } catch (err) {
    // The same content stored before (same checksum): nothing to write.
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
  }
  return relative;
}

/** Fetches and stores one attachment; what the minutes record of it. */
async function fetchOne(ctx: Context, dataDir: string, unitId: number, a: MinutesAttachment): Promise<MinutesAttachment> {
  if (!ctx.capabilitiesOf(a.platform).downloads) return { ...a, problem: 'unsupported' };
  try {
    const got = await ctx.download(a.platform, a.ref, MAX_EVIDENCE_BYTES);
    const sha256 = crypto.createHash('sha256').update(got.bytes).digest('hex');
    const name = a.name ?? got.name ?? null;
    return { ...a, name, sha256, size: got.bytes.byteLength, path: storeFile(dataDir, unitId, got.bytes, sha256, name ?? (a.kind === 'photo' ? 'photo.jpg' : null)) };
  } catch (err) {
    return { ...a, problem: err instanceof DownloadTooBigError ? 'tooBig' : 'failed' };
  }
}

/**
 * After the command's commit: fetches every attachment not stored yet and hands the list with
 * checksums (or why not) to `save` in its own write. Nothing to do when everything is stored.
 */
export function storeEvidenceAfterCommit(ctx: Context, dataDir: string, unitId: number, attachments: readonly MinutesAttachment[], save: (db: Db, stored: MinutesAttachment[]) => Promise<void>): void {
  if (!attachments.some((a) => !a.sha256 && !a.problem)) return;
  ctx.afterCommit(async (db) => {
    const stored: MinutesAttachment[] = [];
    for (const a of attachments) stored.push(a.sha256 || a.problem ? a : await fetchOne(ctx, dataDir, unitId, a));
    await save(db, stored);
  });
}

/** The chat a record was made in, as stored (`enteredIn`, `reportedIn`): `<platform>:<chat id>`. */
export function chatKeyOf(ctx: Context): string {
  return `${ctx.incoming.chat.platform}:${ctx.incoming.chat.chatId}`;
}

/** The earliest time a record may have been made for a photo sent now to attach to it. */
export function laterEvidenceSince(ctx: Context): Date {
  return new Date(ctx.now().getTime() - EVIDENCE_WINDOW_MS);
}

/** `attachments` as evidence of this platform, without those already in `existing` (same reference): a redelivered photo adds nothing. */
export function freshEvidence(ctx: Context, existing: readonly MinutesAttachment[], attachments: readonly { kind: 'photo' | 'file'; ref: string; name?: string }[]): MinutesAttachment[] {
  const platform = ctx.incoming.chat.platform;
  const out: MinutesAttachment[] = [];
  for (const a of attachments) {
    if (existing.length + out.length >= MAX_ATTACHMENTS) break;
    if (existing.some((e) => e.platform === platform && e.ref === a.ref) || out.some((e) => e.ref === a.ref)) continue;
    out.push({ kind: a.kind, platform, ref: a.ref, name: a.name ?? null });
  }
  return out;
}

/** What was attached, for the reply: 照片, 文件 or 附件 (both). */
export function evidenceWord(ctx: Context, added: readonly MinutesAttachment[]): string {
  const kinds = new Set(added.map((a) => a.kind));
  return ctx.t(kinds.size > 1 ? 'records.evidence.both' : kinds.has('photo') ? 'records.evidence.photo' : 'records.evidence.file');
}

/** Replaces the entries of `list` with the same reference by `stored` ones (after-commit saves merge, never overwrite newer additions). */
export function mergeStored(list: readonly MinutesAttachment[], stored: readonly MinutesAttachment[]): MinutesAttachment[] {
  const byRef = new Map(stored.map((a) => [`${a.platform}\u0000${a.ref}`, a]));
  const merged = list.map((a) => byRef.get(`${a.platform}\u0000${a.ref}`) ?? a);
  for (const a of stored) if (!merged.some((m) => m.platform === a.platform && m.ref === a.ref)) merged.push(a);
  return merged;
}
