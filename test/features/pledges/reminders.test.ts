// Reminder escalation on a manual clock: private nudge, then a group mention, then the list to the
// secretary; a check-in starts over; an exemption pauses it; each stage is sent once however often
// the job runs. The job is run through the runner the feature registered with the scheduler.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../../src/clock.ts';
import type { Database } from '../../../src/db/client.ts';
import type { ChatRef } from '../../../src/bot/types.ts';
import { REMINDER_JOB, runPledgeReminders } from '../../../src/features/pledges/index.ts';
import { TEXT_CAPABILITIES } from '../../support/recording-adapter.ts';
import { freshSqlite } from '../../support/db.ts';
import { startTestBot, type TestBot } from '../../support/app.ts';

const BRANCH = '东北流村党支部';

let db: Database & { close(): Promise<void> };
let bot: TestBot;
let clock: ManualClock;

/** What one reminder run sent: [chat id, kind, text]. */
type Sent = [string, ChatRef['kind'], string];

/**
 * Lets the scheduler engine fire what is due at the clock's time (the daily 09:00 job), then waits
 * for the outbox, and returns what was delivered meanwhile.
 */
async function runJob(): Promise<Sent[]> {
  const before = bot.adapter.sent.length;
  await bot.app.scheduler.runDue(clock.now());
  await bot.app.idle('console');
  const sent = bot.adapter.sent.slice(before).map((d): Sent => [d.chat.chatId, d.chat.kind, d.message.kind === 'text' ? d.message.text : d.message.kind]);
  // The outbox keeps the order within a chat, not across chats: sort by chat (stable).
  return sent.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
}

/** Moves the clock to 09:00 Shanghai of a day in March 2026. */
const day = (d: number) => clock.set(`2026-03-${String(d).padStart(2, '0')}T01:00:00Z`);

beforeEach(async () => {
  db = await freshSqlite();
  clock = new ManualClock('2026-03-02T02:00:00Z');
  // Only the slices whose jobs this file asserts: other slices' daily jobs (the records' quarter-end
  // reminder to secretaries) would post into the same transcript.
  bot = await startTestBot(db, { clock, features: (all) => all.filter((f) => ['core', 'pledges', 'settings'].includes(f.name)) });
  await bot.say('管理员', `/bindchat ${BRANCH}`);
  for (const name of ['张三', '李四', '王五', '王书记']) await bot.say(name, '大家好');
  await bot.say('管理员', '/setrole @王书记 secretary');
  await bot.say('王书记', '/pledges 提醒 3 2');
  // This file asserts the full escalation: the unit chose group reminders that name people
  // (off by default: test/conversation/settings.test.ts).
  await bot.say('王书记', '/settings 群内提醒 开');
  await bot.say('王书记', '/settings 公开未打卡名单 开');
});

afterEach(async () => {
  await bot.stop();
  await db.close();
});

describe('reminders', () => {
  it('is registered as a daily job at 09:00', () => {
    expect(bot.app.jobs.cronJobs.get(REMINDER_JOB)?.expression).toBe('0 9 * * *');
  });

  it('escalates nudge → group → secretary, restarts after a check-in, skips exempt members', async () => {
    await bot.say('张三', '/pledge 帮扶困难户 目标5户');
    await bot.say('张三', '/checkin +1');
    await bot.say('李四', '/pledge 义务劳动 目标6次');
    await bot.say('王五', '/pledge 学习党章 目标12次');
    await bot.say('王书记', '/pledges 免提醒 @王五 病假 至2026-03-10');

    day(3);
    expect(await runJob()).toEqual([]);
    day(4);
    expect(await runJob()).toEqual([]);

    day(5); // 3 days idle: private nudges
    expect(await runJob()).toEqual([
      ['张三', 'private', '张三同志，您的承诺已经3天没有打卡了：\n#1 张三：帮扶困难户\n  ▓░░░░ 1/5户\n有进展请发：/checkin #1 +1 说明'],
      ['李四', 'private', '李四同志，您的承诺已经3天没有打卡了：\n#2 李四：义务劳动\n  ░░░░░░ 0/6次\n有进展请发：/checkin #2 +1 说明'],
    ]);
    // The engine's next pass the same day has nothing due; and the reminder round itself, run
    // again the same day (another instance, a manual run), finds every stage already sent.
    expect(await runJob()).toEqual([]);
    const direct: string[] = [];
    await db.db.$transaction((tx) =>
      runPledgeReminders({ db: tx, now: () => clock.now(), t: bot.app.translate, timeZone: 'Asia/Shanghai', botName: '先锋', capabilitiesOf: () => TEXT_CAPABILITIES, send: (chat) => direct.push(chat.chatId) }),
    );
    expect(direct).toEqual([]);

    day(6);
    await bot.say('张三', '/checkin +1 走访');
    expect(await runJob()).toEqual([]);

    day(7); // 2 days after the nudge, 李四 is mentioned in the group
    expect(await runJob()).toEqual([[BRANCH, 'group', '提醒：@李四 的承诺已3天以上没有打卡，有进展请发 /checkin 打卡。']]);

    day(8);
    expect(await runJob()).toEqual([]);

    day(9); // 2 more days: the secretary gets the list; 张三 idle 3 days since the 6th: a new nudge
    expect(await runJob()).toEqual([
      ['张三', 'private', '张三同志，您的承诺已经3天没有打卡了：\n#1 张三：帮扶困难户\n  ▓▓░░░ 2/5户\n有进展请发：/checkin #1 +1 说明'],
      [
        '王书记',
        'private',
        '以下同志的承诺3天以上没有打卡，已私信和在群里提醒过：\n李四：#2，上次打卡：无\n如外出务工或病假，可设免提醒：/pledges 免提醒 @姓名 外出务工',
      ],
    ]);

    day(10); // 王五 is still exempt on the 10th (inclusive)
    expect(await runJob()).toEqual([]);
    day(11); // the exemption is over: 王五, idle since the 2nd, starts with a private nudge; 张三 reaches the group stage
    const sent = await runJob();
    expect(sent.map(([chat, kind]) => [chat, kind])).toEqual([[BRANCH, 'group'], ['王五', 'private']]);
    expect(sent[0]![2]).toBe('提醒：@张三 的承诺已3天以上没有打卡，有进展请发 /checkin 打卡。');
    expect(sent[1]![2]).toContain('王五同志，您的承诺已经9天没有打卡了');

    const ledger = await db.db.pledgeReminder.findMany({ orderBy: { id: 'asc' }, select: { memberId: true, stage: true } });
    const names = new Map((await db.db.member.findMany()).map((m) => [m.id, m.name]));
    expect(ledger.map((r) => `${names.get(r.memberId)}:${r.stage}`)).toEqual([
      '张三:nudge', '李四:nudge', '李四:group', '张三:nudge', '李四:secretary', '张三:group', '王五:nudge',
    ]);
  });

  it('stops reminding once the target is reached or the pledge is withdrawn', async () => {
    await bot.say('张三', '/pledge 帮扶困难户 目标2户');
    await bot.say('张三', '/checkin +2');
    await bot.say('李四', '/pledge 义务劳动 目标6次');
    await bot.say('李四', '/pledge 撤回 #2');
    // The daily job runs every day for three weeks and says nothing.
    for (let d = 3; d <= 23; d++) {
      day(d);
      expect(await runJob(), `day ${d}`).toEqual([]);
    }
  });
});
