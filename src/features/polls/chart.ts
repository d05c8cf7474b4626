/**
 * Bar charts of poll results as PNG, rendered without a browser: an SVG built here is rasterised by
 * `@resvg/resvg-js` (a Rust renderer shipped as a prebuilt binary inside its npm package) with a
 * CJK font the project brings (`@embedpdf/fonts-sc`: Noto Sans Hans, OpenType CFF, covering
 * Simplified Chinese), so Chinese labels are legible on a fresh machine with no fonts installed.
 * System fonts are never loaded: the output is the same on every machine.
 */
import { createRequire } from 'node:module';
import { existsSync } from 'node:fs';
import path from 'node:path';
import type { OutgoingMessage, RenderLater } from '../../bot/types.ts';

/** One bar: its label and its value (a count). */
export interface ChartBar {
  readonly label: string;
  readonly value: number;
}

/** What to draw: a title, the bars top to bottom, and a footer line (turnout). */
export interface ChartSpec {
  readonly title: string;
  readonly bars: readonly ChartBar[];
  readonly footer: string;
}

/** Family name of the bundled font, as resvg knows it. */
export const CHART_FONT_FAMILY = 'Noto Sans Hans';

/** Canvas width in pixels. */
export const CHART_WIDTH = 800;

const MARGIN = 32;
const TITLE_HEIGHT = 72;
const ROW_HEIGHT = 64;
const FOOTER_HEIGHT = 56;
const BAR_HEIGHT = 24;
const LABEL_MAX = 28;
const TITLE_MAX = 30;
const COLORS = ['#c0392b', '#d35400', '#b7950b', '#1e8449', '#2471a3', '#7d3c98'];

/** Escapes text for SVG character data. */
function xml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' })[c]!);
}

/**
 * Cuts text to `max` characters (code points), marking the cut with `…`; control characters and
 * emoji (which the bundled font has no glyphs for, so they would show as boxes) are dropped.
 */
function clip(text: string, max: number): string {
  const clean = text
    // eslint-disable-next-line no-control-regex
    .replace(/[\u0000-\u001f\u007f]/g, ' ')
    .replace(/\p{Extended_Pictographic}|[\u{1F3FB}-\u{1F3FF}]|\u200D|\uFE0F/gu, '')
    .trim();
  const chars = [...clean];
  return chars.length <= max ? chars.join('') : `${chars.slice(0, max - 1).join('')}…`;
}

/** Height of the chart for `bars` bars. */
export function chartHeight(bars: number): number {
  return TITLE_HEIGHT + Math.max(1, bars) * ROW_HEIGHT + FOOTER_HEIGHT;
}

/**
 * Builds the SVG: title on top, for each bar its label on one line and the bar with its count
 * (an Arabic numeral) on the next, bars scaled to the largest value, the footer at the bottom.
 */
export function chartSvg(spec: ChartSpec): string {
  const height = chartHeight(spec.bars.length);
  const max = Math.max(1, ...spec.bars.map((b) => b.value));
  const barSpace = CHART_WIDTH - 2 * MARGIN - 80;
  const out: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${CHART_WIDTH}" height="${height}" viewBox="0 0 ${CHART_WIDTH} ${height}">`,
    `<rect width="100%" height="100%" fill="#ffffff"/>`,
    `<g font-family="${CHART_FONT_FAMILY}" fill="#1a1a1a">`,
    `<text x="${MARGIN}" y="${MARGIN + 14}" font-size="26" font-weight="bold">${xml(clip(spec.title, TITLE_MAX))}</text>`,
  ];
  spec.bars.forEach((bar, i) => {
    const top = TITLE_HEIGHT + i * ROW_HEIGHT;
    const width = bar.value > 0 ? Math.max(4, Math.round((bar.value / max) * barSpace)) : 0;
    const color = COLORS[i % COLORS.length]!;
    out.push(`<text x="${MARGIN}" y="${top + 20}" font-size="20">${xml(clip(bar.label, LABEL_MAX))}</text>`);
    out.push(`<rect x="${MARGIN}" y="${top + 30}" width="${width}" height="${BAR_HEIGHT}" rx="3" fill="${color}"/>`);
    out.push(`<text x="${MARGIN + width + 10}" y="${top + 49}" font-size="20" font-weight="bold">${bar.value}</text>`);
  });
  out.push(`<text x="${MARGIN}" y="${height - 22}" font-size="18" fill="#555555">${xml(clip(spec.footer, 60))}</text>`);
  out.push('</g></svg>');
  return out.join('\n');
}

/** Absolute path of the bundled font file (Noto Sans Hans Regular, OpenType). Throws when not installed. */
export function chartFontPath(): string {
  const require = createRequire(import.meta.url);
  const entry = require.resolve('@embedpdf/fonts-sc');
  const file = path.join(path.dirname(entry), '..', 'fonts', 'NotoSansHans-Regular.otf');
  if (!existsSync(file)) throw new Error(`chart font missing: ${file}`);
  return file;
}

/**
 * Renders the chart as PNG bytes off the event loop (resvg's worker). Throws when the renderer or
 * the font is not installed; callers then send the results as text only.
 */
export async function renderChartPng(spec: ChartSpec): Promise<Buffer> {
  const { renderAsync } = await import('@resvg/resvg-js');
  const image = await renderAsync(chartSvg(spec), {
    font: { loadSystemFonts: false, fontFiles: [chartFontPath()], defaultFontFamily: CHART_FONT_FAMILY },
    background: '#ffffff',
    logLevel: 'off',
  });
  return image.asPng();
}

/** The name under which the polls feature registers `renderChartMessage` (`Feature.renderers`). */
export const CHART_RENDERER = 'polls.chart';

/** What the outbox stores for a chart until it sends it: the spec and the caption. */
interface ChartInput {
  readonly spec: ChartSpec;
  readonly caption: string;
}

/** A chart to be rendered by the outbox when it is sent (never inside the event's transaction). */
export function chartMessage(spec: ChartSpec, caption: string): RenderLater {
  const input: ChartInput = { spec, caption };
  return { kind: 'render', renderer: CHART_RENDERER, input, produces: 'image', fallbackText: caption };
}

/** The renderer of `chartMessage`: the PNG with its caption. */
export async function renderChartMessage(input: unknown): Promise<Extract<OutgoingMessage, { kind: 'image' }>> {
  const { spec, caption } = input as ChartInput;
  const png = await renderChartPng(spec);
  return { kind: 'image', pngBase64: png.toString('base64'), caption, fallbackText: caption };
}
