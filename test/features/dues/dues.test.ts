// Dues over a year on a manual clock through the whole bot: 王书记 records months (several at once)
// and imports a month from a CSV; 张三 leaves gaps (Feb-Apr, then Jun-Nov); the daily check runs
// every day of 2026 through the scheduler and tells the secretary privately exactly at 3 and at 6
// unpaid months, once each per run; 李四, who pays, is never named.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Tx } from '../../../src/bot/feature.ts';
import { decodeTextDocument } from '../../../src/bot/text-attachments.ts';
import { ManualClock } from '../../../src/clock.ts';
import type { Database } from '../../../src/db/client.ts';
import { duesRegularityScore } from '../../../src/features/dues/api.ts';
import { parseDuesCsv } from '../../../src/features/dues/csv.ts';
import { parseMonths, unpaidRun } from '../../../src/features/dues/rules.ts';
import { freshSqlite } from '../../support/db.ts';
import { startTestBot, type TestBot } from '../../support/app.ts';

const BRANCH = '东北流村党支部';

let db: Database & { close(): Promise<void> };
let bot: TestBot;
let clock: ManualClock;

/** 10:00 Shanghai on day `n` of 2026 (0 = 1 January). */
const dayOf2026 = (n: number) => new Date(Date.parse('2026-01-01T02:00:00Z') + n * 86_400_000);

beforeEach(async () => {
  db = await freshSqlite();
  clock = new ManualClock('2026-01-01T02:00:00Z');
  bot = await startTestBot(db, { clock, features: (all) => all.filter((f) => ['core', 'dues'].includes(f.name)) });
  await bot.say('管理员', `/bindchat ${BRANCH}`);
  for (const name of ['张三', '李四', '王书记']) await bot.say(name, '大家好');
  await bot.say('管理员', '/setrole @王书记 secretary');
});

afterEach(async () => {
  await bot.stop();
  await db.close();
});

describe('dues', () => {
  it('a year with gaps: warnings exactly at 3 and 6 unpaid months, once each', async () => {
    expect(await bot.say('王书记', '/dues paid @王书记 2026-01..2026-12')).toEqual(['已登记王书记（M4，东北流村党支部）的党费：2026-01、2026-02、2026-03、2026-04、2026-05、2026-06、2026-07、2026-08、2026-09、2026-10、2026-11、2026-12（新记 12 个月，之前已记 0 个月）。']);
    await bot.say('王书记', '/dues paid @李四 2026-01..2026-06');
    await bot.say('王书记', '/dues paid @张三 2026-01');
    expect(await bot.say('张三', '/dues paid @李四 2026-07')).toEqual([expect.stringContaining('书记')]);
    const warnings: [string, string][] = [];
    for (let n = 1; n < 365; n++) {
      const at = dayOf2026(n);
      clock.set(at);
      const local = new Date(at.getTime() + 8 * 3600_000).toISOString().slice(0, 10);
      if (local === '2026-05-10') {
        // A month's CSV, typed under the command: 张三 paid May; a stranger's row is refused by line.
        expect(await bot.say('王书记', '/dues import 2026-05\n姓名\n张三\n没有这个人')).toEqual([
          '已导入 2026-05 的党费：新记 1 条，1 行没有登记。\n第 3 行“没有这个人”：找不到这个人或月份不对，没有登记。',
        ]);
      }
      if (local === '2026-06-20') await bot.say('王书记', '/dues paid @李四 2026-07,2026-08 2026-09..2026-12');
      const before = bot.adapter.sent.length;
      await bot.app.scheduler.runDue(clock.now());
      await bot.app.idle('console');
      for (const d of bot.adapter.sent.slice(before)) {
        if (d.message.kind === 'text' && d.message.text.includes('党费提醒')) warnings.push([local, `${d.chat.chatId}/${d.chat.kind}: ${d.message.text.split('\n')[1]}`]);
      }
    }
    expect(warnings).toEqual([
      ['2026-05-01', '王书记/private: 张三（M2）从 2026-02 起已连续 3 个月没有交党费，请了解情况。'],
      ['2026-09-01', '王书记/private: 张三（M2）从 2026-06 起已连续 3 个月没有交党费，请了解情况。'],
      ['2026-12-01', '王书记/private: 张三（M2）从 2026-06 起已连续 6 个月没有交党费。按条例第三十一条，连续六个月不交党费可视为自行脱党，请尽快谈话。'],
    ]);
    const mine = await bot.say('张三', '/dues');
    expect(mine).toEqual(['你 2026 年的党费（✓ 已交，✗ 未交）：\n1✓ 2✗ 3✗ 4✗ 5✓ 6✗ 7✗ 8✗ 9✗ 10✗ 11✗ 12✗\n如有出入请找书记核对。']);
    const tx = db.db as unknown as Tx;
    const unitId = (await tx.orgUnit.findFirstOrThrow({ where: { name: BRANCH } })).id;
    // 11 months due (Jan-Nov) for 3 members: 王书记 11, 李四 11, 张三 2 → 24 of 33.
    expect(await duesRegularityScore(tx, unitId, 2026, '2026-12')).toBe(Math.round((100 * 24) / 33));
    expect(await duesRegularityScore(tx, unitId, 2025, '2026-12')).toBeNull();
  });

  it('reads months and CSVs; refuses bad input', async () => {
    expect(parseMonths('2026-09..2026-11')).toEqual(['2026-09', '2026-10', '2026-11']);
    expect(parseMonths('2026年11月、2026-09')).toEqual(['2026-09', '2026-11']);
    expect(parseMonths('2026-11..2026-09')).toBeNull();
    expect(parseMonths('2026-13')).toBeNull();
    expect(parseMonths('2024-01..2026-12')).toBeNull(); // more than 24 months
    expect(unpaidRun(new Set(['2026-01']), '2026-01', '2026-04')).toEqual({ months: 3, since: '2026-02' });
    // A GB18030 CSV as Excel on a Chinese Windows saves it (decoded as the adapters decode attachments).
    const gbk = Uint8Array.from([0xd0, 0xd5, 0xc3, 0xfb, 0x2c, 0xd4, 0xc2, 0xb7, 0xdd, 0x0a, 0xd5, 0xc5, 0xc8, 0xfd, 0x2c, 0x32, 0x30, 0x32, 0x36, 0x2d, 0x31, 0x31, 0x0a]);
    expect(parseDuesCsv(decodeTextDocument(gbk), '2026-10')).toEqual([{ line: 2, who: '张三', month: '2026-11' }]);
    expect(await bot.say('王书记', '/dues paid @张三 2026-1x')).toEqual(['看不懂月份“2026-1x”，请写成 2026-11，多个月写 2026-09..2026-11 或 2026-09,2026-11（一次最多 24 个月）。']);
    expect(await bot.say('王书记', '/dues paid @张三 2062-11')).toEqual(['2062-11 太远了，最多预交一年。']);
    expect(await bot.say('王书记', '/dues import 2026-11')).toEqual([expect.stringContaining('CSV')]);
    expect(await bot.say('王书记', '/dues paid @没有这个人 2026-11')).toEqual([expect.stringContaining('没有这个人')]);
  });
});
