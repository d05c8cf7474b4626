// The polls feature end to end through the console adapter, as `npm start` runs it with piped
// input: lines in, transcript out. Receipt codes are random, so the transcript shows them masked;
// everything else is compared exactly.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { ConsoleAdapter } from '../../../src/adapters/console/adapter.ts';
import { createApp, type App } from '../../../src/app.ts';
import { loadConfig } from '../../../src/config.ts';
import { ManualClock } from '../../../src/clock.ts';
import { freshSqlite } from '../../support/db.ts';

let cleanup: (() => Promise<void>) | undefined;
afterEach(async () => {
  await cleanup?.();
  cleanup = undefined;
});

/** Runs a script through the console adapter and returns the transcript. */
async function runScript(lines: readonly string[]): Promise<{ transcript: string; dataDir: string }> {
  const db = await freshSqlite();
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'xf-console-'));
  const clock = new ManualClock('2026-11-26T08:00:00Z');
  const config = loadConfig({ DATABASE_URL: db.url, BOT_DATA_DIR: dataDir });
  const input = new PassThrough();
  const output = new PassThrough();
  let transcript = '';
  output.on('data', (chunk: Buffer) => (transcript += chunk.toString('utf8')));
  const adapter = new ConsoleAdapter({
    input,
    output,
    interactive: false,
    botName: config.BOT_NAME,
    translate: (k, v) => app.translate(k, v),
    clock,
    dataDir,
    waitForIdle: () => app.idle('console'),
  });
  const app: App = createApp({ config, database: db, adapters: [adapter], logger: pino({ level: 'silent' }), clock, outbox: { idleMs: 20 } });
  cleanup = async () => {
    await app.stop();
    await db.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  };
  await app.start();
  input.end(lines.join('\n') + '\n');
  await adapter.finished();
  return { transcript, dataDir };
}

describe('polls through the console', () => {
  it('an anonymous poll: launch, a group reply that counts nothing, private votes, receipts, turnout, close with chart, export', async () => {
    const VOTERS = ['张三', '李四', '赵五', '钱六', '孙七'];
    const { transcript, dataDir } = await runScript([
      ':in 东北流村党支部',
      '/bindchat 东北流村党支部',
      ':as 王芳',
      '大家好',
      ':as 管理员',
      '/setrole @王芳 书记',
      ...VOTERS.flatMap((v) => [`:as ${v}`, '大家好']),
      ':as 王芳',
      '/poll 村道先修哪条 | 东线 | 西线 --anon',
      ':as 张三',
      'Ａ',
      ...VOTERS.flatMap((v, i) => [`:as ${v}`, ':dm', `/vote #1 ${i % 2 ? 2 : 1}`, ':in 东北流村党支部']),
      ':as 王芳',
      '/results #1',
      '/turnout #1',
      '/close #1',
      '/export #1',
    ]);
    const masked = transcript
      .replace(/[2-9A-HJKMNP-Z]{4}-[2-9A-HJKMNP-Z]{4}/g, 'XXXX-XXXX')
      .replaceAll(dataDir, '<data>')
      .replace(/chart-\d+\.png/g, 'chart.png');
    if (process.env.PRINT_TRANSCRIPT) fs.writeFileSync(process.env.PRINT_TRANSCRIPT, masked);
    expect(masked).toBe(
      [
        '管理员@控制台> :in 东北流村党支部',
        '现在在群“东北流村党支部”。',
        '管理员@东北流村党支部> /bindchat 东北流村党支部',
        '先锋: 本群已绑定到“东北流村党支部”。（新建了这个单位）',
        '管理员@东北流村党支部> :as 王芳',
        '现在你是 王芳。',
        '王芳@东北流村党支部> 大家好',
        '王芳@东北流村党支部> :as 管理员',
        '现在你是 管理员。',
        '管理员@东北流村党支部> /setrole @王芳 书记',
        '先锋: 已把王芳（M2，东北流村党支部）的身份改为书记。',
        '管理员@东北流村党支部> :as 张三',
        '现在你是 张三。',
        '张三@东北流村党支部> 大家好',
        '张三@东北流村党支部> :as 李四',
        '现在你是 李四。',
        '李四@东北流村党支部> 大家好',
        '李四@东北流村党支部> :as 赵五',
        '现在你是 赵五。',
        '赵五@东北流村党支部> 大家好',
        '赵五@东北流村党支部> :as 钱六',
        '现在你是 钱六。',
        '钱六@东北流村党支部> 大家好',
        '钱六@东北流村党支部> :as 孙七',
        '现在你是 孙七。',
        '孙七@东北流村党支部> 大家好',
        '孙七@东北流村党支部> :as 王芳',
        '现在你是 王芳。',
        '王芳@东北流村党支部> /poll 村道先修哪条 | 东线 | 西线 --anon',
        '先锋: 投票 #1：村道先修哪条',
        '    匿名 · 截止后公布结果 · 党员投票',
        '    1. 东线',
        '    2. 西线',
        '    匿名投票：请私聊机器人发送 /vote #1 选项，在群里回复不计票。',
        '王芳@东北流村党支部> :as 张三',
        '现在你是 张三。',
        '张三@东北流村党支部> Ａ',
        '先锋 → 与 张三 私聊: 你刚才在群里回复的不计票：#1 是匿名投票，群里大家都看得见。请在这里发送：/vote #1 选项',
        '张三@东北流村党支部> :as 张三',
        '现在你是 张三。',
        '张三@东北流村党支部> :dm',
        '现在是 张三 和机器人的私聊。',
        '张三@私聊> /vote #1 1',
        '先锋: 已收到你在 #1 的匿名票。',
        '先锋: #1「村道先修哪条」的回执码：XXXX-XXXX',
        '    它只能证明你的票已计入，看不到、也改不了票的内容。核对请私聊发送：/vote #1 核对 XXXX-XXXX',
        '张三@私聊> :in 东北流村党支部',
        '现在在群“东北流村党支部”。',
        '张三@东北流村党支部> :as 李四',
        '现在你是 李四。',
        '李四@东北流村党支部> :dm',
        '现在是 李四 和机器人的私聊。',
        '李四@私聊> /vote #1 2',
        '先锋: 已收到你在 #1 的匿名票。',
        '先锋: #1「村道先修哪条」的回执码：XXXX-XXXX',
        '    它只能证明你的票已计入，看不到、也改不了票的内容。核对请私聊发送：/vote #1 核对 XXXX-XXXX',
        '李四@私聊> :in 东北流村党支部',
        '现在在群“东北流村党支部”。',
        '李四@东北流村党支部> :as 赵五',
        '现在你是 赵五。',
        '赵五@东北流村党支部> :dm',
        '现在是 赵五 和机器人的私聊。',
        '赵五@私聊> /vote #1 1',
        '先锋: 已收到你在 #1 的匿名票。',
        '先锋: #1「村道先修哪条」的回执码：XXXX-XXXX',
        '    它只能证明你的票已计入，看不到、也改不了票的内容。核对请私聊发送：/vote #1 核对 XXXX-XXXX',
        '赵五@私聊> :in 东北流村党支部',
        '现在在群“东北流村党支部”。',
        '赵五@东北流村党支部> :as 钱六',
        '现在你是 钱六。',
        '钱六@东北流村党支部> :dm',
        '现在是 钱六 和机器人的私聊。',
        '钱六@私聊> /vote #1 2',
        '先锋: 已收到你在 #1 的匿名票。',
        '先锋: #1「村道先修哪条」的回执码：XXXX-XXXX',
        '    它只能证明你的票已计入，看不到、也改不了票的内容。核对请私聊发送：/vote #1 核对 XXXX-XXXX',
        '钱六@私聊> :in 东北流村党支部',
        '现在在群“东北流村党支部”。',
        '钱六@东北流村党支部> :as 孙七',
        '现在你是 孙七。',
        '孙七@东北流村党支部> :dm',
        '现在是 孙七 和机器人的私聊。',
        '孙七@私聊> /vote #1 1',
        '先锋: 已收到你在 #1 的匿名票。',
        '先锋: #1「村道先修哪条」的回执码：XXXX-XXXX',
        '    它只能证明你的票已计入，看不到、也改不了票的内容。核对请私聊发送：/vote #1 核对 XXXX-XXXX',
        '孙七@私聊> :in 东北流村党支部',
        '现在在群“东北流村党支部”。',
        '孙七@东北流村党支部> :as 王芳',
        '现在你是 王芳。',
        '王芳@东北流村党支部> /results #1',
        '先锋: #1 是匿名投票，截止后才公布结果，谁都不能提前看（以免推算出个人的票）。',
        '王芳@东北流村党支部> /turnout #1',
        '先锋: #1 应投 6 人，已投 5 人，还有 1 人未投：',
        '    王芳',
        '王芳@东北流村党支部> /close #1',
        '先锋: #1 已结束。',
        '    #1 投票结果（已结束）：村道先修哪条',
        '    1. 东线：3 票',
        '    2. 西线：2 票',
        '    参与：5 / 6 人（83%）',
        '先锋: #1 结果图',
        '    文件已保存：<data>/exports/chart.png',
        '王芳@东北流村党支部> /export #1',
        '先锋: 导出：poll-1',
        '    文件已保存：<data>/exports/poll-1.csv',
        '',
      ].join('\n'),
    );
    const csv = fs.readFileSync(path.join(dataDir, 'exports', 'poll-1.csv'));
    expect([...csv.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    expect(csv.toString('utf8')).toContain('1. 东线,3\r\n2. 西线,2');
    expect(csv.toString('utf8')).not.toMatch(/张三|李四|赵五|钱六|孙七/);
  });
});
