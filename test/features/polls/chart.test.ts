import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { CHART_WIDTH, chartFontPath, chartHeight, chartSvg, renderChartPng } from '../../../src/features/polls/chart.ts';
import { decodePng, fontCodePoints, inkIn, PNG_SIGNATURE } from './png.ts';

const LABELS = '纛鑫一村道修缮选哪条东线西线满意度测评党支部书记参与已投应投人票分以下';

describe('poll chart', () => {
  it('the bundled font is an OpenType file with every Chinese character of the labels', () => {
    const font = readFileSync(chartFontPath());
    expect(['OTTO', '\u0000\u0001\u0000\u0000']).toContain(font.toString('latin1', 0, 4));
    const cps = fontCodePoints(font);
    expect(cps.size).toBeGreaterThan(20_000);
    const missing = [...LABELS].filter((ch) => !cps.has(ch.codePointAt(0)!));
    expect(missing).toEqual([]);
  });

  it('renders a valid PNG of the expected size with legible Chinese labels', async () => {
    const bars = [
      { label: '1. 东线', value: 12 },
      { label: '2. 西线', value: 7 },
      { label: '3. 都不修', value: 0 },
    ];
    const png = await renderChartPng({ title: '#12 村道修缮选哪条', bars, footer: '参与：19 / 30 人（63%）' });
    expect(png.subarray(0, 8).equals(PNG_SIGNATURE)).toBe(true);
    const img = decodePng(png);
    expect(img.width).toBe(CHART_WIDTH);
    expect(img.height).toBe(chartHeight(3));
    expect(img.height).toBeGreaterThan(200);
    expect(img.height).toBeLessThan(1000);
    // Label rows hold ink (glyphs drawn), and a row with a longer label holds more of it.
    const labelInk = (row: number) => inkIn(img, 32, 72 + row * 64, 400, 72 + row * 64 + 26);
    expect(labelInk(0)).toBeGreaterThan(100);
    expect(labelInk(2)).toBeGreaterThan(labelInk(0));
    // The longest bar (12) is wider than the shorter one (7): colored pixels along the bar line.
    const barWidth = (row: number) => {
      const y = 72 + row * 64 + 42;
      let w = 0;
      for (let x = 32; x < CHART_WIDTH; x++) {
        const i = (y * img.width + x) * 4;
        if (img.rgba[i]! > 120 && img.rgba[i + 2]! < 100) w++;
      }
      return w;
    };
    expect(barWidth(0)).toBeGreaterThan(barWidth(1));
    expect(barWidth(1)).toBeGreaterThan(0);
  });

  it('Chinese labels draw their own glyphs, not the missing-glyph box', async () => {
    const region = async (label: string) => {
      const img = decodePng(await renderChartPng({ title: '测', bars: [{ label, value: 1 }], footer: '' }));
      const pixels: number[] = [];
      for (let y = 72; y < 98; y++) for (let x = 32; x < 100; x++) pixels.push(img.rgba[(y * img.width + x) * 4]!);
      return { pixels: pixels.join(','), ink: inkIn(img, 32, 72, 100, 98) };
    };
    const [yi, du, xin, pua1, pua2] = await Promise.all(['一', '纛', '鑫', '\uE000', '\uE001'].map(region));
    // Characters the font lacks all render as the same box: that is what a missing font looks like.
    expect(pua1!.pixels).toBe(pua2!.pixels);
    // Real glyphs differ from each other and from that box, and 一 (one stroke) has far less ink than 纛.
    expect(du!.pixels).not.toBe(xin!.pixels);
    expect(du!.pixels).not.toBe(pua1!.pixels);
    expect(yi!.ink).toBeGreaterThan(5);
    expect(du!.ink).toBeGreaterThan(yi!.ink * 4);
  });

  it('escapes hostile labels and drops emoji the font cannot draw', () => {
    const svg = chartSvg({ title: '<script>&"\'', bars: [{ label: '👍同意</text><text>', value: 3 }], footer: '' });
    expect(svg).not.toContain('<script>');
    expect(svg).toContain('&lt;script&gt;&amp;&quot;&apos;');
    expect(svg).not.toContain('👍');
    expect(svg).toContain('同意&lt;/text&gt;&lt;text&gt;');
  });
});
