import { describe, expect, it } from 'vitest';
import { renderFor, splitText } from '../../src/outbox/render.ts';
import { TEXT_CAPABILITIES } from '../support/recording-adapter.ts';

describe('splitText', () => {
  it('keeps a short text whole', () => {
    expect(splitText('你好', 10)).toEqual(['你好']);
  });
  it('splits on line boundaries, never above the limit, losing nothing', () => {
    const lines = Array.from({ length: 50 }, (_, i) => `第${i + 1}行：帮扶困难户进展`);
    const text = lines.join('\n');
    const pieces = splitText(text, 60);
    for (const p of pieces) expect([...p].length).toBeLessThanOrEqual(60);
    expect(pieces.join('\n')).toBe(text);
    expect(pieces.length).toBeGreaterThan(1);
  });
  it('cuts a single overlong line by characters (emoji counted as one)', () => {
    const text = '😀'.repeat(25);
    const pieces = splitText(text, 10);
    expect(pieces.map((p) => [...p].length)).toEqual([10, 10, 5]);
    expect(pieces.join('')).toBe(text);
  });
});

describe('renderFor', () => {
  const poll = {
    kind: 'poll' as const,
    question: '评议',
    options: ['好', '一般'],
    multiple: false,
    anonymous: false,
    answerCommand: '/vote #1',
    nativeKey: 'poll:1',
    fallbackText: '#1 评议\n1. 好\n2. 一般',
  };
  it('renders a poll as its numbered text where polls are not native', () => {
    expect(renderFor(poll, TEXT_CAPABILITIES)).toEqual([{ kind: 'text', text: poll.fallbackText }]);
  });
  it('keeps a named poll native where polls are native, but never an anonymous one', () => {
    const native = { ...TEXT_CAPABILITIES, nativePolls: true };
    expect(renderFor(poll, native)).toEqual([poll]);
    expect(renderFor({ ...poll, anonymous: true }, native)).toEqual([{ kind: 'text', text: poll.fallbackText }]);
  });
  it('drops stop_poll and buttons where the platform has none', () => {
    expect(renderFor({ kind: 'stop_poll', nativeKey: 'poll:1' }, TEXT_CAPABILITIES)).toEqual([]);
    expect(renderFor({ kind: 'text', text: 'x', buttons: [[{ label: '1', command: '/vote #1 1' }]] }, TEXT_CAPABILITIES)).toEqual([{ kind: 'text', text: 'x' }]);
  });
});
