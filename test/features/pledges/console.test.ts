// Pledges end to end through the console adapter: a piped script, the whole bot (inbox, router,
// features, outbox) on a fresh SQLite database and a manual clock, the transcript asserted line
// for line.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PassThrough, Readable } from 'node:stream';
import { pino } from 'pino';
import { afterEach, expect, it } from 'vitest';
import { ConsoleAdapter } from '../../../src/adapters/console/adapter.ts';
import { createApp, type App } from '../../../src/app.ts';
import { ManualClock } from '../../../src/clock.ts';
import { loadConfig } from '../../../src/config.ts';
import type { Database } from '../../../src/db/client.ts';
import { freshSqlite } from '../../support/db.ts';

let db: (Database & { close(): Promise<void> }) | undefined;
let dataDir: string | undefined;

afterEach(async () => {
  await db?.close();
  if (dataDir) fs.rmSync(dataDir, { recursive: true, force: true });
  db = undefined;
  dataDir = undefined;
});

/** Runs a script through the console adapter and returns the transcript. */
async function runScript(lines: readonly string[], clock: ManualClock): Promise<string> {
  db = await freshSqlite();
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'xianfeng-console-'));
  const config = loadConfig({ DATABASE_URL: db.url, BOT_DATA_DIR: dataDir });
  const output = new PassThrough();
  let transcript = '';
  output.on('data', (chunk: Buffer) => (transcript += chunk.toString('utf8')));
  const adapter = new ConsoleAdapter({
    input: Readable.from([lines.join('\n') + '\n']),
    output,
    interactive: false,
    botName: config.BOT_NAME,
    translate: (k, v) => app.translate(k, v),
    clock,
    dataDir,
    // The closures run only after `app` below exists.
    waitForIdle: () => app.idle('console'),
  });
  const app: App = createApp({ config, database: db, adapters: [adapter], logger: pino({ level: 'silent' }), clock, outbox: { idleMs: 20 } });
  await app.start();
  await adapter.finished();
  await app.idle();
  await app.stop();
  return transcript;
}

it('pledge, check-ins from two members, undo, refusals and the list, as a piped console session', async () => {
  // Tuesday 10 March 2026, 20:00 in Asia/Shanghai.
  const clock = new ManualClock('2026-03-10T12:00:00Z');
  const transcript = await runScript(
    [
      '/bindchat 东北流村党支部',
      ':as 张三',
      '/pledge 帮扶困难户 目标5户 截止2026-12-31',
      '/checkin +2 走访李大爷',
      ':as 李四',
      '#承诺 义务劳动 目标６次',
      '#打卡 +1',
      '/checkin #1 +1',
      ':as 张三',
      '/checkin +3 写错了',
      '/checkin 撤销',
      '/checkin +1',
      '/pledges',
    ],
    clock,
  );
  expect(transcript).toBe(
    [
      '管理员@控制台> /bindchat 东北流村党支部',
      '先锋: 本群已绑定到“东北流村党支部”。（新建了这个单位）',
      '管理员@控制台> :as 张三',
      '现在你是 张三。',
      '张三@控制台> /pledge 帮扶困难户 目标5户 截止2026-12-31',
      '先锋: 已立承诺 #1 张三：帮扶困难户（目标5户，截止2026-12-31）',
      '    有进展时打卡：/checkin #1 +1 说明',
      '张三@控制台> /checkin +2 走访李大爷',
      '先锋: 打卡成功：#1 +2（走访李大爷）',
      '    #1 张三：帮扶困难户',
      '      ▓▓░░░ 2/5户 · 截止12-31',
      '张三@控制台> :as 李四',
      '现在你是 李四。',
      '李四@控制台> #承诺 义务劳动 目标６次',
      '先锋: 已立承诺 #2 李四：义务劳动（目标6次）',
      '    有进展时打卡：/checkin #2 +1 说明',
      '李四@控制台> #打卡 +1',
      '先锋: 打卡成功：#2 +1',
      '    #2 李四：义务劳动',
      '      ▓░░░░░ 1/6次',
      '李四@控制台> /checkin #1 +1',
      '先锋: 承诺#1是张三的，只能由本人打卡。',
      '李四@控制台> :as 张三',
      '现在你是 张三。',
      '张三@控制台> /checkin +3 写错了',
      '先锋: 打卡成功：#1 +3（写错了）',
      '    #1 张三：帮扶困难户',
      '      ▓▓▓▓▓ 5/5户 · 已完成',
      '    目标已完成，谢谢！',
      '张三@控制台> /checkin 撤销',
      '先锋: 已撤销今天的打卡 +3（写错了）',
      '    #1 张三：帮扶困难户',
      '      ▓▓░░░ 2/5户 · 截止12-31',
      '张三@控制台> /checkin +1',
      '先锋: 打卡成功：#1 +1',
      '    #1 张三：帮扶困难户',
      '      ▓▓▓░░ 3/5户 · 截止12-31',
      '张三@控制台> /pledges',
      '先锋: 东北流村党支部2026年承诺共2项，已完成0项：',
      '    #1 张三：帮扶困难户',
      '      ▓▓▓░░ 3/5户 · 截止12-31',
      '    #2 李四：义务劳动',
      '      ▓░░░░░ 1/6次',
      '    打卡：/checkin #编号 +1 说明',
      '',
    ].join('\n'),
  );
});
