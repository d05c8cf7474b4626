/**
 * The printable 台账 page: a PNG in the layout of a paper ledger (类型、时间、地点、主持人、记录人、
 * 应到、实到、缺席及原因、议题、决议), one page per meeting kind with one row per meeting, rendered without a browser by the same
 * machinery as the poll charts (`@resvg/resvg-js` with the bundled CJK font of polls/chart.ts).
 */
import type { OutgoingMessage, RenderLater } from '../../bot/types.ts';
import { CHART_FONT_FAMILY, chartFontPath } from '../polls/api.ts';

/** Column headings and widths (pixels) of the page, in paper order. */
export const PAGE_COLUMNS: readonly (readonly [string, number])[] = [
  ['类型', 110], ['时间', 150], ['地点', 110], ['主持人', 80], ['记录人', 80], ['应到', 50], ['实到', 50], ['缺席及原因', 170], ['议题', 220], ['决议', 220],
];

const ROW = 34;
const TOP = 80;
const MARGIN = 20;
const MAX_ROWS = 120;

function xml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' })[c]!);
}

/** Drawn width of one character at 14 px: Chinese and full-width about 14 px, Latin letters and digits about 8. */
function charWidth(c: string): number {
  return /[\u1100-\u115f\u2e80-\ua4cf\uac00-\ud7a3\uf900-\ufaff\ufe30-\ufe4f\uff00-\uff60\uffe0-\uffe6]|[\u{20000}-\u{3fffd}]/u.test(c) ? 14 : 8;
}

/** A cell's text on one line, cut with … to fit its width. */
function fit(text: string, width: number): string {
  // eslint-disable-next-line no-control-regex
  const chars = [...text.replace(/[\u0000-\u001f\u007f]+/g, ' ').replace(/\p{Extended_Pictographic}|\u200D|\uFE0F/gu, '').trim()];
  const room = width - 8;
  let used = 0;
  for (let i = 0; i < chars.length; i++) {
    used += charWidth(chars[i]!);
    if (used > room) return `${chars.slice(0, Math.max(1, i - 1)).join('')}…`;
  }
  return chars.join('');
}

/** The page as SVG: a title, the heading row and up to 120 rows. */
export function pageSvg(title: string, rows: readonly (readonly string[])[]): string {
  const width = MARGIN * 2 + PAGE_COLUMNS.reduce((n, [, w]) => n + w, 0);
  const shown = rows.slice(0, MAX_ROWS);
  const height = TOP + ROW * (shown.length + 1) + MARGIN;
  const out = [`<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" font-family="${CHART_FONT_FAMILY}">`];
  out.push(`<text x="${width / 2}" y="48" font-size="26" text-anchor="middle">${xml(fit(title, width))}</text>`);
  [PAGE_COLUMNS.map(([h]) => h), ...shown].forEach((cells, r) => {
    let x = MARGIN;
    const y = TOP + r * ROW;
    PAGE_COLUMNS.forEach(([, w], c) => {
      out.push(`<rect x="${x}" y="${y}" width="${w}" height="${ROW}" fill="${r === 0 ? '#f2f2f2' : 'none'}" stroke="#333" stroke-width="1"/>`);
      out.push(`<text x="${x + 4}" y="${y + 23}" font-size="14">${xml(fit(cells[c] ?? '', w))}</text>`);
      x += w;
    });
  });
  out.push('</svg>');
  return out.join('\n');
}

/** Renders the page as PNG bytes (resvg's worker, the bundled font only). */
export async function renderPagePng(title: string, rows: readonly (readonly string[])[]): Promise<Buffer> {
  const { renderAsync } = await import('@resvg/resvg-js');
  const image = await renderAsync(pageSvg(title, rows), {
    font: { loadSystemFonts: false, fontFiles: [chartFontPath()], defaultFontFamily: CHART_FONT_FAMILY },
    background: '#ffffff',
    logLevel: 'off',
  });
  return image.asPng();
}

/** The name under which the records feature registers `renderPageMessage`. */
export const PAGE_RENDERER = 'records.page';

/** What the outbox stores for a page until it sends it. */
interface PageInput {
  readonly title: string;
  readonly rows: readonly (readonly string[])[];
}

/**
 * The printable page as a message the outbox renders when it sends it (after the event's
 * transaction commits); `failedText` is sent instead when rendering fails.
 */
export function pageMessage(title: string, rows: readonly (readonly string[])[], failedText: string): RenderLater {
  const input: PageInput = { title, rows };
  return { kind: 'render', renderer: PAGE_RENDERER, input, produces: 'image', fallbackText: title, failedText };
}

/** The renderer of `pageMessage`: the PNG with its title as the caption. */
export async function renderPageMessage(input: unknown): Promise<Extract<OutgoingMessage, { kind: 'image' }>> {
  const { title, rows } = input as PageInput;
  const png = await renderPagePng(title, rows);
  return { kind: 'image', pngBase64: png.toString('base64'), caption: title, fallbackText: title };
}
