import { describe, expect, it } from 'vitest';
import { PAGE_COLUMNS, pageMessage, pageSvg, renderPageMessage } from '../../../src/features/records/page.ts';

const row = (kind: string, time: string) => [kind, time, '活动室', '李书记', '张三', '3', '2', '王五：请假', '学习党章', '照办'];

describe('the printable 台账 pages', () => {
  it('renders one page per kind with the paper headings and every row of that kind', async () => {
    const rows = [row('支委会', '2026-01-05 20:00'), row('主题党日', '2026-01-10 09:00'), row('支委会', '2026-02-05 20:00')];
    const kinds = [...new Set(rows.map((r) => r[0]!))];
    const pages = await Promise.all(kinds.map(async (kind) => {
      const message = pageMessage(`东北流村党支部 2026年 ${kind}台账`, rows.filter((r) => r[0] === kind), '未能生成');
      const image = await renderPageMessage(message.input);
      return { kind, caption: image.caption, png: Buffer.from(image.pngBase64, 'base64') };
    }));
    expect(pages.map((p) => p.caption)).toEqual(['东北流村党支部 2026年 支委会台账', '东北流村党支部 2026年 主题党日台账']);
    for (const p of pages) {
      expect([...p.png.subarray(1, 4)].map((c) => String.fromCharCode(c)).join('')).toBe('PNG');
      expect(p.png.length).toBeGreaterThan(2000);
    }
    expect(pages[0]!.png.readUInt32BE(20)).toBe(80 + 34 * 3 + 20);
    expect(pages[1]!.png.readUInt32BE(20)).toBe(80 + 34 * 2 + 20);
    // The page's text (what the PNG draws) has the headings of a paper 台账 and the rows' cells.
    const svg = pageSvg('东北流村党支部 2026年 支委会台账', rows.filter((r) => r[0] === '支委会'));
    const text = [...svg.matchAll(/<text[^>]*>([^<]*)<\/text>/g)].map((m) => m[1]);
    expect(text.slice(1, 11)).toEqual(PAGE_COLUMNS.map(([h]) => h));
    expect(PAGE_COLUMNS.map(([h]) => h)).toEqual(['类型', '时间', '地点', '主持人', '记录人', '应到', '实到', '缺席及原因', '议题', '决议']);
    expect(text).toContain('2026-02-05 20:00');
    expect(text).toContain('王五：请假');
  });
});
