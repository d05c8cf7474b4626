import { describe, expect, it } from 'vitest';
import { excerpt, MAX_REPLY, readSuggestionsRequest, replyAfterChange, statusOfWord } from '../../../src/features/suggestions/rules.ts';

/** Reads `/suggestions <text>` the way the command does: words, the raw text, the leading id. */
function read(text: string) {
  const tokens = text.split(/\s+/).filter(Boolean);
  const m = /^#?(\d+)$/.exec(tokens[0] ?? '');
  return readSuggestionsRequest(tokens, text, m ? Number(m[1]) : null);
}

describe('suggestions rules', () => {
  it('reads the list forms', () => {
    expect(read('')).toEqual({ action: 'list', onlyOpen: false });
    expect(read('待研究')).toEqual({ action: 'list', onlyOpen: true });
    expect(read('OPEN')).toEqual({ action: 'list', onlyOpen: true });
    expect(read('全部')).toEqual({ action: 'list', onlyOpen: false });
  });

  it('reads a change with its reply as typed', () => {
    expect(read('#3 采纳 已安排，下周修路！')).toEqual({ action: 'change', id: 3, status: 'accepted', reply: '已安排，下周修路！' });
    expect(read('#4   Done')).toEqual({ action: 'change', id: 4, status: 'done', reply: '' });
    expect(read('5 婉拒 经费 不足')).toEqual({ action: 'change', id: 5, status: 'declined', reply: '经费 不足' });
  });

  it('refuses a change without an id, with an unknown word, or with a reply too long', () => {
    expect(read('#3')).toBeNull();
    expect(read('abc 采纳')).toBeNull();
    expect(read('#3 maybe')).toBeNull();
    expect(read('#3 constructor')).toBeNull();
    expect(read(`#3 采纳 ${'长'.repeat(MAX_REPLY)}`)).not.toBeNull();
    expect(read(`#3 采纳 ${'长'.repeat(MAX_REPLY + 1)}`)).toBeNull();
  });

  it('knows the status words in both languages', () => {
    expect(statusOfWord('已办结')).toBe('done');
    expect(statusOfWord('Reopen')).toBe('open');
    expect(statusOfWord('toString')).toBeUndefined();
  });

  it('cuts an excerpt by characters, folding white space', () => {
    expect(excerpt('路灯\n  坏了', 40)).toBe('路灯 坏了');
    expect(excerpt('😀'.repeat(5), 3)).toBe('😀😀😀…');
    expect(excerpt('abc', 3)).toBe('abc');
  });

  it('keeps, replaces or clears the reply', () => {
    expect(replyAfterChange('旧', 'done', '')).toBe('旧');
    expect(replyAfterChange('旧', 'done', '新')).toBe('新');
    expect(replyAfterChange('旧', 'open', '')).toBeNull();
    expect(replyAfterChange(null, 'open', '再议')).toBe('再议');
  });
});
