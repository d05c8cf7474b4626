/**
 * Receipt codes of anonymous ballots. A code is 8 characters from an alphabet without look-alikes
 * (no 0/O, 1/I/L), shown as `K7QX-M3PD`, with at least one digit so it is never mistaken for a
 * multi-choice letter answer. About 39 bits of randomness (31^8).
 *
 * The code is the voter's key to their ballot and the ONLY one: the ballot row stores
 * `tag = HMAC-SHA256(poll salt, code)`, nothing else that points at a person, and the bot keeps no
 * copy of the code (the private message carrying it is erased from the outbox once delivered). So
 * nobody — not a secretary, not someone holding the database and every key of the server — can go
 * from a member to a ballot; a member who presents their code can (`/vote #N check CODE`, or a new
 * choice followed by the code to change the ballot while the poll is open).
 */
import { createHmac, randomBytes, randomInt } from 'node:crypto';

/** Characters of a receipt code (31 of them: no 0, 1, I, L, O). */
export const CODE_ALPHABET = '23456789ABCDEFGHJKMNPQRSTUVWXYZ';

/** Length of a code without its hyphen. */
export const CODE_LENGTH = 8;

/** A fresh random code, `XXXX-XXXX`, containing at least one digit. */
export function newReceiptCode(): string {
  for (;;) {
    let raw = '';
    for (let i = 0; i < CODE_LENGTH; i++) raw += CODE_ALPHABET[randomInt(CODE_ALPHABET.length)];
    if (/\d/.test(raw) && /[A-Z]/.test(raw)) return `${raw.slice(0, 4)}-${raw.slice(4)}`;
  }
}

/**
 * Reads a code as a person may type it (any case, full-width already folded, with or without the
 * hyphen). Returns the canonical `XXXX-XXXX`, or undefined when the token is not a code.
 */
export function normalizeReceiptCode(token: string): string | undefined {
  const raw = token.toUpperCase().replace(/[-_ ]/g, '');
  if (raw.length !== CODE_LENGTH) return undefined;
  for (const ch of raw) if (!CODE_ALPHABET.includes(ch)) return undefined;
  if (!/\d/.test(raw)) return undefined;
  return `${raw.slice(0, 4)}-${raw.slice(4)}`;
}

/** A new random per-poll salt (hex), stored on the poll. */
export function newSalt(): string {
  return randomBytes(16).toString('hex');
}

/** The tag stored on an anonymous ballot for its code: HMAC-SHA256(salt, canonical code), hex. */
export function codeTag(salt: string, canonicalCode: string): string {
  return createHmac('sha256', salt).update(canonicalCode).digest('hex');
}

/** A random tag for a ballot whose code could not be delivered: nobody can ever present it. */
export function orphanTag(): string {
  return `x${randomBytes(31).toString('hex')}`;
}

/** Largest id an anonymous ballot may get (PostgreSQL `integer`). */
const MAX_ID = 2 ** 31 - 1;

/** A random positive 31-bit id (anonymous ballot ids carry no order). */
export function randomBallotId(): number {
  return randomInt(1, MAX_ID);
}
