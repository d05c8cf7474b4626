import { parse } from 'csv-parse/sync';
import { describe, expect, it } from 'vitest';
import { startOfYear } from '../../../src/bot/time.ts';
import { csvFile, renderCsvFile } from '../../../src/features/report/csv.ts';

describe('csvFile', () => {
  it('writes UTF-8 with a BOM, quotes as needed and defuses spreadsheet formulas (rendered at send time)', async () => {
    const queued = csvFile(
      { fileName: 'pledges 2026/东北流', rows: [['编号', '内容'], ['1', '=HYPERLINK("http://x","点我")'], ['2', '走访, "李大爷"\n第二行'], ['3', '@SUM(A1)'], ['4', '-1+1']] },
      '导出',
    );
    expect(queued).toMatchObject({ kind: 'render', renderer: 'report.csv', produces: 'file' });
    const msg = await renderCsvFile(queued.input);
    expect(queued.fallbackText).toBe(msg.fallbackText);
    if (msg.kind !== 'file') throw new Error('expected a file');
    expect(msg.fileName).toBe('pledges_2026_东北流.csv');
    expect(msg.mimeType).toBe('text/csv');
    const text = Buffer.from(msg.contentBase64, 'base64').toString('utf8');
    expect(text.charCodeAt(0)).toBe(0xfeff);
    expect(parse(text.slice(1))).toEqual([
      ['编号', '内容'],
      ['1', `'=HYPERLINK("http://x","点我")`],
      ['2', '走访, "李大爷"\n第二行'],
      ['3', "'@SUM(A1)"],
      ['4', "'-1+1"],
    ]);
    expect(msg.fallbackText.startsWith('导出\n编号,内容\r\n')).toBe(true);
  });
});

describe('startOfYear', () => {
  it('is local midnight of 1 January as a UTC instant', () => {
    expect(startOfYear(2026, 'Asia/Shanghai').toISOString()).toBe('2025-12-31T16:00:00.000Z');
    expect(startOfYear(2026, 'UTC').toISOString()).toBe('2026-01-01T00:00:00.000Z');
    expect(startOfYear(2027, 'America/New_York').toISOString()).toBe('2027-01-01T05:00:00.000Z');
  });
});
