/**
 * Join codes (加入码): one per imported roster row, random and unguessable (8 characters of an
 * alphabet without look-alikes, about 40 bits), stored only as a hash, valid once and for
 * JOIN_CODE_DAYS days. Wrong codes are counted per platform account: after JOIN_MAX_FAILURES
 * within JOIN_FAILURE_WINDOW_MS, `/join` answers "try later" without looking.
 */
import { createHash, randomInt } from 'node:crypto';
import type { Tx } from '../../bot/feature.ts';

/** The characters of a code: no 0/O, 1/I/L. */
const ALPHABET = 'ABCDEFGHJKMNPQRSTUVWXYZ23456789';
/** Characters per code. */
export const JOIN_CODE_LENGTH = 8;
/** How long a code works. */
export const JOIN_CODE_DAYS = 14;
/** Wrong codes one account may send per window before it must wait. */
export const JOIN_MAX_FAILURES = 5;
/** The window of wrong codes. */
export const JOIN_FAILURE_WINDOW_MS = 60 * 60_000;

/** A fresh random code. */
export function newJoinCode(): string {
  let code = '';
  for (let i = 0; i < JOIN_CODE_LENGTH; i++) code += ALPHABET[randomInt(ALPHABET.length)];
  return code;
}

/** A code as typed (full-width, lower case, spaces or dashes) in its stored form. */
export function normaliseJoinCode(text: string): string {
  return text.normalize('NFKC').toUpperCase().replace(/[\s\-_]/g, '');
}

function hashOf(code: string): string {
  return createHash('sha256').update(normaliseJoinCode(code)).digest('hex');
}

/** Stores a new code for roster row `memberId` (any older unused code of the row stops working). */
export async function issueJoinCode(db: Tx, memberId: number, issuedById: number, now: Date): Promise<string> {
  await db.joinCode.updateMany({ where: { memberId, usedAt: null }, data: { expiresAt: now } });
  const code = newJoinCode();
  await db.joinCode.create({ data: { memberId, codeHash: hashOf(code), expiresAt: new Date(now.getTime() + JOIN_CODE_DAYS * 86_400_000), issuedById } });
  return code;
}

/** What a sent code is: the row it links to, or why not. */
export type CodeLookup = { kind: 'valid'; id: number; memberId: number } | { kind: 'expired' | 'used' | 'unknown' };

/** Looks a sent code up (no write). */
export async function lookUpJoinCode(db: Tx, text: string, now: Date): Promise<CodeLookup> {
  const row = await db.joinCode.findUnique({ where: { codeHash: hashOf(text) } });
  if (!row) return { kind: 'unknown' };
  if (row.usedAt) return { kind: 'used' };
  if (row.expiresAt <= now) return { kind: 'expired' };
  return { kind: 'valid', id: row.id, memberId: row.memberId };
}

/** Marks a code used; false when another message used it first. */
export async function useJoinCode(db: Tx, id: number, now: Date): Promise<boolean> {
  return (await db.joinCode.updateMany({ where: { id, usedAt: null }, data: { usedAt: now } })).count === 1;
}

/** Wrong codes of an account within the window. */
export async function recentFailures(db: Tx, platform: string, externalId: string, now: Date): Promise<number> {
  return db.joinAttempt.count({ where: { platform, externalId, at: { gt: new Date(now.getTime() - JOIN_FAILURE_WINDOW_MS) } } });
}

/** Counts one wrong code. */
export async function recordFailure(db: Tx, platform: string, externalId: string, now: Date): Promise<void> {
  await db.joinAttempt.create({ data: { platform, externalId, at: now } });
}
