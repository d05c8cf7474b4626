// The same pledge rules on PostgreSQL (CI sets TEST_DATABASE_URL): pledges, check-ins, undo, the
// list, the report's figures and one reminder run, so both databases are known to agree.
import { afterEach, beforeEach, expect, it } from 'vitest';
import { ManualClock } from '../../../src/clock.ts';
import type { Database } from '../../../src/db/client.ts';
import { pledgeCompletion, runPledgeReminders } from '../../../src/features/pledges/index.ts';
import { describePg, freshPostgres } from '../../support/db.ts';
import { startTestBot, type TestBot } from '../../support/app.ts';
import { TEXT_CAPABILITIES } from '../../support/recording-adapter.ts';

describePg('pledges on PostgreSQL', () => {
  let db: Database;
  let bot: TestBot;
  let clock: ManualClock;

  beforeEach(async () => {
    db = await freshPostgres();
    clock = new ManualClock('2026-03-02T02:00:00Z');
    bot = await startTestBot(db, { clock });
  });

  afterEach(async () => {
    await bot.stop();
    await db.close();
  });

  it('pledges, check-ins, undo, list, report and a reminder', async () => {
    await bot.say('管理员', '/bindchat 东北流村党支部');
    await bot.say('张三', '/pledge 帮扶困难户 目标5户 截止2026-12-31');
    await bot.say('李四', '/pledge 义务劳动 目标6次');
    await bot.say('张三', '/checkin +2 走访');
    await bot.say('李四', '/checkin +1');
    await bot.say('李四', '/checkin +4 写错了');
    expect(await bot.say('李四', '/checkin 撤销')).toEqual(['已撤销今天的打卡 +4（写错了）\n#2 李四：义务劳动\n  ▓░░░░░ 1/6次']);
    expect(await bot.say('李四', '/pledges')).toEqual([
      ['东北流村党支部2026年承诺共2项，已完成0项：', '#1 张三：帮扶困难户', '  ▓▓░░░ 2/5户 · 截止12-31', '#2 李四：义务劳动', '  ▓░░░░░ 1/6次', '打卡：/checkin #编号 +1 说明'].join('\n'),
    ]);
    const report = (await bot.say('管理员', '/report')).join('\n');
    expect(report).toContain('东北流村党支部：承诺2项，已完成0，部分完成2，未完成0');
    const unit = await db.db.orgUnit.findFirstOrThrow({ where: { name: '东北流村党支部' } });
    expect(await pledgeCompletion(db.db, unit.id, 2026)).toEqual({ total: 2, completed: 0, share: 0, hasData: true });

    clock.set('2026-03-09T01:00:00Z');
    const sent: string[] = [];
    const result = await db.db.$transaction((tx) =>
      runPledgeReminders({ db: tx, now: () => clock.now(), t: bot.app.translate, timeZone: 'Asia/Shanghai', botName: '先锋', capabilitiesOf: () => TEXT_CAPABILITIES, send: (chat) => sent.push(chat.chatId) }),
    );
    expect(result.nudged.length).toBe(2);
    expect(sent).toEqual(['张三', '李四']);
  });
});
