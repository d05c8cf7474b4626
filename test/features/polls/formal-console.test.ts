// Formal votes (表决) end to end through the console adapter: only full members vote (a 预备党员
// and a resident are refused with the reason), the results state the quorum, the threshold and
// the outcome in words, and /publish posts the decision to the unit's masses chat once.
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
async function runScript(lines: readonly string[]): Promise<string> {
  const db = await freshSqlite();
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'xf-formal-'));
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
  return transcript;
}

const BRANCH = '东北流村党支部';
const MEMBERS = ['张三', '李四', '赵五', '钱六', '孙七', '周八', '陈一'];

/**
 * Branch with secretary 王芳, seven members, 预备党员 吴九, and a masses chat with resident 郑十; the
 * admin (管理员) binds the chats but belongs to the township, so he has no vote here.
 */
const SETUP = [
  `:in ${BRANCH}`,
  `/bindchat ${BRANCH}`,
  ':as 王芳',
  '大家好',
  ...MEMBERS.flatMap((v) => [`:as ${v}`, '大家好']),
  ':as 吴九',
  '大家好',
  ':as 管理员',
  '/setrole @王芳 书记',
  '/setrole @吴九 预备党员',
  ':in 东北流村村民群',
  `/bindchat ${BRANCH} 群众`,
  ':as 郑十',
  '大家好',
];

describe('formal votes through the console', () => {
  it('counts only full members, states quorum, threshold and outcome, publishes once to the masses chat', async () => {
    const transcript = await runScript([
      ...SETUP,
      `:in ${BRANCH}`,
      ':as 王芳',
      '/poll 村集体鱼塘对外承包方案 --formal',
      ':as 吴九',
      '/vote #1 1',
      ':as 郑十',
      ':in 东北流村村民群',
      '/vote #1 1',
      `:in ${BRANCH}`,
      ...['王芳', '张三', '李四', '赵五', '钱六'].flatMap((v) => [`:as ${v}`, '/vote #1 1']),
      ':as 孙七',
      '/vote #1 2',
      ':as 王芳',
      '/publish #1',
      '/close #1',
      '/publish #1',
      '/publish #1',
    ]);
    if (process.env.PRINT_TRANSCRIPT) fs.writeFileSync(process.env.PRINT_TRANSCRIPT, transcript);
    expect(transcript).toContain('#1 是表决：只有正式党员投票；须过半数有表决权的党员参加，“赞成”超过应到人数的一半才通过。');
    expect(transcript).toContain('#1 是表决：预备党员没有表决权，可以参加讨论，不能投票。');
    expect(transcript).toContain('#1 是党员表决，群众不投票。');
    expect(transcript).toContain('#1 还没截止，截止后才能公开结果。');
    // 8 with a vote (王芳, seven members; not the admin); 6 took part; 5 in favour of 8 due: passed.
    expect(transcript).toContain('应到 8 人（有表决权）；须过半数参加（至少 5 人）；赞成须超过应到人数的一半（至少 5 票）。');
    expect(transcript).toContain('实到 6 人，赞成 5 票。');
    expect(transcript).toContain('结果：通过');
    expect(transcript).toContain('先锋 → [东北流村村民群]: 【公开】东北流村党支部党员大会表决：村集体鱼塘对外承包方案');
    expect(transcript).toContain('应到 8 人，实到 6 人，赞成 5 票。');
    expect(transcript).toContain('#1 的表决结果已经公开到 1 个群众群。');
    expect(transcript).toMatch(/#1 已经在 .+ 公开过了。/);
    expect(transcript.match(/【公开】/g)).toHaveLength(1);
  });

  it('a 四议两公开 review with --quorum 2/3 and anonymous ballots: 5 of 8 is too few, the vote is void', async () => {
    const voters = ['王芳', '张三', '李四', '赵五', '钱六'];
    const transcript = await runScript([
      ...SETUP,
      `:in ${BRANCH}`,
      ':as 王芳',
      '/poll 修建村文化广场 | 同意 | 不同意 --formal --quorum 2/3 --anon',
      '/poll 另一事项 --quorum 2/3',
      '/poll 又一事项 --formal --quorum 1/3',
      '/poll 再一事项 --formal --multi',
      ...voters.flatMap((v) => [`:as ${v}`, ':dm', '/vote #1 1', `:in ${BRANCH}`]),
      ':as 王芳',
      '/results #1',
      '/close #1',
    ]);
    if (process.env.PRINT_TRANSCRIPT) fs.writeFileSync(process.env.PRINT_TRANSCRIPT, transcript);
    expect(transcript).toContain('#1 是表决：只有正式党员投票；须三分之二以上有表决权的党员参加，“同意”超过应到人数的一半才通过。');
    expect(transcript).toContain('--quorum 只用于表决（--formal）。');
    expect(transcript).toContain('看不懂到会比例“1/3”，请写 2/3 或 1/2（不能低于一半）。');
    expect(transcript).toContain('表决只能选一项，不能加 --multi。');
    expect(transcript).not.toMatch(/实到 \d+ 人，赞成 \d+ 票。[\s\S]*\/close #1/);
    expect(transcript).toContain('应到 8 人（有表决权）；须三分之二以上参加（至少 6 人）；赞成须超过应到人数的一半（至少 5 票）。');
    expect(transcript).toContain('实到 5 人，赞成 5 票。');
    expect(transcript).toContain('结果：人数不足，表决无效');
  });
});
