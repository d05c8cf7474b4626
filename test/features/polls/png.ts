/**
 * A minimal PNG reader for chart tests: checks the signature and chunk CRCs, reads IHDR, inflates
 * IDAT and undoes the scanline filters (8-bit RGB or RGBA, not interlaced — what resvg writes).
 */
import { crc32, inflateSync } from 'node:zlib';

/** A decoded PNG. */
export interface DecodedPng {
  readonly width: number;
  readonly height: number;
  /** 4 bytes per pixel, row by row. */
  readonly rgba: Uint8Array;
}

/** The 8-byte PNG signature. */
export const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

/** Decodes `buf`, throwing on anything malformed. */
export function decodePng(buf: Buffer): DecodedPng {
  if (!buf.subarray(0, 8).equals(PNG_SIGNATURE)) throw new Error('not a PNG signature');
  let pos = 8;
  let width = 0;
  let height = 0;
  let colorType = -1;
  const idat: Buffer[] = [];
  let sawEnd = false;
  while (pos < buf.length) {
    const len = buf.readUInt32BE(pos);
    const type = buf.toString('latin1', pos + 4, pos + 8);
    const data = buf.subarray(pos + 8, pos + 8 + len);
    const crc = buf.readUInt32BE(pos + 8 + len);
    if (crc32(buf.subarray(pos + 4, pos + 8 + len)) !== crc) throw new Error(`bad CRC in ${type}`);
    if (type === 'IHDR') {
      width = data.readUInt32BE(0);
      height = data.readUInt32BE(4);
      if (data[8] !== 8) throw new Error('bit depth must be 8');
      colorType = data[9]!;
      if (data[12] !== 0) throw new Error('interlaced PNG not supported');
    } else if (type === 'IDAT') {
      idat.push(data);
    } else if (type === 'IEND') {
      sawEnd = true;
      break;
    }
    pos += 12 + len;
  }
  if (!sawEnd) throw new Error('no IEND');
  const channels = colorType === 6 ? 4 : colorType === 2 ? 3 : 0;
  if (!channels) throw new Error(`colour type ${colorType} not supported`);
  const raw = inflateSync(Buffer.concat(idat));
  const stride = width * channels;
  const out = new Uint8Array(width * height * 4);
  let prev = new Uint8Array(stride);
  for (let y = 0; y < height; y++) {
    const filter = raw[y * (stride + 1)]!;
    const line = raw.subarray(y * (stride + 1) + 1, (y + 1) * (stride + 1));
    const cur = new Uint8Array(stride);
    for (let i = 0; i < stride; i++) {
      const a = i >= channels ? cur[i - channels]! : 0;
      const b = prev[i]!;
      const c = i >= channels ? prev[i - channels]! : 0;
      let v = line[i]!;
      if (filter === 1) v += a;
      else if (filter === 2) v += b;
      else if (filter === 3) v += (a + b) >> 1;
      else if (filter === 4) {
        const p = a + b - c;
        const pa = Math.abs(p - a);
        const pb = Math.abs(p - b);
        const pc = Math.abs(p - c);
        v += pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
      } else if (filter !== 0) throw new Error(`bad filter ${filter}`);
      cur[i] = v & 0xff;
    }
    for (let x = 0; x < width; x++) {
      for (let ch = 0; ch < 4; ch++) out[(y * width + x) * 4 + ch] = ch < channels ? cur[x * channels + ch]! : 255;
    }
    prev = cur;
  }
  return { width, height, rgba: out };
}

/** Number of pixels in a rectangle that are clearly darker than white (ink). */
export function inkIn(png: DecodedPng, x0: number, y0: number, x1: number, y1: number): number {
  let n = 0;
  for (let y = Math.max(0, y0); y < Math.min(png.height, y1); y++) {
    for (let x = Math.max(0, x0); x < Math.min(png.width, x1); x++) {
      const i = (y * png.width + x) * 4;
      if (png.rgba[i]! + png.rgba[i + 1]! + png.rgba[i + 2]! < 600) n++;
    }
  }
  return n;
}

/**
 * The Unicode code points an OpenType/TrueType font maps to a glyph (its `cmap`, formats 4 and
 * 12), to prove the bundled font really covers the Chinese labels.
 */
export function fontCodePoints(font: Buffer): Set<number> {
  const numTables = font.readUInt16BE(4);
  let cmap = -1;
  for (let i = 0; i < numTables; i++) {
    const rec = 12 + i * 16;
    if (font.toString('latin1', rec, rec + 4) === 'cmap') cmap = font.readUInt32BE(rec + 8);
  }
  if (cmap < 0) throw new Error('no cmap table');
  const out = new Set<number>();
  const n = font.readUInt16BE(cmap + 2);
  for (let i = 0; i < n; i++) {
    const sub = cmap + font.readUInt32BE(cmap + 4 + i * 8 + 4);
    const format = font.readUInt16BE(sub);
    if (format === 12) {
      const groups = font.readUInt32BE(sub + 12);
      for (let g = 0; g < groups; g++) {
        const start = font.readUInt32BE(sub + 16 + g * 12);
        const end = font.readUInt32BE(sub + 20 + g * 12);
        for (let cp = start; cp <= end; cp++) out.add(cp);
      }
    } else if (format === 4) {
      const segX2 = font.readUInt16BE(sub + 6);
      for (let s = 0; s < segX2; s += 2) {
        const end = font.readUInt16BE(sub + 14 + s);
        const start = font.readUInt16BE(sub + 16 + segX2 + s);
        for (let cp = start; cp <= end && cp !== 0xffff; cp++) out.add(cp);
      }
    }
  }
  return out;
}
