// The Telegram adapter with the real telegraf client over real HTTP against the fake Bot API server:
// inbound mapping, the no-loss rules of polling and webhooks, send mapping and error mapping.
import { EventEmitter } from 'node:events';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { HttpServer } from '../../src/http/server.ts';
import { DeliveryError, type IncomingSink } from '../../src/bot/adapter.ts';
import type { ChatRef, Incoming } from '../../src/bot/types.ts';
import { ManualClock } from '../../src/clock.ts';
import { createLogger } from '../../src/logger.ts';
import { TelegramAdapter, type TelegramAdapterOptions } from '../../src/adapters/telegram/adapter.ts';
import { FakeTelegram, type FakeUser } from '../support/fake-telegram.ts';

const alice: FakeUser = { id: 1001, first_name: 'Alice', last_name: 'Wang', username: 'alice_w' };
const bob: FakeUser = { id: 1002, first_name: '李', last_name: '明' };
const village = { id: -1001234, title: 'Village One Branch' };
const groupRef: ChatRef = { platform: 'telegram', chatId: String(village.id), kind: 'group', title: village.title };

/** Collects log lines written by the real project logger; `waitForLine` resolves when one matches. */
function captureLogs() {
  const lines: string[] = [];
  const emitter = new EventEmitter();
  const logger = createLogger('debug', {
    write: (s: string) => {
      lines.push(s);
      emitter.emit('line');
    },
  });
  const waitForLine = (needle: string): Promise<void> =>
    new Promise((resolve, reject) => {
      const check = (): void => {
        if (!lines.some((l) => l.includes(needle))) return;
        clearTimeout(timer);
        emitter.off('line', check);
        resolve();
      };
      const timer = setTimeout(() => {
        emitter.off('line', check);
        reject(new Error(`no log line with "${needle}"`));
      }, 10_000);
      emitter.on('line', check);
      check();
    });
  return { lines, logger, waitForLine };
}

/** A sink that records events and lets a test wait for them; `behaviour` can throw or block per event. */
function recorder(behaviour?: (e: Incoming, nth: number) => Promise<void> | void) {
  const events: Incoming[] = [];
  const emitter = new EventEmitter();
  const sink: IncomingSink = async (e) => {
    const nth = events.filter((x) => x.eventId === e.eventId).length;
    events.push(e);
    emitter.emit('event');
    await behaviour?.(e, nth);
  };
  const waitFor = (pred: () => boolean, what: string): Promise<void> =>
    new Promise((resolve, reject) => {
      if (pred()) return resolve();
      const timer = setTimeout(() => {
        emitter.off('event', check);
        reject(new Error(`timed out waiting for ${what}`));
      }, 10_000);
      const check = (): void => {
        if (!pred()) return;
        clearTimeout(timer);
        emitter.off('event', check);
        resolve();
      };
      emitter.on('event', check);
    });
  return { events, sink, waitFor, waitForCount: (n: number) => waitFor(() => events.length >= n, `${n} events`) };
}

function deferred(): { promise: Promise<void>; resolve: () => void } {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
}

let fake: FakeTelegram;
let adapter: TelegramAdapter | undefined;
let logs: ReturnType<typeof captureLogs>;
const clock = new ManualClock('2026-11-26T08:00:00Z');

function makeAdapter(extra: Partial<TelegramAdapterOptions> = {}): TelegramAdapter {
  adapter = new TelegramAdapter({
    token: fake.token,
    apiRoot: fake.apiRoot,
    logger: logs.logger,
    locale: 'zh-CN',
    commands: () => [
      { name: 'help', description: '帮助' },
      { name: 'whoami', description: '我是谁' },
      { name: '打卡', description: 'not an allowed Telegram command name' },
    ],
    clock,
    retryDelayMs: { initial: 5, max: 20 },
    ...extra,
  });
  return adapter;
}

let http: HttpServer | undefined;

beforeEach(async () => {
  fake = new FakeTelegram();
  await fake.start();
  logs = captureLogs();
});

afterEach(async () => {
  await adapter?.stop();
  adapter = undefined;
  await http?.close();
  http = undefined;
  await fake.stop();
});

describe('TelegramAdapter: start', () => {
  it('calls getMe, registers the ASCII commands, deletes any webhook and long-polls', async () => {
    const a = makeAdapter({ botUsernameHint: '@hint_bot' });
    expect(a.username).toBe('hint_bot');
    expect(a.isOnline()).toBe(false);
    await a.start(recorder().sink);
    expect(a.username).toBe(fake.bot.username);
    expect(a.isOnline()).toBe(true);
    expect(fake.commands).toEqual([
      { command: 'help', description: '帮助' },
      { command: 'whoami', description: '我是谁' },
    ]);
    await fake.waitFor(() => fake.callsOf('getUpdates').length > 0, 'a getUpdates');
    expect(fake.calls.map((c) => c.method).slice(0, 4)).toEqual(['getMe', 'setMyCommands', 'deleteWebhook', 'getUpdates']);
    expect(fake.callsOf('getUpdates')[0]!.payload).toMatchObject({ timeout: 50, allowed_updates: ['message', 'callback_query', 'poll_answer'] });
  });

  it('has the Telegram capabilities and merges configured rate limits', () => {
    const a = makeAdapter({ rateLimits: { perGroupPerMinute: 10 } });
    expect(a.capabilities).toEqual({
      maxTextLength: 4096,
      nativePolls: true,
      nativeQuiz: true,
      buttons: true,
      images: true,
      files: true,
      downloads: true,
      privateMessages: true,
      rateLimits: { globalPerSecond: 30, perChatIntervalMs: 1000, perGroupPerMinute: 10 },
      maxPollOptions: 10,
      maxQuestionLength: 300,
      maxOptionLength: 100,
      maxExplanationLength: 200,
      maxOpenSeconds: 600,
      groupMessages: 'all',
      mentions: 'native',
      metered: false,
    });
  });

  it('refuses webhook mode without a secret, and a token of the wrong shape', () => {
    expect(() => makeAdapter({ webhook: { url: 'https://x.org/h', secret: '', http: new HttpServer() } })).toThrow(/TELEGRAM_WEBHOOK_SECRET is required/);
    expect(() => makeAdapter({ webhook: { url: 'https://x.org/h', secret: 'has space', http: new HttpServer() } })).toThrow(/A-Z a-z 0-9/);
    expect(() => makeAdapter({ token: 'nonsense' })).toThrow(/does not look like/);
  });

  it('rejects start with a redacted error when Telegram refuses the token', async () => {
    const a = makeAdapter({ token: '999:wrong-token-value-here' });
    await expect(a.start(recorder().sink)).rejects.toThrow(/getMe failed: Unauthorized/);
  });
});

describe('TelegramAdapter: inbound mapping', () => {
  it('maps a group command with a /cmd@botname entity', async () => {
    const rec = recorder();
    await makeAdapter().start(rec.sink);
    const { updateId, message } = fake.injectGroupMessage({ chat: village, from: alice, text: `/help@${fake.bot.username}` });
    await rec.waitForCount(1);
    expect(rec.events[0]).toEqual({
      eventId: String(updateId),
      chat: groupRef,
      actor: { platform: 'telegram', userId: '1001', displayName: 'Alice Wang', username: 'alice_w' },
      sentAt: new Date(message.date * 1000),
      content: { type: 'text', text: `/help@${fake.bot.username}`, mentionsBot: true, textWithoutMention: '/help' },
    });
    await fake.waitForConfirmed(updateId);
  });

  it('maps private messages, mentions, replies, photos and documents', async () => {
    const rec = recorder();
    await makeAdapter().start(rec.sink);
    fake.injectPrivateMessage({ from: bob, text: '/whoami' });
    const original = fake.injectGroupMessage({ chat: village, from: alice, text: 'hello all' }).message;
    fake.injectGroupMessage({ chat: village, from: bob, text: `@${fake.bot.username}  95分`, replyTo: original });
    fake.injectGroupMessage({ chat: village, from: alice, caption: '/checkin #3 5', photoFileId: 'PHOTO1' });
    fake.injectPrivateMessage({ from: alice, document: { fileId: 'DOC1', fileName: 'report.csv' } });
    await rec.waitForCount(5);
    const [priv, plain, mention, photo, doc] = rec.events;
    expect(priv!.chat).toEqual({ platform: 'telegram', chatId: '1002', kind: 'private', title: '李 明' });
    expect(priv!.content).toEqual({ type: 'text', text: '/whoami', mentionsBot: false });
    expect(plain!.content).toMatchObject({ text: 'hello all', mentionsBot: false });
    expect(mention!.content).toEqual({
      type: 'text',
      text: `@${fake.bot.username}  95分`,
      mentionsBot: true,
      textWithoutMention: '95分',
      replyTo: { platform: 'telegram', userId: '1001', displayName: 'Alice Wang', username: 'alice_w' },
    });
    expect(photo!.content).toEqual({ type: 'text', text: '/checkin #3 5', mentionsBot: false, attachments: [{ kind: 'photo', ref: 'PHOTO1' }] });
    expect(doc!.content).toEqual({ type: 'text', text: '', mentionsBot: false, attachments: [{ kind: 'file', ref: 'DOC1', name: 'report.csv' }] });
  });

  it('maps a button press to a button event, then answers the callback query', async () => {
    const answeredBeforeSink: boolean[] = [];
    const rec = recorder(() => void answeredBeforeSink.push(fake.callbackAnswered('cbq-1')));
    const a = makeAdapter();
    await a.start(rec.sink);
    fake.addChat({ id: village.id, type: 'supergroup', title: village.title });
    const sent = await a.send(groupRef, { kind: 'text', text: 'Vote:', buttons: [[{ label: 'A', command: '/vote #12 1' }]] });
    const botMessage = fake.sent(village.id)[0]!.result as never;
    expect(sent.messageId).toBeDefined();
    const { updateId, queryId } = fake.injectCallbackQuery({ message: botMessage, from: bob, data: '/vote #12 1' });
    await rec.waitForCount(1);
    expect(rec.events[0]).toMatchObject({ eventId: String(updateId), chat: { chatId: String(village.id), kind: 'group' }, actor: { userId: '1002' }, sentAt: clock.now(), content: { type: 'button', data: '/vote #12 1' } });
    await fake.waitFor(() => fake.callbackAnswered(queryId), 'the callback to be answered');
    expect(answeredBeforeSink).toEqual([false]);
  });

  it("maps a poll_answer to the voter's private chat with 0-based option indexes", async () => {
    const rec = recorder();
    await makeAdapter().start(rec.sink);
    const updateId = fake.injectPollAnswer({ pollId: 'poll-77', user: alice, optionIds: [0, 2] });
    await rec.waitForCount(1);
    expect(rec.events[0]).toEqual({
      eventId: String(updateId),
      chat: { platform: 'telegram', chatId: '1001', kind: 'private', title: 'Alice Wang' },
      actor: { platform: 'telegram', userId: '1001', displayName: 'Alice Wang', username: 'alice_w' },
      sentAt: clock.now(),
      content: { type: 'poll_answer', nativePollId: 'poll-77', optionIndexes: [0, 2] },
    });
  });

  it('skips messages from bots and commands addressed to another bot, but confirms them', async () => {
    const rec = recorder();
    await makeAdapter().start(rec.sink);
    const fromBot = fake.injectGroupMessage({ chat: village, from: { id: 5, first_name: 'Other', is_bot: true }, text: '/help' }).updateId;
    const otherBot = fake.injectGroupMessage({ chat: village, from: alice, text: '/help@some_other_bot' }).updateId;
    const ours = fake.injectGroupMessage({ chat: village, from: alice, text: '/help' }).updateId;
    await rec.waitForCount(1);
    await fake.waitForConfirmed(ours);
    expect(rec.events.map((e) => e.eventId)).toEqual([String(ours)]);
    expect(fake.isConfirmed(fromBot) && fake.isConfirmed(otherBot)).toBe(true);
  });
});

describe('TelegramAdapter: no update is lost', () => {
  it('does not confirm an update until the sink has resolved for it', async () => {
    const gate = deferred();
    const rec = recorder(() => gate.promise);
    await makeAdapter().start(rec.sink);
    const id = fake.injectGroupMessage({ chat: village, from: alice, text: '/help' }).updateId;
    await rec.waitForCount(1);
    // The sink is still busy: no getUpdates has confirmed the update.
    expect(fake.isConfirmed(id)).toBe(false);
    expect(fake.callsOf('getUpdates').every((c) => Number(c.payload.offset ?? 0) <= id)).toBe(true);
    gate.resolve();
    await fake.waitForConfirmed(id);
  });

  it('redelivers an update whose sink threw, keeps order, and keeps polling', async () => {
    const rec = recorder((e, nth) => {
      if (e.content.type === 'text' && e.content.text === 'first' && nth === 0) throw new Error('database is locked');
    });
    await makeAdapter().start(rec.sink);
    const first = fake.injectGroupMessage({ chat: village, from: alice, text: 'first' }).updateId;
    const second = fake.injectGroupMessage({ chat: village, from: bob, text: 'second' }).updateId;
    await fake.waitForConfirmed(second);
    // first failed once, was asked for again, then recorded; second only after it.
    expect(rec.events.map((e) => e.eventId)).toEqual([String(first), String(first), String(second)]);
    expect(fake.deliveryCount(first)).toBeGreaterThanOrEqual(2);
    const failure = logs.lines.map((l) => JSON.parse(l) as Record<string, unknown>).find((l) => String(l.msg).includes('redelivered'));
    expect(failure).toMatchObject({ level: 50, updateId: first, chatId: String(village.id), updateType: 'message', err: { message: 'database is locked' } });
    // Polling goes on: a later update is handled too.
    const third = fake.injectPrivateMessage({ from: alice, text: 'third' }).updateId;
    await fake.waitForConfirmed(third);
    expect(rec.events.at(-1)!.eventId).toBe(String(third));
  });

  it('keeps polling after getUpdates fails (500, then 429 with retry_after 0)', async () => {
    const rec = recorder();
    fake.failNext({ method: 'getUpdates', code: 500, description: 'Internal Server Error' });
    fake.failNext({ method: 'getUpdates', code: 429, description: 'Too Many Requests: retry after 0', retryAfter: 0 });
    await makeAdapter().start(rec.sink);
    fake.injectPrivateMessage({ from: alice, text: 'still here' });
    await rec.waitForCount(1);
    expect(fake.callsOf('getUpdates').slice(0, 2).map((c) => c.errorCode)).toEqual([500, 429]);
  });
});

describe('TelegramAdapter: webhook mode', () => {
  const secret = 'hook-Secret_123';
  const hookUrl = 'https://bot.example.org/tg/hook';

  async function startWebhook(rec: ReturnType<typeof recorder>): Promise<string> {
    http = new HttpServer();
    const a = makeAdapter({ webhook: { url: hookUrl, secret, http } });
    await http.listen(0, '127.0.0.1');
    await a.start(rec.sink);
    return `http://127.0.0.1:${http.port}/tg/hook`;
  }

  it('registers the webhook with its secret and takes updates with the right secret only', async () => {
    const rec = recorder();
    const local = await startWebhook(rec);
    expect(fake.webhook).toEqual({ url: hookUrl, secretToken: secret, allowedUpdates: ['message', 'callback_query', 'poll_answer'] });
    expect(fake.callsOf('getUpdates')).toHaveLength(0);
    const update = { update_id: 42, message: { message_id: 1, date: 1_790_000_000, chat: { id: village.id, type: 'supergroup', title: village.title }, from: { ...alice, is_bot: false }, text: '/help' } };
    expect(await fake.postUpdate(local, update, 'wrong-secret')).toBe(403);
    expect(await fake.postUpdate(local, update)).toBe(403);
    expect(await fake.postUpdate(`http://127.0.0.1:${new URL(local).port}/other`, update, secret)).toBe(404);
    expect(rec.events).toHaveLength(0);
    expect(await fake.postUpdate(local, update, secret)).toBe(200);
    expect(rec.events.map((e) => e.eventId)).toEqual(['42']);
  });

  it('answers 500 when the sink fails, so Telegram delivers the update again', async () => {
    const rec = recorder((_e, nth) => {
      if (nth === 0) throw new Error('inbox down');
    });
    const local = await startWebhook(rec);
    const id = fake.injectGroupMessage({ chat: village, from: alice, text: '/whoami' }).updateId;
    expect(await fake.deliverPendingToWebhook(local)).toEqual([500]);
    expect(fake.isConfirmed(id)).toBe(false);
    expect(await fake.deliverPendingToWebhook(local)).toEqual([200]);
    expect(fake.isConfirmed(id)).toBe(true);
    expect(rec.events.map((e) => e.eventId)).toEqual([String(id), String(id)]);
  });
});

describe('TelegramAdapter: send', () => {
  let a: TelegramAdapter;
  beforeEach(async () => {
    fake.addChat({ id: village.id, type: 'supergroup', title: village.title });
    a = makeAdapter();
    await a.start(recorder().sink);
  });

  it('sends text with inline buttons whose command is the callback_data', async () => {
    const r = await a.send(groupRef, { kind: 'text', text: '投票', buttons: [[{ label: '同意', command: '/vote #12 1' }, { label: '反对', command: '/vote #12 2' }], []] });
    const call = fake.sent(village.id)[0]!;
    expect(call.method).toBe('sendMessage');
    expect(call.payload).toEqual({
      chat_id: String(village.id),
      text: '投票',
      reply_markup: { inline_keyboard: [[{ text: '同意', callback_data: '/vote #12 1' }, { text: '反对', callback_data: '/vote #12 2' }]] },
    });
    expect(r).toEqual({ messageId: String((call.result as { message_id: number }).message_id) });
  });

  it('refuses a button command over 64 bytes as permanent, without calling Telegram', async () => {
    const before = fake.calls.length;
    const err = await a.send(groupRef, { kind: 'text', text: 'x', buttons: [[{ label: 'é', command: 'é'.repeat(33) }]] }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DeliveryError);
    expect(err).toMatchObject({ kind: 'permanent', message: expect.stringMatching(/66 bytes.*1-64 bytes/) });
    expect(fake.calls.slice(before).filter((c) => c.method === 'sendMessage')).toHaveLength(0);
    await expect(a.send(groupRef, { kind: 'text', text: 'x', buttons: [[{ label: 'ok', command: 'é'.repeat(32) }]] })).resolves.toBeDefined();
  });

  it('sends a non-anonymous native poll and returns its poll id', async () => {
    const r = await a.send(groupRef, { kind: 'poll', question: '下次会议时间?', options: ['周一', '周二', '周三'], multiple: true, anonymous: false, answerCommand: '/vote #5', nativeKey: 'poll:5', fallbackText: 'text' });
    const call = fake.sent(village.id)[0]!;
    expect(call.payload).toEqual({ chat_id: String(village.id), type: 'regular', question: '下次会议时间?', options: ['周一', '周二', '周三'], is_anonymous: false, allows_multiple_answers: true });
    const poll = fake.polls.get(r.nativePollId!)!;
    expect(poll).toMatchObject({ isAnonymous: false, allowsMultiple: true });
    expect(r.messageId).toBe(String(poll.messageId));
  });

  it('sends an anonymous poll, or one with 11 options, as its fallback text', async () => {
    const base = { kind: 'poll' as const, question: 'Q', multiple: false, answerCommand: '/vote #6', nativeKey: 'poll:6' };
    const r1 = await a.send(groupRef, { ...base, options: ['a', 'b'], anonymous: true, fallbackText: '#6 Q\n1. a\n2. b' });
    const r2 = await a.send(groupRef, { ...base, options: Array.from({ length: 11 }, (_, i) => `o${i}`), anonymous: false, fallbackText: '#6 eleven' });
    expect(fake.sent(village.id).map((c) => [c.method, c.payload.text])).toEqual([
      ['sendMessage', '#6 Q\n1. a\n2. b'],
      ['sendMessage', '#6 eleven'],
    ]);
    expect(r1.nativePollId).toBeUndefined();
    expect(r2.nativePollId).toBeUndefined();
  });

  it('sends a quiz with its correct option and open period, and stops it by message id', async () => {
    const quiz = { kind: 'quiz' as const, question: '党的最高领导机关是?', options: ['A', 'B', 'C'], correctIndex: 2, explanation: '全国代表大会', answerCommand: '/answer #9', nativeKey: 'quiz:9', fallbackText: 'x' };
    const r = await a.send(groupRef, { ...quiz, openSeconds: 60 });
    expect(fake.sent(village.id)[0]!.payload).toMatchObject({ type: 'quiz', correct_option_id: 2, open_period: 60, is_anonymous: false, explanation: '全国代表大会' });
    const long = await a.send(groupRef, { ...quiz, openSeconds: 3600 });
    expect(fake.sent(village.id)[1]!.payload).not.toHaveProperty('open_period');
    expect(fake.polls.get(long.nativePollId!)!.openPeriod).toBeUndefined();

    const stop = await a.send(groupRef, { kind: 'stop_poll', nativeKey: 'quiz:9' }, r);
    expect(stop).toEqual({ messageId: r.messageId });
    expect(fake.callsOf('stopPoll')[0]!.payload).toEqual({ chat_id: String(village.id), message_id: Number(r.messageId) });
    expect(fake.polls.get(r.nativePollId!)!.closed).toBe(true);
    // Stopping again is not an error; stopping with no stored message is a no-op.
    await expect(a.send(groupRef, { kind: 'stop_poll', nativeKey: 'quiz:9' }, r)).resolves.toEqual({ messageId: r.messageId });
    await expect(a.send(groupRef, { kind: 'stop_poll', nativeKey: 'quiz:404' })).resolves.toEqual({});
    expect(fake.callsOf('stopPoll')).toHaveLength(2);
    const bad = await a.send(groupRef, { ...quiz, correctIndex: 3, openSeconds: 60 }).catch((e: unknown) => e);
    expect(bad).toMatchObject({ kind: 'permanent' });
  });

  it('uploads an image with sendPhoto and a file with sendDocument', async () => {
    const png = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 1, 2, 255]);
    const csv = Buffer.from('name,score\n张三,95\n', 'utf8');
    await a.send(groupRef, { kind: 'image', pngBase64: png.toString('base64'), caption: '本周排行', fallbackText: 'x' });
    await a.send(groupRef, { kind: 'file', fileName: 'poll-12.csv', mimeType: 'text/csv', contentBase64: csv.toString('base64'), caption: '#12 结果', fallbackText: 'x' });
    const [photo, doc] = fake.sent(village.id);
    expect(photo!.method).toBe('sendPhoto');
    expect(photo!.payload.caption).toBe('本周排行');
    expect(photo!.files[0]!.bytes.equals(png)).toBe(true);
    expect(doc!.method).toBe('sendDocument');
    expect(doc!.files[0]).toMatchObject({ field: 'document', filename: 'poll-12.csv' });
    expect(doc!.files[0]!.bytes.equals(csv)).toBe(true);
  });
});

describe('TelegramAdapter: delivery errors', () => {
  let a: TelegramAdapter;
  const text = { kind: 'text' as const, text: 'hello' };
  beforeEach(async () => {
    fake.addChat({ id: village.id, type: 'supergroup', title: village.title });
    a = makeAdapter({ sendTimeoutMs: 200 });
    await a.start(recorder().sink);
  });

  const failure = (p: Promise<unknown>): Promise<DeliveryError> =>
    p.then(
      () => {
        throw new Error('expected the send to fail');
      },
      (e: unknown) => {
        expect(e).toBeInstanceOf(DeliveryError);
        return e as DeliveryError;
      },
    );

  it('maps 429 to rate_limited with retry_after in ms', async () => {
    fake.failNext({ method: 'sendMessage', chatId: village.id, code: 429, description: 'Too Many Requests: retry after 7', retryAfter: 7 });
    const e = await failure(a.send(groupRef, text));
    expect(e.kind).toBe('rate_limited');
    expect(e.retryAfterMs).toBe(7000);
  });

  it('maps 403 kicked and 400 chat not found to permanent with the reason', async () => {
    fake.kickBot(village.id);
    const kicked = await failure(a.send(groupRef, text));
    expect(kicked.kind).toBe('permanent');
    expect(kicked.message).toContain('bot was kicked from the group chat');
    const missing = await failure(a.send({ ...groupRef, chatId: '-999' }, text));
    expect(missing).toMatchObject({ kind: 'permanent', message: expect.stringContaining('chat not found') });
  });

  it('maps 500 and a timeout to transient', async () => {
    fake.failNext({ method: 'sendMessage', code: 500, description: 'Internal Server Error' });
    expect((await failure(a.send(groupRef, text))).kind).toBe('transient');
    fake.failNext({ method: 'sendMessage', code: 500, description: 'never answered', hang: true });
    expect((await failure(a.send(groupRef, text))).kind).toBe('transient');
    // The next send works again.
    await expect(a.send(groupRef, text)).resolves.toHaveProperty('messageId');
  });

  it('maps a refused connection to transient, and never shows the token', async () => {
    const closed = createServer();
    await new Promise<void>((r) => closed.listen(0, '127.0.0.1', () => r()));
    const port = (closed.address() as AddressInfo).port;
    await new Promise<void>((r) => closed.close(() => r()));
    const offline = new TelegramAdapter({ token: fake.token, apiRoot: `http://127.0.0.1:${port}`, logger: logs.logger, locale: 'en', commands: [] });
    const e = await failure(offline.send(groupRef, text));
    expect(e.kind).toBe('transient');
    expect(e.message).toMatch(/ECONNREFUSED/);
    expect(e.message).not.toContain(fake.token);
    const startErr = await offline.start(recorder().sink).catch((x: unknown) => x as Error);
    expect(String(startErr)).toMatch(/getMe failed/);
    expect(String(startErr)).not.toContain(fake.token);
    await offline.stop();
  });
});

describe('TelegramAdapter: hygiene', () => {
  it('never writes the token to the logs, even when errors carry it', async () => {
    const token = fake.token;
    const rec = recorder((_e, nth) => {
      if (nth === 0) throw new Error(`cannot reach https://api.telegram.org/bot${token}/sendMessage`);
    });
    await makeAdapter().start(rec.sink);
    const id = fake.injectPrivateMessage({ from: alice, text: 'hi' }).updateId;
    await fake.waitForConfirmed(id);
    // The API goes away: getUpdates fails with connection errors that telegraf builds from the URL.
    await fake.stop();
    await logs.waitForLine('getUpdates failed');
    const all = logs.lines.join('\n');
    expect(all).toContain('redelivered');
    expect(all).toContain('getUpdates failed');
    expect(all).toContain('***');
    expect(all).not.toContain(token);
    expect(all).not.toContain(token.split(':')[1]);
  });

  it('stop() aborts the long poll and leaves no timers, sockets or servers behind', async () => {
    const active = (): string[] => process.getActiveResourcesInfo().filter((r) => r !== 'TTYWrap');
    const baseline = active().length;
    const a = makeAdapter({ webhook: undefined });
    await a.start(recorder().sink);
    await fake.waitFor(() => fake.callsOf('getUpdates').length > 0, 'the long poll');
    await a.send({ platform: 'telegram', chatId: '1001', kind: 'private' }, { kind: 'text', text: 'x' }).catch(() => undefined);
    await a.stop();
    adapter = undefined;
    const server = new HttpServer();
    const w = makeAdapter({ webhook: { url: 'https://x.org/hook', secret: 'abc', http: server } });
    await server.listen(0, '127.0.0.1');
    await w.start(recorder().sink);
    await w.stop();
    await server.close();
    adapter = undefined;
    // Closed sockets are released within a few turns of the event loop (no timer involved).
    for (let i = 0; i < 1000 && active().length > baseline; i++) await new Promise<void>((r) => setImmediate(r));
    // No more handles than before start (one the test runner held at the baseline may have closed meanwhile).
    expect(active().length).toBeLessThanOrEqual(baseline);
  });
});
