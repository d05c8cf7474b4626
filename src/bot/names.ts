/**
 * Display names as the bot stores and matches them: control, bidirectional-override and invisible
 * characters removed, whitespace collapsed, length bounded. A name that copies the bot's own is
 * kept for display but never matched when someone is named by it.
 */

/** The longest display name kept, in characters (code points). */
export const DISPLAY_NAME_MAX = 32;

// Cc (controls), Cf (format: bidi overrides and isolates, zero-width joiners, soft hyphen, BOM, tags),
// the Hangul fillers and braille blank that render as nothing, and unassigned/private-use code points.
const INVISIBLE = /[\p{Cc}\p{Cf}\p{Co}\p{Cn}\u115F\u1160\u3164\uFFA0\u2800]/gu;
const SPACES = /[\s\u00A0\u2000-\u200A\u202F\u205F\u3000]+/gu;

/** A display name cleaned for storing and showing: empty when nothing visible is left. */
export function cleanDisplayName(raw: string): string {
  const visible = raw.normalize('NFC').replace(INVISIBLE, '').replace(SPACES, ' ').trim();
  return [...visible].slice(0, DISPLAY_NAME_MAX).join('').trim();
}

/** A name folded for comparing (cleaned, no leading `@`, lowercased, full-width letters narrowed). */
export function foldPersonName(raw: string): string {
  return cleanDisplayName(raw.replace(/^[@＠]/, '')).normalize('NFKC').toLowerCase();
}

/** True when `name` copies one of the bot's own names: such a name never picks a person. */
export function impersonatesBot(name: string, botNames: readonly string[]): boolean {
  const folded = foldPersonName(name);
  return folded !== '' && botNames.some((b) => foldPersonName(b) === folded);
}
