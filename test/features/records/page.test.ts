import { describe, expect, it } from 'vitest';
import { PAGE_COLUMNS, pageSvg, renderKindPages } from '../../../src/features/records/page.ts';

const row = (kind: string, time: string) => [kind, time, '活动室', '李书记', '张三', '3', '2', '王五：请假', '学习党章', '照办'];

describe('the printable 台账 pages', () => {
  it('renders one page per kind with the paper headings and every row of that kind', async () => {
    const rows = [row('支委会', '2026-01-05 20:00'), row('主题党日', '2026-01-10 09:00'), row('支委会', '2026-02-05 20:00')];
    const pages = await renderKindPages((k) => `东北流村党支部 2026年 ${k}台账`, rows);
    expect(pages.map((p) => p.kind)).toEqual(['支委会', '主题党日']);
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
