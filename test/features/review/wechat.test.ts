// 民主评议's anonymous 民主测评 on WeChat (no buttons): the real WechatAdapter on Wechaty and
// wechaty-puppet-mock. Ballots go out privately as text, members answer `/vote #P k` in the private
// chat, and at close the member with 6 ballots gets counts while the one with 4 reads 不足5票.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pino } from 'pino';
import { afterEach, expect, it } from 'vitest';
import { createApp, type App } from '../../../src/app.ts';
import { WechatAdapter } from '../../../src/adapters/wechat/adapter.ts';
import { systemClock } from '../../../src/clock.ts';
import { loadConfig } from '../../../src/config.ts';
import type { Database } from '../../../src/db/client.ts';
import { freshSqlite } from '../../support/db.ts';
import { captureLogger, createMockedWechat, loggedIn, UNPACED } from '../../support/wechat-mock.ts';

let app: App | undefined;
let database: (Database & { close(): Promise<void> }) | undefined;
let dataDir: string | undefined;
afterEach(async () => {
  await app?.stop();
  await database?.close();
  if (dataDir) fs.rmSync(dataDir, { recursive: true, force: true });
  dataDir = undefined;
  app = undefined;
  database = undefined;
});

async function until(check: () => Promise<boolean> | boolean): Promise<void> {
  for (let i = 0; i < 1000; i++) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error('condition not reached in 20 s');
}

it('ratings answered by text in private chats on WeChat; results only at close, per member only with 5 ballots', { timeout: 60_000 }, async () => {
  database = await freshSqlite();
  const db = database.db;
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'xianfeng-wechat-review-'));
  // 王书记 is the admin (belongs to no unit); the seven 党员 are the branch.
  const names = ['王书记', '党员一', '党员二', '党员三', '党员四', '党员五', '党员六', '党员七'];
  const wx = createMockedWechat({ members: names });
  const sec = wx.members['王书记']!;
  const config = loadConfig({ DATABASE_URL: database.url, BOT_ADMINS: `wechat:${sec.id}` });
  const { logger, lines } = captureLogger();
  const adapter = new WechatAdapter({ puppet: wx.puppet, dataDir, logger, botNames: [config.BOT_NAME], printQr: () => {}, clock: systemClock, pacing: UNPACED });
  app = createApp({ config, database, adapters: [adapter], logger: pino({ level: 'silent' }), clock: systemClock, outbox: { idleMs: 20, rateTimeScale: 100 } });
  await app.start();
  wx.login();
  await loggedIn(lines, 1);
  const send = async (who: string, text: string, priv = false): Promise<void> => {
    const events = await db.inboundEvent.count();
    wx.say(wx.members[who]!, text, priv ? { to: wx.botContact } : {});
    await until(async () => (await db.inboundEvent.count()) > events);
    await app!.idle('wechat');
  };
  const privateTo = (who: string) => wx.sent.items.filter((s) => s.listenerId === wx.members[who]!.id).map((s) => s.text ?? '');
  const roomTexts = () => wx.sent.items.filter((s) => s.roomId !== undefined).map((s) => s.text ?? '');

  await send('王书记', '/bindchat 东北流村党支部');
  for (const n of names.slice(1)) await send(n, '大家好');
  for (const n of names) await send(n, '/whoami', true);
  await send('王书记', '/review');
  await until(() => roomTexts().some((t) => t.includes('7 名党员参加')));
  await send('王书记', '/review #1 测评');
  await until(() => names.slice(1).every((n) => privateTo(n).filter((t) => t.startsWith('民主测评')).length === 6));
  const pollFor = (voter: string, subject: string) => Number(/\/vote #(\d+)/.exec(privateTo(voter).find((t) => t.includes(`请评价 ${subject}（`))!)![1]);
  // 党员七 is rated by all 6 others (5 合格, 1 优秀); 党员一 only by 4.
  for (const [i, n] of names.slice(1, 7).entries()) await send(n, `/vote #${pollFor(n, '党员七')} ${i === 0 ? 1 : 2}`, true);
  for (const n of names.slice(2, 6)) await send(n, `/vote #${pollFor(n, '党员一')} 4`, true);
  await until(() => names.slice(1, 7).every((n) => privateTo(n).some((t) => t.includes('的匿名票'))));
  expect(roomTexts().join('\n')).not.toMatch(/合格 \d|不足5票/);

  await send('王书记', '/review #1 结束');
  await until(() => privateTo('王书记').some((t) => t.includes('民主测评结果')));
  const results = privateTo('王书记').find((t) => t.includes('民主测评结果'))!;
  // The room hears only that the rating closed, never a member's figures.
  await until(() => roomTexts().some((t) => t.includes('结果已私聊发给你')));
  expect(roomTexts().join('\n')).not.toMatch(/民主测评结果|合格 \d|不足5票/);
  expect(results).toMatch(/党员七（M\d+）：优秀 1，合格 5，基本合格 0，不合格 0（6 票）/);
  expect(results).toMatch(/党员一（M\d+）：不足5票（4 票），不公布/);
});
