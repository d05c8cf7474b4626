/**
 * WeChat across a re-login, end to end: the real app (inbox, router, polls, outbox) around the
 * WeChat adapter on the real Wechaty and wechaty-puppet-mock, SQLite. The mock logs out and in
 * again giving every contact and room NEW ids (same names, remarks kept unless dropped), as the web
 * protocol does. The binding, roles and ballots stay the same members'; nobody votes twice; an
 * ambiguous room or person is reported or asked, never guessed.
 */
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pino } from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createApp, type App } from '../../src/app.ts';
import { WechatAdapter, WECHAT_SESSION_NAME, sessionFile } from '../../src/adapters/wechat/adapter.ts';
import { PENDING_LINKS_NAME } from '../../src/adapters/wechat/relinker.ts';
import { createIdentityLinks } from '../../src/bot/identity-links.ts';
import type { Adapter, IncomingSink, SendResult } from '../../src/bot/adapter.ts';
import type { ChatRef, Incoming, OutgoingMessage } from '../../src/bot/types.ts';
import { systemClock } from '../../src/clock.ts';
import { loadConfig } from '../../src/config.ts';
import type { Database } from '../../src/db/client.ts';
import { freshSqlite } from '../support/db.ts';
import { captureLogger, createMockedWechat, loggedIn, Recorder, UNPACED, type LogLine, type MockContact, type MockedWechat, type SayOptions } from '../support/wechat-mock.ts';

/** The adapter with a window on its sink: which events the bot has finished with. */
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
  lines: Recorder<LogLine>;
  /** A member says something (in the group unless `to` says otherwise); resolves with the bot's replies. */
  say(member: MockContact, text: string, options?: SayOptions): Promise<string[]>;
  /** Logs out and in with new ids; resolves once online again and the outbox is idle. */
  relogin(options?: Parameters<MockedWechat['relogin']>[0]): Promise<void>;
  /** Texts the bot sent privately to `member` (by their current id). */
  privateTo(member: MockContact): string[];
}

let dataDir: string;
let running: Bot | undefined;

beforeEach(() => {
  dataDir = mkdtempSync(path.join(tmpdir(), 'xianfeng-wechat-relogin-'));
});

afterEach(async () => {
  if (running) {
    await running.app.stop();
    await running.database.close();
    running = undefined;
  }
  rmSync(dataDir, { recursive: true, force: true });
});

/** The bot on a mocked WeChat whose first member is the admin (BOT_ADMINS), with identity links. */
async function startBot(members: readonly string[], rooms?: readonly string[]): Promise<Bot> {
  const database = await freshSqlite();
  const wx = createMockedWechat({ members, ...(rooms ? { rooms } : {}) });
  const admin = wx.members[members[0]!]!;
  const config = loadConfig({ DATABASE_URL: database.url, BOT_ADMINS: `wechat:${admin.id}`, BOT_DATA_DIR: dataDir });
  const { logger, lines } = captureLogger();
  const holder: { app?: App } = {};
  const identities = createIdentityLinks('wechat', {
    db: database.db,
    clock: systemClock,
    capabilitiesOf: (p) => (p === 'wechat' ? inner.capabilities : undefined),
    onEnqueued: () => holder.app?.outbox.notify(),
  });
  const inner: WechatAdapter = new WechatAdapter({
    puppet: wx.puppet,
    dataDir,
    logger,
    botNames: [config.BOT_NAME],
    printQr: () => {},
    pacing: UNPACED,
    links: { identities, translate: (key, vars) => holder.app!.translate(key, vars) },
  });
  const adapter = new ObservedAdapter(inner);
  const app = (holder.app = createApp({ config, database, adapters: [adapter], logger: pino({ level: 'silent' }), outbox: { idleMs: 20, rateTimeScale: 100 } }));
  await app.start();
  let logins = 0;
  wx.login();
  await loggedIn(lines, ++logins);
  const bot: Bot = {
    app,
    wx,
    adapter,
    database,
    lines,
    async say(member, text, options = {}) {
      const before = wx.sent.items.length;
      const id = wx.say(member, text, options);
      await adapter.processed.find((e) => e === id, `the bot to process "${text}"`);
      await app.idle('wechat');
      return wx.sent.items.slice(before).map((s) => s.text ?? '');
    },
    async relogin(options) {
      await wx.relogin(options);
      await loggedIn(lines, ++logins);
      await app.idle('wechat');
    },
    privateTo(member) {
      return wx.sent.items.filter((s) => s.listenerId === member.id).map((s) => s.text ?? '');
    },
  };
  running = bot;
  return bot;
}

/** Everything the roster and the polls hold, by member name: to compare before and after a re-login. */
async function snapshot(db: Database['db']) {
  const members = await db.member.findMany({ orderBy: { id: 'asc' }, include: { identities: true } });
  const receipts = await db.pollReceipt.findMany({ orderBy: { id: 'asc' } });
  return {
    members: members.map((m) => ({ id: m.id, name: m.name, role: m.role, unitId: m.unitId, identities: m.identities.length })),
    receipts: receipts.map((r) => ({ pollId: r.pollId, memberId: r.memberId })),
    anonBallots: await db.pollAnonBallot.count(),
    chats: (await db.chat.findMany({ where: { kind: 'group' }, orderBy: { id: 'asc' } })).map((c) => ({ id: c.id, title: c.title, unitId: c.unitId })),
  };
}

const SIX = ['王书记', '赵支书', '张三', '李四', '王五', '钱七'];

describe('WeChat across a re-login with new ids', () => {
  it('keeps the binding, the roles and the ballots with the same members; nobody votes twice; the admins hear once', async () => {
    const bot = await startBot(SIX);
    const { wx, say, database } = bot;
    const m = (name: string) => wx.members[name]!;
    await say(m('王书记'), '/bindchat 东北流村党支部');
    for (const name of SIX.slice(1)) await say(m(name), '我来了');
    expect((await say(m('王书记'), '/setrole @赵支书 书记')).join('\n')).toContain('书记');
    const rate = (await say(m('赵支书'), '/rate 村党支部书记 --anon')).join('\n');
    const pollId = Number(/#(\d+)/.exec(rate)?.[1]);
    for (const name of ['张三', '李四', '王五']) {
      expect((await say(m(name), `/vote #${pollId} 95`, { to: wx.botContact })).join('\n')).toContain('回执');
    }
    // Each member met got the remark tag of their member id.
    const rows = await database.db.platformIdentity.findMany({ where: { platform: 'wechat' } });
    expect(rows).toHaveLength(6);
    for (const row of rows) expect(wx.mocker.contactPayload(row.externalId).alias).toBe(`先锋M${row.memberId}`);
    const before = await snapshot(database.db);
    const whoamiBefore = await say(m('张三'), '/whoami');
    const oldRoomId = wx.room.id;

    await bot.relogin();
    expect(wx.room.id).not.toBe(oldRoomId);
    expect(await snapshot(database.db)).toEqual(before);
    const groups = await database.db.chat.findMany({ where: { kind: 'group' } });
    expect(groups.map((c) => c.externalId)).toEqual([wx.room.id]);
    expect(await database.db.platformIdentity.findMany({ where: { platform: 'wechat' }, orderBy: { memberId: 'asc' } })).toEqual(
      expect.arrayContaining(SIX.map((name) => expect.objectContaining({ externalId: m(name).id }))),
    );

    // The admin got one "offline" notice (held while offline, moved to the new id) and one report.
    const toAdmin = bot.privateTo(m('王书记'));
    expect(toAdmin.filter((t) => t.includes('微信掉线了'))).toHaveLength(1);
    const reports = toAdmin.filter((t) => t.startsWith('微信已重新登录'));
    expect(reports).toHaveLength(1);
    expect(reports[0]).toContain('按备注找回6人');
    expect(reports[0]).toContain('已找回群“东北流村党支部”（成员对上100%）');

    // Same person, same ballot: a second anonymous vote is refused; the roll and roles are as before.
    expect((await say(m('张三'), `/vote #${pollId} 10`, { to: wx.botContact })).join('\n')).toContain('你已经在 #');
    expect(await say(m('张三'), '/whoami')).toEqual(whoamiBefore);
    expect((await say(m('赵支书'), '/whoami')).join('\n')).toContain('身份：书记');
    expect((await say(m('钱七'), `/vote #${pollId} 90`, { to: wx.botContact })).join('\n')).toContain('回执');
    expect(await database.db.pollReceipt.count()).toBe(4);
    // Anonymous ballots land in shuffled batches of at least 5 (or at close): 4 are still staged.
    expect(await database.db.pollAnonBallot.count()).toBe(0);
    expect(await database.db.member.count()).toBe(6);

    // A second re-login is reported once more (once per logout, not per retry).
    await bot.relogin();
    expect(bot.privateTo(m('王书记')).filter((t) => t.startsWith('微信已重新登录'))).toHaveLength(1);
    expect(await database.db.member.count()).toBe(6);
  });

  it('two rooms with the same topic: the match is ambiguous, reported and not linked', async () => {
    const bot = await startBot(['王书记', '张三', '李四']);
    const { wx, say, database } = bot;
    await say(wx.members['王书记']!, '/bindchat 东北流村党支部');
    await say(wx.members['张三']!, '我来了');
    // A second group of the same name and the same people (a 工作群 copied from the first).
    wx.addRoom('东北流村党支部', Object.values(wx.members));
    const bound = await database.db.chat.findFirstOrThrow({ where: { kind: 'group' } });

    await bot.relogin();
    const after = await database.db.chat.findUniqueOrThrow({ where: { id: bound.id } });
    expect(after.externalId).toBe(bound.externalId);
    const report = bot.privateTo(wx.members['王书记']!).find((t) => t.startsWith('微信已重新登录'));
    expect(report).toContain('群“东北流村党支部”有2个同名群');
    expect(report).not.toContain('已找回群');
  });

  it('a contact whose remark was removed and whose name is shared in the room is asked for a code; nothing is duplicated', async () => {
    const bot = await startBot(['王书记', '张三', '王五', '王五#2']);
    const { wx, say, database } = bot;
    const m = (name: string) => wx.members[name]!;
    await say(m('王书记'), '/bindchat 东北流村党支部');
    await say(m('张三'), '我来了');
    await say(m('王五'), '我来了');
    const wangWu = await database.db.platformIdentity.findFirstOrThrow({ where: { externalId: m('王五').id } });
    const membersBefore = await database.db.member.count();

    await bot.relogin({ dropRemarks: ['王五'] });
    const report = bot.privateTo(m('王书记')).find((t) => t.startsWith('微信已重新登录'))!;
    expect(report).toContain('按备注找回2人');
    const code = /王五要重新确认身份，确认码：(\d{6})/.exec(report)?.[1];
    expect(code).toMatch(/^\d{6}$/);
    // Both contacts named 王五 were asked once, privately.
    for (const key of ['王五', '王五#2']) expect(bot.privateTo(m(key))).toEqual([expect.stringContaining('请向书记要一个6位数的确认码')]);

    // Meanwhile neither is registered: messages are held back, and asked only once.
    const held = wx.say(m('王五#2'), '/whoami');
    wx.say(m('王五'), '我来了');
    await wx.sent.until(() => true, 'nothing');
    await bot.app.idle('wechat');
    expect(bot.adapter.processed.items).not.toContain(held);
    expect(await database.db.member.count()).toBe(membersBefore);
    for (const key of ['王五', '王五#2']) expect(bot.privateTo(m(key))).toHaveLength(1);

    // A wrong code is answered; the right one (full-width digits are fine) re-links the same member.
    wx.say(m('王五#2'), '000000', { to: wx.botContact });
    await wx.sent.until(() => bot.privateTo(m('王五#2')).length === 2, 'the wrong-code answer');
    expect(bot.privateTo(m('王五#2'))[1]).toBe('确认码不对，请向书记核对后再发。');
    const fullWidth = code!.replace(/\d/g, (d) => String.fromCharCode(d.charCodeAt(0) + 0xfee0));
    wx.say(m('王五'), fullWidth, { to: wx.botContact });
    await wx.sent.until(() => bot.privateTo(m('王五')).length === 2, 'the re-link answer');
    expect(bot.privateTo(m('王五'))[1]).toBe('已确认您是王五，原来的记录都在。');
    const relinked = await database.db.platformIdentity.findFirstOrThrow({ where: { externalId: m('王五').id } });
    expect(relinked.memberId).toBe(wangWu.memberId);
    expect(wx.mocker.contactPayload(m('王五').id).alias).toBe(`先锋M${wangWu.memberId}`);
    expect((await say(m('王五'), '/whoami')).join('\n')).toContain('姓名：王五');
    expect(await database.db.member.count()).toBe(membersBefore);

    // The other 王五 is someone else: once the code is used, they register as themselves.
    await say(m('王五#2'), '我是另一个王五');
    expect(await database.db.member.count()).toBe(membersBefore + 1);

    // The codes file and the session file are private to the bot's user.
    for (const file of [path.join(dataDir, PENDING_LINKS_NAME), sessionFile(path.join(dataDir, WECHAT_SESSION_NAME))]) {
      expect(statSync(file).mode & 0o777).toBe(0o600);
    }
    expect(statSync(dataDir).mode & 0o777).toBe(0o700);
  });
});
