// Defect 2 of issue 17: a question bank saved by Excel on Chinese Windows (GB18030) and put in the
// imports folder is read like the UTF-8 copy (the file-upload path already decoded it).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/clock.ts';
import { freshSqlite } from '../support/db.ts';
import { startTestBot, type TestBot } from '../support/app.ts';
import { gb18030Encoder } from '../support/gb18030.ts';

let bot: TestBot | undefined;
let dataDir: string | undefined;
let db: Awaited<ReturnType<typeof freshSqlite>> | undefined;
afterEach(async () => {
  await bot?.stop();
  await db?.close();
  db = undefined;
  if (dataDir) fs.rmSync(dataDir, { recursive: true, force: true });
  bot = undefined;
  dataDir = undefined;
});

const CSV = [
  '题目,选项,答案,解析,出处',
  '党的最高领导机关是什么？,党的全国代表大会和它所产生的中央委员会|中央纪律检查委员会|国务院,A,党的最高领导机关是党的全国代表大会和它所产生的中央委员会。,《中国共产党章程》第二章第十条',
].join('\r\n');

describe('a GB18030 question bank in the imports folder', () => {
  it('imports like the UTF-8 copy', async () => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'quiz-gbk-'));
    fs.mkdirSync(path.join(dataDir, 'imports'));
    const bytes = gb18030Encoder()(CSV);
    expect(() => new TextDecoder('utf-8', { fatal: true }).decode(bytes)).toThrow();
    fs.writeFileSync(path.join(dataDir, 'imports', '支部题库.csv'), bytes);
    db = await freshSqlite();
    bot = await startTestBot(db, { clock: new ManualClock('2026-11-26T02:00:00Z'), env: { BOT_DATA_DIR: dataDir } });
    await bot.app.scheduler.stop();
    await bot.say('管理员', '/bindchat 东北流村党支部');
    const reply = await bot.say('管理员', '/quiz import 支部学习 支部题库.csv');
    expect(reply[0]).toMatch(/^题库“支部学习”导入完成：接受1行，拒绝0行。/);
  });
});
