import { describe, expect, it } from 'vitest';
import { gradeWord, readReviewArgs } from '../../../src/features/review/rules.ts';

const read = (text: string) => readReviewArgs(text.split(/\s+/).filter(Boolean));

describe('review rules', () => {
  it('reads the open form with or without a year, and a bare number as a year', () => {
    expect(read('')).toEqual({ kind: 'open', year: undefined });
    expect(read('2026')).toEqual({ kind: 'open', year: '2026' });
    expect(read('12')).toEqual({ kind: 'open', year: '12' });
  });

  it('reads #N and its actions in both languages', () => {
    expect(read('#3')).toEqual({ kind: 'status', id: 3 });
    expect(read('#3 自评')).toEqual({ kind: 'self', id: 3 });
    expect(read('#3 开始测评')).toEqual({ kind: 'rate', id: 3 });
    expect(read('#3 CLOSE')).toEqual({ kind: 'close', id: 3 });
    expect(read('#3 结果 @张三 基本合格')).toEqual({ kind: 'decide', id: 3, person: '@张三', grade: 'basic' });
    expect(read('#3 结果 不合格 李四')).toEqual({ kind: 'decide', id: 3, person: '李四', grade: 'unqualified' });
    expect(read('#3 结果 @张三')).toEqual({ kind: 'decide', id: 3, person: '@张三', grade: undefined });
  });

  it('refuses an unknown action, object-prototype keys included', () => {
    expect(read('#3 删除')).toBeNull();
    expect(read('#3 constructor')).toBeNull();
    expect(gradeWord('toString')).toBeUndefined();
    expect(gradeWord('Excellent')).toBe('excellent');
    expect(gradeWord(undefined)).toBeUndefined();
  });
});
