/**
 * The whole bot on WeChat: `createApp` with the real inbox, router, features and outbox around the
 * WeChat adapter, on the real Wechaty and wechaty-puppet-mock, with a real SQLite database. Members
 * of a mocked group bind it, register, ask for help and who they are; replays and duplicates are not
 * answered twice; a logout holds replies until the next login; the outbox keeps WeChat's pace.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pino } from 'pino';
import { Readable } from 'node:stream';
import { FileBox } from 'file-box';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createApp, type App } from '../../src/app.ts';
import { WechatAdapter } from '../../src/adapters/wechat/adapter.ts';
import type { Adapter, IncomingSink, SendResult } from '../../src/bot/adapter.ts';
import type { ChatRef, Incoming, OutgoingMessage } from '../../src/bot/types.ts';
import { ManualClock, systemClock, type Clock } from '../../src/clock.ts';
import { loadConfig } from '../../src/config.ts';
import type { Database } from '../../src/db/client.ts';
import { freshSqlite } from '../support/db.ts';
import {
  captureLogger,
  createMockedWechat,
  loggedIn,
  Recorder,
  CHILD_TEST_TIMEOUT_MS,
  runChild,
  type MockContact,
  type MockedWechat,
  UNPACED,
  type SayOptions,
} from '../support/wechat-mock.ts';

const silent = pino({ level: 'silent' });

/**
 * The WeChat adapter with a window on its sink: records each event once the bot has finished with
 * it (recorded, routed, replies enqueued), so a test knows when to look at the outbox.
 */
class ObservedAdapter implements Adapter {
  readonly platform = 'wechat' as const;
  readonly processed = new Recorder<string>();
  constructor(readonly inner: WechatAdapter) {}
  get capabilities() {
    return this.inner.capabilities;
  }
  start(sink: IncomingSink): Promise<void> {
    return this.inner.start(async (event: Incoming) => {
      try {
        return await sink(event); // the adapter waits on what the bot's sink tells it (processed)
      } finally {
        this.processed.push(event.eventId);
      }
    });
  }
  stop(): Promise<void> {
    return this.inner.stop();
  }
  send(chat: ChatRef, message: OutgoingMessage, nativeRef?: SendResult): Promise<SendResult> {
    return this.inner.send(chat, message, nativeRef);
  }
  isOnline(): boolean {
    return this.inner.isOnline();
  }
}

interface Bot {
  app: App;
  wx: MockedWechat;
  adapter: ObservedAdapter;
  database: Database & { close(): Promise<void> };
  secretary: MockContact;
  zhang: MockContact;
  li: MockContact;
  wang: MockContact;
  /** A member says something (in the group unless `to` says otherwise); resolves with the bot's replies. */
  say(member: MockContact, text: string, options?: SayOptions): Promise<string[]>;
  /** Waits until the adapter is online after a further `wx.login()`. */
  online(): Promise<void>;
}

let dataDir: string;
let running: Bot | undefined;

beforeEach(() => {
  dataDir = mkdtempSync(path.join(tmpdir(), 'xianfeng-wechat-app-'));
});

afterEach(async () => {
  if (running) {
    await running.app.stop();
    await running.database.close();
    running = undefined;
  }
  rmSync(dataDir, { recursive: true, force: true });
});

/**
 * Starts the bot with the admin `王书记` (from BOT_ADMINS) and members `张三`, `李四`, `王五` in the group
 * `东北流村党支部`, logged in. With the system clock, WeChat's pace is scaled down 100× (2 s → 20 ms)
 * so the conversation runs quickly; with a ManualClock, the pace is WeChat's own.
 */
async function startBot(clock: Clock = systemClock): Promise<Bot> {
  const database = await freshSqlite();
  const wx = createMockedWechat({ members: ['王书记', '张三', '李四', '王五'] });
  const secretary = wx.members['王书记']!;
  const config = loadConfig({
    DATABASE_URL: database.url,
    BOT_ADMINS: `wechat:${secretary.id}`,
    BOT_DATA_DIR: dataDir,
  });
  const { logger, lines } = captureLogger();
  const inner = new WechatAdapter({ puppet: wx.puppet, dataDir, logger, botNames: [config.BOT_NAME], printQr: () => {}, clock, pacing: UNPACED });
  const adapter = new ObservedAdapter(inner);
  const app = createApp({
    config,
    database,
    adapters: [adapter],
    logger: silent,
    clock,
    outbox: { idleMs: 20, ...(clock === systemClock ? { rateTimeScale: 100 } : {}) },
  });
  await app.start();
  let logins = 0;
  const online = () => loggedIn(lines, ++logins);
  wx.login();
  await online();

  const bot: Bot = {
    app,
    wx,
    adapter,
    database,
    secretary,
    zhang: wx.members['张三']!,
    li: wx.members['李四']!,
    wang: wx.members['王五']!,
    async say(member, text, options = {}) {
      const before = wx.sent.items.length;
      const id = wx.say(member, text, { timestamp: clock.now().getTime(), ...options });
      await adapter.processed.find((e) => e === id, `the bot to process "${text}"`);
      await app.idle('wechat');
      return wx.sent.items.slice(before).map((s) => s.text ?? '');
    },
    online,
  };
  running = bot;
  return bot;
}

describe('WeChat end to end', () => {
  it('a mocked group binds the room, registers members, answers help, whoami and a mention command', async () => {
    const { say, secretary, zhang, li, wx } = await startBot();

    // Before the binding, the admin's help still answers (the chat is known, the unit is not yet);
    // anyone else is told the group is not bound yet and is not registered.
    expect((await say(secretary, '/help')).join('\n')).toContain('可以用这些命令');
    expect((await say(zhang, '/help')).join('\n')).toContain('本群还没有绑定单位');
    expect(await say(secretary, '/bindchat 东北流村党支部')).toEqual(['本群已绑定到“东北流村党支部”。（新建了这个单位）']);

    const help = await say(zhang, '@先锋 帮助', { mentions: [wx.botContact] });
    expect(help.join('\n')).toContain('你的身份是党员');

    expect((await say(zhang, '#我')).join('\n')).toContain('姓名：张三\n身份：党员\n单位：东北流村党支部');
    expect((await say(secretary, '/whoami')).join('\n')).toContain('身份：管理员');

    // Everything went to the group, as the group's messages.
    expect(new Set(wx.sent.items.map((s) => s.roomId))).toEqual(new Set([wx.room.id]));

    // A member registered by speaking in the bound group; their private message is answered privately.
    await say(li, '我来了');
    const before = wx.sent.items.length;
    await say(li, '/whoami', { to: wx.botContact });
    expect(wx.sent.items.slice(before)).toEqual([expect.objectContaining({ listenerId: li.id, text: expect.stringContaining('姓名：李四') })]);
  });

  it('members answer a text poll with 1, Ａ and 选B and a rating with 95分 and 九十五, bare, in the group', async () => {
    const { say, secretary, zhang, li, wang } = await startBot();
    await say(secretary, '/bindchat 东北流村党支部');
    await say(zhang, '我来了');
    await say(li, '我也来了');
    await say(wang, '到');
    const launched = (await say(secretary, '/poll 哪天开会 | 周六 | 周日 | 周一')).join('\n');
    const pollId = Number(/#(\d+)/.exec(launched)?.[1]);
    expect(launched).toContain('周日');
    await say(zhang, '1');
    await say(li, 'Ａ');
    // The admin belongs to the township only: their bare answer is not a village member's vote.
    await say(secretary, '选C');
    await say(wang, '选B');
    // A bare answer counts only while the bot waits for that person; a change of mind is a command.
    await say(zhang, `/vote #${pollId} 3`);
    const results = (await say(secretary, `/results #${pollId}`)).join('\n');
    expect(results).toMatch(/周六\D*1 /);
    expect(results).toMatch(/周日\D*1 /);
    expect(results).toMatch(/周一\D*1 /);
    await say(secretary, `/close #${pollId}`);

    const rate = (await say(secretary, '/rate 村党支部书记')).join('\n');
    const rateId = Number(/#(\d+)/.exec(rate)?.[1]);
    await say(zhang, '95分');
    await say(li, '九十五');
    const rated = (await say(secretary, `/results #${rateId}`)).join('\n');
    expect(rated).toMatch(/2/);
    expect(rated).toMatch(/95/);
    expect(await running!.database.db.inboundEvent.count({ where: { status: 'failed' } })).toBe(0);
  });

  it('a question bank sent as a CSV file (saved by Excel as GB18030) is imported by the command sent after it', async () => {
    const { say, secretary, zhang, wx, adapter } = await startBot();
    await say(secretary, '/bindchat 东北流村党支部');
    await say(zhang, '我来了');
    const csv = [
      '题目,选项,答案,解析,出处',
      '党的最高领导机关是什么？,党的全国代表大会和它所产生的中央委员会|中央纪律检查委员会|国务院,A,党的最高领导机关是党的全国代表大会和它所产生的中央委员会。,《中国共产党章程》第二章第十条',
      '答案超范围的题,甲|乙|丙,D,解析,出处',
    ].join('\r\n');
    // GB18030 bytes of the CSV, made without a codec library: Node decodes GB18030 but does not
    // encode it, so each character is looked up by decoding two-byte candidates once.
    const gb = gb18030Encoder();
    const fileId = wx.sendFile(secretary, '题库.csv', gb(csv));
    await adapter.processed.find((e) => e === fileId, 'the bot to process the file');
    // Someone else's command does not carry the secretary's file (and members may not import).
    expect(await say(zhang, '/quiz import 党章补充')).toEqual(['只有书记或管理员可以导入题库。']);
    const last = await running!.database.db.inboundEvent.findFirstOrThrow({ orderBy: { id: 'desc' } });
    expect(last.payload).toContain('/quiz import');
    expect(last.payload).not.toContain('attachments');
    expect(await say(secretary, '/quiz import 党章补充')).toEqual([
      ['题库“党章补充”导入完成：接受1行，拒绝1行。', '第3行：答案“D”超出范围，只有3个选项', '发送“/quiz 党章补充”开始答题。'].join('\n'),
    ]);
    expect((await say(secretary, '/quiz 党章补充 1')).join('\n')).toContain('党的最高领导机关是什么？');
  });

  it('a 64 MB CSV is refused by its size: never read past the limit, never read at all when the size is known', async () => {
    const { say, secretary, wx, adapter } = await startBot();
    await say(secretary, '/bindchat 东北流村党支部');
    const SIXTY_FOUR_MB = 64 * 1024 * 1024;
    const CHUNK = 64 * 1024;
    let pulled = 0;
    // A stream of unknown size that makes its 64 MB lazily, counting what the adapter pulls.
    const endless = Readable.from(
      (function* () {
        for (let sent = 0; sent < SIXTY_FOUR_MB; sent += CHUNK) {
          pulled += CHUNK;
          yield Buffer.alloc(CHUNK, 0x41);
        }
      })(),
    );
    // A box whose size the puppet knows: reading it at all is a failure.
    const sized = FileBox.fromUrl('http://127.0.0.1:9/never-fetched.csv', { name: '名册.csv', size: SIXTY_FOUR_MB });
    const sizedRead = vi.spyOn(sized, 'toStream');
    const sizedBuffer = vi.spyOn(sized, 'toBuffer');
    const boxes = new Map<string, FileBox>();
    const original = wx.puppet.messageFile.bind(wx.puppet);
    wx.puppet.messageFile = async (id: string) => boxes.get(id) ?? original(id);

    const streamed = wx.sendFile(secretary, '题库.csv', Buffer.from('x'));
    boxes.set(streamed, FileBox.fromStream(endless, '题库.csv'));
    await adapter.processed.find((e) => e === streamed, 'the bot to process the file');
    expect(await say(secretary, '/quiz import 大题库')).toEqual(['CSV太大了，最多200 kB。']);
    expect(pulled).toBeLessThanOrEqual(256_000 + CHUNK);

    const known = wx.sendFile(secretary, '名册.csv', Buffer.from('x'), wx.botContact);
    boxes.set(known, sized);
    await adapter.processed.find((e) => e === known, 'the bot to process the roster file');
    expect(await say(secretary, '/roster import', { to: wx.botContact })).toEqual(['CSV太大了，最多200 kB。']);
    expect(sizedRead).not.toHaveBeenCalled();
    expect(sizedBuffer).not.toHaveBeenCalled();
  });

  it('the binding survives a rename of the group', async () => {
    const { say, secretary, zhang, wx, database } = await startBot();
    await say(secretary, '/bindchat 东北流村党支部');
    wx.rename(wx.room, '东北流村党支部（新）', secretary);
    expect((await say(zhang, '/whoami')).join('\n')).toContain('单位：东北流村党支部');
    const chats = await database.db.chat.findMany({ where: { platform: 'wechat', kind: 'group' } });
    expect(chats).toHaveLength(1);
    expect(chats[0]).toMatchObject({ externalId: wx.room.id, title: '东北流村党支部（新）' });
    expect(chats[0]!.unitId).not.toBeNull();
  });

  it('a message id delivered twice is processed once; an old replay is recorded but not answered', async () => {
    const { say, secretary, zhang, wx, adapter, database, app } = await startBot();
    await say(secretary, '/bindchat 东北流村党支部');

    const first = await say(zhang, '/whoami', { id: 'wx-msg-dup-1' });
    expect(first).toHaveLength(1);
    const before = wx.sent.items.length;
    wx.redeliver('wx-msg-dup-1');
    await adapter.processed.until((ids) => ids.filter((i) => i === 'wx-msg-dup-1').length === 2, 'the redelivery');
    await app.idle('wechat');
    expect(wx.sent.items.length).toBe(before);
    expect(await database.db.inboundEvent.count({ where: { platform: 'wechat', eventId: 'wx-msg-dup-1' } })).toBe(1);

    const replayed = await say(zhang, '/whoami', { id: 'wx-msg-old', timestamp: Date.now() - 30 * 60_000 });
    expect(replayed).toEqual([]);
    const event = await database.db.inboundEvent.findFirst({ where: { platform: 'wechat', eventId: 'wx-msg-old' } });
    expect(event).toMatchObject({ status: 'ignored', error: 'stale' });
  });

  it('a logout holds the replies (nothing lost) and the next login delivers them in order', async () => {
    const { say, secretary, zhang, wx, app, database, online } = await startBot();
    await say(secretary, '/bindchat 东北流村党支部');

    await wx.logout('手机上退出了网页版');
    const chat = { platform: 'wechat' as const, chatId: wx.room.id, kind: 'group' as const, title: '东北流村党支部' };
    const actor = { platform: 'wechat' as const, userId: zhang.id, displayName: '张三' };
    const before = wx.sent.items.length;
    // Events the bot still processes while WeChat is away (a replay, a scheduled notice): the replies wait.
    for (const [i, text] of ['/whoami', '/help'].entries()) {
      const outcome = await app.handle({
        eventId: `held-${i}`,
        chat,
        actor,
        sentAt: new Date(),
        content: { type: 'text', text, mentionsBot: false },
      });
      expect(outcome).toBe('done');
    }
    await app.outbox.tick();
    expect(wx.sent.items.length).toBe(before);
    expect(await database.db.outboxMessage.count({ where: { platform: 'wechat', status: 'pending' } })).toBe(2);

    wx.login();
    await online();
    await app.idle('wechat');
    const delivered = wx.sent.items.slice(before).map((s) => s.text ?? '');
    expect(delivered).toHaveLength(2);
    expect(delivered[0]).toContain('姓名：张三');
    expect(delivered[1]).toContain('你的身份是党员');
    expect(await database.db.outboxMessage.count({ where: { platform: 'wechat', status: { not: 'sent' } } })).toBe(0);
  });

  it("keeps WeChat's pace: a second reply into the same group waits 2 s of (injected) clock time", async () => {
    const clock = new ManualClock(new Date());
    const { secretary, zhang, wx, adapter, app } = await startBot(clock);
    const bind = wx.say(secretary, '/bindchat 东北流村党支部', { timestamp: clock.now().getTime() });
    await adapter.processed.find((e) => e === bind, 'the bind');
    await wx.sent.until((s) => s.length === 1, 'the first reply');

    const who = wx.say(zhang, '/whoami', { timestamp: clock.now().getTime() });
    await adapter.processed.find((e) => e === who, 'whoami');
    const wait = await app.outbox.tick();
    expect(wait).toBeGreaterThan(0);
    expect(wait).toBeLessThanOrEqual(2000);
    expect(wx.sent.items).toHaveLength(1);

    clock.advance(1999);
    await app.outbox.tick();
    expect(wx.sent.items).toHaveLength(1);

    clock.advance(1);
    await app.outbox.tick();
    await wx.sent.until((s) => s.length === 2, 'the second reply');
    expect(wx.sent.items[1]!.text).toContain('姓名：张三');
  });

  it('app.stop() lets a process running the whole bot on WeChat exit by itself', async () => {
    const result = await runChild('app', dataDir);
    expect(result.killed, result.stderr).toBe(false);
    expect(result.code, result.stderr).toBe(0);
    const [report, exit] = result.stdout.trim().split('\n').slice(-2).map((l) => JSON.parse(l)) as [
      { stoppedAt: number; sent: number },
      { exitAt: number },
    ];
    expect(report.sent).toBe(1);
    // Nothing kept the event loop busy after the stop (a few ms unloaded; generous for a busy machine).
    expect(exit.exitAt - report.stoppedAt).toBeLessThan(5000);
  }, CHILD_TEST_TIMEOUT_MS);
});

/**
 * A GB18030 encoder for the characters a test uses: every two-byte GBK code is decoded once with
 * Node's TextDecoder and the table inverted (ASCII stays one byte).
 */
function gb18030Encoder(): (text: string) => Buffer {
  const table = new Map<string, number[]>();
  const decoder = new TextDecoder('gb18030');
  for (let hi = 0x81; hi <= 0xfe; hi++) {
    for (let lo = 0x40; lo <= 0xfe; lo++) {
      if (lo === 0x7f) continue;
      const ch = decoder.decode(Uint8Array.of(hi, lo));
      if (ch.length === 1 && !table.has(ch)) table.set(ch, [hi, lo]);
    }
  }
  return (text) =>
    Buffer.from(
      [...text].flatMap((ch) => {
        if (ch.charCodeAt(0) < 0x80) return [ch.charCodeAt(0)];
        const bytes = table.get(ch);
        if (!bytes) throw new Error(`no GBK code for ${ch}`);
        return bytes;
      }),
    );
}
