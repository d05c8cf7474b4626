/**
 * Text folding done before any parsing, so that what older members type on a Chinese keyboard
 * (full-width letters and digits, Chinese separators, stray spaces, a final 。) means the same as the
 * ASCII form of the spec.
 *
 * What `normalizeForParsing` does, in order:
 * 1. Line breaks `\r\n` / `\r` / U+2028 / U+2029 become `\n`.
 * 2. Invisible characters are removed: C0/C1 control characters (except `\n`; a tab counts as a
 *    space), zero-width space/non-joiner, word joiner, BOM, soft hyphen, bidirectional marks and
 *    the Mongolian vowel separator. A zero-width joiner is kept only between two emoji (it glues
 *    sequences such as 👨‍👩‍👧 together).
 * 3. Full-width ASCII forms U+FF01–U+FF5E become their ASCII characters (ｈｅｌｐ → help, １２ → 12,
 *    ＃ → #, ＠ → @, ／ → /, ｜ → |, ：→ :, ，→ ,, ；→ ;, ＋ → +, －→ -, （）→ ()), as NFKC does.
 *    The ideographic comma 、 becomes `,` (it is a list separator: `1、3`).
 * 4. Every other space character (ideographic space U+3000, no-break space, the U+2000–U+200A
 *    spaces some platforms put after an @-mention, …) becomes an ordinary space.
 * 5. Runs of spaces collapse to one space; a run of white space containing line breaks collapses
 *    to one `\n` (free text keeps its lines); the whole text is trimmed.
 * 6. Trailing full stops (`.`, `。`, `．`, `｡`) are removed, then the text is trimmed again.
 *
 * Everything else passes through unchanged: Chinese characters, the Chinese full stop inside a
 * sentence, emoji, CJK compatibility ideographs (which real NFKC would rewrite) and so on.
 */

/** Invisible characters that are never meaningful in a chat command or answer. */
const INVISIBLE =
  // eslint-disable-next-line no-control-regex
  /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F\u00AD\u180E\u200B\u200C\u200E\u200F\u202A-\u202E\u2060-\u2064\u2066-\u2069\uFEFF]/g;

/** A zero-width joiner that does not sit between two emoji (those glue emoji sequences together). */
const STRAY_ZWJ = /(?<!\p{Extended_Pictographic}|[\u{1F3FB}-\u{1F3FF}]|\uFE0F)\u200D|\u200D(?!\p{Extended_Pictographic})/gu;

/** Space characters other than the ASCII space and `\n` (tab, NBSP, U+2000–U+200A, U+3000, …). */
const OTHER_SPACES = /[\t\u00A0\u1680\u2000-\u200A\u202F\u205F\u3000]/g;

/** Full-width ASCII forms, U+FF01 (！) to U+FF5E (～). */
const FULL_WIDTH = /[\uFF01-\uFF5E]/g;

/** Offset from a full-width form to its ASCII character. */
const FULL_WIDTH_OFFSET = 0xff01 - 0x21;

/**
 * Folds a message for parsing (see the module comment for the exact steps). Pure and linear in the
 * length of the text; safe on any string, including empty and very long ones.
 */
export function normalizeForParsing(text: string): string {
  let s = text.replace(/\r\n?|[\u2028\u2029]/g, '\n');
  s = s.replace(INVISIBLE, '');
  if (s.includes('\u200D')) s = s.replace(STRAY_ZWJ, '');
  s = s.replace(FULL_WIDTH, (c) => String.fromCharCode(c.charCodeAt(0) - FULL_WIDTH_OFFSET));
  s = s.replace(/、/g, ',');
  s = s.replace(OTHER_SPACES, ' ');
  s = collapseWhitespace(s);
  return stripTrailingPeriods(s);
}

/**
 * Removes only the invisible characters (step 2) and trims: the gentlest cleaning, for free text
 * that is stored and shown again as the person typed it (a pledge's wording, a suggestion).
 */
export function stripInvisible(text: string): string {
  let s = text.replace(/\r\n?|[\u2028\u2029]/g, '\n').replace(INVISIBLE, '');
  if (s.includes('\u200D')) s = s.replace(STRAY_ZWJ, '');
  return s.trim();
}

/** Collapses space runs to one space and runs containing line breaks to one `\n`, then trims. */
function collapseWhitespace(s: string): string {
  return s.replace(/[ \n]+/g, (run) => (run.includes('\n') ? '\n' : ' ')).trim();
}

/** Removes trailing full stops (ASCII and Chinese) and any space they leave behind. */
function stripTrailingPeriods(s: string): string {
  let end = s.length;
  while (end > 0 && (s[end - 1] === '.' || s[end - 1] === '。' || s[end - 1] === '｡' || s[end - 1] === ' ' || s[end - 1] === '\n')) {
    end--;
  }
  return end === s.length ? s : s.slice(0, end);
}
