// "Reply with X" hints where groups show the bot only @-mentions (WeCom, DingTalk) say `@先锋 1`
// with the bot's configured name; where the bot sees every message they say `1` as before.
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { TEXT_ONLY_CAPABILITIES, type Capabilities } from '../../src/bot/adapter.ts';
import { loadPrompts, translator } from '../../src/bot/i18n.ts';
import { needsMention, replyHint } from '../../src/bot/reply-hint.ts';
import type { Db } from '../../src/db/client.ts';
import { announcementText } from '../../src/features/polls/render.ts';
import type { Poll } from '../../src/features/polls/store.ts';
import { quizQuestionMessage } from '../../src/features/quizzes/render.ts';
import type { Question } from '../../src/features/quizzes/banks/model.ts';
import { noticeText } from '../../src/features/meetings/render.ts';
import type { MeetingInfo } from '../../src/features/meetings/store.ts';
import { baseContext } from '../support/base-context.ts';

const prompts = loadPrompts(path.resolve(import.meta.dirname, '../../prompts'));
const mentionsOnly: Capabilities = { ...TEXT_ONLY_CAPABILITIES, groupMessages: 'mentions' };
/** `mentions` is the platform whose groups show the bot only @-mentions; `console` sees everything. */
function ctxFor(locale: 'zh-CN' | 'en', botName = '先锋') {
  return baseContext({
    db: undefined as unknown as Db,
    t: translator(prompts, locale),
    locale,
    botName,
    now: () => new Date('2026-12-02T10:00:00Z'),
    capabilitiesOf: (p) => (p === 'mentions' ? mentionsOnly : TEXT_ONLY_CAPABILITIES),
  });
}

const poll = (over: Partial<Poll> = {}): Poll => ({
  id: 7, kind: 'choice', question: '村道先修哪条', options: ['东线', '西线'], multiple: false, anonymous: false, hideResults: false,
  minBallots: 0, audience: 'members', excludedMemberId: null, unitId: 1, createdById: 1, chatId: 1, platform: 'console', chatExternalId: 'g', chatTitle: 'g',
  salt: 's', status: 'open', closesAt: null, closedAt: null, eligibleAtClose: null, createdAt: new Date('2026-12-02T09:00:00Z'), ...over,
});
const lastLine = (text: string) => text.split('\n').at(-1);

describe('needsMention', () => {
  it('is true only in a group chat of a mentions-only platform', () => {
    const ctx = ctxFor('zh-CN');
    expect(needsMention(ctx, { platform: 'mentions', kind: 'group' })).toBe(true);
    expect(needsMention(ctx, { platform: 'mentions', kind: 'private' })).toBe(false);
    expect(needsMention(ctx, { platform: 'console', kind: 'group' })).toBe(false);
  });
});

describe('the poll how-to', () => {
  it('says 1 where the bot sees every message, @先锋 1 (the configured name) where it sees only @-mentions', () => {
    expect(lastLine(announcementText(ctxFor('zh-CN'), poll(), false))).toBe('回复选项编号就行，例如：1（或者 /vote #7 1）');
    expect(lastLine(announcementText(ctxFor('zh-CN'), poll({ platform: 'mentions' }), false))).toBe('在群里请先@先锋再写选项编号，例如：@先锋 1（或者 @先锋 /vote #7 1）');
    expect(lastLine(announcementText(ctxFor('zh-CN', '小助手'), poll({ platform: 'mentions', multiple: true }), false))).toContain('@小助手 1 3');
    expect(lastLine(announcementText(ctxFor('zh-CN'), poll({ platform: 'mentions', kind: 'rating', options: [] }), false))).toContain('@先锋 95');
    expect(lastLine(announcementText(ctxFor('en'), poll({ platform: 'mentions' }), false))).toBe('In the group, @先锋 first, then the option number, e.g. @先锋 1 (or @先锋 /vote #7 1)');
  });

  it('an anonymous poll still says to vote privately, with no @', () => {
    expect(lastLine(announcementText(ctxFor('zh-CN'), poll({ platform: 'mentions', anonymous: true }), false))).toBe('匿名投票：请私聊机器人发送 /vote #7 选项，在群里回复不计票。');
  });
});

describe('the quiz answer hint', () => {
  const q: Question = { key: 'q1', bankId: 'b', type: 'single', text: '党的最高领导机关是？', options: ['甲', '乙', '丙'], answer: 0, explanation: '', source: '' };
  const slot = { quizId: 3, position: 0, total: 5, openSeconds: 30 };
  const hint = (platform: string) => {
    const m = quizQuestionMessage(ctxFor('zh-CN'), { platform, kind: 'group' }, slot, q, [0, 1, 2]);
    return m.kind === 'quiz' ? lastLine(m.fallbackText) : undefined;
  };
  it('says the letter, or @先锋 and the letter', () => {
    expect(hint('console')).toBe('直接回复选项字母（A-C）作答。');
    expect(hint('mentions')).toBe('在群里请先@先锋再写选项字母（A-C），例如：@先锋 A');
  });
});

describe('the meeting RSVP hint', () => {
  const m: MeetingInfo = { id: 4, unitId: 1, title: '支委会', cron: '0 20 * * 3', place: '村委会', remindMinutes: 30, template: null, withSuggestions: false, kind: null, holiday: null, status: 'active', createdAt: new Date(0) };
  const hint = (platform: string) => lastLine(noticeText(ctxFor('zh-CN'), { platform, kind: 'group' }, m, 'notice', new Date('2026-12-02T12:00:00Z'), { yes: 0, no: 0 }, null, false));
  it('says 到, or @先锋 到', () => {
    expect(hint('console')).toBe('到会的请回复“到”，不能来的回复“请假 理由”。');
    expect(hint('mentions')).toBe('到会的请回复“@先锋 到”，不能来的回复“@先锋 请假 理由”。');
  });
  it('every …Mention prompt names the bot in both locales', () => {
    for (const locale of ['zh-CN', 'en'] as const) {
      const ctx = ctxFor(locale, '红旗');
      expect(replyHint(ctx, { platform: 'mentions', kind: 'group' }, 'meetings.reminder.howToRsvp')).toContain('@红旗');
      expect(replyHint(ctx, { platform: 'mentions', kind: 'group' }, 'pledges.remind.group', { mentions: '@张三', days: 7 })).toContain('@红旗 /checkin');
    }
  });
});
