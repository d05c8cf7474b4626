// The fake Bot API server itself: offset / long-poll semantics and the real API's validation, so the
// adapter tests that rely on it rest on checked ground.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FakeTelegram, entitiesFor, maxInWindow, minGap } from '../support/fake-telegram.ts';

let fake: FakeTelegram;
let now = 0;

interface ApiAnswer {
  ok: boolean;
  result?: unknown;
  error_code?: number;
  description?: string;
  parameters?: { retry_after?: number };
}

async function api(method: string, payload: Record<string, unknown> = {}, token = fake.token): Promise<ApiAnswer> {
  const res = await fetch(`${fake.apiRoot}/bot${token}/${method}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(payload),
  });
  return (await res.json()) as ApiAnswer;
}

const alice = { id: 1001, first_name: 'Alice' };
const group = { id: -100500, title: 'Village One' };

beforeEach(async () => {
  now = 1_000_000;
  fake = new FakeTelegram({ clock: () => now });
  await fake.start();
});

afterEach(async () => {
  await fake.stop();
});

describe('fake Telegram Bot API: updates', () => {
  it('answers getUpdates with pending updates, drops those below the offset and redelivers the rest', async () => {
    const a = fake.injectGroupMessage({ chat: group, from: alice, text: 'one' }).updateId;
    const b = fake.injectGroupMessage({ chat: group, from: alice, text: 'two' }).updateId;
    expect(b).toBe(a + 1);
    const first = await api('getUpdates', { timeout: 0 });
    expect((first.result as { update_id: number }[]).map((u) => u.update_id)).toEqual([a, b]);
    // Not confirmed yet: asked again without an offset, both come back.
    const again = await api('getUpdates', { timeout: 0 });
    expect((again.result as unknown[]).length).toBe(2);
    expect(fake.deliveryCount(a)).toBe(2);
    // offset a+1 confirms a only.
    const third = await api('getUpdates', { timeout: 0, offset: a + 1 });
    expect((third.result as { update_id: number }[]).map((u) => u.update_id)).toEqual([b]);
    expect(fake.isConfirmed(a)).toBe(true);
    expect(fake.isConfirmed(b)).toBe(false);
  });

  it('holds a long poll open and returns as soon as an update is injected', async () => {
    const poll = api('getUpdates', { timeout: 30 });
    await fake.waitFor(() => fake.callsOf('getUpdates').length === 1, 'the long poll to arrive');
    const id = fake.injectPrivateMessage({ from: alice, text: 'hello' }).updateId;
    const answer = await poll;
    expect((answer.result as { update_id: number }[]).map((u) => u.update_id)).toEqual([id]);
  });

  it('terminates an older waiting getUpdates with 409 when a newer one arrives', async () => {
    const older = api('getUpdates', { timeout: 30 });
    await fake.waitFor(() => fake.callsOf('getUpdates').length === 1, 'the first long poll');
    const newer = api('getUpdates', { timeout: 30 });
    const first = await older;
    expect(first.error_code).toBe(409);
    fake.injectPrivateMessage({ from: alice, text: 'x' });
    expect((await newer).ok).toBe(true);
  });

  it('refuses getUpdates while a webhook is set, and a wrong token with 401', async () => {
    await api('setWebhook', { url: 'https://example.org/hook', secret_token: 's3cret' });
    expect(fake.webhook).toEqual({ url: 'https://example.org/hook', secretToken: 's3cret' });
    expect((await api('getUpdates')).error_code).toBe(409);
    expect((await api('getMe', {}, '1:wrong')).error_code).toBe(401);
    expect((await api('setWebhook', { url: 'https://example.org/hook', secret_token: 'bad secret!' })).error_code).toBe(400);
  });

  it('marks /commands and @mentions with entities at UTF-16 offsets', () => {
    expect(entitiesFor('/help@xianfeng_test_bot now')).toEqual([{ type: 'bot_command', offset: 0, length: 23 }]);
    expect(entitiesFor('你好 @xianfeng_test_bot /vote #3 2')).toEqual([
      { type: 'mention', offset: 3, length: 18 },
      { type: 'bot_command', offset: 22, length: 5 },
    ]);
    expect(entitiesFor('a/b not/cmd')).toEqual([]);
  });
});

describe('fake Telegram Bot API: validation like the real API', () => {
  beforeEach(() => fake.addChat({ id: group.id, type: 'supergroup', title: group.title }));

  it('checks text length and emptiness', async () => {
    expect((await api('sendMessage', { chat_id: group.id, text: 'x'.repeat(4096) })).ok).toBe(true);
    expect(await api('sendMessage', { chat_id: group.id, text: 'x'.repeat(4097) })).toMatchObject({ error_code: 400, description: 'Bad Request: message is too long' });
    expect(await api('sendMessage', { chat_id: group.id, text: '' })).toMatchObject({ error_code: 400, description: 'Bad Request: message text is empty' });
    expect(await api('sendMessage', { chat_id: -1, text: 'x' })).toMatchObject({ error_code: 400, description: 'Bad Request: chat not found' });
  });

  it('checks callback_data is 1-64 bytes', async () => {
    const kb = (data: string) => ({ chat_id: group.id, text: 'x', reply_markup: { inline_keyboard: [[{ text: 'b', callback_data: data }]] } });
    expect((await api('sendMessage', kb('é'.repeat(32)))).ok).toBe(true);
    expect(await api('sendMessage', kb('é'.repeat(33)))).toMatchObject({ error_code: 400, description: 'Bad Request: BUTTON_DATA_INVALID' });
    expect((await api('sendMessage', kb(''))).error_code).toBe(400);
  });

  it('checks polls: 2-10 options, quiz correct option, open_period 5-600', async () => {
    const poll = (extra: Record<string, unknown>) => api('sendPoll', { chat_id: group.id, question: 'Q?', options: ['a', 'b'], ...extra });
    expect((await poll({})).ok).toBe(true);
    expect((await poll({ options: ['a'] })).error_code).toBe(400);
    expect((await poll({ options: Array.from({ length: 11 }, (_, i) => `o${i}`) })).error_code).toBe(400);
    expect((await poll({ type: 'quiz' })).description).toMatch(/correct option/);
    expect((await poll({ type: 'quiz', correct_option_id: 2 })).error_code).toBe(400);
    expect((await poll({ type: 'quiz', correct_option_id: 1, open_period: 4 })).error_code).toBe(400);
    expect((await poll({ type: 'quiz', correct_option_id: 1, open_period: 601 })).error_code).toBe(400);
    const ok = await poll({ type: 'quiz', correct_option_id: 1, open_period: 600, is_anonymous: false });
    const sent = ok.result as { message_id: number; poll: { id: string; type: string; is_anonymous: boolean } };
    expect(sent.poll).toMatchObject({ type: 'quiz', is_anonymous: false });
    expect((await api('stopPoll', { chat_id: group.id, message_id: sent.message_id })).ok).toBe(true);
    expect(fake.polls.get(sent.poll.id)?.closed).toBe(true);
    expect((await api('stopPoll', { chat_id: group.id, message_id: sent.message_id })).description).toMatch(/already been closed/);
  });

  it('answers injected failures for the given chat only, then recovers', async () => {
    fake.addChat({ id: -2, type: 'group', title: 'Other' });
    fake.failNext({ method: 'sendMessage', chatId: group.id, code: 429, description: 'Too Many Requests: retry after 3', retryAfter: 3, times: 2 });
    expect(await api('sendMessage', { chat_id: -2, text: 'x' })).toMatchObject({ ok: true });
    expect(await api('sendMessage', { chat_id: group.id, text: 'x' })).toMatchObject({ error_code: 429, parameters: { retry_after: 3 } });
    expect((await api('sendMessage', { chat_id: group.id, text: 'x' })).error_code).toBe(429);
    expect((await api('sendMessage', { chat_id: group.id, text: 'x' })).ok).toBe(true);
    fake.kickBot(group.id);
    expect(await api('sendMessage', { chat_id: group.id, text: 'x' })).toMatchObject({ error_code: 403, description: 'Forbidden: bot was kicked from the group chat' });
  });

  it('stamps every call with the injected clock, and the rate helpers read it', async () => {
    await api('sendMessage', { chat_id: group.id, text: 'a' });
    now += 250;
    await api('sendMessage', { chat_id: group.id, text: 'b' });
    now += 1000;
    await api('sendMessage', { chat_id: group.id, text: 'c' });
    const times = fake.sent(group.id).map((c) => c.at);
    expect(times).toEqual([1_000_000, 1_000_250, 1_001_250]);
    expect(minGap(times)).toBe(250);
    expect(maxInWindow(times, 1000)).toBe(2);
    expect(maxInWindow(times, 1250)).toBe(2);
    expect(maxInWindow(times, 1251)).toBe(3);
  });
});
