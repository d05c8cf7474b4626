// The WeCom adapter's pure parts: cards and what a click stands for, callbacks as Incoming, the
// open exchanges a reply may answer, error codes as DeliveryError kinds, markdown kept plain, and
// the module's environment.
import { describe, expect, it } from 'vitest';
import { buttonsCard, clickCommand, clickedCard, pollCard, quizCard } from '../../src/adapters/wecom/cards.ts';
import { cardClickOf, incomingMessage, withoutMention } from '../../src/adapters/wecom/inbound.ts';
import { OpenExchanges } from '../../src/adapters/wecom/exchanges.ts';
import { toDeliveryError } from '../../src/adapters/wecom/errors.ts';
import { plainMarkdown } from '../../src/adapters/wecom/outbound.ts';
import { wecomPlatform } from '../../src/adapters/wecom/index.ts';

const poll = { kind: 'poll' as const, question: '#3 村道先修哪条', options: ['东线', '西线', '都不修'], multiple: true, anonymous: false, answerCommand: '/vote #3', nativeKey: 'poll:3', fallbackText: '' };

describe('WeCom cards', () => {
  it('a poll is a vote card whose submit stands for /vote with the ticked options', () => {
    const card = pollCard(poll, 't1', '先锋');
    expect(card).toMatchObject({ card_type: 'vote_interaction', task_id: 't1', checkbox: { mode: 1 }, submit_button: { key: '/vote #3' } });
    expect(clickCommand({ taskId: 't1', eventKey: '/vote #3', optionIds: ['1', '3'] })).toBe('/vote #3 1 3');
    expect(clickCommand({ taskId: 't1', eventKey: '/vote #3', optionIds: ['x; DROP TABLE'] })).toBeUndefined();
  });

  it('a quiz question is a button card; more buttons than fit become a single-choice vote card', () => {
    const quiz = quizCard({ kind: 'quiz', question: '第1/2题：党的最高领导机关是？', options: ['全国代表大会', '中央委员会'], correctIndex: 0, explanation: '', openSeconds: 30, answerCommand: '/answer #1 q1', nativeKey: 'quiz:1:1', fallbackText: '' }, 't2', '先锋');
    expect(quiz.card_type).toBe('button_interaction');
    expect(quiz.button_list!.map((b) => b.key)).toEqual(['/answer #1 q1 1', '/answer #1 q1 2']);
    expect(clickCommand({ taskId: 't2', eventKey: '/answer #1 q1 2', optionIds: [] })).toBe('/answer #1 q1 2');
    const scores = [100, 95, 90, 85, 80, 70, 60].map((s) => ({ label: String(s), command: `/vote #4 ${s}` }));
    const card = buttonsCard('测评 #4：请打分\n匿名', [scores.slice(0, 5), scores.slice(5)], 't3', '先锋');
    expect(card.card_type).toBe('vote_interaction');
    expect(clickCommand({ taskId: 't3', eventKey: card.submit_button!.key, optionIds: ['2'] })).toBe('/vote #4 95');
    expect(clickCommand({ taskId: 't3', eventKey: 'something else', optionIds: [] })).toBeUndefined();
  });

  it('the clicker’s copy shows their choice, and a closed poll disabled', () => {
    const card = pollCard(poll, 't1', '先锋');
    const after = clickedCard(card, { taskId: 't1', eventKey: '/vote #3', optionIds: ['2'] }, false);
    expect(after.checkbox!.option_list.map((o) => o.is_checked)).toEqual([false, true, false]);
    expect(after.submit_button!.text).toBe('已投');
    expect(clickedCard(card, { taskId: 't1', eventKey: '/vote #3', optionIds: ['2'] }, true)).toMatchObject({ checkbox: { disable: true }, submit_button: { text: '已结束' } });
  });

  it('long titles are cut to what a card shows, the rest kept below', () => {
    const card = buttonsCard('一二三四五六七八九十一二三四五六七八九十一二三四五六七八九十', [[{ label: '1', command: '/x 1' }]], 't', '先锋');
    expect([...card.main_title.title]).toHaveLength(26);
    expect(card.sub_title_text).toContain('一二三');
  });
});

describe('WeCom callbacks', () => {
  it('a group @-message is addressed to the bot with the mention removed; voice is its words; seconds are seconds', () => {
    const msg = incomingMessage({ msgid: 'm1', chatid: 'wrG', chattype: 'group', from: { userid: 'lisi' }, create_time: 1795658400, msgtype: 'text', text: { content: '@先锋 A' } }, '先锋', new Date());
    expect(msg).toMatchObject({ eventId: 'm1', chat: { chatId: 'wrG', kind: 'group' }, actor: { userId: 'lisi' }, content: { mentionsBot: true, textWithoutMention: 'A' } });
    expect(msg!.sentAt.toISOString()).toBe('2026-11-26T02:00:00.000Z');
    const dm = incomingMessage({ msgid: 'm2', chattype: 'single', from: { userid: 'lisi' }, msgtype: 'voice', voice: { content: '到' } }, '先锋', new Date());
    expect(dm).toMatchObject({ chat: { chatId: 'lisi', kind: 'private' }, content: { text: '到', mentionsBot: false } });
    expect(incomingMessage({ chattype: 'single', from: { userid: 'x' }, msgtype: 'text' }, '先锋', new Date())).toBeUndefined();
    expect(withoutMention('@小先锋 1', '先锋')).toBe('1');
    expect(withoutMention('到 @先锋', '先锋')).toBe('到');
  });

  it('reads a card click nested or flat', () => {
    expect(cardClickOf({ event: { eventtype: 'template_card_event', template_card_event: { event_key: 'k', task_id: 't', selected_items: { selected_item: [{ option_ids: { option_id: ['1', '2'] } }] } } } })).toEqual({ taskId: 't', eventKey: 'k', optionIds: ['1', '2'] });
    expect(cardClickOf({ event: { eventtype: 'template_card_event', event_key: 'k', task_id: 't' } })).toEqual({ taskId: 't', eventKey: 'k', optionIds: [] });
    expect(cardClickOf({ event: { eventtype: 'template_card_event' } })).toBeUndefined();
  });
});

describe('WeCom open exchanges', () => {
  const frame = (id: string) => ({ headers: { req_id: id } });
  it('a reply goes on the callback whose first reply it is, within the window; three open per person at most', () => {
    const ex = new OpenExchanges({ replyWindowMs: 60_000, welcomeWindowMs: 4000, maxOpenPerUser: 3 });
    ex.open('g', { frame: frame('r1'), userId: 'lisi', kind: 'message', openedAt: 0 });
    ex.open('g', { frame: frame('r2'), userId: 'wangwu', kind: 'message', openedAt: 0 });
    ex.ready('g', 'r1', undefined); // no reply: closed
    ex.ready('g', 'r2', '{"a":2}');
    expect(ex.take('g', '{"a":1}', 10)).toBeUndefined();
    expect(ex.take('g', '{"a":2}', 10)?.frame.headers.req_id).toBe('r2');
    expect(ex.take('g', '{"a":2}', 10)).toBeUndefined(); // used once
    for (const id of ['a', 'b', 'c', 'd']) ex.open('g', { frame: frame(id), userId: 'lisi', kind: 'message', openedAt: 0 });
    expect(ex.openFor('lisi')).toBe(3);
    ex.ready('g', 'd', 'x');
    expect(ex.take('g', 'x', 60_000)).toBeUndefined(); // expired
  });
});

describe('WeCom errors and markdown', () => {
  it('maps error codes to the outbox kinds, without the secret', () => {
    expect(toDeliveryError({ errcode: 45009, errmsg: 'api freq out of limit' }, 'send', 's3cret')).toMatchObject({ kind: 'rate_limited', retryAfterMs: 60_000 });
    expect(toDeliveryError({ errcode: -1, errmsg: 'system busy' }, 'send', 's3cret').kind).toBe('transient');
    expect(toDeliveryError({ errcode: 93006, errmsg: 'invalid chatid' }, 'send', 's3cret').kind).toBe('permanent');
    expect(toDeliveryError(new Error('WebSocket not connected, unable to send data'), 'send', 's3cret').kind).toBe('offline');
    expect(toDeliveryError(new Error('Reply ack timeout (5000ms) for reqId: x'), 'send', 's3cret').kind).toBe('transient');
    expect(toDeliveryError(new Error('bad secret s3cret'), 'send', 's3cret').message).not.toContain('s3cret');
  });

  it('keeps headings and quotes out of plain text', () => {
    expect(plainMarkdown('# 标题\n#1 投票\n> 引用\n1. 东线')).toBe('＃ 标题\n#1 投票\n＞ 引用\n1. 东线');
  });
});

describe('WeCom environment', () => {
  const parse = (env: Record<string, string>) => wecomPlatform.env.safeParse(env);
  it('is enabled by the bot id and secret together, with WeCom’s defaults', () => {
    const ok = parse({ WECOM_BOT_ID: 'aib1', WECOM_BOT_SECRET: 'sec' });
    expect(ok.success && wecomPlatform.enabled(ok.data)).toBe(true);
    expect(ok.data).toMatchObject({ WECOM_WS_URL: 'wss://openws.work.weixin.qq.com', WECOM_PER_GROUP_PER_MINUTE: 20, WECOM_MAX_OPEN_PER_USER: 3 });
    const off = parse({});
    expect(off.success && wecomPlatform.enabled(off.data)).toBe(false);
    expect(parse({ WECOM_BOT_ID: 'aib1' }).success).toBe(false);
    expect(parse({ WECOM_BOT_ID: 'aib1', WECOM_BOT_SECRET: 's', WECOM_WS_URL: 'http://x' }).success).toBe(false);
    expect(parse({ WECOM_BOT_ID: 'aib1', WECOM_BOT_SECRET: 's', WECOM_MAX_OPEN_PER_USER: '4' }).success).toBe(false);
    expect(wecomPlatform.secrets).toEqual(['WECOM_BOT_SECRET']);
  });
});
