/**
 * The WeChat adapter against the real Wechaty on wechaty-puppet-mock: what members say becomes the
 * right `Incoming`, what the outbox hands over reaches the room, and logout, crashes in handlers and
 * renames do what the issue asks.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { types } from 'wechaty';
import { PuppetMock, mock } from 'wechaty-puppet-mock';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DeliveryError, type IncomingSink } from '../../src/bot/adapter.ts';
import type { ChatRef, Incoming } from '../../src/bot/types.ts';
import {
  DEFAULT_WECHAT_RATE_LIMITS,
  WECHAT_MAX_TEXT_LENGTH,
  WECHAT_SESSION_NAME,
  WechatAdapter,
  type WechatAdapterOptions,
} from '../../src/adapters/wechat/adapter.ts';
import { stripNamedMention } from '../../src/adapters/wechat/incoming.ts';
import { captureLogger, createMockedWechat, loggedIn, Recorder, runChild, CHILD_TEST_TIMEOUT_MS, UNPACED, type LogLine, type MockedWechat } from '../support/wechat-mock.ts';

let dataDir: string;
let adapters: WechatAdapter[] = [];

beforeEach(() => {
  dataDir = mkdtempSync(path.join(tmpdir(), 'xianfeng-wechat-'));
});

afterEach(async () => {
  for (const adapter of adapters) await adapter.stop();
  adapters = [];
  rmSync(dataDir, { recursive: true, force: true });
});

interface Harness {
  wx: MockedWechat;
  adapter: WechatAdapter;
  events: Recorder<Incoming>;
  lines: Recorder<LogLine>;
  groupChat: ChatRef;
}

/** Starts an adapter on a fresh mocked WeChat and logs in; `sink` defaults to recording events. */
async function startHarness(
  overrides: Partial<WechatAdapterOptions> & { sink?: IncomingSink; wx?: MockedWechat } = {},
): Promise<Harness> {
  const wx = overrides.wx ?? createMockedWechat();
  const events = new Recorder<Incoming>();
  const { logger, lines } = captureLogger();
  const adapter = new WechatAdapter({ puppet: wx.puppet, dataDir, logger, printQr: () => {}, pacing: UNPACED, ...overrides });
  adapters.push(adapter);
  await adapter.start(overrides.sink ?? (async (event) => events.push(event)));
  wx.login();
  await loggedIn(lines);
  const groupChat: ChatRef = { platform: 'wechat', chatId: wx.room.id, kind: 'group', title: '东北流村党支部' };
  return { wx, adapter, events, lines, groupChat };
}

describe('WechatAdapter capabilities and options', () => {
  it('declares numbered-text WeChat: no native polls, quizzes or buttons, a safe length and a slow pace', () => {
    const { logger } = captureLogger();
    const adapter = new WechatAdapter({ puppet: 'wechaty-puppet-mock', dataDir, logger });
    expect(adapter.platform).toBe('wechat');
    expect(adapter.capabilities).toEqual({
      maxTextLength: WECHAT_MAX_TEXT_LENGTH,
      nativePolls: false,
      nativeQuiz: false,
      buttons: false,
      images: true,
      files: true,
      downloads: true,
      privateMessages: true,
      rateLimits: { globalPerSecond: 0.5, perChatIntervalMs: 2000, perGroupPerMinute: 20 },
      maxPollOptions: 10,
      maxQuestionLength: 300,
      maxOptionLength: 100,
      maxExplanationLength: 200,
      maxOpenSeconds: 600,
      groupMessages: 'all',
      mentions: 'native',
      metered: false,
    });
    expect(WECHAT_MAX_TEXT_LENGTH).toBe(1500);
    expect(adapter.isOnline()).toBe(false);
  });

  it('merges rate-limit overrides and rejects nonsense with a clear error', () => {
    const { logger } = captureLogger();
    const adapter = new WechatAdapter({ puppet: 'x', dataDir, logger, rateLimits: { perChatIntervalMs: 5000 } });
    expect(adapter.capabilities.rateLimits).toEqual({ ...DEFAULT_WECHAT_RATE_LIMITS, perChatIntervalMs: 5000 });
    expect(() => new WechatAdapter({ puppet: 'x', dataDir, logger, rateLimits: { globalPerSecond: 0 } })).toThrow(
      'WeChat rateLimits.globalPerSecond must be a positive number, got 0',
    );
    expect(() => new WechatAdapter({ puppet: 'x', dataDir: ' ', logger })).toThrow(/dataDir/);
    expect(() => new WechatAdapter({ puppet: '', dataDir, logger })).toThrow(/WECHATY_PUPPET/);
  });
});

describe('stripNamedMention', () => {
  it('removes an @name of the bot, the longest name first, and only whole mentions', () => {
    expect(stripNamedMention('@先锋 打卡 +1 走访', ['先锋'])).toBe('打卡 +1 走访');
    expect(stripNamedMention('@先锋\u2005打卡', ['先锋'])).toBe('打卡');
    expect(stripNamedMention('＠先锋 帮助', ['先锋'])).toBe('帮助');
    expect(stripNamedMention('大家好 @先锋 帮助', ['先锋'])).toBe('大家好 帮助');
    expect(stripNamedMention('@先锋队长 打卡', ['先锋'])).toBeUndefined();
    expect(stripNamedMention('@先锋队长 打卡', ['先锋', '先锋队长'])).toBe('打卡');
    expect(stripNamedMention('email a@先锋 x', ['先锋'])).toBeUndefined();
    expect(stripNamedMention('打卡', ['先锋'])).toBeUndefined();
  });
});

describe('WechatAdapter inbound', () => {
  it('turns a group text into an Incoming with the room, the talker and the sent time', async () => {
    const { wx, events } = await startHarness();
    const sentAt = Date.UTC(2025, 5, 1, 8, 30, 0);
    const id = wx.say(wx.members['张三']!, '/help', { timestamp: sentAt });
    const event = await events.find((e) => e.eventId === id, 'the group message');
    expect(event).toEqual({
      eventId: id,
      chat: { platform: 'wechat', chatId: wx.room.id, kind: 'group', title: '东北流村党支部' },
      actor: { platform: 'wechat', userId: wx.members['张三']!.id, displayName: '张三' },
      sentAt: new Date(sentAt),
      content: { type: 'text', text: '/help', mentionsBot: false },
    });
  });

  it('reads `@先锋 打卡` with a mention list as a mention with the text after it', async () => {
    const { wx, events } = await startHarness();
    const id = wx.say(wx.members['李四']!, '@先锋 打卡', { mentions: [wx.botContact] });
    const event = await events.find((e) => e.eventId === id, 'the mention');
    expect(event.content).toEqual({ type: 'text', text: '@先锋 打卡', mentionsBot: true, textWithoutMention: '打卡' });
  });

  it('reads a mention delivered as plain text (no mention list) by the configured bot names', async () => {
    const wx = createMockedWechat({ botName: 'wxbot-account' });
    const { events } = await startHarness({ wx, botNames: ['先锋'] });
    const byNickname = wx.say(wx.members['张三']!, '@先锋 打卡 +1 走访');
    const byAccount = wx.say(wx.members['张三']!, '@wxbot-account 帮助');
    const other = wx.say(wx.members['张三']!, '@李四 你好');
    await events.until((all) => all.length === 3, 'three messages');
    const content = (id: string) => events.items.find((e) => e.eventId === id)?.content;
    expect(content(byNickname)).toMatchObject({ mentionsBot: true, textWithoutMention: '打卡 +1 走访' });
    expect(content(byAccount)).toMatchObject({ mentionsBot: true, textWithoutMention: '帮助' });
    expect(content(other)).toEqual({ type: 'text', text: '@李四 你好', mentionsBot: false });
  });

  it("ignores the bot's own messages, whether echoed sends or typed on its phone", async () => {
    const { wx, adapter, events, groupChat } = await startHarness();
    await adapter.send(groupChat, { kind: 'text', text: '会议通知：周一上午九点' });
    await wx.sent.until((s) => s.length === 1, 'the echo of the send');
    wx.botContact.say('机器人手机上打的字').to(wx.room);
    const id = wx.say(wx.members['张三']!, '收到');
    await events.find((e) => e.eventId === id, 'the member reply');
    expect(events.items.map((e) => e.actor.userId)).toEqual([wx.members['张三']!.id]);
  });

  it('turns a private message into a private chat with the talker', async () => {
    const { wx, events } = await startHarness();
    const zhang = wx.members['张三']!;
    const id = wx.say(zhang, '/whoami', { to: wx.botContact });
    const event = await events.find((e) => e.eventId === id, 'the private message');
    expect(event.chat).toEqual({ platform: 'wechat', chatId: zhang.id, kind: 'private' });
    expect(event.content).toEqual({ type: 'text', text: '/whoami', mentionsBot: false });
  });

  it('passes a picture on as an attachment referenced by the message id', async () => {
    const { wx, events } = await startHarness();
    const id = wx.sendImage(wx.members['张三']!);
    const event = await events.find((e) => e.eventId === id, 'the picture');
    expect(event.content).toEqual({
      type: 'text',
      text: '',
      mentionsBot: false,
      attachments: [{ kind: 'photo', ref: id }],
    });
  });

  it('keeps the chat id when a group is renamed and refreshes its title', async () => {
    const { wx, events } = await startHarness();
    const zhang = wx.members['张三']!;
    const before = wx.say(zhang, '第一条');
    await events.find((e) => e.eventId === before, 'before the rename');
    wx.rename(wx.room, '东北流村党支部（2025）', zhang);
    const after = wx.say(zhang, '第二条');
    const event = await events.find((e) => e.eventId === after, 'after the rename');
    expect(event.chat).toEqual({ platform: 'wechat', chatId: wx.room.id, kind: 'group', title: '东北流村党支部（2025）' });
    expect(events.items[0]!.chat.chatId).toBe(wx.room.id);
  });

  it("hands a group's next message over once the previous one is recorded, not once it is processed", async () => {
    const events = new Recorder<Incoming>();
    let finish: () => void = () => {};
    const firstProcessed = new Promise<void>((resolve) => (finish = resolve));
    const { wx, adapter } = await startHarness({
      sink: async (event) => {
        events.push(event);
        // The first message is recorded at once and stays in processing (a slow handler).
        return { processed: events.items.length === 1 ? firstProcessed : Promise.resolve() };
      },
    });
    const zhang = wx.members['张三']!;
    wx.say(zhang, '第一条');
    const second = wx.say(wx.members['李四']!, '第二条');
    // Before: the adapter waited for the first message's processing, so this never came.
    await events.find((e) => e.eventId === second, 'the second message while the first is processed');
    finish();
    await adapter.settled();
  });

  it('survives a throwing sink: the error is logged, nothing is unhandled, the next message is handled', async () => {
    const unhandled: unknown[] = [];
    const onUnhandled = (reason: unknown) => unhandled.push(reason);
    process.on('unhandledRejection', onUnhandled);
    try {
      const events = new Recorder<Incoming>();
      const { wx, lines } = await startHarness({
        sink: async (event) => {
          if (event.content.type === 'text' && event.content.text === 'boom') throw new Error('handler exploded');
          events.push(event);
        },
      });
      const bad = wx.say(wx.members['张三']!, 'boom');
      const good = wx.say(wx.members['张三']!, '/help');
      await events.find((e) => e.eventId === good, 'the message after the crash');
      const logged = await lines.find((l) => l.msg === 'handling a WeChat message failed', 'the error log');
      expect(logged).toMatchObject({ level: 50, messageId: bad, err: { message: 'handler exploded' } });
      expect(unhandled).toEqual([]);
    } finally {
      process.off('unhandledRejection', onUnhandled);
    }
  });

  it('hands messages of one chat to the sink one at a time, in order', async () => {
    const order: string[] = [];
    let release: () => void = () => {};
    const gate = new Promise<void>((resolve) => (release = resolve));
    const started = new Recorder<string>();
    const done = new Recorder<string>();
    const { wx } = await startHarness({
      sink: async (event) => {
        const text = event.content.type === 'text' ? event.content.text : '';
        order.push(`start ${text}`);
        started.push(text);
        if (text === 'first') await gate;
        order.push(`end ${text}`);
        done.push(text);
      },
    });
    wx.say(wx.members['张三']!, 'first');
    wx.say(wx.members['李四']!, 'second');
    await started.until((s) => s.includes('first'), 'the first message to start');
    // Give the second message every chance to overtake while the first is held at the gate.
    for (let i = 0; i < 20; i++) await new Promise<void>((resolve) => setImmediate(resolve));
    expect(order).toEqual(['start first']);
    release();
    await done.until((d) => d.length === 2, 'both messages');
    expect(order).toEqual(['start first', 'end first', 'start second', 'end second']);
  });
});

describe('WechatAdapter outbound', () => {
  it('delivers text to a room and to a private chat', async () => {
    const { wx, adapter, groupChat } = await startHarness();
    const zhang = wx.members['张三']!;
    await expect(adapter.send(groupChat, { kind: 'text', text: '今晚七点开会' })).resolves.toEqual({});
    await adapter.send({ platform: 'wechat', chatId: zhang.id, kind: 'private' }, { kind: 'text', text: '请完成今日学习' });
    await wx.sent.until((s) => s.length === 2, 'two sends');
    expect(wx.sent.items).toEqual([
      expect.objectContaining({ roomId: wx.room.id, type: types.Message.Text, text: '今晚七点开会' }),
      expect.objectContaining({ listenerId: zhang.id, type: types.Message.Text, text: '请完成今日学习' }),
    ]);
  });

  it('sends a poll that slipped through as its numbered fallback text, drops buttons, ignores stop_poll', async () => {
    const { wx, adapter, groupChat } = await startHarness();
    await adapter.send(groupChat, {
      kind: 'poll',
      question: '下次活动？',
      options: ['植树', '走访'],
      multiple: false,
      anonymous: false,
      answerCommand: '/vote #3',
      nativeKey: 'poll:3',
      fallbackText: '投票 #3 下次活动？\n1. 植树\n2. 走访',
    });
    await adapter.send(groupChat, { kind: 'text', text: '请投票', buttons: [[{ label: '1', command: '/vote #3 1' }]] });
    await expect(adapter.send(groupChat, { kind: 'stop_poll', nativeKey: 'poll:3' })).resolves.toEqual({});
    await wx.sent.until((s) => s.length === 2, 'two sends');
    expect(wx.sent.items.map((s) => s.text)).toEqual(['投票 #3 下次活动？\n1. 植树\n2. 走访', '请投票']);
  });

  it('sends an image as its caption followed by the picture', async () => {
    const { wx, adapter, groupChat } = await startHarness();
    const png = Buffer.from('89504e470d0a1a0a', 'hex').toString('base64');
    await adapter.send(groupChat, { kind: 'image', pngBase64: png, caption: '本月打卡排行', fallbackText: '（图）' });
    await wx.sent.until((s) => s.length === 2, 'caption and picture');
    expect(wx.sent.items.map((s) => s.type)).toEqual([types.Message.Text, types.Message.Image]);
    expect(wx.sent.items[0]!.text).toBe('本月打卡排行');
  });

  it('fails permanently for a room or contact the account does not have, and for empty messages', async () => {
    const { adapter, groupChat } = await startHarness();
    const missingRoom = adapter.send({ ...groupChat, chatId: 'gone@chatroom' }, { kind: 'text', text: 'x' });
    await expect(missingRoom).rejects.toMatchObject({ name: 'DeliveryError', kind: 'permanent' });
    const missingContact = adapter.send({ platform: 'wechat', chatId: 'wxid_gone', kind: 'private' }, { kind: 'text', text: 'x' });
    await expect(missingContact).rejects.toMatchObject({ kind: 'permanent' });
    await expect(adapter.send(groupChat, { kind: 'text', text: '  ' })).rejects.toMatchObject({ kind: 'permanent' });
    await expect(adapter.send({ ...groupChat, platform: 'telegram' }, { kind: 'text', text: 'x' })).rejects.toBeInstanceOf(
      DeliveryError,
    );
  });

  it('goes offline on logout (sends throw offline) and back online on the next login', async () => {
    const { wx, adapter, groupChat, lines } = await startHarness();
    expect(adapter.isOnline()).toBe(true);
    await wx.logout('session expired');
    await lines.find((l) => l.msg.startsWith('WeChat logged out'), 'the logout log');
    expect(adapter.isOnline()).toBe(false);
    await expect(adapter.send(groupChat, { kind: 'text', text: '离线时' })).rejects.toMatchObject({
      name: 'DeliveryError',
      kind: 'offline',
    });
    expect(wx.sent.items).toEqual([]);

    wx.login();
    await loggedIn(lines, 2);
    expect(adapter.isOnline()).toBe(true);
    await adapter.send(groupChat, { kind: 'text', text: '重新登录后' });
    await wx.sent.find((s) => s.text === '重新登录后', 'the send after login');
  });
});

describe('WechatAdapter lifecycle', () => {
  it('draws the QR code and logs the login URL on scan', async () => {
    const wx = createMockedWechat();
    const drawings: string[] = [];
    const { logger, lines } = captureLogger();
    const adapter = new WechatAdapter({ puppet: wx.puppet, dataDir, logger, printQr: (d) => drawings.push(d) });
    adapters.push(adapter);
    await adapter.start(async () => {});
    wx.mocker.scan('https://login.weixin.qq.com/l/abc123', types.ScanStatus.Waiting);
    const line = await lines.find((l) => l.msg === 'scan the QR code with WeChat to log in', 'the scan log');
    expect(line.url).toBe('https://wechaty.js.org/qrcode/https%3A%2F%2Flogin.weixin.qq.com%2Fl%2Fabc123');
    expect(drawings).toHaveLength(1);
    expect(drawings[0]).toMatch(/▄|█/);
    expect(adapter.isOnline()).toBe(false);
  });

  it('removes a fatal-error listener the puppet installs on start and keeps the application ones', async () => {
    const ours = (): void => {};
    const swallow = (error: unknown): void => console.log('uncaughtException', error);
    class SwallowingPuppet extends PuppetMock {
      override async onStart(): Promise<void> {
        process.on('uncaughtException', swallow);
        await super.onStart();
      }
    }
    process.on('uncaughtException', ours);
    try {
      const mocker = new mock.Mocker();
      const { logger, lines } = captureLogger();
      const adapter = new WechatAdapter({ puppet: new SwallowingPuppet({ mocker }), dataDir, logger });
      adapters.push(adapter);
      await adapter.start(async () => {});
      expect(process.listeners('uncaughtException')).toContain(ours);
      expect(process.listeners('uncaughtException')).not.toContain(swallow);
      expect(lines.items.some((l) => l.event === 'uncaughtException' && l.reason === 'window')).toBe(true);
    } finally {
      process.off('uncaughtException', ours);
      process.off('uncaughtException', swallow);
    }
  });

  it('keeps the login session (the memory card the puppet saves into) under the data directory', async () => {
    const { wx } = await startHarness();
    await wx.puppet.memory.set('session', { token: 'login-cookie' });
    await wx.puppet.memory.save();
    const file = path.join(dataDir, `${WECHAT_SESSION_NAME}.memory-card.json`);
    expect(JSON.parse(readFileSync(file, 'utf8'))).toMatchObject({ '\rpuppet\nsession': { token: 'login-cookie' } });
    expect(existsSync(path.join(process.cwd(), `${WECHAT_SESSION_NAME}.memory-card.json`))).toBe(false);
  });

  it('loads a puppet by package name (WECHATY_PUPPET) and never logs the service token', async () => {
    const { logger, lines } = captureLogger();
    const adapter = new WechatAdapter({ puppet: 'wechaty-puppet-mock', puppetToken: 'secret-token-123', dataDir, logger });
    adapters.push(adapter);
    await adapter.start(async () => {});
    const starting = await lines.find((l) => l.msg === 'starting WeChat', 'the start log');
    expect(starting.puppet).toBe('wechaty-puppet-mock');
    expect(adapter.isOnline()).toBe(false);
    await expect(adapter.send({ platform: 'wechat', chatId: 'r@chatroom', kind: 'group' }, { kind: 'text', text: 'x' })).rejects.toMatchObject({
      kind: 'offline',
    });
    await adapter.stop();
    expect(JSON.stringify(lines.items)).not.toContain('secret-token-123');
  });

  it('says clearly when the puppet package cannot be loaded, and can be stopped afterwards', async () => {
    const { logger } = captureLogger();
    const adapter = new WechatAdapter({ puppet: 'wechaty-puppet-not-installed', dataDir, logger });
    await expect(adapter.start(async () => {})).rejects.toThrow(
      /^WeChat puppet "wechaty-puppet-not-installed" could not be started: .*Cannot find package 'wechaty-puppet-not-installed'/,
    );
    expect(adapter.isOnline()).toBe(false);
    await adapter.stop();
  });

  it('refuses a second start', async () => {
    const { adapter } = await startHarness();
    await expect(adapter.start(async () => {})).rejects.toThrow('already started');
  });
});

describe('WechatAdapter in a whole process', () => {
  it('stop() leaves nothing running: the process exits by itself', async () => {
    const result = await runChild('exit', dataDir);
    expect(result.killed, result.stderr).toBe(false);
    expect(result.code, result.stderr).toBe(0);
    const [report, exit] = result.stdout.trim().split('\n').slice(-2).map((l) => JSON.parse(l)) as [
      { stoppedAt: number; handled: number; sent: number },
      { exitAt: number },
    ];
    expect(report).toMatchObject({ handled: 1, sent: 1 });
    // Nothing kept the event loop busy after stop() (a few ms unloaded; generous for a busy machine).
    expect(exit.exitAt - report.stoppedAt).toBeLessThan(5000);
  }, CHILD_TEST_TIMEOUT_MS);

  it('a crash still kills the process although the puppet installed a swallowing uncaughtException listener', async () => {
    const result = await runChild('crash', dataDir);
    expect(result.killed).toBe(false);
    expect(result.stdout).not.toContain('still alive after the crash');
    expect(result.stderr).toContain('fatal-boom');
    expect(result.code).toBe(1);
  }, CHILD_TEST_TIMEOUT_MS);

  it('(control) the same listener, installed where the adapter does not look, does swallow the crash', async () => {
    const result = await runChild('control', dataDir);
    expect(result.stdout).toContain('uncaughtException Error: fatal-boom');
    expect(result.stdout).toContain('still alive after the crash');
    expect(result.code).toBe(0);
  }, CHILD_TEST_TIMEOUT_MS);
});
