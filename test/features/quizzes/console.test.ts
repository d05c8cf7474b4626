// A full group quiz with three members through the console adapter: lines piped in as a person
// would type them (`:as 张三`, bare answers), the transcript read back. Time is a manual clock: the
// script is fed in chunks, and between chunks the clock moves and the scheduler runs what is due
// (question time-up, the next question), whose messages land in the same transcript.
import { PassThrough } from 'node:stream';
import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { ConsoleAdapter } from '../../../src/adapters/console/adapter.ts';
import { createApp, type App } from '../../../src/app.ts';
import { loadConfig } from '../../../src/config.ts';
import { ManualClock } from '../../../src/clock.ts';
import { freshSqlite } from '../../support/db.ts';
import type { Db as PrismaDb } from '../../../src/db/client.ts';
import { readShownQuestion } from './support.ts';

type Db = Awaited<ReturnType<typeof freshSqlite>>;

/** The bot on the console adapter, fed line by line, with the transcript collected. */
class ConsoleScript {
  private output = '';
  private answered = 0;
  private expected = 0;
  private waiters: (() => void)[] = [];
  readonly input = new PassThrough();
  readonly app: App;
  readonly adapter: ConsoleAdapter;

  constructor(
    readonly db: Db,
    readonly clock: ManualClock,
  ) {
    const out = new PassThrough();
    out.on('data', (chunk: Buffer) => (this.output += chunk.toString('utf8')));
    const config = loadConfig({ DATABASE_URL: db.url });
    const ref: { app?: App } = {};
    this.adapter = new ConsoleAdapter({
      input: this.input,
      output: out,
      interactive: false,
      botName: '先锋',
      translate: (k, v) => ref.app!.translate(k, v),
      clock,
      dataDir: '/nonexistent',
      waitForIdle: async () => {
        await ref.app!.idle('console');
        this.answered++;
        for (const w of this.waiters.splice(0)) w();
      },
    });
    const app = (ref.app = createApp({ config, database: db, adapters: [this.adapter], logger: pino({ level: 'silent' }), clock, outbox: { idleMs: 20 } }));
    this.app = app;
  }

  async start(): Promise<void> {
    await this.app.start();
    await this.app.scheduler.stop(); // due work runs when the script says so
  }

  /** Pipes lines in and waits until the last (a message, not a `:` line) has been answered. */
  async lines(...lines: string[]): Promise<void> {
    this.expected += lines.filter((l) => l.trim() && !l.startsWith(':')).length;
    this.input.write(lines.map((l) => `${l}\n`).join(''));
    while (this.answered < this.expected) await new Promise<void>((r) => this.waiters.push(r));
  }

  /** Moves the clock, runs what is due and waits for its messages to be printed. */
  async wait(ms: number): Promise<void> {
    this.clock.advance(ms);
    await this.app.scheduler.runDue();
    await this.app.idle('console');
  }

  /** The transcript since the last call. */
  private read = 0;
  take(): string {
    const text = this.output.slice(this.read);
    this.read = this.output.length;
    return text;
  }

  async stop(): Promise<void> {
    this.input.end();
    await this.adapter.finished();
    await this.app.stop();
  }
}

let script: ConsoleScript | undefined;
afterEach(async () => {
  await script?.stop();
  await script?.db.close();
  script = undefined;
});

/** The question printed in a transcript piece, without the console's `先锋: ` and indentation. */
function question(transcript: string): ReturnType<typeof readShownQuestion> {
  return readShownQuestion(transcript.replace(/^先锋: /gm, '').replace(/^ +/gm, ''));
}

/** Turns on the unit's public leaderboard (off at first: a unit's choice, /settings 公开积分榜). */
async function publicLeaderboard(db: PrismaDb): Promise<void> {
  const unit = await db.orgUnit.findFirstOrThrow({ where: { name: '东北流村党支部' } });
  await db.unitSetting.create({ data: { unitId: unit.id, key: 'leaderboard', on: true, updatedById: 1, updatedAt: new Date() } });
}

describe('console: a group quiz with three members', () => {
  it('plays through, with exact scores and ranking', { timeout: 90_000 }, async () => {
    const db = await freshSqlite();
    script = new ConsoleScript(db, new ManualClock('2026-11-26T02:00:00Z'));
    const s = script;
    await s.start();
    await s.lines('/bindchat 东北流村党支部', ':as 张三', '/quiz 纪律 2');
    const opening = s.take();
    expect(opening).toContain('管理员@控制台> /bindchat 东北流村党支部\n先锋: 本群已绑定到“东北流村党支部”。（新建了这个单位）\n');
    expect(opening).toContain('张三@控制台> /quiz 纪律 2\n先锋: 答题 #1 开始：纪律处分，共2题，每题30秒。答对得分，越快分越高。\n先锋: 答题 #1 第1/2题（30秒）\n');
    const q1 = question(opening);

    // 张三 right at 2 s (10), 李四 right at 8 s (9), 王五 wrong at 20 s.
    await s.wait(2_000);
    await s.lines(q1.right);
    await s.wait(6_000);
    await s.lines(':as 李四', `我选${q1.right}`);
    await s.wait(12_000);
    await s.lines(':as 王五', q1.wrong, q1.right);
    expect(s.take()).toBe(
      [
        `张三@控制台> ${q1.right}`,
        '先锋 → 与 张三 私聊: 已收到你对答题 #1 第1题的回答，本题结束后公布答案。',
        '张三@控制台> :as 李四',
        '现在你是 李四。',
        `李四@控制台> 我选${q1.right}`,
        '先锋 → 与 李四 私聊: 已收到你对答题 #1 第1题的回答，本题结束后公布答案。',
        '李四@控制台> :as 王五',
        '现在你是 王五。',
        `王五@控制台> ${q1.wrong}`,
        '先锋 → 与 王五 私聊: 已收到你对答题 #1 第1题的回答，本题结束后公布答案。',
        `王五@控制台> ${q1.right}`,
        '先锋: 王五，你已答过本题，以第一次作答为准。',
        '',
      ].join('\n'),
    );
    await s.wait(10_000);
    expect(s.take()).toMatch(/^先锋: 答题 #1 第1\/2题结束。\n {4}正确答案：.+\n {4}解析：.+\n {4}出处：.+\n {4}3人作答，2人答对：张三、李四\n$/);

    // Question 2: everyone who played question 1 answers, so it closes at the third answer.
    await s.wait(5_000);
    const q2 = question(s.take());
    await s.wait(1_000);
    await s.lines(q2.right); // 王五, 1 s: 10
    await s.wait(3_000);
    await s.lines(':as 张三', q2.wrong);
    await s.wait(3_000);
    await s.lines(':as 李四', q2.right); // 7 s: 9
    const end = s.take();
    expect(end).toContain('3人作答，2人答对：王五、李四\n');
    expect(end.endsWith(['先锋: 答题 #1 结束，排名：', '    1. 李四 答对2/2题 18分', '    2. 张三 答对1/2题 10分', '    2. 王五 答对1/2题 10分', ''].join('\n'))).toBe(true);

    await publicLeaderboard(script!.db.db);
    await s.lines('/rank', '/whoami');
    const rank = s.take();
    expect(rank).toContain(['先锋: 东北流村党支部 学习积分榜：', '    1. 李四 18分', '    2. 王五 10分', '    2. 张三 10分', '    本单位3人，3人有积分。'].join('\n'));
    expect(rank).toContain('学习积分：累计18分，今天18/100分');
  });
});
