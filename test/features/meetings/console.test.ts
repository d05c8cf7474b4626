import { PassThrough } from 'node:stream';
import { pino } from 'pino';
import { afterEach, expect, it } from 'vitest';
import { ConsoleAdapter } from '../../../src/adapters/console/adapter.ts';
import { createApp, type App } from '../../../src/app.ts';
import { ManualClock } from '../../../src/clock.ts';
import { loadConfig } from '../../../src/config.ts';
import { freshSqlite } from '../../support/db.ts';
import { onlyOurs } from './support.ts';

let cleanup: (() => Promise<void>) | undefined;
afterEach(async () => {
  await cleanup?.();
  cleanup = undefined;
});

/**
 * The console adapter with piped input, as `npm start < script` runs it, on a manual clock: lines
 * are fed one at a time (each waits for its replies), and `at` moves the clock and runs the
 * scheduler between lines, so notices appear in the transcript where they would in a real week.
 */
async function consoleBot(start: string) {
  const database = await freshSqlite();
  const clock = new ManualClock(start);
  const input = new PassThrough();
  let transcript = '';
  const output = new PassThrough();
  output.on('data', (d: Buffer) => (transcript += d.toString()));
  let answered = 0;
  const waiters: { n: number; resolve: () => void }[] = [];
  const ref: { app?: App } = {};
  const adapter = new ConsoleAdapter({
    input,
    output,
    interactive: false,
    botName: '先锋',
    translate: (k, v) => ref.app!.translate(k, v),
    clock,
    dataDir: '/tmp',
    waitForIdle: async () => {
      await ref.app!.idle('console');
      answered++;
      for (const w of waiters.filter((x) => x.n <= answered)) w.resolve();
    },
  });
  const app = (ref.app = createApp({ config: loadConfig({ DATABASE_URL: database.url }), database, adapters: [adapter], logger: pino({ level: 'silent' }), clock, outbox: { idleMs: 10 }, features: onlyOurs }));
  await app.start();
  await app.scheduler.stop(); // driven by `at` below
  let sent = 0;
  cleanup = async () => {
    input.end();
    await app.stop();
    await database.close();
  };
  return {
    clock,
    /** Types the lines; resolves when every non-meta line has been answered. */
    async type(...lines: string[]) {
      for (const line of lines) {
        input.write(`${line}\n`);
        if (!line.startsWith(':')) {
          const n = ++sent;
          await new Promise<void>((resolve) => waiters.push({ n, resolve }));
        }
      }
    },
    /** Moves the clock to `time` and lets the scheduler post what is due. */
    async at(time: string) {
      clock.set(time);
      await app.scheduler.runDue();
      await app.idle('console');
    },
    transcript: () => transcript,
  };
}

it('console end to end: meetings, RSVP, the joint meeting with suggestions, attendance', async () => {
  const bot = await consoleBot('2026-11-26T00:00:00Z'); // Thursday 26 Nov 2026, 08:00 in Shanghai
  await bot.type(':in 东北流村党支部', '/bindchat 东北流村党支部', ':as 李书记', '大家好', ':as 管理员', '/setrole 李书记 书记');
  await bot.type(':as 李书记', '/meeting 支委会 | 0 20 * * | 村委会议室', '/meeting 支委会 | 0 20 * * 3 | 村委会议室 | 30');
  await bot.type(':as 管理员', '/meeting default 联席会', '/meetings');
  await bot.type(':as 张三', '#到', ':as 赵大妈', '/suggest 村口路灯坏了，晚上出行不安全');
  await bot.at('2026-11-27T07:00:00Z'); // Friday 15:00: the joint meeting's reminder, a day before
  await bot.type(':as 王五', '请假 在县里开会');
  await bot.at('2026-11-28T07:00:00Z'); // Saturday 15:00: the joint meeting starts
  await bot.type(':as 李书记', '/attendance #2', '/attendance #2 到:张三,李书记 假:王五', '/suggestions #1 accept 下周安排电工维修');
  expect(bot.transcript()).toBe(EXPECTED);
});

const EXPECTED = `管理员@控制台> :in 东北流村党支部
现在在群“东北流村党支部”。
管理员@东北流村党支部> /bindchat 东北流村党支部
先锋: 本群已绑定到“东北流村党支部”。（新建了这个单位）
管理员@东北流村党支部> :as 李书记
现在你是 李书记。
李书记@东北流村党支部> 大家好
李书记@东北流村党支部> :as 管理员
现在你是 管理员。
管理员@东北流村党支部> /setrole 李书记 书记
先锋: 已把李书记（M2，东北流村党支部）的身份改为书记。
管理员@东北流村党支部> :as 李书记
现在你是 李书记。
李书记@东北流村党支部> /meeting 支委会 | 0 20 * * | 村委会议室
先锋: cron表达式不对：要写5段（分 时 日 月 周），用空格隔开，你写了 4 段。
    例如：0 9 * * 0 是每周日9:00；30 8 * * 1 是每周一8:30；0 15 28 * * 是每月28日15:00。
李书记@东北流村党支部> /meeting 支委会 | 0 20 * * 3 | 村委会议室 | 30
先锋: 已添加会议 #1 支委会
    地点：村委会议室
    下次：12月2日 周三 20:00
    再下次：12月9日 周三 20:00
    会前提醒：提前 30 分钟。通知发到本单位的 1 个群。
李书记@东北流村党支部> :as 管理员
现在你是 管理员。
管理员@东北流村党支部> /meeting default 联席会
先锋: 已添加会议 #2 月末干群联席会
    地点：村党群服务中心
    下次：11月28日 周六 15:00
    再下次：12月28日 周一 15:00
    会前提醒：提前 1 天。通知发到本单位的 1 个群。
管理员@东北流村党支部> /meetings
先锋: 本单位共有 2 个会议：
    #2 月末干群联席会：下次 11月28日 周六 15:00，村党群服务中心
        再下次 12月28日 周一 15:00；会前提醒：提前 1 天；已报名 0 人，请假 0 人
    #1 支委会：下次 12月2日 周三 20:00，村委会议室
        再下次 12月9日 周三 20:00；会前提醒：提前 30 分钟；已报名 0 人，请假 0 人
管理员@东北流村党支部> :as 张三
现在你是 张三。
张三@东北流村党支部> #到
先锋: 张三：到。#2 月末干群联席会，11月28日 周六 15:00。已报名 1 人，请假 0 人。
张三@东北流村党支部> :as 赵大妈
现在你是 赵大妈。
赵大妈@东北流村党支部> /suggest 村口路灯坏了，晚上出行不安全
先锋: 已收到你的建议 #1，会在月末干群联席会上研究。处理结果会告诉你。
先锋: 【会前提醒】#2 月末干群联席会
    时间：11月28日 周六 15:00（还有 1 天）
    地点：村党群服务中心
    待研究的群众建议：1 条
    已报名 1 人，请假 0 人。
    参加的请回复“到”，不能来的回复“请假 理由”。
    有意见建议，请发“/suggest 内容”。
赵大妈@东北流村党支部> :as 王五
现在你是 王五。
王五@东北流村党支部> 请假 在县里开会
先锋: 王五：请假（在县里开会）。#2 月末干群联席会，11月28日 周六 15:00。已报名 1 人，请假 1 人。
先锋: 【会议通知】#2 月末干群联席会
    时间：11月28日 周六 15:00，现在开始
    地点：村党群服务中心
    待研究的群众建议：1 条
    已报名 1 人，请假 1 人。
    到会的请回复“到”，不能来的回复“请假 理由”。
王五@东北流村党支部> :as 李书记
现在你是 李书记。
李书记@东北流村党支部> /attendance #2
先锋: #2 月末干群联席会，11月28日 周六 15:00 点名表：
    1. 李书记（未回复）
    2. 王五（请假 在县里开会）
    3. 张三（报名到）
    4. 赵大妈（未回复）
    记录出勤：/attendance #2 到:1,2 缺:3 假:4（写编号或姓名都可以）
李书记@东北流村党支部> /attendance #2 到:张三,李书记 假:王五
先锋: 已记录 #2 月末干群联席会（11月28日 周六 15:00）3 人的出勤。本次出勤率 67%（到 2，缺 0，请假 1，共 3 人次）。
李书记@东北流村党支部> /suggestions #1 accept 下周安排电工维修
先锋 → 与 赵大妈 私聊: 你的建议 #1“村口路灯坏了，晚上出行不安全”：已采纳。
        答复：下周安排电工维修
先锋: 建议 #1 已改为“已采纳”。已告诉提建议的人。
`;
