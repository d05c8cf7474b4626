import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const root = path.resolve(import.meta.dirname, '../..');
const tsx = pathToFileURL(createRequire(path.join(root, 'package.json')).resolve('tsx')).href;
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'xianfeng-console-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

/** Runs `npm start`'s program with piped input, as a user would, on a SQLite file in a temp dir. */
function runConsole(input: string, env: Record<string, string> = {}) {
  return spawnSync(process.execPath, ['--import', tsx, path.join(root, 'src/main.ts')], {
    cwd: dir,
    env: { PATH: process.env.PATH, DATABASE_URL: `file:${path.join(dir, 'bot.db')}`, BOT_DATA_DIR: path.join(dir, 'data'), ...env },
    input,
    encoding: 'utf8',
    timeout: 60_000,
  });
}

describe('the console adapter, piped', () => {
  it('runs a conversation with :as/:in switching and role refusal, prints the transcript, exits 0', () => {
    const script = [
      '/help',
      ':as 李四',
      ':in 东北流村党支部',
      '/whoami',
      '/bindchat 东北流村党支部',
      ':as 管理员',
      '＃绑定群 东北流村党支部',
      ':as 李四',
      '#我',
      '@先锋 帮助',
      '/setrole 王五 secretary',
      ':as 管理员',
      '/setrole 李四 书记',
      ':as 李四',
      '/whoami。',
      '今天我打卡了，帮助了邻居',
      '/nosuch',
      ':dm',
      '/whoami',
    ].join('\n');
    const r = runConsole(`${script}\n`);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    const out = r.stdout;
    const expected = [
      '管理员@控制台> /help',
      '先锋: 你的身份是管理员，可以用这些命令：',
      // A group no admin has bound: /help says how to bind it; a stranger's commands get nothing.
      '本群还没有绑定单位，机器人暂不在这里服务。',
      '李四@控制台> :in 东北流村党支部',
      '现在在群“东北流村党支部”。',
      '李四@东北流村党支部> /whoami\n李四@东北流村党支部> /bindchat 东北流村党支部\n李四@东北流村党支部> :as 管理员',
      '管理员@东北流村党支部> ＃绑定群 东北流村党支部',
      '先锋: 本群已绑定到“东北流村党支部”。（新建了这个单位）',
      '李四@东北流村党支部> #我',
      '先锋: 姓名：李四\n    身份：党员\n    单位：东北流村党支部',
      '李四@东北流村党支部> @先锋 帮助',
      '先锋: 你的身份是党员，可以用这些命令：',
      '李四@东北流村党支部> /setrole 王五 secretary',
      '先锋: 这个命令需要管理员、书记身份才能用。',
      '管理员@东北流村党支部> /setrole 李四 书记',
      '先锋: 已把李四（M2，东北流村党支部）的身份改为书记。',
      '李四@东北流村党支部> /whoami。',
      '先锋: 姓名：李四\n    身份：书记\n    单位：东北流村党支部',
      '李四@东北流村党支部> 今天我打卡了，帮助了邻居\n李四@东北流村党支部> /nosuch',
      '先锋: 没有“nosuch”这个命令。发送 /help 查看能用的命令。',
      '李四@私聊> /whoami\n先锋: 姓名：李四',
    ];
    let at = 0;
    for (const piece of expected) {
      const found = out.indexOf(piece, at);
      expect(found, `transcript should contain, in order: ${piece}\n---\n${out}`).toBeGreaterThanOrEqual(0);
      at = found + piece.length;
    }
    // A member's help lists only what a member may do.
    const memberHelp = out.slice(out.indexOf('你的身份是党员'), out.indexOf('李四@东北流村党支部> /setrole'));
    expect(memberHelp).not.toContain('/bindchat');
  });

  it('remembers people and bindings across runs (SQLite file), and the first console user stays admin', () => {
    const r = runConsole(':as 李四\n:in 东北流村党支部\n/whoami\n:as 管理员\n/whoami\n');
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('姓名：李四\n    身份：书记\n    单位：东北流村党支部');
    expect(r.stdout).toContain('姓名：管理员\n    身份：管理员');
  });

  it('exits 0 on empty input', () => {
    const r = runConsole('');
    expect(r.status).toBe(0);
    expect(r.stdout).toBe('');
  });
});
