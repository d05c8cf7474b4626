import { describe, expect, it } from 'vitest';
import { decodeTextDocument, isTextDocument, TEXT_ATTACHMENT_MAX_BYTES, withText } from '../../src/bot/text-attachments.ts';

describe('text documents sent to the bot', () => {
  it('decodes UTF-8 (without its byte-order mark) and, failing that, GB18030 as Excel on Chinese Windows saves CSV', () => {
    expect(decodeTextDocument(Buffer.from('\uFEFF题目,选项', 'utf8'))).toBe('题目,选项');
    // "题目,选项,答案\n党章,对|错,对" in GB18030 (made with Python's codec).
    expect(decodeTextDocument(Buffer.from('cce2c4bf2cd1a1cfee2cb4f0b0b80ab5b3d5c22cb6d47cb4ed2cb6d4', 'hex'))).toBe('题目,选项,答案\n党章,对|错,对');
  });

  it('reads .csv and .txt files and text MIME types, nothing else', () => {
    expect(isTextDocument('题库.CSV')).toBe(true);
    expect(isTextDocument('notes.txt')).toBe(true);
    expect(isTextDocument(undefined, 'text/csv')).toBe(true);
    expect(isTextDocument('报告.xlsx', 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet')).toBe(false);
    expect(isTextDocument('photo.jpg')).toBe(false);
  });

  it('never throws: a failed or oversized download is recorded on the attachment', async () => {
    const file = { kind: 'file' as const, ref: 'f1', name: 'a.csv' };
    const errors: unknown[] = [];
    const onError = (e: unknown) => void errors.push(e);
    expect(await withText(file, {}, async () => Buffer.from('x,y'), onError)).toEqual({ ...file, text: 'x,y' });
    expect(await withText(file, {}, async () => Promise.reject(new Error('network down')), onError)).toEqual({ ...file, textError: 'unreadable' });
    expect(errors).toHaveLength(1);
    expect(await withText(file, { size: TEXT_ATTACHMENT_MAX_BYTES + 1 }, async () => Buffer.from('never asked'), onError)).toEqual({ ...file, textError: 'tooBig' });
    expect(await withText(file, {}, async () => Buffer.alloc(TEXT_ATTACHMENT_MAX_BYTES + 1), onError)).toEqual({ ...file, textError: 'tooBig' });
    const photo = { kind: 'photo' as const, ref: 'p1' };
    expect(await withText(photo, {}, async () => Buffer.from('no'), onError)).toBe(photo);
  });
});
