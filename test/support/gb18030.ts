/**
 * A GB18030 encoder for the characters a test uses (Node decodes GB18030 but cannot encode it):
 * every two-byte GBK code is decoded once with TextDecoder and the table inverted; ASCII stays
 * one byte. Throws for a character without a two-byte code.
 */
export function gb18030Encoder(): (text: string) => Buffer {
  const table = new Map<string, number[]>();
  const decoder = new TextDecoder('gb18030');
  for (let hi = 0x81; hi <= 0xfe; hi++) {
    for (let lo = 0x40; lo <= 0xfe; lo++) {
      if (lo === 0x7f) continue;
      const ch = decoder.decode(Uint8Array.of(hi, lo));
      if (ch.length === 1 && !table.has(ch)) table.set(ch, [hi, lo]);
    }
  }
  return (text) =>
    Buffer.from(
      [...text].flatMap((ch) => {
        if (ch.charCodeAt(0) < 0x80) return [ch.charCodeAt(0)];
        const bytes = table.get(ch);
        if (!bytes) throw new Error(`no GBK code for ${ch}`);
        return bytes;
      }),
    );
}
